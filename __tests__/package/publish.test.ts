/**
 * Publishing against a real OCI registry (CNCF distribution, `docker-registry`) with the real oras CLI,
 * both on loopback. scripts/install-test-tools.sh installs them; the tests fail (never skip) without them.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PelatoError } from '../../src/common/diagnostics.js';
import {
  ANNOTATION_CONTENT_HASH,
  ANNOTATION_CREATED,
  ANNOTATION_VERSION,
  buildArtifact,
  checkOras,
  classifyOrasError,
  fetchManifest,
  findByContentHash,
  lazyLogin,
  login,
  MANIFEST_MEDIA_TYPE,
  parseRef,
  pushComponent,
  resolveTag,
  WASM_CONFIG_MEDIA_TYPE,
  WASM_LAYER_MEDIA_TYPE,
  type PushComponentInput,
  type PushResult,
} from '../../src/package/publish/index.js';
import { cleanupProjects, tempDir } from '../helpers/project.js';
import { challengeParams } from '../../src/package/publish/registryApi.js';
import { freePort, recordingOras, startRegistry, useTestOras, type TestRegistry } from './helpers/registry.js';

const sha = (b: Buffer) => 'sha256:' + createHash('sha256').update(b).digest('hex');

/** A component header (`\0asm`, version 0x0d, layer 1) plus a custom section, so files can differ. */
function componentBytes(tag: string): Buffer {
  const name = Buffer.from('pelato-test');
  const payload = Buffer.from(tag);
  const body = Buffer.concat([Buffer.from([name.length]), name, payload]);
  return Buffer.concat([
    Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00]),
    Buffer.from([0x00, body.length]),
    body,
  ]);
}

let oras: string;
let plain: TestRegistry;
let secured: TestRegistry;
let work: string;
let tmp: string;
/** The environment handed to the code under test (process.env is never changed). */
let env: Record<string, string>;
const home = () => env.HOME!;

function orasCli(args: string[], cwd: string, registryConfig?: string): Buffer {
  return execFileSync(
    oras,
    [...args, '--plain-http', ...(registryConfig ? ['--registry-config', registryConfig] : [])],
    { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

/** Manifest uploads the registry has received so far (from its access log). */
function manifestPuts(reg: TestRegistry): number {
  return (reg.log().match(/"PUT \/v2\/[^"]*\/manifests\/[^"]*"/g) ?? []).length;
}

function wasmFile(name: string, tag: string): string {
  const p = path.join(work, name);
  writeFileSync(p, componentBytes(tag));
  return p;
}

function input(
  reg: TestRegistry,
  repo: string,
  tag: string,
  wasmPath: string,
  extra: Partial<PushComponentInput> = {},
): PushComponentInput {
  return {
    env,
    wasmPath,
    ref: `${reg.host}/pelato/${repo}:${tag}`,
    config: {
      imports: ['wasmcloud:messaging/consumer@0.2.0', 'wasi:logging/logging@0.1.0-draft'],
      exports: ['wasmcloud:messaging/handler@0.2.0'],
    },
    contentHash: 'sha256:' + 'ab'.repeat(32),
    created: '2026-03-01T12:00:00Z',
    annotations: { 'org.opencontainers.image.source': 'https://example.invalid/repo' },
    ...extra,
  };
}

async function rejection(p: Promise<unknown>): Promise<PelatoError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(PelatoError);
    return e as PelatoError;
  }
  throw new Error('expected a PelatoError, but the call succeeded');
}

beforeAll(async () => {
  oras = useTestOras();
  [plain, secured] = await Promise.all([startRegistry(), startRegistry({ auth: true })]);
  work = tempDir();
  // Everything the code under test puts in the temp folder, and anything oras might write to a home
  // folder or docker config, lands in folders of this test that are checked afterwards.
  tmp = path.join(work, 'tmp');
  mkdirSync(tmp);
  mkdirSync(path.join(work, 'home'));
  mkdirSync(path.join(work, 'docker'));
  env = {
    PATH: process.env.PATH ?? '',
    PELATO_ORAS: oras,
    TMPDIR: tmp,
    HOME: path.join(work, 'home'),
    DOCKER_CONFIG: path.join(work, 'docker'),
  };
}, 60_000);

afterAll(async () => {
  await Promise.all([plain?.stop(), secured?.stop()]);
  cleanupProjects();
});

afterEach(() => {
  // No temp folder (push staging, registry credentials) outlives a call.
  expect(readdirSync(tmp)).toEqual([]);
});

describe('checkOras', () => {
  test('finds oras 1.2 or newer', async () => {
    const v = await checkOras(env);
    expect(v.version).toMatch(/^\d+\.\d+\.\d+$/);
    const [maj, min] = v.version.split('.').map(Number) as [number, number];
    expect(maj > 1 || (maj === 1 && min >= 2)).toBe(true);
  });

  test('a missing oras says how to install it', async () => {
    {
      const e = await rejection(checkOras({ ...env, PELATO_ORAS: path.join(work, 'no-such-oras') }));
      expect(e.message).toBe(`oras not found (${path.join(work, 'no-such-oras')})`);
      expect(e.hint).toMatch(/install oras 1\.2 or newer/);
      expect(e.kind).toBe('tool-missing');
    }
  });

  test('an old oras is refused', async () => {
    const old = path.join(work, 'old-oras');
    writeFileSync(old, '#!/bin/sh\necho "Version:    1.1.0"\necho "Go version: go1.21"\n');
    chmodSync(old, 0o755);
    const e = await rejection(checkOras({ ...env, PELATO_ORAS: old }));
    expect(e.message).toMatch(/oras 1\.1\.0 is too old: PELATO needs oras 1\.2\.0 or newer/);
  });
});

describe('references', () => {
  test.each([
    ['Localhost:5000/p/c:1.0.0', /must be lowercase/],
    ['localhost:5000/p/Temp:1.0.0', /must be lowercase/],
    ['https://localhost:5000/p/c:1.0.0', /no scheme/],
    ['localhost:5000/p/c', /missing the tag/],
    ['c:1.0.0', /host\/repository:tag/],
    ['localhost:5000/p/c:1.0.0+build.1', /not a valid tag/],
    ['localhost:5000/p//c:1.0.0', /not a valid repository/],
  ])('%s is refused', (ref, re) => {
    expect(() => parseRef(ref)).toThrow(re);
  });

  test('a valid reference is split', () => {
    expect(parseRef('ghcr.io/acme/iot/temp_filter:1.0.2')).toEqual({
      registry: 'ghcr.io',
      repository: 'acme/iot/temp_filter',
      tag: '1.0.2',
    });
    expect(parseRef('localhost:5000/p/c-1:1.0.0-rc.1').registry).toBe('localhost:5000');
  });

  test(':latest is refused before anything is sent', async () => {
    const e = await rejection(pushComponent(input(plain, 'latest-test', 'latest', wasmFile('l.wasm', 'l'))));
    expect(e.message).toMatch(/refusing to publish .*:latest/);
    expect(await resolveTag(`${plain.host}/pelato/latest-test:latest`, { env })).toBeUndefined();
  });
});

describe('the artifact', () => {
  test('identical inputs give identical bytes; a different created time changes the digest', () => {
    const base = {
      wasm: componentBytes('x'),
      fileName: 'x.wasm',
      imports: ['b', 'a', 'a'],
      exports: ['e'],
      created: '2026-03-01T12:00:00Z',
      annotations: { z: '1', a: '2' },
    };
    const a = buildArtifact(base);
    const b = buildArtifact({ ...base, imports: ['a', 'b'], annotations: { a: '2', z: '1' } });
    expect(b.manifest.equals(a.manifest)).toBe(true);
    expect(a.manifestDigest).toBe(sha(a.manifest));
    expect(buildArtifact({ ...base, created: '2026-03-01T12:00:01Z' }).manifestDigest).not.toBe(a.manifestDigest);
  });
});

describe('push to a real registry', () => {
  test('pushes the CNCF Wasm OCI artifact and it pulls back byte for byte', async () => {
    const wasmPath = wasmFile('temp_filter.wasm', 'v1');
    const wasm = readFileSync(wasmPath);
    const inp = input(plain, 'temp_filter', '1.0.0', wasmPath);
    const res = await pushComponent(inp);
    expect(res.action).toBe('pushed');
    expect(res.ref).toBe(inp.ref);
    expect(res.digestRef).toBe(`${plain.host}/pelato/temp_filter@${res.digest}`);

    // What the registry holds, read with oras directly.
    const pulled = path.join(work, 'pulled');
    mkdirSync(pulled);
    const manifestBytes = orasCli(['manifest', 'fetch', inp.ref], work);
    expect(sha(manifestBytes)).toBe(res.digest);
    expect(manifestBytes.length).toBe(res.size);
    expect(orasCli(['resolve', inp.ref], work).toString().trim()).toBe(res.digest);
    orasCli(['pull', inp.ref, '-o', pulled], work);
    expect(readdirSync(pulled)).toEqual(['temp_filter.wasm']);
    expect(readFileSync(path.join(pulled, 'temp_filter.wasm')).equals(wasm)).toBe(true);

    const m = JSON.parse(manifestBytes.toString());
    expect(m.schemaVersion).toBe(2);
    expect(m.mediaType).toBe(MANIFEST_MEDIA_TYPE);
    expect(m.config.mediaType).toBe(WASM_CONFIG_MEDIA_TYPE);
    expect(m.layers).toHaveLength(1);
    expect(m.layers[0].mediaType).toBe(WASM_LAYER_MEDIA_TYPE);
    expect(m.layers[0].digest).toBe(sha(wasm));
    expect(m.layers[0].size).toBe(wasm.length);
    expect(m.annotations).toEqual({
      [ANNOTATION_VERSION]: '1.0.0',
      [ANNOTATION_CONTENT_HASH]: inp.contentHash,
      [ANNOTATION_CREATED]: '2026-03-01T12:00:00Z',
      'org.opencontainers.image.source': 'https://example.invalid/repo',
    });

    const configBytes = orasCli(
      ['blob', 'fetch', '--output', '-', `${plain.host}/pelato/temp_filter@${m.config.digest}`],
      work,
    );
    expect(sha(configBytes)).toBe(m.config.digest);
    expect(JSON.parse(configBytes.toString())).toEqual({
      created: '2026-03-01T12:00:00Z',
      architecture: 'wasm',
      os: 'wasip2',
      layerDigests: [sha(wasm)],
      component: {
        exports: ['wasmcloud:messaging/handler@0.2.0'],
        imports: ['wasi:logging/logging@0.1.0-draft', 'wasmcloud:messaging/consumer@0.2.0'],
      },
    });

    // fetchManifest sees the same thing.
    const f = await fetchManifest(inp.ref, { env });
    expect(f?.digest).toBe(res.digest);
    expect(f?.contentHash).toBe(inp.contentHash);
    expect(f?.config?.layerDigests).toEqual([sha(wasm)]);
    expect(f?.manifest.layers).toHaveLength(1);
  });

  test('the same inputs under another tag give the same digest (deterministic created time)', async () => {
    const wasmPath = wasmFile('det.wasm', 'det');
    const a = await pushComponent(input(plain, 'det', '1.0.0', wasmPath, { created: undefined, version: '1' }));
    const b = await pushComponent(input(plain, 'det', '1.0.1', wasmPath, { created: undefined, version: '1' }));
    expect(b.digest).toBe(a.digest);
    expect(
      (await fetchManifest(`${plain.host}/pelato/det:1.0.1`, { env }))?.manifest.annotations?.[ANNOTATION_CREATED],
    ).toBe('1970-01-01T00:00:00Z');
  });

  test('re-pushing identical inputs is "unchanged" and sends no manifest', async () => {
    const wasmPath = wasmFile('same.wasm', 'same');
    const first = await pushComponent(input(plain, 'same', '2.0.0', wasmPath));
    expect(first.action).toBe('pushed');
    const puts = manifestPuts(plain);
    expect(puts).toBeGreaterThan(0);
    const again = await pushComponent(input(plain, 'same', '2.0.0', wasmPath));
    expect(again).toEqual({ ...first, action: 'unchanged' });
    expect(manifestPuts(plain)).toBe(puts);
  });

  test('other bytes under an existing tag: bump the version; allowOverwrite replaces it', async () => {
    const ref = `${plain.host}/pelato/immutable:1.0.0`;
    const first = await pushComponent(input(plain, 'immutable', '1.0.0', wasmFile('i1.wasm', 'one')));
    const changed = input(plain, 'immutable', '1.0.0', wasmFile('i2.wasm', 'two'), {
      contentHash: 'sha256:' + 'cd'.repeat(32),
    });
    const puts = manifestPuts(plain);
    const e = await rejection(pushComponent(changed));
    expect(e.message).toBe(
      `${ref} already exists with a different digest (tags are immutable): bump the version in workflow.yaml`,
    );
    expect(e.hint).toContain(first.digest);
    expect((await resolveTag(ref, { env }))?.digest).toBe(first.digest);
    expect(manifestPuts(plain)).toBe(puts);

    const over = await pushComponent({ ...changed, allowOverwrite: true });
    expect(over.action).toBe('pushed');
    expect(over.replaced).toBe(first.digest);
    expect(over.digest).not.toBe(first.digest);
    expect((await resolveTag(ref, { env }))?.digest).toBe(over.digest);
  });

  test('other bytes from the same inputs (a racing build of one commit): unchanged, pinned to the first', async () => {
    const ref = `${plain.host}/pelato/raced:1.0.0`;
    const first = await pushComponent(input(plain, 'raced', '1.0.0', wasmFile('r1.wasm', 'one')));
    const puts = manifestPuts(plain);
    const second = await pushComponent(input(plain, 'raced', '1.0.0', wasmFile('r2.wasm', 'two')));
    expect([second.action, second.digest, second.digestRef]).toEqual([
      'unchanged',
      first.digest,
      `${plain.host}/pelato/raced@${first.digest}`,
    ]);
    expect(manifestPuts(plain)).toBe(puts);
    expect((await resolveTag(ref, { env }))?.digest).toBe(first.digest);
  });

  test('findByContentHash tells absent, same and different apart', async () => {
    const ref = `${plain.host}/pelato/incremental:3.0.0`;
    expect(await findByContentHash(ref, 'sha256:1', { env })).toEqual({ status: 'absent' });
    const pushed = await pushComponent(
      input(plain, 'incremental', '3.0.0', wasmFile('inc.wasm', 'inc'), { contentHash: 'sha256:1' }),
    );
    expect(await findByContentHash(ref, 'sha256:1', { env })).toEqual({ status: 'same', digest: pushed.digest });
    expect(await findByContentHash(ref, 'sha256:2', { env })).toEqual({
      status: 'different',
      digest: pushed.digest,
      contentHash: 'sha256:1',
    });
  });

  test('a tag or repository that does not exist resolves to undefined', async () => {
    expect(await resolveTag(`${plain.host}/pelato/never-pushed:1.0.0`, { env })).toBeUndefined();
    expect(await fetchManifest(`${plain.host}/pelato/never-pushed:1.0.0`, { env })).toBeUndefined();
    await pushComponent(input(plain, 'has-one', '1.0.0', wasmFile('h.wasm', 'h')));
    expect(await resolveTag(`${plain.host}/pelato/has-one:9.9.9`, { env })).toBeUndefined();
  });

  test('a file that is not wasm, or missing, is refused before anything is sent', async () => {
    const txt = path.join(work, 'not.wasm');
    writeFileSync(txt, 'hello world, not wasm');
    expect((await rejection(pushComponent(input(plain, 'bad', '1.0.0', txt)))).message).toMatch(
      /is not a WebAssembly binary/,
    );
    expect(
      (await rejection(pushComponent(input(plain, 'bad', '1.0.0', path.join(work, 'missing.wasm'))))).message,
    ).toMatch(/cannot read .*missing\.wasm: ENOENT/);
    expect(await resolveTag(`${plain.host}/pelato/bad:1.0.0`, { env })).toBeUndefined();
  });
});

describe('a registry with basic auth', () => {
  const everything = (e: PelatoError) => `${e.message}\n${e.hint ?? ''}\n${e.stack ?? ''}`;

  test('without credentials: unauthorized, with what to set', async () => {
    const e = await rejection(pushComponent(input(secured, 'auth', '1.0.0', wasmFile('a0.wasm', 'a0'))));
    expect(e.message).toMatch(new RegExp(`registry ${secured.host} says unauthorized`));
    expect(e.hint).toMatch(/REGISTRY_USER and REGISTRY_PASSWORD/);
    const r = await rejection(resolveTag(`${secured.host}/pelato/auth:1.0.0`, { env }));
    expect(r.message).toMatch(/unauthorized/);
  });

  test('a wrong password is refused and never repeated', async () => {
    const wrong = secured.password! + 'X';
    const e = await rejection(login(secured.host, secured.user!, wrong, { env }));
    expect(e.message).toMatch(/unauthorized/);
    expect(everything(e)).not.toContain(wrong);
    expect(everything(e)).not.toContain(secured.password!);
  });

  test('after login the push works; the credentials live only in a private file that is removed', async () => {
    const l = await login(secured.host, secured.user!, secured.password!, { env });
    let res: PushResult | undefined;
    try {
      expect(path.dirname(l.registryConfig).startsWith(tmp)).toBe(true);
      expect(statSync(l.registryConfig).mode & 0o777).toBe(0o600);
      expect(statSync(path.dirname(l.registryConfig)).mode & 0o777).toBe(0o700);
      const stored = JSON.parse(readFileSync(l.registryConfig, 'utf8'));
      expect(Object.keys(stored.auths)).toEqual([secured.host]);

      const inp = input(secured, 'auth', '1.0.0', wasmFile('a1.wasm', 'a1'), { registryConfig: l.registryConfig });
      res = await pushComponent(inp);
      expect(res.action).toBe('pushed');
      expect(sha(orasCli(['manifest', 'fetch', inp.ref], work, l.registryConfig))).toBe(res.digest);
      expect((await pushComponent(inp)).action).toBe('unchanged');
      expect(
        (await findByContentHash(inp.ref, inp.contentHash, { env, registryConfig: l.registryConfig })).status,
      ).toBe('same');
    } finally {
      l.dispose();
    }
    expect(existsSync(l.registryConfig)).toBe(false);
    expect(JSON.stringify(res)).not.toContain(secured.password!);
    // Nothing went to the (test's) home folder or docker config.
    expect(readdirSync(home())).toEqual([]);
    expect(readdirSync(env.DOCKER_CONFIG!)).toEqual([]);
    // The registry config is gone, so the next call is unauthorized again.
    expect((await rejection(resolveTag(`${secured.host}/pelato/auth:1.0.0`, { env }))).message).toMatch(/unauthorized/);
  });

  test('the password never appears on an oras command line; a push is one look-up and one cp', async () => {
    const oras = recordingOras(work);
    const wrapped = { ...env, PELATO_ORAS: oras.binary };
    const l = await login(secured.host, secured.user!, secured.password!, { env: wrapped });
    try {
      const registryConfig = l.registryConfig;
      await pushComponent(
        input(secured, 'argv', '1.0.0', wasmFile('argv.wasm', 'argv'), { registryConfig, env: wrapped }),
      );
    } finally {
      l.dispose();
    }
    const calls = oras.calls();
    expect(calls.map((c) => c.split(' ').slice(0, 2).join(' '))).toEqual([
      'login 127.0.0.1:' + secured.port,
      'manifest fetch',
      'cp --from-oci-layout',
    ]);
    expect(calls[0]).toMatch(/^login 127\.0\.0\.1:\d+ --username \S+ --password-stdin --registry-config /);
    expect(calls[2]).toMatch(/ --to-registry-config /);
    expect(calls.join('\n')).not.toContain(secured.password!);
  });

  test('lazyLogin: look-ups over HTTP with the credentials; unchanged: no oras process; new: login + cp', async () => {
    const oras = recordingOras(work);
    const wrapped = { ...env, PELATO_ORAS: oras.binary };
    const first = lazyLogin(secured.host, secured.user!, secured.password!, { env: wrapped });
    const inp = input(secured, 'lazy', '1.0.0', wasmFile('lazy.wasm', 'lazy'), {
      env: wrapped,
      login: first.login,
      credentials: first.credentials,
    });
    try {
      expect((await findByContentHash(inp.ref, inp.contentHash, inp)).status).toBe('absent');
      expect(oras.calls()).toEqual([]);
      expect((await pushComponent(inp)).action).toBe('pushed');
      const calls = oras.calls().map((c) => c.split(' ').slice(0, 2).join(' '));
      expect(calls).toEqual(['login 127.0.0.1:' + secured.port, 'cp --from-oci-layout']);
    } finally {
      first.dispose();
    }
    // A later run finds it unchanged without starting oras at all (no login either).
    const again = lazyLogin(secured.host, secured.user!, secured.password!, { env: wrapped });
    try {
      const opts = { env: wrapped, login: again.login, credentials: again.credentials };
      expect((await findByContentHash(inp.ref, inp.contentHash, opts)).status).toBe('same');
      expect((await pushComponent({ ...inp, ...opts })).action).toBe('unchanged');
      expect(oras.calls()).toHaveLength(2); // still only the first run's login and cp
    } finally {
      again.dispose();
    }
    expect(readdirSync(tmp).filter((f) => f.startsWith('pelato-registry-auth-'))).toEqual([]);
  });

  test('lazyLogin with a wrong password: the look-up falls back to oras, which says unauthorized', async () => {
    const wrong = secured.password! + 'X';
    const l = lazyLogin(secured.host, secured.user!, wrong, { env });
    try {
      const e = await rejection(
        findByContentHash(`${secured.host}/pelato/lazy:1.0.0`, 'sha256:x', {
          env,
          login: l.login,
          credentials: l.credentials,
        }),
      );
      expect(e.message).toMatch(/unauthorized/);
      expect(everything(e)).not.toContain(wrong);
    } finally {
      l.dispose();
    }
  });

  test('lazyLogin removes the credentials even when the work after the login fails', async () => {
    const l = lazyLogin(secured.host, secured.user!, secured.password!, { env });
    let seen = '';
    await expect(
      (async () => {
        try {
          seen = await l.login!();
          expect(existsSync(seen)).toBe(true);
          throw new Error('boom');
        } finally {
          l.dispose();
        }
      })(),
    ).rejects.toThrow('boom');
    expect(seen).not.toBe('');
    expect(existsSync(seen)).toBe(false);
  });

  test('an empty password is refused without calling the registry', async () => {
    expect((await rejection(login(secured.host, secured.user!, '', { env }))).hint).toMatch(/REGISTRY_PASSWORD/);
  });
});

describe('unreachable or misconfigured registries', () => {
  test('nothing listening: a readable "cannot reach" error', async () => {
    const port = await freePort();
    const e = await rejection(
      pushComponent(input({ host: `127.0.0.1:${port}` } as TestRegistry, 'x', '1.0.0', wasmFile('u.wasm', 'u'))),
    );
    expect(e.message).toBe(
      `looking up 127.0.0.1:${port}/pelato/x:1.0.0: cannot reach registry 127.0.0.1:${port} (connection refused)`,
    );
    expect(e.hint).toMatch(/registry address/);
    expect(e.kind).toBe('registry-unreachable');
    expect(e.message).not.toContain('\n');
  });

  test('HTTPS against a plain-HTTP registry says so', async () => {
    const e = await rejection(resolveTag(`${plain.host}/pelato/temp_filter:1.0.0`, { env, plainHttp: false }));
    expect(e.message).toMatch(/speaks plain HTTP, not HTTPS/);
    expect(e.kind).toBe('registry-http-mismatch');
  });
});

describe('classifyOrasError', () => {
  test.each([
    ['Error: failed to find "h/a/b:1": basic credential not found\nPlease check whether ...', 'unauthorized'],
    ['Error response from registry: unauthorized: authentication required', 'unauthorized'],
    ['Error response from registry: failed to resolve digest: h:5000/a/b:1.0.0: not found', 'not-found'],
    [
      'Error response from registry: failed to find "h:5000/access-denied/x:1": h:5000/access-denied/x:1: not found',
      'not-found',
    ],
    ['Error response from registry: denied: requested access to the resource is denied', 'denied'],
    [
      'Error: Head "http://127.0.0.1:1/v2/a/manifests/1": dial tcp 127.0.0.1:1: connect: connection refused',
      'unreachable',
    ],
    ['Error: Head "https://h/v2/": http: server gave HTTP response to HTTPS client', 'http-mismatch'],
    ['Error: tls: failed to verify certificate: x509: certificate signed by unknown authority', 'tls'],
    ['Error: something else entirely', 'other'],
  ])('%s', (stderr, kind) => {
    expect(classifyOrasError(stderr)).toBe(kind);
  });
});

describe('challengeParams (the registry API reader)', () => {
  test('reads quoted and bare auth-params of a Bearer challenge', () => {
    expect(
      challengeParams('Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:a/b:pull"'),
    ).toEqual({ realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:a/b:pull' });
    expect(challengeParams('Bearer realm=https://auth.example/t, service=reg, error="in\\"valid"')).toEqual({
      realm: 'https://auth.example/t',
      service: 'reg',
      error: 'in"valid',
    });
    expect(challengeParams('Basic realm="Registry Realm"')).toEqual({ realm: 'Registry Realm' });
  });
});
