/**
 * `pelato dev --watch` for real: a `pelato init` project running over a real nats-server; a task file is
 * edited mid-run and the next message is answered by the new code, on the same bus and the same HTTP
 * port, with only that task rebuilt; a broken edit keeps the running version; a workflow.yaml edit moves
 * a subscription without a rebuild; an edited HTTP task answers on the same port. A second session on
 * the same port is told which port and who holds it.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { main } from '../../src/cli/main.js';
import { startNatsServer, type NatsServer } from '../deploy/helpers/natsServer.js';
import { cleanupProjects, tempDir } from '../helpers/project.js';
import { toolEnv } from '../package/helpers/registry.js';

let nats: NatsServer;
let nc: NatsConnection;

beforeAll(async () => {
  nats = await startNatsServer();
  nc = await connect({ servers: nats.url });
});
afterAll(async () => {
  await nc?.close();
  await nats?.stop();
  cleanupProjects();
});

/** A CLI run whose lines can be waited for while it runs. */
function start(env: Record<string, string>, ...argv: string[]) {
  const lines: string[] = [];
  const err: string[] = [];
  const waiters: Array<() => void> = [];
  const push = (into: string[]) => (l: string) => {
    into.push(...l.split('\n'));
    for (const w of waiters.splice(0)) w();
  };
  const done = main(argv, { out: push(lines), err: push(err) }, toolEnv({ PARALLEL_BUILD: '2', ...env }));
  return {
    lines,
    err,
    done,
    /** Resolves with the first line (from `from` on) that matches. */
    async line(re: RegExp, from = 0, ms = 600_000): Promise<number> {
      const end = Date.now() + ms;
      for (;;) {
        const i = lines.findIndex((l, n) => n >= from && re.test(l));
        if (i >= 0) return i;
        if (Date.now() > end) throw new Error(`no line matching ${re}; got:\n${lines.join('\n')}\n${err.join('\n')}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 1000);
        });
      }
    },
  };
}

/** Publishes `body` on `subject` and returns the next message on `reply`. */
async function roundTrip(subject: string, body: string, reply: string): Promise<string> {
  const sub = nc.subscribe(reply, { max: 1, timeout: 30_000 });
  await nc.flush();
  nc.publish(subject, body);
  for await (const m of sub) return m.string();
  throw new Error(`nothing on ${reply}`);
}

describe('pelato dev --watch', () => {
  test('an edited task is rebuilt and swapped in; the bus, the other task and the HTTP port stay', async () => {
    const dir = path.join(tempDir(), 'watched');
    expect(await main(['init', dir], { out: () => {}, err: () => {} }, {})).toBe(0);
    const offset = 20000 + Math.floor(Math.random() * 20000);
    const url = `http://127.0.0.1:${8000 + offset}/ingest`;
    const dev = start({ NATS_URL: nats.url }, 'dev', dir, '--watch', '--http-port-offset', String(offset));
    await dev.line(/^running; watching workflow\.yaml and tasks\/ for changes; Ctrl-C stops$/);
    expect(dev.lines).toContain(`watched-ingest           serves POST ${url}`);

    // before: upper case
    expect(JSON.parse(await roundTrip('watched.in', 'abc', 'watched.processed'))).toEqual({ text: 'ABC', length: 3 });
    const before = await fetch(url, { method: 'POST', body: 'posted' });
    expect([before.status, await before.text()]).toEqual([200, '{"text":"posted"}']);

    // edit the processor mid-run
    const file = path.join(dir, 'tasks', 'process.ts');
    const original = readFileSync(file, 'utf8');
    writeFileSync(
      file,
      original.replace(
        'text: text.toUpperCase(), length: [...text].length',
        'text: text.toLowerCase(), length: [...text].length, v: 2',
      ),
    );
    const changed = await dev.line(/↻ tasks\/process\.ts changed: rebuilding$/);
    const swapped = await dev.line(/↻ watched-process: new build swapped in \(0\.1\.0, [0-9a-f]{12}\)$/, changed);
    await dev.line(/↻ swapped in 1 of 2 tasks in [\d.]+ s; watching$/, swapped);
    // only the edited task was rebuilt
    const rebuild = dev.lines.slice(changed);
    expect(rebuild.filter((l) => l.startsWith('watched-process: compiling'))).toHaveLength(1);
    expect(rebuild.filter((l) => l.startsWith('watched-ingest'))).toEqual([]);
    // the next message is answered by the new code, over the same bus; the HTTP port is the same
    expect(JSON.parse(await roundTrip('watched.in', 'XyZ', 'watched.processed'))).toEqual({
      text: 'xyz',
      length: 3,
      v: 2,
    });
    const after = await fetch(url, { method: 'POST', body: 'again' });
    expect([after.status, await after.text()]).toEqual([200, '{"text":"again"}']);
    expect(dev.lines.some((l) => /^\d\d:\d\d:\d\d\.\d{3} {2}HTTP POST \/ingest → watched-ingest$/.test(l))).toBe(true);

    // a second session of the same project on the same port: one message naming the port and who has it
    const second = start({}, 'dev', dir, '--once', '--http-port-offset', String(offset));
    expect(await second.done).toBe(1);
    expect(second.err.join('\n')).toBe(
      `error: port ${8000 + offset} on 127.0.0.1, ` +
        `where watched-ingest (http.address 0.0.0.0:8000 + offset ${offset}) is served, ` +
        `is already in use by another pelato dev session (process ${process.pid} for ${dir}, ` +
        'serving watched-ingest there)\n' +
        '  hint: stop that one, or run this session with --http-port-offset N (or PELATO_HTTP_PORT_OFFSET) to ' +
        "move every HTTP task's port up by N",
    );
    // a port held by something else is named as such
    const other = net.createServer().listen(8002 + offset, '127.0.0.1');
    await new Promise((r) => other.once('listening', r));
    try {
      const third = start({}, 'dev', dir, '--once', '--http-port-offset', String(offset + 2));
      expect(await third.done).toBe(1);
      expect(third.err[0]).toBe(
        `error: port ${8002 + offset} on 127.0.0.1, ` +
          `where watched-ingest (http.address 0.0.0.0:8000 + offset ${offset + 2}) is served, ` +
          'is already in use by another program',
      );
    } finally {
      other.close();
    }
    // ... and with an offset of its own it runs beside the first
    const beside = start(
      {},
      'dev',
      dir,
      '--once',
      '--http-port-offset',
      String(offset + 1),
      '--send',
      'watched.in=side',
    );
    expect(await beside.done).toBe(0);
    expect(beside.lines).toContain(`watched-ingest           serves POST http://127.0.0.1:${8001 + offset}/ingest`);
    expect(
      beside.lines.some((l) =>
        l.endsWith('watched-process → watched.processed  "{\\"text\\":\\"side\\",\\"length\\":4,\\"v\\":2}"'),
      ),
    ).toBe(true);

    // a broken edit: reported, the running version is kept
    const mark = dev.lines.length;
    writeFileSync(file, 'export function execTask(arg: string): string { return (; }\n');
    await dev.line(/↻ the running version is kept; fix it and save again$/, mark);
    // refused by validation already (the task file must parse), at its position
    expect(dev.err.join('\n')).toMatch(/tasks\/process\.ts:1:57: TypeScript syntax: Unexpected token/);
    expect(JSON.parse(await roundTrip('watched.in', 'Still', 'watched.processed'))).toEqual({
      text: 'still',
      length: 5,
      v: 2,
    });

    // workflow.yaml: the processor moves to another subject; nothing to compile, the subscription moves
    const wfFile = path.join(dir, 'workflow.yaml');
    const mark2 = dev.lines.length;
    writeFileSync(file, original); // back to upper case, then the topic
    await dev.line(/↻ watched-process: new build swapped in/, mark2);
    const mark3 = dev.lines.length;
    writeFileSync(
      wfFile,
      readFileSync(wfFile, 'utf8').replace('source_topic: watched.raw.>', 'source_topic: watched.other'),
    );
    await dev.line(/↻ watched-process: now listens on watched\.other \(was watched\.raw\.>\)$/, mark3);
    expect(dev.lines.slice(mark3).filter((l) => /compiling/.test(l))).toEqual([]);
    expect(JSON.parse(await roundTrip('watched.other', 'moved', 'watched.processed'))).toEqual({
      text: 'MOVED',
      length: 5,
    });

    // the HTTP task swapped too: the next POST on the same port is answered by the new code
    const ingest = path.join(dir, 'tasks', 'ingest.ts');
    const mark4 = dev.lines.length;
    writeFileSync(
      ingest,
      readFileSync(ingest, 'utf8').replace(
        'return JSON.stringify({ text });',
        'return JSON.stringify({ text, v: 2 });',
      ),
    );
    await dev.line(/↻ watched-ingest: new build swapped in \(0\.1\.0, [0-9a-f]{12}\)$/, mark4);
    const swappedHttp = await fetch(url, { method: 'POST', body: 'swapped' });
    expect([swappedHttp.status, await swappedHttp.text()]).toEqual([200, '{"text":"swapped","v":2}']);

    process.emit('SIGINT');
    expect(await dev.done).toBe(0);
    expect(dev.lines.at(-1)).toBe('stopped');
  }, 1_500_000);
});
