interface Measured {
  text: string;
  characters: number;
  words: number;
}

// Describes the text it receives as JSON.
export function execTask(arg: string): string {
  const m: Measured = { text: arg, characters: [...arg].length, words: arg.split(/\s+/).filter(Boolean).length };
  return JSON.stringify(m);
}
