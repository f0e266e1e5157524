/**
 * The live display on a terminal: one line per task — a spinner, the task, what it is doing and for how
 * long — redrawn in place ten times a second, below everything else the command prints. The final state
 * stays on the screen when the display closes.
 *
 * No library: log-update 7.2 (the smallest well-kept one, erase-and-redraw only) adds 101 KB to the CLI
 * bundle (+7 %) through eight dependencies, and listr2 9.0 adds 102 KB and wants to run the tasks itself;
 * what they would replace here is the erase sequence and the line truncation, about fifteen lines.
 */
import { isDone, secs, type Phase, type Progress, type TaskEvent, type Terminal } from './progress.js';
import type { Reporter } from './report.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const ESC = '\u001b[';

interface Line {
  phase: Phase;
  text: string;
  started: number;
  since: number;
  ended?: number;
}

export interface LiveOptions {
  color: boolean;
  now?: () => number;
  /** Redraw interval, ms (default 100). */
  intervalMs?: number;
}

export function liveProgress(term: Terminal, r: Reporter, opts: LiveOptions): Progress {
  const now = opts.now ?? Date.now;
  const tasks = new Map<string, Line>();
  let shown = 0;
  let closed = false;
  const paint = (code: string, s: string) => (opts.color ? `${ESC}${code}m${s}${ESC}0m` : s);

  const erase = () => (shown > 0 ? `${ESC}${shown}F${ESC}J` : '');

  function frame(final: boolean): string[] {
    const t = now();
    const width = Math.max(...[...tasks.keys()].map((k) => k.length), 0);
    const columns = Math.max(20, term.columns()) - 1;
    const lineOf = (task: string, l: Line): string => {
      const done = isDone(l.phase);
      const icon =
        l.phase === 'failed'
          ? paint('31', '✗')
          : done
            ? paint('32', '✓')
            : l.phase === 'queued'
              ? paint('2', '·')
              : paint('36', SPINNER[Math.floor(t / 80) % SPINNER.length]!);
      const elapsed = done
        ? secs((l.ended ?? t) - l.started)
        : l.phase === 'queued' || t - l.since < 1000
          ? ''
          : `${Math.floor((t - l.since) / 1000)} s`;
      const head = `${task.padEnd(width)}  `;
      const tail = elapsed ? `  ${elapsed}` : '';
      // Never wider than the terminal: a wrapped line would break the count of lines to redraw.
      const room = columns - 2 - head.length - tail.length;
      const text = room <= 1 ? '' : l.text.length > room ? `${l.text.slice(0, room - 1)}…` : l.text;
      return `${icon} ${head}${text}${paint('2', tail)}`;
    };
    const all = [...tasks].map(([task, l]) => ({ task, l }));
    const max = Math.max(3, term.rows() - 2);
    if (all.length <= max) return all.map(({ task, l }) => lineOf(task, l));
    // More tasks than the screen holds: the ones at work, and a count of the rest.
    const working = all.filter(({ l }) => !isDone(l.phase) && l.phase !== 'queued');
    const shownWorking = final ? [] : working.slice(0, max - 1);
    const rest = all.filter((x) => !shownWorking.includes(x));
    const failed = rest.filter(({ l }) => l.phase === 'failed').length;
    const done = rest.filter(({ l }) => isDone(l.phase)).length;
    const waiting = rest.length - done;
    const counts = [
      `${done} done${failed ? ` (${failed} failed)` : ''}`,
      ...(waiting ? [`${waiting} ${final ? 'not finished' : 'waiting'}`] : []),
    ];
    return [...shownWorking.map(({ task, l }) => lineOf(task, l)), `  … ${counts.join(', ')}`];
  }

  function draw(final = false): void {
    const lines = frame(final);
    term.write(`${erase()}${lines.map((l) => `${l}\n`).join('')}`);
    shown = lines.length;
  }

  const timer = setInterval(() => draw(), opts.intervalMs ?? 100);
  timer.unref();

  /** A line of the command's own output: above the block, which is drawn again below it. */
  const around = (print: (l: string) => void) => (line: string) => {
    if (closed) return print(line);
    term.write(erase());
    shown = 0;
    print(line);
    draw();
  };

  return {
    onEvent: (e: TaskEvent) => {
      const t = now();
      const prev = tasks.get(e.task);
      const started = !prev || prev.phase === 'queued' ? t : prev.started;
      const text = (e.text ?? e.phase).split('\n')[0]!;
      tasks.set(e.task, { phase: e.phase, text, started, since: t, ...(isDone(e.phase) ? { ended: t } : {}) });
      if (!closed) draw();
    },
    reporter: { out: around((l) => r.out(l)), err: around((l) => r.err(l)) },
    close: () => {
      if (closed) return;
      clearInterval(timer);
      if (tasks.size) draw(true);
      closed = true;
    },
  };
}
