/**
 * How the NATS settings (src/common/settings.ts) combine into one connection's settings, for deploy and
 * dev. A URL wins over the seed's NATS_HOST/NATS_PORT, those over wash's; PELATO's own names win over wash's.
 * Secret values are kept here and in the connection only; `describeSettings` is what may be printed.
 */
import { existsSync } from 'node:fs';
import { PelatoError } from '../common/diagnostics.js';
import { envName, secretValues, setting, settingFrom, type Env, type Flags } from '../common/settings.js';

export const DEFAULT_NATS_HOST = '127.0.0.1';
export const DEFAULT_NATS_PORT = 4222;

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

/** Servers: --nats-url / NATS_URL (comma-separated), NATS_HOST/NATS_PORT, WASMCLOUD_CTL_HOST/PORT, 127.0.0.1:4222. */
function resolveServers(env: Env, flags: Flags): { servers: string[]; from: string } {
  const list = (s: string) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  const url = settingFrom(env, 'natsUrl', flags);
  if (url.value && list(url.value).length) return { servers: list(url.value), from: url.from! };
  for (const [h, p] of [
    ['natsHost', 'natsPort'],
    ['washHost', 'washPort'],
  ] as const) {
    const host = setting(env, h);
    const port = setting(env, p);
    if (host || port) {
      if (port && !/^\d{1,5}$/.test(port))
        throw new PelatoError(
          `${envName(p)} must be a port number, got "${port}"`,
          `e.g. ${envName(p)}=4222`,
          'setting',
        );
      return {
        servers: [`${host ?? DEFAULT_NATS_HOST}:${port ?? DEFAULT_NATS_PORT}`],
        from: `${envName(h)}/${envName(p)}`,
      };
    }
  }
  return { servers: [`${DEFAULT_NATS_HOST}:${DEFAULT_NATS_PORT}`], from: `the default (set ${envName('natsUrl')})` };
}

function resolveAuth(env: Env): Auth {
  const found: Exclude<Auth, { kind: 'none' }>[] = [];
  const creds = settingFrom(env, 'natsCreds');
  if (creds.value) found.push({ kind: 'creds-file', path: creds.value, from: creds.from! });
  const credsContent = setting(env, 'natsCredsContent');
  if (credsContent) found.push({ kind: 'creds-content', content: credsContent, from: envName('natsCredsContent') });
  const nkey = setting(env, 'natsNkeySeed')?.trim();
  if (nkey) found.push({ kind: 'nkey', seed: nkey, from: envName('natsNkeySeed') });
  for (const [j, s] of [
    ['natsJwt', 'natsSeed'],
    ['washJwt', 'washSeed'],
  ] as const) {
    const jwt = setting(env, j)?.trim();
    const seed = setting(env, s)?.trim();
    if (jwt && !seed)
      throw new PelatoError(
        `${envName(j)} is set but ${envName(s)} is not`,
        `a user JWT needs the user's seed in ${envName(s)}`,
        'setting',
      );
    if (seed && !jwt)
      throw new PelatoError(
        `${envName(s)} is set but ${envName(j)} is not`,
        `set the user JWT in ${envName(j)}, or use ${envName('natsNkeySeed')} for a plain NKEY user`,
        'setting',
      );
    if (jwt && seed) {
      // PELATO's own pair wins over wash's when both are set.
      if (!found.some((a) => a.kind === 'jwt'))
        found.push({ kind: 'jwt', jwt, seed, from: `${envName(j)}/${envName(s)}` });
    }
  }
  const user = setting(env, 'natsUser');
  const password = setting(env, 'natsPassword');
  const [U, P] = [envName('natsUser'), envName('natsPassword')];
  if (user && !password) throw new PelatoError(`${U} is set but ${P} is not`, `set both, or neither`, 'setting');
  if (password && !user) throw new PelatoError(`${P} is set but ${U} is not`, `set both, or neither`, 'setting');
  if (user && password) found.push({ kind: 'user-password', user, password, from: `${U}/${P}` });
  const token = setting(env, 'natsToken')?.trim();
  if (token) found.push({ kind: 'token', token, from: envName('natsToken') });
  // A creds file from wash next to a PELATO setting: PELATO's wins; two PELATO settings are a mistake.
  const own = found.filter((a) => !a.from.startsWith('WAS'));
  const pick = own.length ? own : found;
  if (pick.length > 1) {
    throw new PelatoError(
      `more than one NATS authentication is set: ${pick.map((a) => a.from).join(', ')}`,
      'keep exactly one of them (the values are not shown)',
      'setting',
    );
  }
  return pick[0] ?? { kind: 'none' };
}

function resolveTls(env: Env, servers: string[]): TlsSettings | undefined {
  const ca = settingFrom(env, 'natsTlsCa');
  const caFile = ca.value;
  const certFile = setting(env, 'natsTlsCert');
  const keyFile = setting(env, 'natsTlsKey');
  const handshakeFirst = setting(env, 'natsTlsFirst');
  const [CERT, KEY] = [envName('natsTlsCert'), envName('natsTlsKey')];
  if (!!certFile !== !!keyFile) {
    throw new PelatoError(
      `${certFile ? CERT : KEY} is set but ${certFile ? KEY : CERT} is not`,
      'a client certificate needs its key, and the key its certificate',
      'setting',
    );
  }
  for (const [name, file] of [
    [ca.from ?? envName('natsTlsCa'), caFile],
    [CERT, certFile],
    [KEY, keyFile],
  ] as const) {
    if (file && !existsSync(file))
      throw new PelatoError(`${name}: ${file} does not exist`, `${name} takes the path of a PEM file`, 'setting');
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
    auth = rest.length
      ? { kind: 'user-password', user: user!, password: rest.join(':'), from: `the user info in ${from}` }
      : { kind: 'token', token: user!, from: `the token in ${from}` };
    return m[1]! + m[3]!;
  });
  return { servers: stripped, ...(auth ? { auth } : {}) };
}

/** The connection settings: `flags` as the command line gave them (--nats-url), the rest from `env`. */
export function resolveNatsSettings(env: Env, flags: Flags = {}): NatsSettings {
  const resolved = resolveServers(env, flags);
  const from = resolved.from;
  const inUrl = credentialsInUrls(resolved.servers, from);
  const servers = inUrl.servers;
  let auth = resolveAuth(env);
  if (inUrl.auth) {
    if (auth.kind !== 'none')
      throw new PelatoError(
        `${from} carries credentials and ${auth.from} is set too`,
        'keep exactly one of them (the values are not shown)',
        'setting',
      );
    auth = inUrl.auth;
  }
  if (auth.kind === 'creds-file' && !existsSync(auth.path)) {
    throw new PelatoError(
      `${auth.from}: ${auth.path} does not exist`,
      `${auth.from} takes the path of a .creds file; or put its contents in ${envName('natsCredsContent')}`,
      'setting',
    );
  }
  const secrets: string[] = [];
  for (const v of secretValues(env)) {
    secrets.push(
      v,
      ...v
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l.length >= 8 && !l.startsWith('---') && !l.startsWith('***') && !/^[A-Za-z ]+$/.test(l)),
    );
  }
  for (const s of resolved.servers) {
    const m = /^[a-z]+:\/\/([^@/]+)@/i.exec(s);
    if (m) secrets.push(m[1]!, ...m[1]!.split(':').slice(1), ...m[1]!.split(':').slice(1).map(decodeURIComponent));
  }
  return {
    servers,
    serversFrom: from,
    auth,
    tls: resolveTls(env, servers),
    secrets: [...new Set(secrets)].filter((s) => s.length >= 3),
  };
}

/** A server URL safe to print: user info removed. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/)[^@/]+@/i, '$1***@');
}

/** What may be shown about the connection: servers (redacted), auth kind and its source, TLS mode. */
export function describeSettings(s: NatsSettings): string {
  const auth = s.auth.kind === 'none' ? 'no auth' : `${s.auth.kind} from ${s.auth.from}`;
  const tls = s.tls ? (s.tls.handshakeFirst ? ', TLS first' : ', TLS') : '';
  return `${s.servers.map(redactUrl).join(',')} (${auth}${tls})`;
}
