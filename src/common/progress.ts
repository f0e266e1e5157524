/**
 * Progress of the commands that take a while (build, test, dev, deploy, remove, brush), per task. The
 * stages report typed events — task X entered phase Y — and never format progress themselves; one
 * display per command turns the events into what suits where the output goes:
 *
 * - a terminal (stdout is a TTY, not CI): a live block, one line per task with its phase and the time it
 *   has spent in it, redrawn in place (src/common/liveProgress.ts); other output scrolls above it;
 * - pipes, files and CI: plain lines, one per phase change, with the task's elapsed time, and a "still
 *   compiling" line when a phase lasts long, so a slow CI step is never silent;
 * - GitHub Actions: the same plain lines, into each task's log group (the command opens and closes them);
 * - `--json` and `--quiet`: nothing.
 *
 * PELATO_PROGRESS=plain|live overrides the choice (auto by default).
 */
import { PelatoError } from './diagnostics.js';
import type { Reporter } from './report.js';
import { setting, type Env } from './settings.js';

/** A phase in which work is still going on. */
export type ActivePhase =
  | 'queued'
  | 'looking-up'
  | 'compiling'
  | 'checking'
  | 'pushing'
  | 'testing'
  | 'preparing'
  | 'storing'
  | 'deploying'
  | 'reconciling'
  | 'waiting'
  | 'undeploying'
  | 'starting';

/** A phase that ends the task's work in this command (a later stage may start it again). */
export type DonePhase = 'built' | 'cached' | 'unchanged' | 'passed' | 'deployed' | 'removed' | 'running' | 'failed';

export type Phase = ActivePhase | DonePhase;

const DONE: ReadonlySet<Phase> = new Set<DonePhase>([
  'built',
  'cached',
  'unchanged',
  'passed',
  'deployed',
  'removed',
  'running',
  'failed',
]);

export const isDone = (p: Phase): p is DonePhase => DONE.has(p);

/** Task `task` entered `phase`; `text` says it in words (the plain line), e.g. "compiling (TinyGo)". */
export interface TaskEvent {
  task: string;
  phase: Phase;
  text?: string;
}

export type OnTaskEvent = (e: TaskEvent) => void;

export interface Progress {
  /** Where a stage sends its events. */
  readonly onEvent: OnTaskEvent;
  /**
   * Prints the line outside any task (above a live block, so it is not overwritten). Output of the
   * command goes through `reporter` while the display is open; this is a shorthand for reporter.out.
   */
  readonly reporter: Reporter;
  /** Ends the display: a live block is drawn a last time and stays on the screen. */
  close(): void;
}

/** A terminal stdout, for the live display: raw writes (control sequences) and its size. */
export interface Terminal {
  write(text: string): void;
  columns(): number;
  rows(): number;
}

export type ProgressMode = 'live' | 'plain' | 'silent';

/** How progress shows for this command, from where its output goes and the settings. */
export function progressMode(opts: { json?: boolean; quiet?: boolean }, r: Reporter, env: Env): ProgressMode {
  if (opts.json || opts.quiet) return 'silent';
  const asked = setting(env, 'progress').toLowerCase();
  if (!['auto', 'live', 'plain'].includes(asked)) {
    throw new PelatoError(`PELATO_PROGRESS must be auto, live or plain, got "${asked}"`, undefined, 'setting');
  }
  if (asked === 'plain' || !r.terminal) return 'plain';
  if (asked === 'live') return 'live';
  // GitHub Actions, and every CI that sets CI=true, log to a file even when it looks like a terminal.
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== 'false';
  return ci || env.GITHUB_ACTIONS === 'true' || env.TERM === 'dumb' ? 'plain' : 'live';
}

/** Seconds as shown in progress: `12.3 s`. */
export const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** How often a plain display says that a long phase is still going on. */
export const STILL_EVERY_MS = 30_000;

interface TaskState {
  phase: Phase;
  /** When the task's first event came, and when it entered its current phase. */
  started: number;
  since: number;
  /** When the last plain line for it was printed. */
  printed: number;
}

/**
 * Plain lines: `<task>: <text>` at every phase change (not for `queued`), the task's elapsed time
 * after it, and `<task>: still <phase> (N s)` every STILL_EVERY_MS of a phase that does not end.
 * `print` gets the task too, so that GitHub Actions can put the line into the task's log group.
 */
export function plainProgress(
  r: Reporter,
  print: (task: string, line: string) => void = (_t, l) => r.out(l),
  now: () => number = Date.now,
): Progress {
  const tasks = new Map<string, TaskState>();
  const timer = setInterval(() => {
    const t = now();
    for (const [task, s] of tasks) {
      if (isDone(s.phase) || s.phase === 'queued' || t - s.printed < STILL_EVERY_MS) continue;
      s.printed = t;
      print(task, `${task}: still ${s.phase} (${secs(t - s.since)})`);
    }
  }, 1000);
  timer.unref();
  return {
    onEvent: (e) => {
      const t = now();
      const prev = tasks.get(e.task);
      // Time in the queue is not the task's: its clock starts with its first real phase.
      const started = !prev || prev.phase === 'queued' ? t : prev.started;
      const s: TaskState = { phase: e.phase, started, since: t, printed: t };
      tasks.set(e.task, s);
      if (e.phase === 'queued') return;
      const elapsed = t - s.started;
      print(e.task, `${e.task}: ${e.text ?? e.phase}${elapsed >= 100 ? ` (${secs(elapsed)})` : ''}`);
    },
    reporter: r,
    close: () => clearInterval(timer),
  };
}

/** --json and --quiet: events are dropped; the command's own output still goes to `r`. */
export function silentProgress(r: Reporter): Progress {
  return { onEvent: () => {}, reporter: r, close: () => {} };
}
