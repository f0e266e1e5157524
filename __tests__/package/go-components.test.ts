/**
 * Go tasks for real: every Go template built by TinyGo (with wasm-tools, as on GitHub runners) and
 * executed — `pelato test` on the examples' TinyGo-built components, a panic and the next message, a
 * TinyGo rejection pointing at the task file, and a Go dbsync task writing rows into a real PostgreSQL
 * under `pelato dev`. TinyGo and wasm-tools must be on PATH (scripts/install-go-tools.sh; .ci/run runs it):
 * without them the first check fails and says what to install.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { parse } from 'yaml';
import { runCli } from '../helpers/cli.js';
import { generateToDisk } from '../../src/generate/generate.js';
import { loadWorkflow } from '../../src/load/workflow.js';
import { build } from '../../src/package/build.js';
import { checkTinyGoTools } from '../../src/package/toolchain.js';
import { InProcessBus } from '../../src/run/bus.js';
import { startDev } from '../../src/run/dev.js';
import { cleanupProjects, copyExample, makeProject } from '../helpers/project.js';
import { startPostgres } from '../run/helpers/postgres.js';
import * as seed from '../helpers/seed.js';
import { startRegistry, toolEnv, type TestRegistry } from './helpers/registry.js';

let registry: TestRegistry;
beforeAll(async () => {
  await checkTinyGoTools(toolEnv());
  registry = await startRegistry();
}, 120_000);
afterAll(async () => {
  await registry?.stop();
  cleanupProjects();
});

const run = (...argv: string[]) => runCli(toolEnv({ PARALLEL_BUILD: '2' }), ...argv);

describe('the Go examples, built by TinyGo, pass their test cases', () => {
  test.each(['temperature', 'greenhouse'])(
    'examples/%s',
    async (example) => {
      const dir = copyExample(example);
      // Every case in the example's test files runs and passes.
      const tasks = path.join(dir, 'tasks');
      const cases = readdirSync(tasks)
        .filter((f) => f.endsWith('.test.yaml'))
        .reduce((n, f) => n + (parse(readFileSync(path.join(tasks, f), 'utf8')) as unknown[]).length, 0);
      expect(cases).toBeGreaterThan(15);
      const r = await run('test', dir);
      expect(r.err).toBe('');
      expect(r.out.split('\n').pop()).toBe(`${cases} passed, 0 failed`);
      expect(r.code).toBe(0);
      // One wit-bindgen-go run per world: greenhouse has four task types, so four bindings in the cache.
      expect(readdirSync(path.join(dir, '.pelato', 'cache', 'bindings'))).toHaveLength(
        example === 'greenhouse' ? 4 : 2,
      );
    },
    1_800_000,
  );
});

const PANICKY = `package main

import "strings"

// exec_task panics on "boom": under TinyGo 0.39 there is no recover(), so the call traps.
func exec_task(arg string) string {
	if arg == "boom" {
		panic("refusing " + arg)
	}
	return strings.ToUpper(arg)
}
`;

describe('a panic in a Go task (TinyGo 0.39: no recover)', () => {
  const dir = makeProject({
    'tasks/upper.go': PANICKY,
    'tasks/upper.test.yaml':
      '- input: hi\n  expect: HI\n- name: a panic is an error result\n  input: boom\n' +
      '  error: "panic: refusing boom"\n- name: the next message is handled\n  input: again\n  expect: AGAIN\n',
    'workflow.yaml':
      'project_name: Panics\ntasks:\n' +
      '  - { name: Upper, type: processor_nats, code: upper.go, targets: [cloud], source_topic: in.words, ' +
      'dest_topic: out.words, component_name: upper, version: 1.0.0 }\n',
  });

  test('pelato test: the panic is an error carrying its message; the cases around it pass', async () => {
    const r = await run('test', dir);
    expect(r.err).toBe('');
    expect(r.out).toContain('✓ a panic is an error result');
    expect(r.out.split('\n').pop()).toBe('3 passed, 0 failed');
  }, 900_000);

  test('pelato dev: after the panic the next message is handled (a spare instance takes over)', async () => {
    const genDir = path.join(dir, 'gen');
    const lines: string[] = [];
    const plan = (await generateToDisk(loadWorkflow(dir))).plan;
    // from the build cache the test above filled
    await build({
      genDir,
      env: toolEnv(),
      push: false,
      allowOverwrite: false,
      parallel: 1,
      cacheDir: path.join(dir, '.pelato', 'cache'),
      metrics: false,
    });
    const s = await startDev(plan, {
      genDir,
      bus: new InProcessBus(),
      httpHost: '127.0.0.1',
      httpPortOffset: 0,
      log: (l) => lines.push(l),
    });
    try {
      for (const body of ['boom', 'after']) {
        s.send({ subject: 'in.words', body: new TextEncoder().encode(body) });
        await s.quiet();
      }
    } finally {
      await s.stop();
    }
    const flow = lines.filter((l) => /^\d\d:/.test(l)).map((l) => l.slice(14));
    expect(flow).toContain('upper ✗ panic: refusing boom (trap: wasm `unreachable` instruction executed)');
    expect(flow).toContain('upper → out.words  "AFTER"');
  }, 900_000);
});

describe('a Go task that starts goroutines', () => {
  test("is built with TinyGo's asyncify scheduler (named in the log) and runs", async () => {
    const dir = makeProject({
      'tasks/fan.go': `package main

import (
	"strings"
	"sync"
)

// exec_task upper-cases each word in a goroutine of its own.
func exec_task(arg string) string {
	words := strings.Fields(arg)
	var wg sync.WaitGroup
	for i := range words {
		wg.Add(1)
		go func() {
			defer wg.Done()
			words[i] = strings.ToUpper(words[i])
		}()
	}
	wg.Wait()
	return strings.Join(words, " ")
}
`,
      'tasks/fan.test.yaml': '- input: a few words\n  expect: A FEW WORDS\n',
      'workflow.yaml':
        'project_name: Goroutines\ntasks:\n' +
        '  - { name: Fan, type: processor_nats, code: fan.go, targets: [cloud], source_topic: in.fan, ' +
        'dest_topic: out.fan, component_name: fan, version: 1.0.0 }\n',
    });
    expect((await run('gen', dir)).code).toBe(0);
    const b = await run('build', dir, '--no-push');
    expect(b.code).toBe(0);
    expect(b.out).toContain("fan: starts goroutines, so it was built with TinyGo's -scheduler=asyncify");
    const t = await run('test', dir);
    expect(t.out.split('\n').pop()).toBe('1 passed, 0 failed');
  }, 900_000);
});

describe('a Go task TinyGo rejects', () => {
  test('fails pelato build with the compiler message at tasks/<file>:line, names the task, ' +
    'pushes nothing for it; the others build and push', async () => {
    const tag = 'x'.repeat(300);
    const dir = makeProject({
      'tasks/ok.go':
        'package main\n\nimport "strings"\n\nfunc exec_task(arg string) string { return strings.ToUpper(arg) }\n',
      // Mainline Go takes a struct tag of any length; TinyGo refuses one over 255 bytes.
      'tasks/tagged.go':
        'package main\n\nimport "encoding/json"\n\ntype reading struct {\n' +
        `\tCelsius float64 \`json:"celsius" doc:"${tag}"\`\n}\n\nfunc exec_task(arg string) string {\n` +
        `\tvar r reading\n\t_ = json.Unmarshal([]byte(arg), &r)\n\treturn arg\n}\n`,
      // syscall/js is in Go's standard library, but only for GOOS=js.
      'tasks/browser.go':
        'package main\n\nimport (\n\t"strings"\n\t"syscall/js"\n)\n\nfunc exec_task(arg string) string {\n' +
        '\t_ = js.Global()\n\treturn strings.ToUpper(arg)\n}\n',
      'workflow.yaml':
        `project_name: Rejects\nregistry: ${registry.host}/rejects\ntasks:\n` +
        '  - { name: Fine, type: processor_nats, code: ok.go, targets: [cloud], source_topic: a, dest_topic: b, ' +
        'component_name: fine, version: 1.0.0 }\n' +
        '  - { name: Tagged, type: processor_nats, code: tagged.go, targets: [cloud], source_topic: c, ' +
        'dest_topic: d, component_name: tagged, version: 1.0.0 }\n' +
        '  - { name: Browser, type: processor_nats, code: browser.go, targets: [cloud], source_topic: e, ' +
        'dest_topic: f, component_name: browser, version: 1.0.0 }\n',
    });
    // syscall/js is refused by validate already (issue 12: what validates must build), at its import
    const refused = await run('gen', dir);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(
      /tasks\/browser\.go:5:2: task file imports "syscall\/js", which exists only for GOOS=js/,
    );
    writeFileSync(
      path.join(dir, 'workflow.yaml'),
      readFileSync(path.join(dir, 'workflow.yaml'), 'utf8').replace(/.*code: browser\.go.*\n/, ''),
    );
    expect((await run('gen', dir)).code).toBe(0);
    const r = await run('build', dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      new RegExp(
        String.raw`error: tagged: tinygo build failed for tagged:\n\s+` +
          String.raw`tasks\/tagged\.go:6: struct tag is 32\d bytes which is too long, max is 255`,
      ),
    );
    const results = JSON.parse(readFileSync(path.join(dir, 'gen', 'build.json'), 'utf8')) as {
      tasks: Array<{ component_name: string; status: string; pushed?: boolean }>;
    };
    expect(results.tasks.map((t) => [t.component_name, t.status, t.pushed ?? false])).toEqual([
      ['fine', 'built', true],
      ['tagged', 'failed', false],
    ]);
    const tags = async (repo: string) => (await fetch(`http://${registry.host}/v2/rejects/${repo}/tags/list`)).status;
    expect(await tags('fine')).toBe(200);
    expect(await tags('tagged')).toBe(404);
  }, 900_000);
});

describe('a Go dbsync task under pelato dev', () => {
  test('examples/greenhouse: readings sent on the topic become rows in a real PostgreSQL; ' +
    'alerts are published', async () => {
    const db = await startPostgres();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const dir = copyExample('greenhouse');
    try {
      await client.query('CREATE TABLE readings (sensor text, celsius text, humidity text)');
      const genDir = path.join(dir, 'gen');
      const plan = (await generateToDisk(loadWorkflow(dir))).plan;
      const built = await build({
        genDir,
        env: toolEnv(),
        push: false,
        allowOverwrite: false,
        parallel: 2,
        cacheDir: path.join(dir, '.pelato', 'cache'),
        metrics: false,
      });
      expect(built.tasks.map((t) => t.status)).toEqual(['built', 'built', 'built', 'built']);
      const lines: string[] = [];
      const offset = 20000 + Math.floor(Math.random() * 20000);
      const s = await startDev(plan, {
        genDir,
        bus: new InProcessBus(),
        databaseUrl: db.url,
        httpHost: '127.0.0.1',
        httpPortOffset: offset,
        log: (l) => lines.push(l),
      });
      try {
        // In through the HTTP producer (ingest), then on to alerts and archive.
        const res = await fetch(s.http['reading-ingest']!, {
          method: 'POST',
          body: '{"sensor":"North-1","celsius":24.5,"humidity":91}',
        });
        expect(res.status).toBe(200);
        s.send({ subject: 'greenhouse.readings', body: new TextEncoder().encode('{"sensor":"south","humidity":40}') });
        await s.quiet();
      } finally {
        await s.stop();
      }
      const rows = await client.query('SELECT sensor, celsius, humidity FROM readings ORDER BY sensor');
      expect(rows.rows).toEqual([
        { sensor: 'north-1', celsius: '24.5', humidity: '91' },
        { sensor: 'south', celsius: null, humidity: '40' },
      ]);
      expect(
        lines.some(
          (l) => l.includes('humidity-alerts → greenhouse.alerts') && l.includes('humidity 91.0% above 85.0%'),
        ),
      ).toBe(true);
    } finally {
      await client.end();
      await db.stop();
    }
  }, 1_800_000);

  test("the seed's dbsync form in Go (no database block, a dest_topic): " +
    'rows in the default table, each confirmed after the write', async () => {
    const db = await startPostgres();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const dir = makeProject({
        'workflow.yaml': seed.SEED_DBSYNC_WORKFLOW,
        'tasks/db_sync.go': seed.SEED_TASK_MINIMAL,
      });
      await client.query('CREATE TABLE db_sync (payload text)');
      const r = await runCli(
        toolEnv({ DATABASE_URL: db.url }),
        'dev',
        dir,
        '--send',
        'aggregated_data={"t":21.5}',
        '--send',
        'aggregated_data=second',
        '--once',
      );
      expect(r.code).toBe(0);
      expect((await client.query('SELECT payload FROM db_sync ORDER BY payload')).rows).toEqual([
        { payload: 'second' },
        { payload: '{"t":21.5}' },
      ]);
      const flow = r.out
        .split('\n')
        .filter((l) => /^\d\d:\d\d/.test(l))
        .map((l) => l.slice(14));
      // Each row is confirmed once, after its own write (the two writes may finish in either order); the
      // log shows a confirmation's payload as a JSON string, a row's values as JSON.
      const after = (prefix: string) => flow.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length));
      const confirmed = after('db_sync → db_synced  ').map((p) => JSON.parse(JSON.parse(p)));
      expect(confirmed).toHaveLength(2);
      expect(confirmed).toEqual(
        expect.arrayContaining([
          { table: 'db_sync', row: { payload: '{"t":21.5}' } },
          { table: 'db_sync', row: { payload: 'second' } },
        ]),
      );
      for (const c of confirmed) {
        const written = flow.indexOf(`db_sync → row in PostgreSQL  ${JSON.stringify([c.row.payload])}`);
        const sent = flow.findIndex(
          (l) => l.startsWith('db_sync → db_synced') && l.includes(c.row.payload === 'second' ? 'second' : '21.5'),
        );
        expect(written).toBeGreaterThanOrEqual(0);
        expect(sent).toBeGreaterThan(written);
      }
    } finally {
      await client.end();
      await db.stop();
    }
  }, 1_800_000);
});

// Keeps the example's own test file honest: the sizes it claims are the sizes it sends.
test('the example cases cover 0 B, 255 B, 256 B, 64 KiB and 1 MiB bodies for every Go task', () => {
  for (const example of ['temperature', 'greenhouse']) {
    const tasks = path.join(copyExample(example), 'tasks');
    for (const f of readdirSync(tasks).filter((x) => x.endsWith('.test.yaml'))) {
      const text = readFileSync(path.join(tasks, f), 'utf8');
      for (const size of ['pad_to: 255', 'pad_to: 256', 'pad_to: 64 KiB', 'pad_to: 1 MiB', 'input: ""'])
        expect(`${f}: ${text.includes(size)}`).toBe(`${f}: true`);
    }
  }
});
