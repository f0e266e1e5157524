/**
 * `pelato init` as a new user runs it: the project it writes passes `pelato validate` and `pelato test`
 * and runs under `pelato dev --once` at once, in TypeScript (componentize-js) and in Go (TinyGo, which
 * must be on PATH with wasm-tools: scripts/install-go-tools.sh), with every task type, the dbsync one
 * writing into a real PostgreSQL. It never overwrites a file.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import YAML from 'yaml';
import { main } from '../../src/cli/main.js';
import { listFiles } from '../../src/generate/render.js';
import { cleanupProjects, ROOT, tempDir } from '../helpers/project.js';
import { startPostgres, type TestPostgres } from '../run/helpers/postgres.js';
import { toolEnv } from '../package/helpers/registry.js';

let db: TestPostgres;
beforeAll(async () => {
  db = await startPostgres();
}, 120_000);
afterAll(async () => {
  await db?.stop();
  cleanupProjects();
});

async function run(env: Record<string, string>, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    argv,
    { out: (l) => out.push(l), err: (l) => err.push(l) },
    toolEnv({ PARALLEL_BUILD: '2', ...env }),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const ALL = 'http_producer_nats,producer_nats,processor_nats,dbsync_nats';

describe.each([
  ['ts', 'TypeScript, built with componentize-js'],
  ['go', 'Go, built with TinyGo'],
])('pelato init --lang %s', (lang, says) => {
  test('every task type: validate, test and dev --once pass at once; the flow reaches PostgreSQL', async () => {
    const dir = path.join(tempDir(), `Sensor Hub ${lang}`);
    const slug = `sensor-hub-${lang}`;
    const init = await run({}, 'init', dir, '--lang', lang, '--type', ALL);
    expect(init.err).toBe('');
    expect(init.code).toBe(0);
    expect(init.out.split('\n')[0]).toBe(`Created project "Sensor Hub ${lang}" in ${dir} (${says}):`);
    expect(init.out).toContain(`workflow.yaml  ${slug}-ingest → ${slug}-tick → ${slug}-process → ${slug}-store`);
    expect(init.out).toContain(`pelato dev ${dir} --send ${slug}.in=hello --once`);
    const ext = lang === 'go' ? 'go' : 'ts';
    expect(listFiles(dir)).toEqual(
      [
        '.env.template',
        '.github/workflows/deploy.yml',
        '.gitignore',
        `tasks/ingest.${ext}`,
        'tasks/ingest.test.yaml',
        `tasks/process.${ext}`,
        'tasks/process.test.yaml',
        `tasks/store.${ext}`,
        'tasks/store.test.yaml',
        `tasks/tick.${ext}`,
        'tasks/tick.test.yaml',
        'workflow.yaml',
      ].sort(),
    );
    expect(readFileSync(path.join(dir, '.gitignore'), 'utf8')).toMatch(/^gen\/\n\.pelato\/\n\.env\n$/m);
    expect(readFileSync(path.join(dir, '.github/workflows/deploy.yml'), 'utf8')).toBe(
      readFileSync(path.join(ROOT, 'examples/github/caller.yml'), 'utf8'),
    );
    expect(readFileSync(path.join(dir, '.env.template'), 'utf8')).toBe(
      readFileSync(path.join(ROOT, '.env.template'), 'utf8'),
    );
    expect(YAML.parse(readFileSync(path.join(dir, 'workflow.yaml'), 'utf8')).project_name).toBe(`Sensor Hub ${lang}`);

    const v = await run({}, 'validate', dir);
    expect([v.code, v.err]).toEqual([0, '']);
    expect(v.out).toContain(`4 tasks in "Sensor Hub ${lang}"`);

    const t = await run({}, 'test', dir);
    expect(t.err).toBe('');
    expect(t.code).toBe(0);
    expect(t.out.split('\n').pop()).toBe('10 passed, 0 failed');

    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('DROP TABLE IF EXISTS messages');
      await client.query('CREATE TABLE messages (payload text)');
      const d = await run(
        { DATABASE_URL: db.url },
        'dev',
        dir,
        '--send',
        `${slug}.in=hello`,
        '--send',
        `${slug}.tick=2025-06-01T12:00:00Z`,
        '--once',
        '--http-port-offset',
        String(20000 + Math.floor(Math.random() * 20000)),
      );
      expect(d.err).toBe('');
      expect(d.code).toBe(0);
      // `<task> → <subject>  <body as JSON text>`: the bodies, parsed (Go and TypeScript order keys differently)
      const published = (task: string, subject: string) =>
        d.out
          .split('\n')
          .map((l) => l.slice(14))
          .filter((l) => l.startsWith(`${task} → ${subject}  `))
          .map((l) => JSON.parse(JSON.parse(l.slice(`${task} → ${subject}  `.length))));
      expect(published(`${slug}-ingest`, `${slug}.raw.http`)).toEqual([{ text: 'hello' }]);
      expect(published(`${slug}-tick`, `${slug}.raw.tick`)).toEqual([{ tick: '2025-06-01T12:00:00Z', from: slug }]);
      expect(published(`${slug}-process`, `${slug}.processed`)).toEqual(
        expect.arrayContaining([{ text: 'HELLO', length: 5 }]),
      );
      const rows = (await client.query('SELECT payload FROM messages')).rows.map((r: { payload: string }) =>
        JSON.parse(r.payload),
      );
      expect(rows).toEqual(expect.arrayContaining([{ text: 'HELLO', length: 5 }]));
      expect(rows).toHaveLength(2); // the tick went through process into the table as well
    } finally {
      await client.end();
    }
  }, 900_000);
});

describe('pelato init', () => {
  test('the default project: an HTTP producer and a processor', async () => {
    const dir = path.join(tempDir(), 'quick');
    const r = await run({}, 'init', dir);
    expect(r.code).toBe(0);
    const wf = YAML.parse(readFileSync(path.join(dir, 'workflow.yaml'), 'utf8'));
    expect(wf.tasks.map((t: { type: string; component_name: string }) => [t.type, t.component_name])).toEqual([
      ['http_producer_nats', 'quick-ingest'],
      ['processor_nats', 'quick-process'],
    ]);
    expect(existsSync(path.join(dir, 'tasks', 'ingest.ts'))).toBe(true);
    expect((await run({}, 'validate', dir)).code).toBe(0);
  });

  test('refuses to overwrite: names every file it would write that exists, writes nothing', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'tasks'));
    writeFileSync(path.join(dir, 'workflow.yaml'), 'mine\n');
    writeFileSync(path.join(dir, 'tasks', 'process.ts'), 'mine too\n');
    const r = await run({}, 'init', dir);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `error: ${dir} already holds files pelato init would write: workflow.yaml, tasks/process.ts\n` +
        '  hint: pelato init never overwrites anything, and nothing was written; ' +
        'give a new or empty folder, or move those files away',
    );
    expect(listFiles(dir)).toEqual(['tasks/process.ts', 'workflow.yaml']);
    expect(readFileSync(path.join(dir, 'workflow.yaml'), 'utf8')).toBe('mine\n');
    // a second init over a first one is refused the same way
    const fresh = path.join(tempDir(), 'twice');
    expect((await run({}, 'init', fresh)).code).toBe(0);
    const again = await run({}, 'init', fresh, '--lang', 'go');
    expect(again.code).toBe(1);
    expect(again.err).toMatch(
      new RegExp(
        String.raw`already holds files pelato init would write: workflow\.yaml, ` +
          String.raw`tasks\/ingest\.test\.yaml, tasks\/process\.test\.yaml, \.env\.template`,
      ),
    );
  });

  test('a hostile folder name stays a name: the workflow keeps its structure', async () => {
    const dir = path.join(tempDir(), 'x" \n\ttasks: [] # {');
    const r = await run({}, 'init', dir, '--type', 'processor_nats');
    expect(r.code).toBe(0);
    const wf = YAML.parse(readFileSync(path.join(dir, 'workflow.yaml'), 'utf8'));
    // line breaks and tabs become spaces (workflow.yaml accepts no control characters in a name)
    expect(wf.project_name).toBe('x" tasks: [] # {');
    expect(wf.tasks).toHaveLength(1);
    expect(wf.tasks[0].component_name).toBe('x-tasks-process');
    expect((await run({}, 'validate', dir)).code).toBe(0);
  });

  test('unknown --lang and --type are one message with what to write', async () => {
    const lang = await run({}, 'init', tempDir(), '--lang', 'golang');
    expect(lang.code).toBe(1);
    expect(lang.err).toBe(
      'error: --lang golang is not a language pelato init writes\n  hint: did you mean go? use --lang ts or --lang go',
    );
    const type = await run({}, 'init', tempDir(), '--type', 'procesor_nats');
    expect(type.err).toBe(
      'error: --type procesor_nats is not a task type\n' +
        '  hint: did you mean processor_nats? types: http_producer_nats, producer_nats, processor_nats, dbsync_nats',
    );
  });
});
