/**
 * Looking a tag up through the OCI distribution API from this process, for incremental builds.
 *
 * Why not oras here: a build looks up every task's tag before deciding to compile, and on a no-change
 * run that is all it does. One `oras manifest fetch` per task cost about 50 ms of CPU (a Go program
 * starting, reading its config, connecting): 20 tasks took about 1 s on 2 cores, against a few ms each
 * over a kept-alive connection here. Pushing and everything else stays with oras (oras.ts).
 *
 * This reader only settles what it can settle for sure: the tag exists (the manifest's bytes) or it
 * does not (404). Anything else — a certificate Node does not trust but the system does, credentials
 * only oras knows (the user's own docker logins or credential helpers), a refusal, an odd answer — is
 * `undefined`, and the caller asks oras, whose answers and messages stay what they were.
 *
 * node:http rather than fetch: fetch loads undici on first use, about 35 ms of start-up for a command that
 * otherwise takes a few hundred. Idle kept-alive sockets are unref'd by Node, so they never hold the
 * process open.
 */
import http from 'node:http';
import https from 'node:https';
import type { ImageRef } from './reference.js';

export interface ApiOptions {
  /** HTTP instead of HTTPS (decided by oras.ts, the same for oras's calls). */
  plainHttp: boolean;
  /** REGISTRY_USER / REGISTRY_PASSWORD, when given; they are sent only when the registry asks for them. */
  credentials?: { user: string; password: string };
  timeoutMs?: number;
}

export type ManifestLookup = { status: 'found'; body: Buffer } | { status: 'absent' };

// What oras asks for too: the manifest kinds a tag may point at (the caller refuses indexes).
const ACCEPT = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One GET, redirects not followed (a redirect is not an answer this reader settles). */
function get(url: URL, headers: Record<string, string>, timeoutMs: number): Promise<Answer> {
  const tls = url.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const req = (tls ? https : http).request(url, { headers, agent: tls ? agents.https : agents.http }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** The tag's manifest bytes, 'absent', or undefined when this reader cannot tell (ask oras). */
export async function lookupManifest(ref: ImageRef, opts: ApiOptions): Promise<ManifestLookup | undefined> {
  const base = `${opts.plainHttp ? 'http' : 'https'}://${ref.registry}`;
  const url = new URL(`${base}/v2/${ref.repository}/manifests/${ref.tag}`);
  const timeoutMs = opts.timeoutMs ?? 30_000;
  try {
    let res = await get(url, { accept: ACCEPT }, timeoutMs);
    if (res.status === 401) {
      const auth = await authorization(res.headers['www-authenticate'], ref, base, opts, timeoutMs);
      if (!auth) return undefined;
      res = await get(url, { accept: ACCEPT, authorization: auth }, timeoutMs);
    }
    if (res.status === 404) return { status: 'absent' };
    if (res.status !== 200) return undefined;
    return { status: 'found', body: res.body };
  } catch {
    // unreachable, TLS, timeout: oras tells the user which, in the words they know from it
    return undefined;
  }
}

/** The Authorization header a 401's challenge asks for, or undefined when only oras could answer it. */
async function authorization(
  challenge: string | undefined,
  ref: ImageRef,
  base: string,
  opts: ApiOptions,
  timeoutMs: number,
): Promise<string | undefined> {
  if (!challenge) return undefined;
  const basic = opts.credentials
    ? `Basic ${Buffer.from(`${opts.credentials.user}:${opts.credentials.password}`).toString('base64')}`
    : undefined;
  const scheme = /^\s*(\w+)/.exec(challenge)?.[1]?.toLowerCase();
  if (scheme === 'basic') return basic;
  if (scheme !== 'bearer') return undefined;
  const params = challengeParams(challenge);
  if (!params.realm) return undefined;
  let realm: URL;
  try {
    realm = new URL(params.realm);
  } catch {
    return undefined;
  }
  // Credentials travel to the token service only over HTTPS, or to the registry itself on plain HTTP.
  const sameOrigin = realm.origin === new URL(base).origin;
  if (basic && realm.protocol !== 'https:' && !sameOrigin) return undefined;
  if (params.service) realm.searchParams.set('service', params.service);
  realm.searchParams.set('scope', `repository:${ref.repository}:pull`);
  const res = await get(realm, basic ? { authorization: basic } : {}, timeoutMs);
  if (res.status !== 200) return undefined;
  let body: { token?: unknown; access_token?: unknown } = {};
  try {
    body = JSON.parse(res.body.toString('utf8')) as typeof body;
  } catch {
    return undefined;
  }
  const token = typeof body.token === 'string' ? body.token : body.access_token;
  return typeof token === 'string' && token ? `Bearer ${token}` : undefined;
}

/** `Bearer realm="…",service="…",scope="…"` → its parameters (RFC 7235 auth-params, quoted or not). */
export function challengeParams(challenge: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  for (const m of challenge.replace(/^\s*\w+\s+/, '').matchAll(re)) {
    out[m[1]!.toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
  }
  return out;
}
