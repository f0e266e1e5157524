/**
 * The HTTP producer's door on the real lattice of lattice.test.ts (which registers these tests, so the
 * two never start two lattices on the same fixed ports): bearer auth with the token put on the lattice
 * as named config at deploy, rotation by a redeploy, the body limit, the deadline, 1000 concurrent
 * requests, and HTTPS through wasmCloud's http-server provider (built from crates.io by lattice/build.sh,
 * pushed to the lattice's registry as a provider archive) with a self-signed certificate from openssl.
 * The TypeScript and the Go glue both face every check. The token must never appear in gen/, in a
 * manifest stored in wadm, in a lattice log, in PELATO's output or in the job summary.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { cacheDir, pingHosts, type Lattice } from '../../scripts/lattice/lattice.mjs';
import { ConfigClient } from '../../src/deploy/configClient.js';
import { WadmClient } from '../../src/deploy/wadmClient.js';
import { listFiles } from '../../src/generate/render.js';
import { runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/net.js';
import { useTestOras } from '../package/helpers/registry.js';
import { chunked, filesContaining, flood, post, selfSignedCert, stalling } from '../helpers/httpProbe.js';
import { makeProject, tempDir } from '../helpers/project.js';

export interface DoorContext {
  lattice: Lattice;
  nc: NatsConnection;
  env: Record<string, string>;
}

const MIB = 1024 * 1024;
const TOKEN_1 = 'e2e-first-0123456789abcdef0123456789';
const TOKEN_2 = 'e2e-second-fedcba9876543210fedcba987';
const TLS_TOKEN = 'e2e-tls-00112233445566778899aabbccdd';
const TOKENS = [TOKEN_1, TOKEN_2, TLS_TOKEN];

const TS_TASK =
  'export function execTask(arg: string): string {\n  let c: number;\n  try {\n' +
  '    c = Number(JSON.parse(arg).celsius);\n  } catch {\n    return "";\n  }\n' +
  '  return Number.isFinite(c) ? JSON.stringify({ kelvin: c + 273.15 }) : "";\n}\n';
const GO_TASK =
  'package main\n\nimport (\n\t"encoding/json"\n\t"strconv"\n)\n\nfunc exec_task(arg string) string {\n' +
  '\tvar r struct{ Celsius *float64 }\n\tif json.Unmarshal([]byte(arg), &r) != nil || r.Celsius == nil {\n' +
  '\t\treturn ""\n\t}\n\treturn `{"kelvin":` + strconv.FormatFloat(*r.Celsius+273.15, \'f\', -1, 64) + "}"\n}\n';

function task(name: string, code: string, port: number, http: string): string {
  return `  - name: ${name}
    type: http_producer_nats
    code: ${code}
    targets: [edge]
    dest_topic: ${name}.out
    component_name: ${name}
    version: 1.0.0
    http: { path: /readings, address: "127.0.0.1:${port}"${http} }
`;
}

/** Messages published on `subject` while `fn` runs and for `settleMs` after it. */
async function publishedDuring<T>(
  nc: NatsConnection,
  subject: string,
  fn: () => Promise<T>,
  settleMs = 1500,
): Promise<{ result: T; messages: string[] }> {
  const messages: string[] = [];
  const sub = nc.subscribe(subject, { callback: (_e, m) => void messages.push(m.string()) });
  await nc.flush();
  try {
    const result = await fn();
    await new Promise((r) => setTimeout(r, settleMs));
    return { result, messages };
  } finally {
    sub.unsubscribe();
  }
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

export function httpDoorTests(ctx: () => DoorContext, report: string[]): void {
  const outputs: string[] = [];
  const apps: string[] = [];
  const genDirs: string[] = [];
  let urls: Record<'door-ts' | 'door-go' | 'door-open', string>;
  let dir: string;
  let tlsDir: string | undefined;

  async function pelato(env: Record<string, string>, ...argv: string[]) {
    const r = await runCli({ ...ctx().env, ...env }, ...argv);
    if (r.all) outputs.push(...r.all.split('\n'));
    return r;
  }

  describe("the HTTP producer's door on the same lattice: bearer auth, limits, rotation (builtin http-server)", () => {
    beforeAll(async () => {
      const [ts, go, open] = [await freePort(), await freePort(), await freePort()];
      const auth = ', auth: { type: bearer, token_env: DOOR_TOKEN }, timeout: 2s';
      dir = makeProject({
        'tasks/convert.ts': TS_TASK,
        'tasks/convert.go': GO_TASK,
        'workflow.yaml':
          'project_name: Door\n' +
          'providers: { messaging: wasmcloud+builtin://messaging-nats, http: wasmcloud+builtin://http-server }\n' +
          'tasks:\n' +
          `${task('door-ts', 'convert.ts', ts, auth)}${task('door-go', 'convert.go', go, auth)}` +
          `${task('door-open', 'convert.ts', open, ', timeout: 2s')}`,
      });
      urls = {
        'door-ts': `http://127.0.0.1:${ts}/readings`,
        'door-go': `http://127.0.0.1:${go}/readings`,
        'door-open': `http://127.0.0.1:${open}/readings`,
      };
      apps.push('door-ts', 'door-go', 'door-open');
      genDirs.push(path.join(dir, 'gen'));
    });

    test('pelato brush: the token goes on the lattice as named config, and nowhere into the output', async () => {
      const r = await pelato({ DOOR_TOKEN: TOKEN_1, REGISTRY_URL: `${ctx().lattice.registry}/door` }, 'brush', dir);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      for (const app of ['door-ts', 'door-go'])
        expect(r.out).toContain(`${app}: bearer token from DOOR_TOKEN stored as named config ${app}-http-auth`);
      expect(r.out).not.toMatch(/door-open: bearer/);
      // Every request below waits for the component: the first ones may arrive while the host still compiles.
      for (const url of Object.values(urls))
        await eventually(
          `${url} answering`,
          async () => ((await post(url, '{}', { token: TOKEN_1, timeoutMs: 5000 })).status === 204 ? true : undefined),
          120_000,
        );
    }, 900_000);

    describe.each(['door-ts', 'door-go'] as const)('%s', (app) => {
      test('no token: 401 with a Bearer challenge; wrong token: 401 invalid_token; nothing is published', async () => {
        const { result, messages } = await publishedDuring(ctx().nc, `${app}.out`, async () => [
          await post(urls[app], '{"celsius": 20}'),
          await post(urls[app], '{"celsius": 20}', { token: TOKEN_1.replace(/.$/, 'x') }),
          await post(urls[app], '{"celsius": 20}', { authorization: `Basic ${TOKEN_1}` }),
        ]);
        expect(result.map((r) => [r.status, r.headers['www-authenticate']])).toEqual([
          [401, 'Bearer realm="pelato"'],
          [401, 'Bearer realm="pelato", error="invalid_token"'],
          [401, 'Bearer realm="pelato", error="invalid_token"'],
        ]);
        expect(messages).toEqual([]);
      }, 60_000);

      test('right token: 200 with the result, published once', async () => {
        const { result, messages } = await publishedDuring(ctx().nc, `${app}.out`, () =>
          post(urls[app], '{"celsius": 20}', { token: TOKEN_1 }),
        );
        expect([result.status, JSON.parse(result.text)]).toEqual([200, { kelvin: 293.15 }]);
        expect(messages.map((m) => JSON.parse(m))).toEqual([{ kelvin: 293.15 }]);
      }, 60_000);

      test('1 MiB + 1 byte: 413 with a Content-Length and chunked; exactly 1 MiB is read', async () => {
        const sized = await post(urls[app], Buffer.alloc(MIB + 1, 'a'), { token: TOKEN_1 });
        expect([sized.status, sized.text]).toEqual([413, `request body larger than ${MIB} bytes\n`]);
        expect(
          (await post(urls[app], chunked(MIB + 1), { token: TOKEN_1, headers: { 'transfer-encoding': 'chunked' } }))
            .status,
        ).toBe(413);
        expect((await post(urls[app], Buffer.alloc(MIB, ' '), { token: TOKEN_1 })).status).toBe(204);
        // Without reading the rest: 64 MiB declared, or chunked past the limit, each then stalling; the
        // reply comes while the body is unfinished.
        const declared = await post(urls[app], stalling('{"cel', 8000), {
          token: TOKEN_1,
          headers: { 'content-length': String(64 * MIB) },
        });
        expect([declared.status, declared.bodyFinished]).toEqual([413, false]);
        const pastLimit = async function* () {
          yield* chunked(MIB + 1)();
          await new Promise((r) => setTimeout(r, 8000));
        };
        const streamed = await post(urls[app], pastLimit, {
          token: TOKEN_1,
          headers: { 'transfer-encoding': 'chunked' },
        });
        expect([streamed.status, streamed.bodyFinished]).toEqual([413, false]);
      }, 120_000);

      test('a slow-body client gets 408 at the 2 s deadline; the next request is served', async () => {
        const slow = await post(urls[app], stalling('{"cel', 8000), {
          token: TOKEN_1,
          headers: { 'transfer-encoding': 'chunked' },
        });
        expect([slow.status, slow.text]).toEqual([408, 'request body not received in time\n']);
        expect(slow.ms).toBeGreaterThanOrEqual(1900);
        expect(slow.bodyFinished).toBe(false); // cut off by the deadline, not by the body's end (8 s)
        report.push(
          `${app}: slow-body client cut off with 408 after ${(slow.ms / 1000).toFixed(2)} s (http.timeout 2s)`,
        );
        expect((await post(urls[app], '{"celsius": 1}', { token: TOKEN_1 })).status).toBe(200);
      }, 60_000);

      test('1000 concurrent requests, then 1000 with a wrong token: ' +
        'all answered; the host and the component survive', async () => {
        const good = await flood(urls[app], 1000, '{"celsius": 5}', { token: TOKEN_1 });
        const bad = await flood(urls[app], 1000, '{"celsius": 5}', { token: 'y'.repeat(TOKEN_1.length) });
        report.push(
          `${app}: 1000 concurrent authorized requests: ${JSON.stringify(good.statuses)} in ` +
            `${(good.ms / 1000).toFixed(1)} s (p50 ${good.p50.toFixed(0)} ms, p99 ${good.p99.toFixed(0)} ms); ` +
            `1000 with a wrong token: ${JSON.stringify(bad.statuses)} in ${(bad.ms / 1000).toFixed(1)} s`,
        );
        expect(good.statuses).toEqual({ 200: 1000 });
        expect(bad.statuses).toEqual({ 401: 1000 });
        const hosts = await pingHosts(ctx().nc, ctx().lattice.lattice, 1000);
        expect(hosts.some((h) => h.labels['host-type'] === 'edge')).toBe(true);
        expect((await post(urls[app], '{"celsius": 2}', { token: TOKEN_1 })).status).toBe(200);
      }, 300_000);
    });

    test('latency added by auth: ' +
      'door-ts (bearer) against door-open (the same task without auth), medians of 200', async () => {
      const times = async (url: string, token?: string) => {
        const ms: number[] = [];
        for (let i = 0; i < 200; i++) {
          const r = await post(url, '{"celsius": 3}', { token });
          expect(r.status).toBe(200);
          ms.push(r.ms);
        }
        return median(ms);
      };
      // Interleaved halves, so a slower phase of the machine does not land on one side only.
      const a1 = await times(urls['door-open']);
      const b1 = await times(urls['door-ts'], TOKEN_1);
      const b2 = await times(urls['door-ts'], TOKEN_1);
      const a2 = await times(urls['door-open']);
      const open = (a1 + a2) / 2;
      const authed = (b1 + b2) / 2;
      report.push(
        `latency, sequential POSTs over loopback, medians of 2×200: without auth ${open.toFixed(2)} ms, ` +
          `with bearer auth ${authed.toFixed(2)} ms ` +
          `(${authed - open >= 0 ? '+' : ''}${(authed - open).toFixed(2)} ms)`,
      );
    }, 300_000);

    test('rotation: pelato deploy with a new token, ' +
      'no rebuild and no new version; the old token stops working', async () => {
      const summary = path.join(tempDir(), 'summary.md');
      writeFileSync(summary, '');
      const r = await pelato(
        // The same registry as the brush: deploy regenerates gen/ when the settings it was made with differ.
        {
          DOOR_TOKEN: TOKEN_2,
          REGISTRY_URL: `${ctx().lattice.registry}/door`,
          GITHUB_ACTIONS: 'true',
          GITHUB_STEP_SUMMARY: summary,
        },
        'deploy',
        dir,
      );
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      for (const app of ['door-ts', 'door-go'])
        expect(r.out).toContain(`${app}: bearer token from DOOR_TOKEN rotated in named config ${app}-http-auth`);
      expect(r.out).toMatch(/door-ts[^\n]*unchanged/);
      outputs.push(readFileSync(summary, 'utf8'));
      for (const app of ['door-ts', 'door-go'] as const) {
        // The hosts watch the config: the running component sees the new token within moments.
        const ms = Date.now();
        await eventually(
          `${app} refusing the old token`,
          async () => ((await post(urls[app], '{}', { token: TOKEN_1 })).status === 401 ? true : undefined),
          15_000,
        );
        report.push(`${app}: rotated token in effect ${Date.now() - ms} ms after pelato deploy returned`);
        expect((await post(urls[app], '{"celsius": 4}', { token: TOKEN_2 })).status).toBe(200);
      }
    }, 300_000);
  });

  describe(
    'HTTPS through the http-server provider image (wasmCloud provider built from crates.io), ' +
      'self-signed certificate',
    () => {
      let url: string;
      let tls: ReturnType<typeof selfSignedCert>;

      beforeAll(async () => {
        const provider =
          process.env.PELATO_HTTP_SERVER_PROVIDER ?? path.join(cacheDir(), 'target', 'release', 'pelato-http-server');
        if (!existsSync(provider)) throw new Error(`${provider} not found: bash lattice/build.sh builds it`);
        const work = tempDir();
        const par = path.join(work, 'http-server.par.gz');
        execFileSync(provider, ['--par', par]);
        const image = `${ctx().lattice.registry}/providers/http-server:0.27.1`;
        execFileSync(
          useTestOras(),
          [
            'push',
            '--plain-http',
            image,
            `${path.basename(par)}:application/vnd.wasmcloud.provider.archive.layer.v1+par`,
          ],
          { cwd: work, stdio: 'ignore' },
        );
        tls = selfSignedCert(work);
        const port = await freePort();
        const project = makeProject({
          'tasks/convert.go': GO_TASK,
          'workflow.yaml':
            'project_name: Door over TLS\n' +
            `providers: { messaging: wasmcloud+builtin://messaging-nats, http: ${image} }\ntasks:\n` +
            task(
              'door-tls',
              'convert.go',
              port,
              `, auth: bearer, timeout: 2s, tls: { cert_file: ${tls.certFile}, key_file: ${tls.keyFile} }`,
            ),
        });
        url = `https://127.0.0.1:${port}/readings`;
        tlsDir = project;
        apps.push('door-tls');
        genDirs.push(path.join(project, 'gen'));
      }, 300_000);

      test('brush deploys it; HTTPS with the token works, ' +
        'without it 401; untrusted or plain HTTP gets no answer', async () => {
        const r = await pelato(
          { PELATO_HTTP_TOKEN: TLS_TOKEN, REGISTRY_URL: `${ctx().lattice.registry}/door` },
          'brush',
          tlsDir!,
        );
        expect(r.err).toBe('');
        expect(r.code).toBe(0);
        const first = await eventually(
          'the HTTPS door answering',
          async () => {
            const x = await post(url, '{"celsius": 10}', { token: TLS_TOKEN, ca: tls.cert, timeoutMs: 5000 });
            return x.status === 200 ? x : undefined;
          },
          120_000,
        );
        expect(JSON.parse(first.text)).toEqual({ kelvin: 283.15 });
        const denied = await post(url, '{"celsius": 10}', { ca: tls.cert });
        expect([denied.status, denied.headers['www-authenticate']]).toEqual([401, 'Bearer realm="pelato"']);
        expect((await post(url, Buffer.alloc(MIB + 1, 'a'), { token: TLS_TOKEN, ca: tls.cert })).status).toBe(413);
        await expect(post(url, '{}', { token: TLS_TOKEN })).rejects.toThrow(/self[- ]signed/i);
        await expect(
          post(url.replace('https:', 'http:'), '{}', { token: TLS_TOKEN, timeoutMs: 5000 }),
        ).rejects.toThrow();
        const f = await flood(url, 1000, '{"celsius": 5}', { token: TLS_TOKEN, ca: tls.cert });
        report.push(
          `door-tls (provider image, HTTPS): 1000 concurrent authorized requests: ${JSON.stringify(f.statuses)} in ` +
            `${(f.ms / 1000).toFixed(1)} s (p50 ${f.p50.toFixed(0)} ms, p99 ${f.p99.toFixed(0)} ms)`,
        );
        // Every request is answered, by the task (200), by the 2 s request timeout (408), or with 400 "request
        // body ended early" when a body arrives shorter than its Content-Length: 1000 TLS handshakes at once
        // on 2 busy cores can leave a body unread for longer than the timeout (seen in CI: 792 of 1000 with
        // other apps on the hosts; all 200 on a quiet lattice), and one CI run saw a body cut on its way
        // through the provider, which the task then took for a whole one (a 204). Nothing is refused, reset
        // or a 5xx, no part of a body reaches the task, and the door answers normally afterwards.
        expect(Object.keys(f.statuses).filter((k) => !['200', '408', '400'].includes(k))).toEqual([]);
        expect(f.statuses[200]).toBeGreaterThan(0);
        // The flood's last bodies can still be queued in the provider when the flood returns (a clean-clone CI
        // run got a 408 for the very next request), so "afterwards" is: a 200 within 30 s of the flood.
        const after = await eventually(
          'the HTTPS door answering after the flood',
          async () => {
            const x = await post(url, '{"celsius": 5}', { token: TLS_TOKEN, ca: tls.cert, timeoutMs: 10_000 });
            return x.status === 200 ? x : undefined;
          },
          30_000,
        );
        expect(JSON.parse(after.text)).toEqual({ kelvin: 278.15 });
      }, 900_000);

      test('a slow-body client over HTTPS gets 408 too', async () => {
        const slow = await post(url, stalling('{"cel', 8000), {
          token: TLS_TOKEN,
          ca: tls.cert,
          headers: { 'transfer-encoding': 'chunked' },
        });
        expect(slow.status).toBe(408);
        expect(slow.bodyFinished).toBe(false); // cut off by the deadline, not by the body's end (8 s)
      }, 60_000);
    },
  );

  describe('the token, after all of the above', () => {
    test('is in no file under gen/, no manifest stored in wadm, ' +
      'no lattice log, no output or job summary of PELATO', async () => {
      for (const gen of genDirs) {
        expect(listFiles(gen).length).toBeGreaterThan(5);
        for (const t of TOKENS) expect(filesContaining(gen, t, listFiles)).toEqual([]);
      }
      const wadm = new WadmClient(ctx().nc, { lattice: ctx().lattice.lattice });
      let manifests = 0;
      for (const app of apps) {
        for (const v of await wadm.versions(app)) {
          const text = JSON.stringify((await wadm.get(app, v.version)).manifest);
          manifests++;
          expect(text).toContain(app);
          for (const t of TOKENS) expect(text).not.toContain(t);
        }
      }
      expect(manifests).toBeGreaterThanOrEqual(apps.length);
      const logs = path.join(ctx().lattice.dir, 'logs');
      const logFiles = readdirSync(logs);
      expect(logFiles.length).toBeGreaterThan(3);
      for (const f of logFiles)
        for (const t of TOKENS) expect(readFileSync(path.join(logs, f), 'utf8').includes(t) ? f : '').toBe('');
      expect(outputs.length).toBeGreaterThan(10);
      for (const t of TOKENS) expect(outputs.filter((l) => l.includes(t))).toEqual([]);
    }, 120_000);

    test('pelato remove deletes the token configs with the apps', async () => {
      for (const d of [dir, tlsDir]) if (d) expect((await pelato({}, 'remove', d)).code).toBe(0);
      const config = new ConfigClient(ctx().nc, ctx().lattice.lattice);
      for (const app of ['door-ts', 'door-go', 'door-tls'])
        expect(await config.get(`${app}-http-auth`)).toBeUndefined();
    }, 180_000);
  });
}
