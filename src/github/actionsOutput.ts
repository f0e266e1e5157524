/**
 * What a step shows in GitHub Actions beyond plain log lines: collapsible log groups per task
 * (`::group::` … `::endgroup::`) and the job summary (Markdown appended to the file GITHUB_STEP_SUMMARY
 * names). The CLI uses it when it runs inside Actions, so the composites' scripts only map inputs to
 * options and write outputs; the summaries come from the typed results, not from scraping the log.
 */
import { appendFileSync } from 'node:fs';
import { escapeData } from '../common/report.js';

export interface ActionsOutput {
  /** Appends a Markdown section to the job summary (nothing when the runner gave no summary file). */
  summary(markdown: string): void;
  /** Log groups for tasks that run at the same time. */
  groups(print: (line: string) => void): TaskGroups;
}

/** Set inside GitHub Actions (GITHUB_ACTIONS=true, as the runner sets it), else undefined. */
export function actionsOutput(env: NodeJS.ProcessEnv): ActionsOutput | undefined {
  if (env.GITHUB_ACTIONS !== 'true') return undefined;
  const file = env.GITHUB_STEP_SUMMARY;
  return {
    summary: (md) => {
      // a blank line after each section, so the next one's heading or table starts a new block
      if (file) appendFileSync(file, md.replace(/\n*$/, '\n\n'));
    },
    groups: (print) => new TaskGroups(print),
  };
}

/**
 * Tasks build and deploy in parallel, but log groups can neither nest nor interleave: each task's lines
 * are held until the task ends, then printed together as one group titled with its result. Lines that
 * arrive for a task after it ended (a late status update) are printed at once, outside any group.
 */
export class TaskGroups {
  private readonly held = new Map<string, string[]>();
  private readonly ended = new Set<string>();

  constructor(private readonly print: (line: string) => void) {}

  line(key: string, text: string): void {
    if (this.ended.has(key)) {
      this.print(text);
      return;
    }
    const lines = this.held.get(key) ?? [];
    lines.push(text);
    this.held.set(key, lines);
  }

  /** Prints the task's group: its title, the lines held for it, then `more` lines. */
  end(key: string, title: string, more: string[] = []): void {
    if (this.ended.has(key)) return;
    const lines = [...(this.held.get(key) ?? []), ...more];
    this.held.delete(key);
    this.ended.add(key);
    this.print(`::group::${escapeData(title)}`);
    for (const l of lines) this.print(l);
    this.print('::endgroup::');
  }

  /** Prints every group still held (a stage that stopped before its tasks ended), so no line is lost. */
  flush(title: (key: string) => string = (key) => key): void {
    for (const key of [...this.held.keys()]) this.end(key, title(key));
  }
}
