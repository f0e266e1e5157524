/**
 * Every option and environment variable the deploy stage reads, in one place, and how they combine into
 * connection settings. PELATO's own names win over wash's, wash's over the seed's NATS_HOST/NATS_PORT.
 * Secret values are kept here and in the connection only; `describeSettings` is what may be printed.
 */
import { existsSync } from 'node:fs';
import { PelatoError } from '../common/diagnostics.js';

/** Environment variables (names only; the values of the secret ones are never printed). */
export const ENV = {
  NATS_URL: 'NATS_URL',
  NATS_HOST: 'NATS_HOST',
  NATS_PORT: 'NATS_PORT',
  NATS_CREDS: 'NATS_CREDS',
  NATS_CREDS_CONTENT: 'NATS_CREDS_CONTENT',
  NATS_NKEY_SEED: 'NATS_NKEY_SEED',
  NATS_JWT: 'NATS_JWT',
  NATS_SEED: 'NATS_SEED',
  NATS_USER: 'NATS_USER',
  NATS_PASSWORD: 'NATS_PASSWORD',
  NATS_TOKEN: 'NATS_TOKEN',
  NATS_TLS_CA: 'NATS_TLS_CA',
  NATS_TLS_CERT: 'NATS_TLS_CERT',
  NATS_TLS_KEY: 'NATS_TLS_KEY',
  NATS_TLS_FIRST: 'NATS_TLS_FIRST',
  WADM_API_PREFIX: 'WADM_API_PREFIX',
  DEPLOY_TIMEOUT: 'PELATO_DEPLOY_TIMEOUT',
  /** Seconds to wait for the NATS handshake per attempt (default 5). */
  NATS_CONNECT_TIMEOUT: 'NATS_CONNECT_TIMEOUT',
  // wash 0.x names, read so that existing setups work unchanged
  WASMCLOUD_CTL_HOST: 'WASMCLOUD_CTL_HOST',
  WASMCLOUD_CTL_PORT: 'WASMCLOUD_CTL_PORT',
  WASMCLOUD_CTL_JWT: 'WASMCLOUD_CTL_JWT',
  WASMCLOUD_CTL_SEED: 'WASMCLOUD_CTL_SEED',
  WASH_CTL_CREDS: 'WASH_CTL_CREDS',
  WASH_CTL_TLS_CA_FILE: 'WASH_CTL_TLS_CA_FILE',
  WASH_CTL_TLS_FIRST: 'WASH_CTL_TLS_FIRST',
  WASMCLOUD_LATTICE: 'WASMCLOUD_LATTICE',
} as const;

/** Environment variables whose values are secrets: never printed, and scrubbed from any message. */
export const SECRET_ENV = [
  ENV.NATS_CREDS_CONTENT,
  ENV.NATS_NKEY_SEED,
  ENV.NATS_JWT,
  ENV.NATS_SEED,
  ENV.NATS_PASSWORD,
  ENV.NATS_TOKEN,
  ENV.WASMCLOUD_CTL_JWT,
  ENV.WASMCLOUD_CTL_SEED,
] as const;

/** Command-line options of deploy, remove and status. */
export const OPTION = {
  NATS_URL: 'nats-url',
  LATTICE: 'lattice',
  TIMEOUT: 'timeout',
  REPLACE: 'replace',
  KEEP_VERSIONS: 'keep-versions',
  JSON: 'json',
} as const;

export const DEFAULT_NATS_HOST = '127.0.0.1';
export const DEFAULT_NATS_PORT = 4222;
export const DEFAULT_WADM_PREFIX = 'wadm.api';
export const DEFAULT_TIMEOUT_S = 120;

export type Auth =
  | { kind: 'none' }
  | { kind: 'creds-file'; path: string; from: string }
  | { kind: 'creds-content'; content: string; from: string }
  | { kind: 'nkey'; seed: string; from: string }
  | { kind: 'jwt'; jwt: string; seed: string; from: string }
  | { kind: 'user-password'; user: string; password: string; from: string }
  | { kind: 'token'; token: string; from: string };

export interface TlsSettings {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  handshakeFirst: boolean;
}

export interface NatsSettings {
  /** Server URLs as given (may hold user:password@, which is redacted whenever printed). */
  servers: string[];
  /** Which setting the servers came from, for hints. */
  serversFrom: string;
  auth: Auth;
  tls?: TlsSettings;
  /** The values of every secret in use, so messages can be scrubbed of them. */
  secrets: string[];
}

type Env = Record<string, string | undefined>;

const val = (env: Env, name: string): string | undefined => {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
};

export function isTrue(v: string | undefined): boolean {
  return v !== undefined && /^(1|true|yes|on)$/i.test(v.trim());
}

/** Servers: --nats-url, NATS_URL (comma-separated), NATS_HOST/NATS_PORT, WASMCLOUD_CTL_HOST/PORT, 127.0.0.1:4222. */
function resolveServers(env: Env, natsUrl: string | undefined): { servers: string[]; from: string } {
  const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
  if (natsUrl && list(natsUrl).length) return { servers: list(natsUrl), from: `--${OPTION.NATS_URL}` };
  const url = val(env, ENV.NATS_URL);
  if (url) return { servers: list(url), from: ENV.NATS_URL };
  for (const [h, p] of [
    [ENV.NATS_HOST, ENV.NATS_PORT],
    [ENV.WASMCLOUD_CTL_HOST, ENV.WASMCLOUD_CTL_PORT],
  ] as const) {
    const host = val(env, h);
    const port = val(env, p);
    if (host || port) {
      if (port && !/^\d{1,5}$/.test(port)) throw new PelatoError(`${p} must be a port number, got "${port}"`, `e.g. ${p}=4222`);
      return { servers: [`${host ?? DEFAULT_NATS_HOST}:${port ?? DEFAULT_NATS_PORT}`], from: `${h}/${p}` };
    }
  }
  return { servers: [`${DEFAULT_NATS_HOST}:${DEFAULT_NATS_PORT}`], from: `the default (set ${ENV.NATS_URL})` };
}

function resolveAuth(env: Env): Auth {
  const found: Exclude<Auth, { kind: 'none' }>[] = [];
  const creds = val(env, ENV.NATS_CREDS) ?? val(env, ENV.WASH_CTL_CREDS);
  const credsFrom = val(env, ENV.NATS_CREDS) ? ENV.NATS_CREDS : ENV.WASH_CTL_CREDS;
  if (creds) found.push({ kind: 'creds-file', path: creds, from: credsFrom });
  const credsContent = env[ENV.NATS_CREDS_CONTENT];
  if (credsContent && credsContent.trim()) found.push({ kind: 'creds-content', content: credsContent, from: ENV.NATS_CREDS_CONTENT });
  const nkey = val(env, ENV.NATS_NKEY_SEED);
  if (nkey) found.push({ kind: 'nkey', seed: nkey, from: ENV.NATS_NKEY_SEED });
  for (const [j, s] of [
    [ENV.NATS_JWT, ENV.NATS_SEED],
    [ENV.WASMCLOUD_CTL_JWT, ENV.WASMCLOUD_CTL_SEED],
  ] as const) {
    const jwt = val(env, j);
    const seed = val(env, s);
    if (jwt && !seed) throw new PelatoError(`${j} is set but ${s} is not`, `a user JWT needs the user's seed in ${s}`);
    if (seed && !jwt) throw new PelatoError(`${s} is set but ${j} is not`, `set the user JWT in ${j}, or use ${ENV.NATS_NKEY_SEED} for a plain NKEY user`);
    if (jwt && seed) {
      // PELATO's own pair wins over wash's when both are set.
      if (!found.some((a) => a.kind === 'jwt')) found.push({ kind: 'jwt', jwt, seed, from: `${j}/${s}` });
    }
  }
  const user = val(env, ENV.NATS_USER);
  const password = env[ENV.NATS_PASSWORD];
  if (user && !password) throw new PelatoError(`${ENV.NATS_USER} is set but ${ENV.NATS_PASSWORD} is not`, `set both, or neither`);
  if (password && !user) throw new PelatoError(`${ENV.NATS_PASSWORD} is set but ${ENV.NATS_USER} is not`, `set both, or neither`);
  if (user && password) found.push({ kind: 'user-password', user, password, from: `${ENV.NATS_USER}/${ENV.NATS_PASSWORD}` });
  const token = val(env, ENV.NATS_TOKEN);
  if (token) found.push({ kind: 'token', token, from: ENV.NATS_TOKEN });
  // A creds file from wash next to a PELATO setting: PELATO's wins; two PELATO settings are a mistake.
  const own = found.filter((a) => !a.from.startsWith('WAS'));
  const pick = own.length ? own : found;
  if (pick.length > 1) {
    throw new PelatoError(
      `more than one NATS authentication is set: ${pick.map((a) => a.from).join(', ')}`,
      'keep exactly one of them (the values are not shown)',
    );
  }
  return pick[0] ?? { kind: 'none' };
}

function resolveTls(env: Env, servers: string[]): TlsSettings | undefined {
  const caFile = val(env, ENV.NATS_TLS_CA) ?? val(env, ENV.WASH_CTL_TLS_CA_FILE);
  const certFile = val(env, ENV.NATS_TLS_CERT);
  const keyFile = val(env, ENV.NATS_TLS_KEY);
  const handshakeFirst = isTrue(env[ENV.NATS_TLS_FIRST]) || isTrue(env[ENV.WASH_CTL_TLS_FIRST]);
  if (!!certFile !== !!keyFile) {
    throw new PelatoError(`${certFile ? ENV.NATS_TLS_CERT : ENV.NATS_TLS_KEY} is set but ${certFile ? ENV.NATS_TLS_KEY : ENV.NATS_TLS_CERT} is not`, 'a client certificate needs its key, and the key its certificate');
  }
  for (const [name, file] of [
    [caFile === val(env, ENV.NATS_TLS_CA) ? ENV.NATS_TLS_CA : ENV.WASH_CTL_TLS_CA_FILE, caFile],
    [ENV.NATS_TLS_CERT, certFile],
    [ENV.NATS_TLS_KEY, keyFile],
  ] as const) {
    if (file && !existsSync(file)) throw new PelatoError(`${name}: ${file} does not exist`, `${name} takes the path of a PEM file`);
  }
  const tlsUrl = servers.some((s) => /^tls:\/\//i.test(s));
  if (!caFile && !certFile && !handshakeFirst && !tlsUrl) return undefined;
  return { caFile, certFile, keyFile, handshakeFirst };
}

/** `nats://user:password@host` or `nats://token@host`: the client takes them as options, not in the URL. */
function credentialsInUrls(servers: string[], from: string): { servers: string[]; auth?: Auth } {
  let auth: Auth | undefined;
  const stripped = servers.map((s) => {
    const m = /^([a-z]+:\/\/)([^@/]+)@(.*)$/i.exec(s);
    if (!m) return s;
    const [user, ...rest] = m[2]!.split(':').map(decodeURIComponent);
    auth = rest.length ? { kind: 'user-password', user: user!, password: rest.join(':'), from: `the user info in ${from}` } : { kind: 'token', token: user!, from: `the token in ${from}` };
    return m[1]! + m[3]!;
  });
  return { servers: stripped, ...(auth ? { auth } : {}) };
}

export function resolveNatsSettings(env: Env, flags: { natsUrl?: string } = {}): NatsSettings {
  const resolved = resolveServers(env, flags.natsUrl);
  const from = resolved.from;
  const inUrl = credentialsInUrls(resolved.servers, from);
  const servers = inUrl.servers;
  let auth = resolveAuth(env);
  if (inUrl.auth) {
    if (auth.kind !== 'none') throw new PelatoError(`${from} carries credentials and ${auth.from} is set too`, 'keep exactly one of them (the values are not shown)');
    auth = inUrl.auth;
  }
  if (auth.kind === 'creds-file' && !existsSync(auth.path)) {
    throw new PelatoError(`${auth.from}: ${auth.path} does not exist`, `${auth.from} takes the path of a .creds file; or put its contents in ${ENV.NATS_CREDS_CONTENT}`);
  }
  const secrets: string[] = [];
  for (const name of SECRET_ENV) {
    const v = env[name]?.trim();
    if (v) secrets.push(v, ...v.split('\n').map((l) => l.trim()).filter((l) => l.length >= 8 && !l.startsWith('---') && !l.startsWith('***') && !/^[A-Za-z ]+$/.test(l)));
  }
  for (const s of resolved.servers) {
    const m = /^[a-z]+:\/\/([^@/]+)@/i.exec(s);
    if (m) secrets.push(m[1]!, ...m[1]!.split(':').slice(1), ...m[1]!.split(':').slice(1).map(decodeURIComponent));
  }
  return { servers, serversFrom: from, auth, tls: resolveTls(env, servers), secrets: [...new Set(secrets)].filter((s) => s.length >= 3) };
}

/** A server URL safe to print: user info removed. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/)[^@/]+@/i, '$1***@');
}

/** Replaces every secret value in a text; used on every message that leaves the deploy stage. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join('***');
  return out;
}

/** What may be shown about the connection: servers (redacted), auth kind and its source, TLS mode. */
export function describeSettings(s: NatsSettings): string {
  const auth = s.auth.kind === 'none' ? 'no auth' : `${s.auth.kind} from ${s.auth.from}`;
  const tls = s.tls ? (s.tls.handshakeFirst ? ', TLS first' : ', TLS') : '';
  return `${s.servers.map(redactUrl).join(',')} (${auth}${tls})`;
}
