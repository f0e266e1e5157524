/**
 * Real HTTP(S) clients for the HTTP producer's door: plain requests, oversized and slow bodies, floods,
 * and a self-signed certificate made with Debian's openssl. Raw node:http, so a server that answers
 * before the body is sent (413) or closes early is seen as it is, not hidden by a client library.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  ms: number;
  /**
   * Whether the whole body had been handed to the socket when the reply came. False for a stalling body
   * means the server answered on its own deadline, not because the body ended: no clock needed to tell.
   */
  bodyFinished: boolean;
}

export interface PostOptions {
  token?: string;
  /** Raw Authorization header (wins over token). */
  authorization?: string;
  method?: string;
  headers?: Record<string, string>;
  /** CA for HTTPS. */
  ca?: Buffer;
  timeoutMs?: number;
}

function requester(url: URL) {
  return url.protocol === 'https:' ? https.request : http.request;
}

/**
 * Sends `body` (a string, or a generator of chunks written one after another) and resolves with the
 * reply. An error after the reply arrived (the server closing while the rest is still being written)
 * does not matter; an error before it rejects.
 */
export function post(
  target: string,
  body: string | Buffer | (() => AsyncIterable<Buffer>),
  o: PostOptions = {},
): Promise<Reply> {
  const url = new URL(target);
  const started = performance.now();
  const headers: Record<string, string> = { ...o.headers };
  const auth = o.authorization ?? (o.token !== undefined ? `Bearer ${o.token}` : undefined);
  if (auth !== undefined) headers.authorization = auth;
  if (typeof body !== 'function' && headers['transfer-encoding'] === undefined)
    headers['content-length'] = String(Buffer.byteLength(body));
  return new Promise<Reply>((resolve, reject) => {
    let answered = false;
    let written = typeof body !== 'function';
    const req = requester(url)(
      url,
      { method: o.method ?? 'POST', headers, agent: false, ...(o.ca ? { ca: o.ca } : {}) },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
            ms: performance.now() - started,
            bodyFinished: written,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', (e) => {
      if (!answered) reject(e);
    });
    req.setTimeout(o.timeoutMs ?? 60_000, () =>
      req.destroy(new Error(`no reply from ${target} within ${o.timeoutMs ?? 60_000} ms`)),
    );
    if (typeof body !== 'function') {
      req.end(body);
      return;
    }
    (async () => {
      for await (const chunk of body()) {
        if (answered || req.destroyed) return;
        if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
      }
      if (answered || req.destroyed) return;
      written = true;
      req.end();
    })().catch(() => {});
  });
}

/** A body that sends `first` at once and then nothing until `stallMs` has passed. */
export function stalling(first: string, stallMs: number): () => AsyncIterable<Buffer> {
  return async function* () {
    yield Buffer.from(first);
    await new Promise((r) => setTimeout(r, stallMs));
  };
}

/** `bytes` of body in 64 KiB chunks, without a Content-Length (chunked transfer encoding). */
export function chunked(bytes: number, fill = 'a'): () => AsyncIterable<Buffer> {
  return async function* () {
    for (let left = bytes; left > 0; left -= 65536) yield Buffer.alloc(Math.min(left, 65536), fill);
  };
}

export interface FloodResult {
  statuses: Record<string, number>;
  ms: number;
  p50: number;
  p99: number;
}

/** `n` requests at once, each on its own connection; errors are counted by their code. */
export async function flood(target: string, n: number, body: string, o: PostOptions = {}): Promise<FloodResult> {
  const started = performance.now();
  const replies = await Promise.all(
    Array.from({ length: n }, () =>
      post(target, body, o).then(
        (r) => ({ k: String(r.status), ms: r.ms }),
        (e: NodeJS.ErrnoException) => ({ k: e.code ?? e.message, ms: NaN }),
      ),
    ),
  );
  const statuses: Record<string, number> = {};
  for (const r of replies) statuses[r.k] = (statuses[r.k] ?? 0) + 1;
  const times = replies
    .map((r) => r.ms)
    .filter((x) => !Number.isNaN(x))
    .sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? NaN;
  return { statuses, ms: performance.now() - started, p50: at(0.5), p99: at(0.99) };
}

export interface SelfSigned {
  certFile: string;
  keyFile: string;
  cert: Buffer;
}

/** A self-signed certificate for 127.0.0.1 and localhost, valid for a day, made with openssl. */
export function selfSignedCert(dir: string): SelfSigned {
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  return { certFile, keyFile, cert: readFileSync(certFile) };
}

/** Every file below `dir` whose bytes contain `needle`. */
export function filesContaining(dir: string, needle: string, list: (d: string) => string[]): string[] {
  return list(dir).filter((rel) => readFileSync(path.join(dir, rel)).includes(needle));
}
