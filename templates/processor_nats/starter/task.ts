// execTask handles every message on source_topic: the "text" field of a JSON message (or the whole
// body) in upper case, with its length. The result is published to dest_topic; an empty result
// publishes nothing.
export function execTask(arg: string): string {
  let text = arg.trim();
  try {
    const m = JSON.parse(arg);
    if (typeof m?.text === 'string' && m.text !== '') text = m.text;
  } catch {
    // not JSON: the whole body is the text
  }
  if (text === '') return '';
  return JSON.stringify({ text: text.toUpperCase(), length: [...text].length });
}
