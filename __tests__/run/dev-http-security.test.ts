/**
 * The HTTP producer's door under `pelato dev`, with real requests: bearer auth (no, wrong and right
 * token; nothing published on a refusal), the body limit (1 MiB + 1 byte → 413, with and without a
 * Content-Length), a slow-body client (408 at the deadline), 1000 concurrent requests, HTTPS with a
 * self-signed certificate from openssl, and the token absent from gen/ and from every log line.
 *
 * The TypeScript task always runs; the same battery runs on the Go task where TinyGo and wasm-tools are
 * installed (on PATH, or built into ~/.cache/pelato as on this project's machines).
 */
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from '../../src/package/build.js';
import { httpTokens } from '../../src/deploy/httpTokens.js';
import { generateToDisk } from '../../src/generate/generate.js';
import { listFiles } from '../../src/generate/render.js';
import { loadWorkflow } from '../../src/load/workflow.js';
import { InProcessBus } from '../../src/run/bus.js';
import { startDev, type DevSession } from '../../src/run/dev.js';
import { runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/net.js';
import { chunked, filesContaining, flood, post, selfSignedCert, stalling } from '../helpers/httpProbe.js';
import { cleanupProjects, makeProject, tempDir } from '../helpers/project.js';
import { toolEnv } from '../package/helpers/registry.js';

afterAll(cleanupProjects);

const TOKEN = 'dev-0123456789abcdef0123456789abcdef';
const MIB = 1024 * 1024;

const TASKS = {
  ts: [
    'convert.ts',
    'export function execTask(arg: string): string {\n  let c: number;\n  try {\n' +
      '    c = Number(JSON.parse(arg).celsius);\n  } catch {\n    return "";\n  }\n' +
      '  return Number.isFinite(c) ? JSON.stringify({ kelvin: c + 273.15 }) : "";\n}\n',
  ],
  go: [
    'convert.go',
    'package main\n\nimport (\n\t"encoding/json"\n\t"strconv"\n)\n\nfunc exec_task(arg string) string {\n' +
      '\tvar r struct{ Celsius *float64 }\n\tif json.Unmarshal([]byte(arg), &r) != nil || r.Celsius == nil {\n' +
      '\t\treturn ""\n\t}\n\treturn `{"kelvin":` + strconv.FormatFloat(*r.Celsius+273.15, \'f\', -1, 64) + "}"\n}\n',
  ],
} as const;

/**
 * TinyGo and wasm-tools on PATH or in ~/.cache/pelato; the PATH to build Go tasks with. Without them the
 * Go battery fails at its build with the tool's install hint (never skipped).
 */
function goPath(): string | undefined {
  const cache = path.join(os.homedir(), '.cache', 'pelato');
  const dirs = (process.env.PATH ?? '').split(path.delimiter);
  const found = (tool: string) => dirs.some((d) => d && existsSync(path.join(d, tool)));
  const extra: string[] = [];
  for (const [tool, prefix] of [
    ['tinygo', 'tinygo-'],
    ['wasm-tools', 'wasm-tools-'],
  ] as const) {
    if (found(tool)) continue;
    const dir = existsSync(cache)
      ? readdirSync(cache)
          .filter((d) => d.startsWith(prefix))
          .sort()
          .pop()
      : undefined;
    if (!dir || !existsSync(path.join(cache, dir, 'bin', tool))) return undefined;
    extra.push(path.join(cache, dir, 'bin'));
  }
  return [...extra, process.env.PATH].join(path.delimiter);
}
const GO_PATH = goPath() ?? process.env.PATH ?? '';

function project(lang: keyof typeof TASKS, http: string): string {
  const [file, source] = TASKS[lang];
  return makeProject({
    [`tasks/${file}`]: source,
    'workflow.yaml': `project_name: Door
tasks:
  - name: Ingest
    type: http_producer_nats
    code: ${file}
    targets: [edge]
    dest_topic: readings.kelvin
    component_name: ingest
    version: 1.0.0
    http:
${http}
`,
  });
}

interface Running {
  dir: string;
  session: DevSession;
  url: string;
  published: string[];
  log: string[];
}

async function startProject(dir: string, env: Record<string, string>): Promise<Running> {
  const genDir = path.join(dir, 'gen');
  const plan = (await generateToDisk(loadWorkflow(dir))).plan;
  const r = await build({
    genDir,
    env: toolEnv(env.PATH ? { PATH: env.PATH } : {}),
    push: false,
    allowOverwrite: false,
    parallel: 1,
    cacheDir: path.join(dir, '.pelato', 'cache'),
    metrics: false,
  });
  if (!r.ok) throw new Error(`build failed: ${JSON.stringify(r.tasks.map((t) => t.error))}`);
  const bus = new InProcessBus();
  const published: string[] = [];
  bus.subscribe('readings.kelvin', 'probe', (m) => published.push(Buffer.from(m.body).toString('utf8')));
  const log: string[] = [];
  const session = await startDev(plan, {
    genDir,
    bus,
    httpHost: '127.0.0.1',
    httpPortOffset: 0,
    tokens: httpTokens(plan, env),
    log: (l) => log.push(l),
  });
  return { dir, session, url: session.http.ingest!, published, log };
}

const languages: Array<[keyof typeof TASKS, Record<string, string>]> = [
  ['ts', {}],
  ['go', { PATH: GO_PATH }],
];

describe.each(languages)('pelato dev, %s task with http.auth and limits', (lang, toolEnv) => {
  let p: Running;

  beforeAll(async () => {
    const port = await freePort();
    const dir = project(
      lang,
      `      address: 127.0.0.1:${port}\n      path: /readings\n` +
        '      auth: { type: bearer, token_env: SENSOR_TOKEN }\n      timeout: 1s',
    );
    p = await startProject(dir, { ...toolEnv, SENSOR_TOKEN: TOKEN });
  }, 900_000);

  afterAll(async () => {
    await p?.session.stop();
  });

  test('no token: 401 with a Bearer challenge; nothing is published', async () => {
    const r = await post(p.url, '{"celsius": 20}');
    expect([r.status, r.headers['www-authenticate']]).toEqual([401, 'Bearer realm="pelato"']);
    await p.session.quiet();
    expect(p.published).toEqual([]);
  });

  test('wrong token, or the right one under another scheme: 401 invalid_token; nothing is published', async () => {
    for (const authorization of [`Bearer ${TOKEN.slice(0, -1)}x`, `Bearer ${TOKEN}${TOKEN}`, `Basic ${TOKEN}`, TOKEN]) {
      const r = await post(p.url, '{"celsius": 20}', { authorization });
      expect([r.status, r.headers['www-authenticate']]).toEqual([401, 'Bearer realm="pelato", error="invalid_token"']);
    }
    await p.session.quiet();
    expect(p.published).toEqual([]);
  });

  test('right token: 200 with the result, which is published', async () => {
    const r = await post(p.url, '{"celsius": 20}', { token: TOKEN });
    expect([r.status, JSON.parse(r.text)]).toEqual([200, { kelvin: 293.15 }]);
    await p.session.quiet();
    expect(p.published.map((x) => JSON.parse(x))).toEqual([{ kelvin: 293.15 }]);
    p.published.length = 0;
  });

  test('other paths 404, other methods 405 with Allow: POST', async () => {
    expect((await post(p.url.replace('/readings', '/other'), '', { token: TOKEN })).status).toBe(404);
    const get = await post(p.url, '', { token: TOKEN, method: 'PUT' });
    expect([get.status, get.headers.allow]).toEqual([405, 'POST']);
  });

  test('1 MiB + 1 byte: 413, with a Content-Length and chunked; exactly 1 MiB is read', async () => {
    const big = await post(p.url, Buffer.alloc(MIB + 1, 'a'), { token: TOKEN });
    expect([big.status, big.text]).toEqual([413, `request body larger than ${MIB} bytes\n`]);
    const streamed = await post(p.url, chunked(MIB + 1), {
      token: TOKEN,
      headers: { 'transfer-encoding': 'chunked' },
    });
    expect(streamed.status).toBe(413);
    // Exactly at the limit the body is read and handed to the task (not JSON: nothing to publish).
    expect((await post(p.url, Buffer.alloc(MIB, ' '), { token: TOKEN })).status).toBe(204);
    // Unauthenticated, an oversized body gets 401: the token is checked before anything is read.
    expect((await post(p.url, Buffer.alloc(MIB + 1, 'a'))).status).toBe(401);
  }, 120_000);

  test('413 without reading the rest: 64 MiB declared, or chunked past the limit, then a stall', async () => {
    // The bodies stall after their first bytes; a reply while they are unfinished was not waiting for them.
    const declared = await post(p.url, stalling('{"cel', 5000), {
      token: TOKEN,
      headers: { 'content-length': String(64 * MIB) },
    });
    expect([declared.status, declared.bodyFinished]).toEqual([413, false]);
    const pastLimit = async function* () {
      yield* chunked(MIB + 1)();
      await new Promise((r) => setTimeout(r, 5000));
    };
    const streamed = await post(p.url, pastLimit, { token: TOKEN, headers: { 'transfer-encoding': 'chunked' } });
    expect([streamed.status, streamed.bodyFinished]).toEqual([413, false]);
    expect((await post(p.url, '{"celsius": 1}', { token: TOKEN })).status).toBe(200);
  }, 60_000);

  test('a slow-body client gets 408 at the deadline (1 s), and the next request is served', async () => {
    const slow = await post(p.url, stalling('{"cel', 5000), {
      token: TOKEN,
      headers: { 'transfer-encoding': 'chunked' },
    });
    expect([slow.status, slow.text]).toEqual([408, 'request body not received in time\n']);
    // not before the deadline, and not because the body ended (it stalls for 5 s)
    expect(slow.ms).toBeGreaterThanOrEqual(950);
    expect(slow.bodyFinished).toBe(false);
    expect((await post(p.url, '{"celsius": 1}', { token: TOKEN })).status).toBe(200);
  }, 60_000);

  test('1000 concurrent requests: all answered, and the component still serves afterwards', async () => {
    const f = await flood(p.url, 1000, '{"celsius": 5}', { token: TOKEN });
    console.log(
      `pelato dev, ${lang}: 1000 concurrent authorized requests in ${f.ms.toFixed(0)} ms: ` +
        `${JSON.stringify(f.statuses)}, p50 ${f.p50.toFixed(0)} ms, p99 ${f.p99.toFixed(0)} ms`,
    );
    expect(f.statuses).toEqual({ 200: 1000 });
    const denied = await flood(p.url, 1000, '{"celsius": 5}', { token: 'x'.repeat(TOKEN.length) });
    expect(denied.statuses).toEqual({ 401: 1000 });
    expect((await post(p.url, '{"celsius": 2}', { token: TOKEN })).status).toBe(200);
    await p.session.quiet();
    expect(p.published.filter((x) => x.includes('278.15'))).toHaveLength(1000);
  }, 300_000);

  test('the token is in no file under gen/ and in no log line', () => {
    const gen = path.join(p.dir, 'gen');
    expect(listFiles(gen).length).toBeGreaterThan(5);
    expect(filesContaining(gen, TOKEN, listFiles)).toEqual([]);
    expect(p.log.filter((l) => l.includes(TOKEN))).toEqual([]);
  });
});

describe('pelato dev: HTTPS and the token setting', () => {
  test('http.tls with readable files: HTTPS with the self-signed certificate; plain HTTP is refused', async () => {
    const tls = selfSignedCert(tempDir());
    const port = await freePort();
    const dir = project(
      'ts',
      `      address: 127.0.0.1:${port}\n      path: /readings\n      auth: bearer\n` +
        `      tls: { cert_file: ${tls.certFile}, key_file: ${tls.keyFile} }`,
    );
    const p = await startProject(dir, { PELATO_HTTP_TOKEN: TOKEN });
    try {
      expect(p.url).toBe(`https://127.0.0.1:${port}/readings`);
      const r = await post(p.url, '{"celsius": 30}', { token: TOKEN, ca: tls.cert });
      expect([r.status, JSON.parse(r.text)]).toEqual([200, { kelvin: 303.15 }]);
      expect((await post(p.url, '{"celsius": 30}', { ca: tls.cert })).status).toBe(401);
      // Without the CA the certificate is not trusted; over plain HTTP the TLS listener answers nothing.
      await expect(post(p.url, '{}', { token: TOKEN })).rejects.toThrow(/self[- ]signed/i);
      await expect(post(p.url.replace('https:', 'http:'), '{}', { token: TOKEN, timeoutMs: 3000 })).rejects.toThrow();
    } finally {
      await p.session.stop();
    }
  }, 600_000);

  test('a missing or weak token is one message naming the variable, before anything is built', async () => {
    const dir = project('ts', '      auth: { type: bearer, token_env: SENSOR_TOKEN }');
    const missing = await runCli({ PATH: process.env.PATH }, 'dev', dir, '--once');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(
      new RegExp(
        String.raw`^error: SENSOR_TOKEN is not set \(ingest has http\.auth: bearer\)\n` +
          String.raw` {2}hint: set each in the environment, in \.env or as a CI secret`,
      ),
    );
    expect(existsSync(path.join(dir, 'gen', 'ingest', 'build'))).toBe(false);
    const short = await runCli({ PATH: process.env.PATH, SENSOR_TOKEN: 'letmein' }, 'dev', dir, '--once');
    expect(short.code).toBe(1);
    expect(short.err).toMatch(/SENSOR_TOKEN is 7 characters long; use at least 16 random characters/);
    expect(short.err).not.toContain('letmein');
  }, 120_000);
});

describe('pelato brush: a missing token stops it before the build', () => {
  test('one message naming the variable; nothing compiled', async () => {
    const dir = project('ts', '      auth: bearer');
    const r = await runCli({ PATH: process.env.PATH, REGISTRY_URL: 'localhost:5999/none' }, 'brush', dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      new RegExp(
        String.raw`^error: PELATO_HTTP_TOKEN is not set \(ingest has http\.auth: bearer\)[\s\S]*` +
          'brush stopped before the build: deploy needs the token$',
      ),
    );
    expect(existsSync(path.join(dir, 'gen', 'ingest', 'build'))).toBe(false);
  }, 120_000);
});
