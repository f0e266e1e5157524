// Greets whoever is named in the message (or the HTTP body). Blank names are dropped: an empty result
// publishes nothing (and answers 204 over HTTP).
declare function taskConfig(key: string): string | undefined;

export function execTask(arg: string): string {
  const name = arg.trim();
  if (name === '') return '';
  const greeting = taskConfig('greeting') ?? 'Hello';
  return `${greeting}, ${name}!`;
}
