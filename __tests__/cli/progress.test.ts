/**
 * The progress displays on their own: plain lines (pipes, CI) and the live block (a terminal), driven by
 * typed events with a hand-moved clock, and the choice between them. The real terminal (tmux) and the
 * real pipe are in progress-terminal.test.ts.
 */
import { liveProgress } from '../../src/common/liveProgress.js';
import { plainProgress, progressMode, STILL_EVERY_MS, type Terminal } from '../../src/common/progress.js';
import { closingSummary, firstErrorLine } from '../../src/common/failures.js';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

/** A terminal that interprets the few sequences the live display writes: CSI n F (n lines up) and CSI J. */
class ScreenTerminal implements Terminal {
  lines: string[] = [''];
  writes = 0;
  constructor(
    private readonly cols = 80,
    private readonly height = 24,
  ) {}
  columns = () => this.cols;
  rows = () => this.height;
  write(text: string): void {
    this.writes++;
    let i = 0;
    while (i < text.length) {
      const m = /^\u001b\[(\d*)([FJ])/.exec(text.slice(i));
      if (m) {
        if (m[2] === 'F') {
          this.lines.splice(this.lines.length - 1 - Number(m[1] || 1));
          this.lines.push('');
        } else this.lines[this.lines.length - 1] = '';
        i += m[0].length;
        continue;
      }
      const ch = text[i]!;
      if (ch === '\n') this.lines.push('');
      else this.lines[this.lines.length - 1] += ch;
      i++;
    }
  }
  /** What the screen shows, without the empty line the cursor sits on. */
  screen(): string[] {
    return this.lines.slice(0, -1);
  }
}

describe('plain progress', () => {
  test("one line per phase change with the task's elapsed time; no line for queued", () => {
    const c = clock();
    const lines: string[] = [];
    const p = plainProgress({ out: (l) => lines.push(l), err: () => {} }, undefined, c.now);
    p.onEvent({ task: 'a', phase: 'queued' });
    c.advance(5000); // time in the queue is not the task's
    p.onEvent({ task: 'a', phase: 'compiling', text: 'compiling (componentize-js)' });
    c.advance(12_300);
    p.onEvent({ task: 'a', phase: 'checking' });
    c.advance(200);
    p.onEvent({ task: 'a', phase: 'built', text: 'built, 11.0 MiB' });
    p.close();
    expect(lines).toEqual(['a: compiling (componentize-js)', 'a: checking (12.3 s)', 'a: built, 11.0 MiB (12.5 s)']);
  });

  test('a long phase says it is still going on', async () => {
    const c = clock();
    const lines: string[] = [];
    const p = plainProgress({ out: (l) => lines.push(l), err: () => {} }, undefined, c.now);
    p.onEvent({ task: 'slow', phase: 'compiling' });
    c.advance(STILL_EVERY_MS + 1);
    await new Promise((r) => setTimeout(r, 1100));
    p.close();
    expect(lines).toEqual(['slow: compiling', `slow: still compiling (${((STILL_EVERY_MS + 1) / 1000).toFixed(1)} s)`]);
  });
});

describe('live progress', () => {
  test('one line per task, redrawn in place; other output scrolls above it; the final state stays', () => {
    const c = clock();
    const term = new ScreenTerminal();
    const out: string[] = [];
    const p = liveProgress(
      term,
      { out: (l) => term.write(`${l}\n`), err: (l) => out.push(l) },
      { color: false, now: c.now, intervalMs: 60_000 },
    );
    p.onEvent({ task: 'hello-greet', phase: 'queued' });
    p.onEvent({ task: 'shout', phase: 'queued' });
    expect(term.screen()).toEqual(['· hello-greet  queued', '· shout        queued']);
    p.onEvent({ task: 'hello-greet', phase: 'compiling', text: 'compiling (componentize-js)' });
    c.advance(12_400);
    p.onEvent({ task: 'shout', phase: 'compiling', text: 'compiling (TinyGo)' });
    expect(term.screen()).toEqual([
      expect.stringMatching(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] hello-greet {2}compiling \(componentize-js\) {2}12 s$/),
      expect.stringMatching(/^. shout {8}compiling \(TinyGo\)$/),
    ]);
    p.reporter.out('a line of the command');
    c.advance(600);
    p.onEvent({ task: 'shout', phase: 'failed', text: 'failed: tasks/shout.go:3:1: syntax error\nmore' });
    p.onEvent({ task: 'hello-greet', phase: 'built', text: 'built, 11.0 MiB' });
    p.close();
    expect(term.screen()).toEqual([
      'a line of the command',
      '✓ hello-greet  built, 11.0 MiB  13.0 s',
      '✗ shout        failed: tasks/shout.go:3:1: syntax error  0.6 s',
    ]);
    p.reporter.out('after');
    expect(term.screen().at(-1)).toBe('after');
  });

  test('lines are cut to the terminal width, so the block never wraps', () => {
    const term = new ScreenTerminal(40);
    const p = liveProgress(term, { out: () => {}, err: () => {} }, { color: false, intervalMs: 60_000 });
    p.onEvent({ task: 't', phase: 'pushing', text: `pushing to ${'x'.repeat(100)}` });
    p.close();
    expect(term.screen()).toHaveLength(1);
    expect([...term.screen()[0]!].length).toBeLessThan(40);
    expect(term.screen()[0]).toMatch(/…/);
  });

  test('more tasks than rows: the working ones and a count of the rest', () => {
    const c = clock();
    const term = new ScreenTerminal(80, 8);
    const p = liveProgress(term, { out: () => {}, err: () => {} }, { color: false, now: c.now, intervalMs: 60_000 });
    for (let i = 0; i < 20; i++) p.onEvent({ task: `t${i}`, phase: 'queued' });
    for (let i = 0; i < 12; i++) p.onEvent({ task: `t${i}`, phase: 'built' });
    p.onEvent({ task: 't12', phase: 'compiling' });
    p.onEvent({ task: 't13', phase: 'failed' });
    expect(term.screen()).toEqual([expect.stringMatching(/ t12 +compiling$/), '  … 13 done (1 failed), 6 waiting']);
    p.close();
    expect(term.screen()).toEqual(['  … 13 done (1 failed), 7 not finished']);
  });
});

describe('which display', () => {
  const tty = { out: () => {}, err: () => {}, terminal: new ScreenTerminal() };
  const pipe = { out: () => {}, err: () => {} };
  test.each([
    [{}, tty, {}, 'live'],
    [{}, pipe, {}, 'plain'],
    [{}, tty, { CI: 'true' }, 'plain'],
    [{}, tty, { GITHUB_ACTIONS: 'true' }, 'plain'],
    [{}, tty, { TERM: 'dumb' }, 'plain'],
    [{}, tty, { PELATO_PROGRESS: 'plain' }, 'plain'],
    [{}, tty, { CI: 'true', PELATO_PROGRESS: 'live' }, 'live'],
    [{}, pipe, { PELATO_PROGRESS: 'live' }, 'plain'],
    [{ json: true }, tty, {}, 'silent'],
    [{ quiet: true }, tty, {}, 'silent'],
  ])('%j on %#', (opts, r, env, mode) => {
    expect(progressMode(opts, r, env)).toBe(mode);
  });
  test('a wrong PELATO_PROGRESS names the setting', () => {
    expect(() => progressMode({}, pipe, { PELATO_PROGRESS: 'fancy' })).toThrow(
      'PELATO_PROGRESS must be auto, live or plain, got "fancy"',
    );
  });
});

describe('the closing summary', () => {
  test('every failed task with its first error line, a compiler position first', () => {
    expect(
      firstErrorLine(
        'tinygo build failed for a:\n  # pelatotask\n  tasks/a.go:3:2: undefined: x\n  tasks/a.go:4:2: more',
      ),
    ).toBe('tasks/a.go:3:2: undefined: x');
    expect(firstErrorLine('\n  not found\n  hint')).toBe('not found');
    expect(
      closingSummary(
        [
          { task: 'a', error: 'boom\nmore' },
          { task: 'longer', error: 'tasks/l.ts:1: x' },
        ],
        3,
      ),
    ).toEqual(['2 of 3 tasks failed:', '  a       boom', '  longer  tasks/l.ts:1: x']);
    expect(closingSummary([], 3)).toEqual([]);
  });
});
