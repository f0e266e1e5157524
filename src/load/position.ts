/** Maps an offset in a source text to file:line:col (1-based; columns count characters). */
export function positionIn(
  source: string,
  file: string,
): (index: number | undefined) => { file: string; line: number; col: number } {
  return (index) => {
    if (index === undefined) return { file, line: 1, col: 1 };
    const before = source.slice(0, index);
    return { file, line: before.split('\n').length, col: index - before.lastIndexOf('\n') };
  };
}
