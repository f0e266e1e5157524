/**
 * `pelato dev` for real: the hello example's three tasks wired topic to topic in-process and over a real
 * nats-server; an HTTP POST into the first task; a dbsync task writing rows to a real PostgreSQL.
 */
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { runCli } from '../helpers/cli.js';
import { generateToDisk } from '../../src/generate/generate.js';
import { build } from '../../src/package/build.js';
import { loadWorkflow } from '../../src/load/workflow.js';
import { InProcessBus, subjectMatches } from '../../src/run/bus.js';
import { startDev } from '../../src/run/dev.js';
import { startNatsServer } from '../deploy/helpers/natsServer.js';
import { cleanupProjects, copyExample, makeProject, tempDir } from '../helpers/project.js';
import { startPostgres } from './helpers/postgres.js';
import { toolEnv } from '../package/helpers/registry.js';
import path from 'node:path';

afterAll(cleanupProjects);

const run = (env: Record<string, string>, ...argv: string[]) => runCli({ PARALLEL_BUILD: '2', ...env }, ...argv);

const example = copyExample('hello');

describe('pelato dev', () => {
  test('in-process: a message posted to the first task arrives transformed at the last', async () => {
    const r = await run({}, 'dev', example, '--send', 'hello.names=Ada', '--once');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/bus: in-process/);
    const flow = r.out
      .split('\n')
      .filter((l) => /^\d\d:\d\d/.test(l))
      .map((l) => l.slice(14));
    expect(flow).toEqual([
      'send → hello.names  "Ada"',
      'hello.names → hello-greet  "Ada"',
      'hello-greet → hello.greetings  "Hello, Ada!"',
      'hello.greetings → hello-shout  "Hello, Ada!"',
      'hello-shout → hello.loud  "HELLO, ADA!"',
      'hello.loud → hello-measure  "HELLO, ADA!"',
      'hello-measure → hello.measured  "{\\"text\\":\\"HELLO, ADA!\\",\\"characters\\":11,\\"words\\":2}"',
    ]);
    expect(r.out.split('\n').pop()).toBe('stopped');
  }, 600_000);

  test('over a real nats-server: same subjects, and another client sees the result', async () => {
    const nats = await startNatsServer();
    const nc = await connect({ servers: nats.url });
    const seen: string[] = [];
    nc.subscribe('hello.measured', { callback: (_e, m) => void seen.push(m.string()) });
    await nc.flush();
    try {
      const r = await run({ NATS_URL: nats.url }, 'dev', example, '--send', 'hello.names=Grace', '--once');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/bus: NATS at/);
      await nc.flush();
      expect(seen).toEqual(['{"text":"HELLO, GRACE!","characters":13,"words":2}']);
    } finally {
      await nc.close();
      await nats.stop();
    }
  }, 600_000);

  test('an HTTP POST to the HTTP producer travels through the chain; a blank body publishes nothing', async () => {
    const lines: string[] = [];
    const genDir = path.join(example, 'gen');
    const plan = (await generateToDisk(loadWorkflow(example))).plan;
    await build({
      genDir,
      env: toolEnv(),
      push: false,
      allowOverwrite: false,
      parallel: 2,
      cacheDir: path.join(example, '.pelato', 'cache'),
      metrics: false,
    });
    const offset = 20000 + Math.floor(Math.random() * 20000);
    const s = await startDev(plan, {
      genDir,
      bus: new InProcessBus(),
      httpHost: '127.0.0.1',
      httpPortOffset: offset,
      log: (l) => lines.push(l),
    });
    try {
      const res = await fetch(s.http['hello-greet']!, { method: 'POST', body: 'Linus' });
      expect([res.status, await res.text()]).toEqual([200, 'Hello, Linus!']);
      expect((await fetch(s.http['hello-greet']!, { method: 'POST', body: ' ' })).status).toBe(204);
      await s.quiet();
      expect(
        lines.some((l) =>
          l.endsWith(
            'hello-measure → hello.measured  "{\\"text\\":\\"HELLO, LINUS!\\",\\"characters\\":13,\\"words\\":2}"',
          ),
        ),
      ).toBe(true);
    } finally {
      await s.stop();
    }
  }, 600_000);

  test('dbsync writes rows into a real PostgreSQL given by DATABASE_URL', async () => {
    const db = await startPostgres();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('CREATE TABLE readings (sensor text, celsius text, note text)');
      const dir = makeProject({
        'tasks/parse.ts':
          'export function execTask(arg: string): string { const [sensor, c] = arg.split(":"); ' +
          'return c === undefined ? "" : JSON.stringify({ sensor, celsius: Number(c) }); }\n',
        'workflow.yaml':
          'project_name: Rows\ntasks:\n' +
          '  - { name: Store, type: dbsync_nats, code: parse.ts, targets: [cloud], source_topic: readings.raw, ' +
          'component_name: store, version: 1.0.0, ' +
          'database: { table: readings, columns: [sensor, celsius, note] } }\n',
      });
      const r = await run(
        { DATABASE_URL: db.url },
        'dev',
        dir,
        '--send',
        'readings.raw=kitchen:21.5',
        '--send',
        'readings.raw=garbage',
        '--send',
        'readings.raw=hall:-2',
        '--once',
      );
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const rows = await client.query('SELECT sensor, celsius, note FROM readings ORDER BY sensor');
      expect(rows.rows).toEqual([
        { sensor: 'hall', celsius: '-2', note: null },
        { sensor: 'kitchen', celsius: '21.5', note: null },
      ]);
      expect(r.out).toMatch(/store → \(nothing published\)/);
      // Without DATABASE_URL: one clear message.
      const missing = await run({}, 'dev', dir, '--once');
      expect(missing.code).toBe(1);
      expect(missing.err).toMatch(/this workflow has dbsync tasks, and DATABASE_URL is not set/);
    } finally {
      await client.end();
      await db.stop();
    }
  }, 600_000);

  test("dbsync without a database block (the seed's form): rows in the default table, " +
    'each confirmed on dest_topic after the write', async () => {
    const db = await startPostgres();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const dir = makeProject({
        'tasks/keep.ts':
          'export function execTask(arg: string): string { return arg === "skip" ? "" : arg.toUpperCase(); }\n',
        'workflow.yaml': `tasks:
  - name: Keep
    type: dbsync_nats
    code: keep.ts
    target:
      - cloud
    source_topic: rows.raw
    dest_topic: rows.stored
    component_name: keep-rows
    version: 1.0.0
`,
      });
      // the table is missing: the write fails, no confirmation is sent, and the log says how to create it
      const missing = await run({ DATABASE_URL: db.url }, 'dev', dir, '--send', 'rows.raw=first', '--once');
      expect(missing.code).toBe(0);
      expect(missing.out).toMatch(
        /keep-rows ✗ insert failed: relation "keep_rows" does not exist \(create the table first/,
      );
      expect(missing.out).toMatch(/keep-rows → rows\.stored not sent: the row was not written/);
      await client.query('CREATE TABLE keep_rows (payload text)');
      const r = await run(
        { DATABASE_URL: db.url },
        'dev',
        dir,
        '--send',
        'rows.raw=kitchen',
        '--send',
        'rows.raw=skip',
        '--once',
      );
      expect(r.code).toBe(0);
      expect(r.err).toMatch(/warning: no database block: rows go to column "payload" of table "keep_rows"/);
      expect((await client.query('SELECT payload FROM keep_rows')).rows).toEqual([{ payload: 'KITCHEN' }]);
      const flow = r.out
        .split('\n')
        .filter((l) => /^\d\d:\d\d/.test(l))
        .map((l) => l.slice(14));
      const rowAt = flow.findIndex((l) => l.startsWith('keep-rows → row in PostgreSQL'));
      const confirmAt = flow.indexOf(
        'keep-rows → rows.stored  "{\\"table\\":\\"keep_rows\\",\\"row\\":{\\"payload\\":\\"KITCHEN\\"}}"',
      );
      expect(rowAt).toBeGreaterThanOrEqual(0);
      expect(confirmAt).toBeGreaterThan(rowAt);
      expect(flow.filter((l) => l.includes('→ rows.stored'))).toHaveLength(1);
    } finally {
      await client.end();
      await db.stop();
    }
  }, 600_000);

  test('subject matching follows NATS wildcards', () => {
    expect(subjectMatches('a.*.c', 'a.b.c')).toBe(true);
    expect(subjectMatches('a.>', 'a.b.c')).toBe(true);
    expect(subjectMatches('a.>', 'a')).toBe(false);
    expect(subjectMatches('a.*', 'a.b.c')).toBe(false);
    expect(subjectMatches('a.b', 'a.b')).toBe(true);
  });

  test('a bad --send is one readable error', async () => {
    const r = await run({}, 'dev', tempDir(), '--send', 'nobody', '--once');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--send "nobody" is not subject=body/);
  });
});
