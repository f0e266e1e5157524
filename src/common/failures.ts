/**
 * The closing summary of a command that works on many tasks (build, test, deploy, remove): after all the
 * detail, the last lines say which tasks failed, each with the first line of its error, so a failure in
 * one of twenty tasks is not lost in the scroll-back.
 */
export interface TaskFailure {
  task: string;
  error: string;
}

/** A compiler's position line (`tasks/x.go:3:5: …`) when the error has one, else its first line. */
export function firstErrorLine(error: string): string {
  const lines = error
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.find((l) => /^[^\s:]+:\d+(:\d+)?: /.test(l)) ?? lines[0] ?? '';
}

/**
 * `2 of 5 tasks failed:` and one line per failed task; nothing when none failed. `noun` and `verb` fit
 * the stage: "tasks … failed", "apps … not deployed".
 */
export function closingSummary(
  failures: readonly TaskFailure[],
  total: number,
  noun = 'task',
  verb = 'failed',
): string[] {
  if (!failures.length) return [];
  const width = Math.max(...failures.map((f) => f.task.length));
  return [
    `${failures.length} of ${total} ${noun}${total === 1 ? '' : 's'} ${verb}:`,
    ...failures.map((f) => `  ${f.task.padEnd(width)}  ${firstErrorLine(f.error)}`),
  ];
}
