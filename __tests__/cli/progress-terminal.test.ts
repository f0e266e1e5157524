/**
 * Progress as users see it, from a real process: in a real terminal (tmux, 100×30) `pelato build` draws
 * one live line per task that is redrawn in place (what stays on the screen is the final state, not a
 * scroll of frames); through a pipe the same build prints plain lines with elapsed times and no control
 * sequences. Real componentize-js compiles of a `pelato init` project.
 */
import { execFileSync, spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { main } from '../../src/cli/main.js';
import { cliEntry } from '../helpers/cliProcess.js';
import { cleanupProjects, tempDir } from '../helpers/project.js';

const SOCKET = `pelato-test-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
const screen = () =>
  tmux('capture-pane', '-p', '-t', 'progress')
    .split('\n')
    .map((l) => l.trimEnd());

let project: string;
let entry: string;

/** The CLI as a child whose stdout and stderr are pipes (no terminal), as in CI and in `| tee`. */
async function piped(...args: string[]): Promise<{ out: string; err: string; code: number }> {
  const child = spawn(process.execPath, [entry, ...args], {
    env: { ...process.env, CI: '', PELATO_PROGRESS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  return { out, err, code };
}

beforeAll(async () => {
  entry = cliEntry();
  project = path.join(tempDir(), 'term');
  const quiet = { out: () => {}, err: () => {} };
  expect(await main(['init', project, '--type', 'processor_nats,http_producer_nats'], quiet, {})).toBe(0);
});

afterAll(() => {
  try {
    tmux('kill-server');
  } catch {
    /* not started */
  }
  cleanupProjects();
});

async function until<T>(what: string, probe: () => T | undefined, ms = 400_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; screen:\n${screen().join('\n')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('progress of pelato build', () => {
  test('in a terminal: one live line per task with its phase and seconds, redrawn in place', async () => {
    const script = path.join(project, '..', 'run.sh');
    // The terminal's own environment, minus what would make any tool think it runs in CI.
    writeFileSync(
      script,
      `unset CI GITHUB_ACTIONS PELATO_PROGRESS\ncd ${JSON.stringify(project)}\n` +
        `${JSON.stringify(process.execPath)} ${JSON.stringify(entry)} build --no-push\necho "EXIT:$?"\nsleep 600\n`,
    );
    tmux('new-session', '-d', '-s', 'progress', '-x', '100', '-y', '30', `bash ${script}`);
    // While it compiles: each task on a line of its own, a spinner, the phase and the seconds in it.
    const frame = await until('a frame that shows compile seconds', () => {
      const s = screen();
      return s.some((l) => /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] term-process +compiling \(componentize-js\) +\d+ s$/.test(l)) ? s : undefined;
    });
    expect(frame.filter((l) => /term-(process|ingest)/.test(l))).toHaveLength(2);
    const final = await until('the end of the build', () => {
      const s = screen();
      return s.some((l) => l.startsWith('EXIT:')) ? s : undefined;
    });
    expect(final).toContain('EXIT:0');
    // Drawn in place: each task is on the screen once as the live block left it (plus its table row),
    // and no frame of the compile is left behind.
    for (const app of ['term-ingest', 'term-process']) {
      expect(final.filter((l) => new RegExp(`^✓ ${app} +built, [\\d.]+ MiB +[\\d.]+ s$`).test(l))).toHaveLength(1);
      expect(
        final.filter((l) => new RegExp(`^ +${app} +built +[\\d.]+ MiB +\\(not pushed\\) +[\\d.]+ s$`).test(l)),
      ).toHaveLength(1);
    }
    expect(final.filter((l) => /compiling|checking/.test(l))).toEqual([]);
    expect(final.some((l) => /^2 tasks in [\d.]+ s \(not pushed\)$/.test(l))).toBe(true);
  }, 600_000);

  test('through a pipe: plain lines with elapsed times, no control sequences', async () => {
    rmSync(path.join(project, '.pelato'), { recursive: true, force: true }); // compile again
    const { out, err, code } = await piped('build', project, '--no-push');
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).not.toContain('\u001b');
    for (const app of ['term-ingest', 'term-process']) {
      const mine = out.split('\n').filter((l) => l.startsWith(`${app}: `));
      expect(mine.length).toBeGreaterThanOrEqual(3);
      expect(mine[0]).toBe(`${app}: compiling (componentize-js)`);
      expect(mine.at(-2)).toMatch(new RegExp(`^${app}: checking the component \\(\\d+\\.\\d s\\)$`));
      expect(mine.at(-1)).toMatch(new RegExp(`^${app}: built, [\\d.]+ MiB \\(\\d+\\.\\d s\\)$`));
      // in between, only "still compiling" heartbeats (a compile longer than 30 s)
      expect(mine.slice(1, -2).every((l) => l.startsWith(`${app}: still compiling (`))).toBe(true);
    }
    expect(out.split('\n').filter(Boolean).at(-1)).toMatch(/^2 tasks in [\d.]+ s \(not pushed\)$/);
  }, 600_000);
});

describe('the log of pelato dev, from a real process', () => {
  test("the host's lines written while a component runs stay the host's: " +
    "in order, not taken for the component's stdout", async () => {
    // The components built above, from the cache. In a real process the component's stdout (captured
    // per call, TinyGo prints its panics there) and dev's own log are the same process.stdout.
    const { out, err, code } = await piped('dev', project, '--once', '--send', 'term.in=hello');
    expect(err).toBe('');
    expect(code).toBe(0);
    const flow = out
      .split('\n')
      .filter((l) => /^\d\d:\d\d:\d\d\.\d{3} {2}/.test(l))
      .map((l) => l.slice(14));
    expect(flow).toEqual([
      'send → term.in  "hello"',
      'term.in → term-ingest  "hello"',
      'term-ingest → term.raw.http  "{\\"text\\":\\"hello\\"}"',
      'term.raw.http → term-process  "{\\"text\\":\\"hello\\"}"',
      'term-process → term.processed  "{\\"text\\":\\"HELLO\\",\\"length\\":5}"',
    ]);
  }, 600_000);
});
