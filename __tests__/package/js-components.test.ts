/**
 * JavaScript/TypeScript tasks become real components (componentize-js), their interfaces are checked,
 * and they run: transpiled by jco, executed in Node with WASI from preview2-shim and the wasmCloud
 * interfaces provided by the test. Every template, payloads of 0 B, 256 B and 1 MiB, failing tasks.
 */
import path from 'node:path';
import { PelatoError } from '../../src/common/diagnostics.js';
import { compileJs } from '../../src/package/compile/js.js';
import { interfaceProblems, parseWorldInterfaces } from '../../src/package/inspect.js';
import { loadJsToolchain } from '../../src/package/toolchain.js';
import { generateToDisk } from '../../src/generate/generate.js';
import { loadWorkflow } from '../../src/load/workflow.js';
import type { PlannedTask } from '../../src/model/plan.js';
import { runComponent, type Message } from '../../src/run/component.js';
import { cleanupProjects, copyExample, makeProject, tempDir } from '../helpers/project.js';

afterAll(cleanupProjects);

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');
const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

async function build(dir: string, env: Record<string, string> = {}) {
  const g = await generateToDisk(loadWorkflow(dir));
  const out = new Map<string, { task: PlannedTask; wasm: Uint8Array }>();
  for (const task of g.plan.tasks) {
    const wasm = await compileJs(path.join(g.out, task.dir), task, { PATH: process.env.PATH ?? '', ...env });
    out.set(task.component_name, { task, wasm });
  }
  return out;
}

async function interfacesOf(wasm: Uint8Array) {
  return parseWorldInterfaces(await (await loadJsToolchain()).componentWit(wasm));
}

describe('the hello example (TypeScript and JavaScript)', () => {
  let built: Awaited<ReturnType<typeof build>>;
  beforeAll(async () => {
    const dir = tempDir();
    copyExample('hello', dir);
    built = await build(dir);
  }, 600_000);

  test('each component exports what its template promises and imports only what its providers supply', async () => {
    for (const { task, wasm } of built.values()) {
      const found = await interfacesOf(wasm);
      expect(interfaceProblems(task, found)).toEqual([]);
      expect(found.exports).toEqual(expect.arrayContaining(task.exports));
    }
  });

  test('shout: publishes the transformed body, whole, for 0 B, 256 B and 1 MiB', async () => {
    const published: Message[] = [];
    const c = await runComponent(built.get('hello-shout')!.wasm, { publish: (m) => published.push(m) });
    try {
      for (const size of [0, 256, 1 << 20]) {
        published.length = 0;
        const body = 'ab'.repeat(size / 2);
        expect(c.handleMessage({ subject: 'hello.greetings', body: bytes(body) })).toEqual({ ok: true });
        if (size === 0)
          expect(published).toEqual([]); // empty result: nothing published
        else {
          expect(published).toHaveLength(1);
          expect(published[0]!.subject).toBe('hello.loud');
          expect(text(published[0]!.body)).toBe(body.toUpperCase());
        }
      }
    } finally {
      await c.dispose();
    }
  });

  test('greet: reads its config value; a message on its topic is published', async () => {
    const published: Message[] = [];
    const c = await runComponent(built.get('hello-greet')!.wasm, {
      publish: (m) => published.push(m),
      config: { greeting: 'Ciao' },
    });
    try {
      expect(c.handleMessage({ subject: 'hello.names', body: bytes(' Ada ') })).toEqual({ ok: true });
      expect(published.map((m) => [m.subject, text(m.body)])).toEqual([['hello.greetings', 'Ciao, Ada!']]);
    } finally {
      await c.dispose();
    }
  });

  test('greet over HTTP: POST returns and publishes the result; 204, 404 and 405 as documented', async () => {
    const published: Message[] = [];
    const c = await runComponent(built.get('hello-greet')!.wasm, { publish: (m) => published.push(m) });
    const port = 20000 + Math.floor(Math.random() * 20000);
    const server = c.serveHttp!(port);
    try {
      const ok = await fetch(`${server.url}/hello`, { method: 'POST', body: 'Grace' });
      expect([ok.status, await ok.text()]).toEqual([200, 'Hello, Grace!']);
      expect(published.map((m) => [m.subject, text(m.body)])).toEqual([['hello.greetings', 'Hello, Grace!']]);
      expect((await fetch(`${server.url}/hello`, { method: 'POST', body: '   ' })).status).toBe(204);
      expect((await fetch(`${server.url}/other`, { method: 'POST', body: 'x' })).status).toBe(404);
      expect((await fetch(`${server.url}/hello`)).status).toBe(405);
      const big = 'x'.repeat(1 << 20);
      const r = await fetch(`${server.url}/hello`, { method: 'POST', body: big });
      expect((await r.text()).length).toBe(`Hello, ${big}!`.length);
    } finally {
      server.close();
      await c.dispose();
    }
  }, 60_000);
});

describe('every template in JavaScript', () => {
  const TASK_OK =
    'export function execTask(arg) { if (arg === "boom") throw new Error("kaboom"); return arg === "" ? "" : ' +
    'JSON.stringify({ sensor: "s1", value: Number(arg), note: null }); }\n';
  let built: Awaited<ReturnType<typeof build>>;
  beforeAll(async () => {
    const dir = makeProject({
      'tasks/t.js': TASK_OK,
      'workflow.yaml':
        'project_name: All JS\ntasks:\n' +
        '  - { name: P, type: producer_nats, code: t.js, targets: [edge], source_topic: tick, dest_topic: out.p, ' +
        'component_name: p, version: 1.0.0 }\n' +
        '  - { name: D, type: dbsync_nats, code: t.js, targets: [cloud], source_topic: in.d, component_name: d, ' +
        'version: 1.0.0, database: { table: readings, columns: [sensor, value, note] } }\n',
    });
    built = await build(dir);
  }, 600_000);

  test('producer: publishes to dest_topic and to the reply-to subject', async () => {
    const published: Message[] = [];
    const c = await runComponent(built.get('p')!.wasm, { publish: (m) => published.push(m) });
    try {
      expect(c.handleMessage({ subject: 'tick', body: bytes('7'), replyTo: '_INBOX.1' })).toEqual({ ok: true });
      expect(published.map((m) => m.subject)).toEqual(['out.p', '_INBOX.1']);
    } finally {
      await c.dispose();
    }
  });

  test('a throwing task becomes an error result, and the component keeps working', async () => {
    const published: Message[] = [];
    const c = await runComponent(built.get('p')!.wasm, { publish: (m) => published.push(m) });
    try {
      expect(c.handleMessage({ subject: 'tick', body: bytes('boom') })).toEqual({
        ok: false,
        error: 'execTask threw: kaboom',
      });
      expect(c.handleMessage({ subject: 'tick', body: bytes('1') })).toEqual({ ok: true });
      expect(published).toHaveLength(1);
    } finally {
      await c.dispose();
    }
  });

  test('dbsync: one parameterised INSERT per message, JSON fields to columns, null as NULL', async () => {
    const queries: Array<[string, unknown]> = [];
    const c = await runComponent(built.get('d')!.wasm, {
      publish: () => {},
      query: (sql, params) => {
        queries.push([sql, params]);
        return [];
      },
    });
    try {
      expect(c.handleMessage({ subject: 'in.d', body: bytes('21.5') })).toEqual({ ok: true });
      expect(c.handleMessage({ subject: 'in.d', body: bytes('') })).toEqual({ ok: true });
      expect(queries).toEqual([
        [
          'INSERT INTO "readings" ("sensor", "value", "note") VALUES ($1, $2, $3)',
          [{ tag: 'text', val: 's1' }, { tag: 'text', val: '21.5' }, { tag: 'null' }],
        ],
      ]);
    } finally {
      await c.dispose();
    }
  });

  test('interfaces: dbsync imports postgres and no messaging consumer', async () => {
    const found = await interfacesOf(built.get('d')!.wasm);
    expect(found.imports).toEqual(expect.arrayContaining(['wasmcloud:postgres/query@0.1.1-draft']));
    expect(found.imports.some((i) => i.startsWith('wasmcloud:messaging/consumer'))).toBe(false);
    expect(interfaceProblems(built.get('d')!.task, found)).toEqual([]);
    // The same component checked against another template's promises fails loudly.
    expect(
      interfaceProblems(
        { ...built.get('d')!.task, exports: ['wasi:http/incoming-handler@0.2.0'], providers: ['messaging'] },
        found,
      ),
    ).toEqual([
      'does not export wasi:http/incoming-handler@0.2.0 (template dbsync_nats promises it)',
      'imports wasmcloud:postgres/query@0.1.1-draft, which no provider of its manifest (messaging) supplies',
      'imports wasmcloud:postgres/types@0.1.1-draft, which no provider of its manifest (messaging) supplies',
    ]);
  });
});

describe('a task whose top level never ends', () => {
  // componentize-js runs the module once at build time (wizer) with spawnSync: without a limit, this build
  // would hang for ever.
  test('fails when PELATO_COMPILE_TIMEOUT passes, with what happened and what to do', async () => {
    const dir = makeProject({
      'tasks/spin.js': 'while (true) {}\nexport function execTask(arg) { return arg; }\n',
      'workflow.yaml':
        'project_name: Spin\ntasks:\n  - { name: Spin, type: processor_nats, code: spin.js, targets: [edge], ' +
        'source_topic: a, dest_topic: b, component_name: spin, version: 1.0.0 }\n',
    });
    const started = Date.now();
    const e = await build(dir, { PELATO_COMPILE_TIMEOUT: '3s' }).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(PelatoError);
    expect((e as PelatoError).kind).toBe('tool-timeout');
    expect((e as PelatoError).message).toBe(
      'componentize-js did not finish within 3 s for tasks/spin.js ' +
        '(wizer, which runs the task module once to snapshot it, was stopped)',
    );
    expect((e as PelatoError).hint).toMatch(/PELATO_COMPILE_TIMEOUT/);
    // stopped by the limit, not by anything else (the wizer step alone takes a few seconds)
    expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
  }, 120_000);
});
