/**
 * Checks for the security settings of an HTTP task's `http:` block: body limit, timeout, bearer auth and
 * TLS. Each parser returns the normalized value or a Problem, like the checks in rules.ts.
 */
import type { Problem } from './rules.js';

export const DEFAULT_MAX_BODY = 1024 * 1024;
export const DEFAULT_HTTP_TIMEOUT_MS = 10_000;
/** The component holds the whole body in memory; beyond this a task should stream through NATS instead. */
export const MAX_MAX_BODY = 64 * 1024 * 1024;
const MIN_TIMEOUT_MS = 100;
const MAX_TIMEOUT_MS = 10 * 60_000;
/** Used by `auth: bearer` without a token_env of its own. */
export const DEFAULT_TOKEN_ENV = 'PELATO_HTTP_TOKEN';

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1000,
  kib: 1024,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
};

/** `1048576`, `512KiB`, `1 MiB`, `2MB` → bytes. */
export function parseSize(v: string | number): number | Problem {
  const m = typeof v === 'number' ? [String(v), String(v), 'b'] : /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$/.exec(v);
  const unit = UNITS[(m?.[2] || 'b').toLowerCase()];
  const bytes = m && unit ? Math.floor(Number(m[1]) * unit) : NaN;
  if (!Number.isFinite(bytes))
    return { message: `http.max_body "${v}" is not a size`, hint: 'a number of bytes or e.g. 512KiB, 1MiB, 4MB' };
  if (bytes < 1 || bytes > MAX_MAX_BODY)
    return {
      message: `http.max_body must be from 1 byte to 64 MiB, got ${v}`,
      hint: 'larger payloads belong on NATS, not in one HTTP request',
    };
  return bytes;
}

/** `10s`, `500ms`, `2m` → ms. A bare number is refused: seconds or milliseconds would be a guess. */
export function parseHttpTimeout(v: string): number | Problem {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)\s*$/.exec(v);
  if (!m) return { message: `http.timeout "${v}" is not a duration`, hint: 'e.g. 10s, 500ms or 2m' };
  const n = Number(m[1]);
  const ms = Math.round(m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000);
  if (ms < MIN_TIMEOUT_MS || ms > MAX_TIMEOUT_MS)
    return { message: `http.timeout must be from 100ms to 10m, got ${v}` };
  return ms;
}

/**
 * PELATO's own credential settings: a token_env naming one of them would copy that credential onto the
 * lattice as the HTTP token.
 */
const RESERVED_ENV = new Set([
  'REGISTRY_USER',
  'REGISTRY_PASSWORD',
  'NATS_URL',
  'NATS_CREDS',
  'NATS_CREDS_CONTENT',
  'NATS_NKEY_SEED',
  'NATS_JWT',
  'NATS_SEED',
  'NATS_USER',
  'NATS_PASSWORD',
  'NATS_TOKEN',
  'NATS_TLS_KEY',
  'WASMCLOUD_CTL_JWT',
  'WASMCLOUD_CTL_SEED',
  'WASH_CTL_CREDS',
  'DATABASE_URL',
  'GITHUB_TOKEN',
]);

export function checkTokenEnv(v: string): Problem | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(v))
    return {
      message: `http.auth.token_env "${v}" is not an environment variable name`,
      hint: 'letters, digits and "_", e.g. SENSOR_TOKEN',
    };
  if (RESERVED_ENV.has(v))
    return {
      message: `http.auth.token_env "${v}" is one of PELATO's own credential settings`,
      hint: 'name a variable of its own, e.g. SENSOR_TOKEN',
    };
  return undefined;
}

/** Certificate and key paths are read by the http-server provider on its host. */
export function checkTlsFile(v: string, key: string): Problem | undefined {
  if (!v.startsWith('/'))
    return {
      message: `http.tls.${key} "${v}" is not an absolute path`,
      hint: 'the http-server provider reads it on its host, e.g. /etc/pelato/tls/cert.pem',
    };
  if (/[\u0000-\u001f\u007f]/.test(v)) return { message: `http.tls.${key} contains a control character` };
  return undefined;
}

/**
 * A token as deploy and `pelato dev` accept it: RFC 6750's token68 alphabet (what fits in an
 * Authorization header unchanged) and at least 16 characters, so it cannot be a word someone guesses.
 * The message never contains the token.
 */
export function checkToken(token: string, from: string): string | undefined {
  if (!/^[A-Za-z0-9\-._~+/]+=*$/.test(token))
    return (
      `${from} holds characters a bearer token cannot have ` +
      '(allowed: letters, digits and - . _ ~ + / with trailing =)'
    );
  if (token.length < 16) return `${from} is ${token.length} characters long; use at least 16 random characters`;
  return undefined;
}
