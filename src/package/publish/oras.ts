/**
 * Publishing components to an OCI registry with the oras CLI (1.2 or newer).
 *
 * The artifact is computed here byte for byte (see artifact.ts), so the manifest digest is known before
 * the push: a tag that already holds that digest is left alone ('unchanged'), a tag that holds anything
 * else is refused unless overwriting is allowed, because published versions are immutable.
 *
 * oras processes per task (bench/build.mjs counts them): none for an unchanged task, one `oras cp` for a
 * new one. The look-ups — the content hash before deciding to compile (the content-hash annotation is in
 * the manifest; the config blob is not needed to decide), and the tag again right before the push (a
 * compile of seconds to minutes lies between the two, and another run may have tagged the version
 * meanwhile: the immutability check stays next to the push) — go to the registry's HTTP API from this
 * process (registryApi.ts), falling back to `oras manifest fetch` for anything that reader cannot settle.
 * The `oras cp` from an OCI layout written here uploads both blobs and the manifest. There is no look-up
 * after the push: oras checks the registry's Docker-Content-Digest against the manifest it sent and fails
 * on a mismatch (oras-go's manifest push, verifyContentDigest).
 *
 * Credentials: `login` writes them with `--password-stdin` into a private registry config file (0600, in a
 * 0700 temporary folder) that the caller passes to the other calls and disposes of (`lazyLogin` only when
 * an oras call first needs it); nothing is written to the user's ~/.docker. Without a registry config,
 * oras uses the user's own logins (read only).
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PelatoError } from '../../common/diagnostics.js';
import { privateFile, scrub } from '../../common/secrets.js';
import type { Env } from '../../common/settings.js';
import {
  ANNOTATION_CONTENT_HASH,
  ANNOTATION_VERSION,
  buildArtifact,
  checkWasm,
  LAYOUT_TAG,
  normaliseCreated,
  ociLayout,
  sha256Digest,
  type ImageManifest,
  type WasmConfig,
} from './artifact.js';
import { atLeast } from '../toolchain.js';
import { ORAS_INSTALL_HINT, orasBinary, runOras, tempRoot, type RunResult } from './exec.js';
import { digestRef, formatRef, isLoopbackRegistry, parseRef, type ImageRef } from './reference.js';
import { lookupManifest, type ManifestLookup } from './registryApi.js';

export const MIN_ORAS_VERSION = '1.2.0';

export interface RegistryOptions {
  /** The environment oras runs in, and PELATO_ORAS and TMPDIR are read from (the CLI's, with .env merged). */
  env: Env;
  /** Talk HTTP instead of HTTPS (`--plain-http`). Default: true for loopback registries (localhost, 127.x, [::1]). */
  plainHttp?: boolean;
  /** Registry config file from `login` (`--registry-config`); default: the user's own docker/oras logins. */
  registryConfig?: string;
  /** Time limit for each oras call, in ms (default 300 000). */
  timeoutMs?: number;
  /** REGISTRY_USER / REGISTRY_PASSWORD for the in-process look-ups (registryApi.ts); oras gets them by `login`. */
  credentials?: { user: string; password: string };
  /** Makes `registryConfig` on first need (`lazyLogin`): a build that finds everything unchanged logs in to nothing. */
  login?: () => Promise<string>;
}

/** The options with `registryConfig` made by `login` if it is not there yet: what every oras call uses. */
async function withConfig(opts: RegistryOptions): Promise<RegistryOptions> {
  if (opts.registryConfig || !opts.login) return opts;
  return { ...opts, registryConfig: await opts.login() };
}

/** Tries the registry's HTTP API first (registryApi.ts); undefined means "ask oras". */
function lookup(r: ImageRef, opts: RegistryOptions): Promise<ManifestLookup | undefined> {
  return lookupManifest(r, {
    plainHttp: plainHttp(r.registry, opts),
    credentials: opts.credentials,
    timeoutMs: opts.timeoutMs,
  });
}

export interface OrasVersion {
  version: string;
  bin: string;
}

/** Checks that oras is installed and at least MIN_ORAS_VERSION. */
export async function checkOras(env: Env): Promise<OrasVersion> {
  const bin = orasBinary(env);
  const r = await runOras(['version'], { env, timeoutMs: 30_000 });
  const m = /^Version:\s*v?(\d+)\.(\d+)\.(\d+)\S*/m.exec(r.stdout.toString('utf8'));
  if (r.code !== 0 || !m)
    throw new PelatoError(`${bin} does not look like oras ("${bin} version" failed)`, ORAS_INSTALL_HINT);
  const version = `${m[1]}.${m[2]}.${m[3]}`;
  if (!atLeast(version, MIN_ORAS_VERSION)) {
    throw new PelatoError(
      `oras ${version} is too old: PELATO needs oras ${MIN_ORAS_VERSION} or newer`,
      ORAS_INSTALL_HINT,
    );
  }
  return { version, bin };
}

// ---------------------------------------------------------------------------------------------------
// Errors

export type RegistryErrorKind =
  | 'not-found'
  | 'unauthorized'
  | 'denied'
  | 'unreachable'
  | 'http-mismatch'
  | 'tls'
  | 'other';

/** Sorts oras's error output into what the user can do something about (called by registryError only). */
export function classifyOrasError(stderr: string): RegistryErrorKind {
  // References and URLs are dropped first, so that a repository named e.g. "access-denied" cannot mislead.
  const s = stderr.toLowerCase().replace(/\S+\/\S+/g, (t) => (t === 'i/o' ? t : '<ref>'));
  if (/server gave http response to https client/.test(s)) return 'http-mismatch';
  if (/basic credential not found|unauthorized|authentication required|status code 401/.test(s)) return 'unauthorized';
  if (/denied|forbidden|status code 403/.test(s)) return 'denied';
  if (
    /connection refused|no such host|i\/o timeout|deadline exceeded|network is unreachable/.test(s) ||
    /connection reset|eof$|server misbehaving|dial tcp/m.test(s)
  )
    return 'unreachable';
  if (/x509|tls:|certificate/.test(s)) return 'tls';
  if (/\bnot found\b|manifest unknown|name unknown|blob unknown|status code 404/.test(s)) return 'not-found';
  return 'other';
}

/**
 * A failed oras call as one PelatoError: the only place oras's error output is read (through
 * classifyOrasError); callers decide on the error's kind. Never repeats a secret, never more than one line
 * of oras output.
 */
export function registryError(
  what: string,
  registry: string,
  r: RunResult,
  secrets: readonly string[] = [],
): PelatoError {
  const kind = classifyOrasError(r.stderr);
  const creds =
    'log in: set REGISTRY_USER and REGISTRY_PASSWORD (a token with push rights), or run "oras login ' +
    registry +
    '" yourself';
  switch (kind) {
    case 'unauthorized':
      return new PelatoError(
        `${what}: registry ${registry} says unauthorized (missing or wrong credentials)`,
        creds,
        'registry-unauthorized',
      );
    case 'denied':
      return new PelatoError(
        `${what}: registry ${registry} denied access`,
        `the credentials in use have no right to this repository; ${creds}`,
        'registry-denied',
      );
    case 'unreachable':
      return new PelatoError(
        `${what}: cannot reach registry ${registry} (${firstMatch(r.stderr, UNREACHABLE_CAUSE) ?? 'network error'})`,
        'check the registry address (workflow.yaml "registry", --registry or REGISTRY_URL) ' +
          'and that the registry is running',
        'registry-unreachable',
      );
    case 'http-mismatch':
      return new PelatoError(
        `${what}: registry ${registry} speaks plain HTTP, not HTTPS`,
        'allow plain HTTP for this registry (only for registries on a trusted network)',
        'registry-http-mismatch',
      );
    case 'tls':
      return new PelatoError(
        `${what}: TLS with registry ${registry} failed (${scrub(lastLine(r.stderr), secrets)})`,
        'check the registry certificate, or use plain HTTP for a local registry',
        'registry-tls',
      );
    case 'not-found':
      return new PelatoError(`${what}: not found in registry ${registry}`, undefined, 'registry-not-found');
    default:
      return new PelatoError(
        `${what}: oras failed (exit ${r.code}): ${scrub(lastLine(r.stderr), secrets) || 'no error output'}`,
        undefined,
        'registry-failed',
      );
  }
}

/** What an unreachable registry's error names as the cause. */
const UNREACHABLE_CAUSE =
  /(connection refused|no such host|i\/o timeout|deadline exceeded|network is unreachable|connection reset)/i;

function firstMatch(s: string, re: RegExp): string | undefined {
  return re.exec(s)?.[1]?.toLowerCase();
}

function lastLine(s: string): string {
  const lines = s
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^please check whether/i.test(l));
  const line = (lines.find((l) => /^error/i.test(l)) ?? lines[lines.length - 1] ?? '').replace(
    /^error( response from registry)?:\s*/i,
    '',
  );
  return line.length > 300 ? line.slice(0, 300) + '…' : line;
}

// ---------------------------------------------------------------------------------------------------
// Login

export interface RegistryLogin {
  /** Pass as `registryConfig` to the other calls. */
  registryConfig: string;
  /** Removes the private config (and with it the stored credentials). Safe to call twice. */
  dispose(): void;
}

/**
 * `oras login` with the password on standard input, into a fresh private registry config that only this
 * process uses. Dispose of it when done (or use `lazyLogin`).
 */
export async function login(
  registry: string,
  user: string,
  password: string,
  opts: Omit<RegistryOptions, 'registryConfig'>,
): Promise<RegistryLogin> {
  if (!user || !password) {
    throw new PelatoError(
      `registry ${registry}: a user name and a password (or token) are both needed to log in`,
      'set REGISTRY_USER and REGISTRY_PASSWORD',
    );
  }
  const {
    file: registryConfig,
    dir,
    dispose,
  } = privateFile(tempRoot(opts.env), 'pelato-registry-auth-', 'config.json', '{"auths":{}}\n');
  try {
    const args = [
      'login',
      registry,
      '--username',
      user,
      '--password-stdin',
      '--registry-config',
      registryConfig,
      ...plainHttpArg(registry, opts),
    ];
    // DOCKER_CONFIG too, so that no helper or fallback can reach the user's ~/.docker.
    const r = await runOras(args, {
      stdin: password + '\n',
      env: opts.env,
      extraEnv: { DOCKER_CONFIG: dir },
      timeoutMs: opts.timeoutMs,
    });
    if (r.code !== 0) throw registryError(`login to ${registry} as ${user}`, registry, r, [password]);
    // oras rewrites the file; keep it private whatever mode it chose
    chmodSync(registryConfig, 0o600);
    return { registryConfig, dispose };
  } catch (e) {
    dispose();
    throw e;
  }
}

/**
 * A login made when an oras call first needs one, at most once; `dispose` removes it if it was made.
 * Spread into RegistryOptions (`login`, `credentials`).
 */
export function lazyLogin(
  registry: string,
  user: string,
  password: string,
  opts: Omit<RegistryOptions, 'registryConfig'>,
): Pick<RegistryOptions, 'login' | 'credentials'> & { dispose(): void } {
  let made: Promise<RegistryLogin> | undefined;
  let done: RegistryLogin | undefined;
  return {
    credentials: { user, password },
    login: async () => {
      made ??= login(registry, user, password, opts).then((l) => (done = l));
      return (await made).registryConfig;
    },
    // Called once every call has settled, so a login that was made is in `done` by then.
    dispose: () => done?.dispose(),
  };
}

// ---------------------------------------------------------------------------------------------------
// Reading

function plainHttp(registry: string, opts: RegistryOptions): boolean {
  return opts.plainHttp ?? isLoopbackRegistry(registry);
}

function plainHttpArg(registry: string, opts: RegistryOptions): string[] {
  return plainHttp(registry, opts) ? ['--plain-http'] : [];
}

function commonArgs(ref: ImageRef, opts: RegistryOptions): string[] {
  return [
    ...plainHttpArg(ref.registry, opts),
    ...(opts.registryConfig ? ['--registry-config', opts.registryConfig] : []),
  ];
}

export interface TagInfo {
  digest: string;
  size: number;
  mediaType: string;
}

/** What the tag points at, or undefined when the tag (or repository) does not exist. */
export async function resolveTag(ref: string, given: RegistryOptions): Promise<TagInfo | undefined> {
  const r = parseRef(ref);
  const fast = await lookup(r, given);
  if (fast?.status === 'absent') return undefined;
  if (fast?.status === 'found') {
    const m = parseJson(fast.body, `the manifest of ${ref}`) as { mediaType?: unknown };
    return {
      digest: sha256Digest(fast.body),
      size: fast.body.length,
      mediaType: typeof m?.mediaType === 'string' ? m.mediaType : '',
    };
  }
  const opts = await withConfig(given);
  const res = await runOras(['manifest', 'fetch', '--descriptor', formatRef(r), ...commonArgs(r, opts)], {
    env: opts.env,
    timeoutMs: opts.timeoutMs,
  });
  if (res.code !== 0) {
    const e = registryError(`looking up ${ref}`, r.registry, res);
    if (e.kind === 'registry-not-found') return undefined;
    throw e;
  }
  const d = parseJson(res.stdout, `the descriptor of ${ref}`) as Partial<TagInfo>;
  if (typeof d.digest !== 'string' || typeof d.size !== 'number')
    throw new PelatoError(`registry ${r.registry} returned an unexpected descriptor for ${ref}`);
  return { digest: d.digest, size: d.size, mediaType: d.mediaType ?? '' };
}

export interface FetchedArtifact {
  digest: string;
  size: number;
  manifest: ImageManifest;
  /** The parsed config blob; undefined when it is not JSON. */
  config: WasmConfig | undefined;
  /** The manifest's `dev.pelato.content-hash` annotation, if any. */
  contentHash: string | undefined;
}

/**
 * The manifest (with its digest computed from the bytes received) and its config; undefined when the tag does
 * not exist.
 */
export async function fetchManifest(ref: string, given: RegistryOptions): Promise<FetchedArtifact | undefined> {
  const got = await fetchManifestOnly(ref, given);
  const opts = await withConfig(given);
  if (!got) return undefined;
  const r = parseRef(ref);
  const cfgRes = await runOras(
    ['blob', 'fetch', '--output', '-', digestRef(r, got.manifest.config.digest), ...commonArgs(r, opts)],
    { env: opts.env, timeoutMs: opts.timeoutMs },
  );
  if (cfgRes.code !== 0) throw registryError(`fetching the config of ${ref}`, r.registry, cfgRes);
  let config: WasmConfig | undefined;
  try {
    config = JSON.parse(cfgRes.stdout.toString('utf8')) as WasmConfig;
  } catch {
    config = undefined;
  }
  return { ...got, config };
}

/** The manifest, its digest and content hash, without the config blob: one HTTP request, else one oras call. */
async function fetchManifestOnly(
  ref: string,
  given: RegistryOptions,
): Promise<Omit<FetchedArtifact, 'config'> | undefined> {
  const r = parseRef(ref);
  const fast = await lookup(r, given);
  if (fast?.status === 'absent') return undefined;
  if (fast?.status === 'found') return manifestOf(ref, fast.body);
  const opts = await withConfig(given);
  const res = await runOras(['manifest', 'fetch', formatRef(r), ...commonArgs(r, opts)], {
    env: opts.env,
    timeoutMs: opts.timeoutMs,
  });
  if (res.code !== 0) {
    const e = registryError(`fetching ${ref}`, r.registry, res);
    if (e.kind === 'registry-not-found') return undefined;
    throw e;
  }
  return manifestOf(ref, res.stdout);
}

/** A manifest's bytes as received: checked to be an image manifest, its digest computed from them. */
function manifestOf(ref: string, bytes: Buffer): Omit<FetchedArtifact, 'config'> {
  const manifest = parseJson(bytes, `the manifest of ${ref}`) as ImageManifest;
  if (!manifest || typeof manifest !== 'object' || !manifest.config || !Array.isArray(manifest.layers)) {
    throw new PelatoError(
      `${ref} is not an OCI image manifest (an index or an unknown format)`,
      'point the reference at a component image',
    );
  }
  return {
    digest: sha256Digest(bytes),
    size: bytes.length,
    manifest,
    contentHash: manifest.annotations?.[ANNOTATION_CONTENT_HASH],
  };
}

export type ContentHashMatch =
  | { status: 'absent' }
  | { status: 'same'; digest: string }
  | { status: 'different'; digest: string; contentHash: string | undefined };

/**
 * For incremental builds: does `ref` already hold a component built from exactly this content hash?
 * 'same' means the build and the push can be skipped.
 */
export async function findByContentHash(
  ref: string,
  contentHash: string,
  opts: RegistryOptions,
): Promise<ContentHashMatch> {
  const got = await fetchManifestOnly(ref, opts);
  if (!got) return { status: 'absent' };
  if (got.contentHash === contentHash) return { status: 'same', digest: got.digest };
  return { status: 'different', digest: got.digest, contentHash: got.contentHash };
}

function parseJson(b: Buffer, what: string): unknown {
  try {
    return JSON.parse(b.toString('utf8'));
  } catch {
    throw new PelatoError(`could not read ${what}: not JSON`);
  }
}

// ---------------------------------------------------------------------------------------------------
// Pushing

export interface PushComponentInput extends RegistryOptions {
  /** The built component. */
  wasmPath: string;
  /** `host/repository:tag`, lowercase; the tag is the component's version. */
  ref: string;
  config: { imports: readonly string[]; exports: readonly string[] };
  /** Recorded as the `dev.pelato.content-hash` annotation (what `findByContentHash` compares). */
  contentHash: string;
  /** `org.opencontainers.image.version`; default: the tag. */
  version?: string;
  /**
   * Creation time in the config and annotations; default the Unix epoch, so identical inputs give identical
   * digests. Pass e.g. the commit time.
   */
  created?: Date | string | number;
  /** More manifest annotations (e.g. org.opencontainers.image.source). */
  annotations?: Record<string, string>;
  /** Replace a tag that holds a different digest (default false: tags are immutable). */
  allowOverwrite?: boolean;
}

export interface PushResult {
  ref: string;
  /** `host/repository@sha256:…`, what a deployment should pin. */
  digestRef: string;
  /** The manifest digest. */
  digest: string;
  /** The manifest size in bytes. */
  size: number;
  /** 'unchanged': the tag already held exactly this artifact and nothing was pushed. */
  action: 'pushed' | 'unchanged';
  /** Set when an existing tag with another digest was replaced (allowOverwrite). */
  replaced?: string;
}

export async function pushComponent(input: PushComponentInput): Promise<PushResult> {
  const r = parseRef(input.ref);
  const ref = formatRef(r);
  if (r.tag === 'latest') {
    throw new PelatoError(
      `refusing to publish ${ref}: wasmCloud hosts refuse ":latest"`,
      'publish under the component version from workflow.yaml',
    );
  }
  let wasm: Buffer;
  try {
    wasm = readFileSync(input.wasmPath);
  } catch (e) {
    throw new PelatoError(
      `cannot read ${input.wasmPath}: ${(e as NodeJS.ErrnoException).code ?? 'read error'}`,
      'run the build first',
    );
  }
  checkWasm(wasm, input.wasmPath);
  const extra = { ...input.annotations };
  for (const k of [ANNOTATION_VERSION, ANNOTATION_CONTENT_HASH]) delete extra[k];
  const fileName = /^[A-Za-z0-9._-]+$/.test(path.basename(input.wasmPath))
    ? path.basename(input.wasmPath)
    : 'component.wasm';
  const art = buildArtifact({
    wasm,
    fileName,
    imports: input.config.imports,
    exports: input.config.exports,
    created: normaliseCreated(input.created ?? 0),
    annotations: {
      ...extra,
      [ANNOTATION_VERSION]: input.version ?? r.tag,
      [ANNOTATION_CONTENT_HASH]: input.contentHash,
    },
  });
  const pinned = digestRef(r, art.manifestDigest);
  const result = (action: PushResult['action'], replaced?: string): PushResult => ({
    ref,
    digestRef: pinned,
    digest: art.manifestDigest,
    size: art.manifest.length,
    action,
    ...(replaced ? { replaced } : {}),
  });

  const existing = await resolveTag(ref, input);
  if (existing?.digest === art.manifestDigest) return result('unchanged');
  if (existing && !input.allowOverwrite) {
    // Another build of exactly these inputs got there first (two runs of one commit racing): its artifact
    // is as good as this one, whose bytes may differ (componentize-js output is not byte-reproducible).
    const theirs = await fetchManifestOnly(ref, input);
    if (theirs && theirs.contentHash === input.contentHash)
      return {
        ref,
        digestRef: digestRef(r, theirs.digest),
        digest: theirs.digest,
        size: theirs.size,
        action: 'unchanged',
      };
  }
  const { registryConfig } = await withConfig(input);
  if (existing && !input.allowOverwrite) {
    throw new PelatoError(
      `${ref} already exists with a different digest (tags are immutable): bump the version in workflow.yaml`,
      `the registry has ${existing.digest}, this build is ${art.manifestDigest}`,
    );
  }

  // One `oras cp` from an OCI layout in a private folder uploads both blobs and the manifest (blobs the
  // registry has are skipped). The layout is named by a relative path, so a ':' in TMPDIR cannot be
  // taken for a tag.
  const dir = mkdtempSync(path.join(tempRoot(input.env), 'pelato-push-'));
  try {
    for (const [file, bytes] of ociLayout(art, wasm)) {
      mkdirSync(path.join(dir, 'layout', path.dirname(file)), { recursive: true });
      writeFileSync(path.join(dir, 'layout', file), bytes);
    }
    const to = [
      ...(plainHttp(r.registry, input) ? ['--to-plain-http'] : []),
      ...(registryConfig ? ['--to-registry-config', registryConfig] : []),
    ];
    const res = await runOras(['cp', '--from-oci-layout', `layout:${LAYOUT_TAG}`, ref, ...to], {
      cwd: dir,
      env: input.env,
      timeoutMs: input.timeoutMs,
    });
    if (res.code !== 0) throw registryError(`publishing ${ref}`, r.registry, res);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return result('pushed', existing?.digest);
}
