// execTask gets the body of an HTTP POST (or of a message on source_topic). Its result is published to
// dest_topic and is the HTTP response; an empty result publishes nothing and answers 204 No Content.
export function execTask(arg: string): string {
  const text = arg.trim();
  if (text === '') return '';
  return JSON.stringify({ text });
}
