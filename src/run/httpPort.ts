/**
 * The HTTP port a dev session promises for an HTTP task (its `http.address` port, plus
 * --http-port-offset), held for the whole session by a server whose requests go to whatever component
 * the task runs now (component.ts httpServer): `pelato dev --watch` points it at a new build between two
 * requests, with no moment of "connection refused" and no proxy in between, so the component's own
 * HTTP behaviour (an early 401 or 413, 408 for a slow body) reaches the client unchanged.
 *
 * A taken port is found by Node's own listen first, with a message naming the port and, when another dev
 * session holds it, that session (each notes its ports in a small file under the temporary folder) —
 * the component's server (jco's preview2-shim) listens in a worker thread and does not say which port
 * failed or why. With http.tls, TLS is terminated by a listener here that pipes each connection to the
 * server on a loopback port of its own.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { PelatoError } from '../common/diagnostics.js';
import { flagName } from '../common/settings.js';
import { httpServer } from './component.js';

export interface HttpPort {
  /** `http://host:port`, or https with http.tls */
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface PortOptions {
  /** The app, recorded for a second session that finds the port taken. */
  app: string;
  /** For messages: "hello-greet (http.address 0.0.0.0:8000)". */
  who: string;
  /** Where sessions note the ports they hold (tempRoot(env)/pelato-dev-ports); none: not noted. */
  portsDir?: string;
  /** The project folder, for the note. */
  project?: string;
  /** http.tls: certificate and key (PEM). */
  tls?: { cert: Buffer; key: Buffer };
}

export async function openHttpPort(
  port: number,
  host: string,
  o: PortOptions,
  handle: (req: unknown, out: unknown) => void,
): Promise<HttpPort> {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new PelatoError(
      `port ${port} for ${o.who} is not a TCP port (0-65535)`,
      `lower ${flagName('httpPortOffset')}`,
      'port-taken',
    );
  }
  const note = o.portsDir ? path.join(o.portsDir, `port-${port}.json`) : undefined;
  await probe(port, host, o.who, note);
  let closers: Array<() => void>;
  let url: string;
  if (o.tls) {
    const inner = await httpServer(0, '127.0.0.1', handle);
    try {
      const front = await serveTls(o.tls, port, host, Number(new URL(inner.url).port));
      closers = [front.close, inner.close];
    } catch (e) {
      inner.close();
      throw portError(e as NodeJS.ErrnoException, port, host, o.who, holder(note));
    }
    url = `https://${host}:${port}`;
  } else {
    try {
      const server = await httpServer(port, host, handle);
      closers = [server.close];
      url = server.url;
    } catch (e) {
      // taken between the probe and the shim's listen, or refused there
      throw portError(e as NodeJS.ErrnoException, port, host, o.who, holder(note));
    }
  }
  if (note && o.portsDir) {
    mkdirSync(o.portsDir, { recursive: true, mode: 0o700 });
    writeFileSync(note, JSON.stringify({ pid: process.pid, app: o.app, project: o.project ?? '' }) + '\n');
  }
  return {
    url,
    port,
    close: async () => {
      for (const c of closers) c();
      if (note) rmSync(note, { force: true });
    },
  };
}

/** Listens on the port for a moment: a clear message now rather than a failure in the shim's worker. */
function probe(port: number, host: string, who: string, note: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', (e: NodeJS.ErrnoException) =>
      reject(portError(e, port, host, who, e.code === 'EADDRINUSE' ? holder(note) : undefined)),
    );
    s.listen(port, host, () => s.close(() => resolve()));
  });
}

/** A TLS listener on host:port that pipes each connection to the plain server on loopback innerPort. */
async function serveTls(
  pem: { cert: Buffer; key: Buffer },
  port: number,
  host: string,
  innerPort: number,
): Promise<{ close(): void }> {
  const sockets = new Set<net.Socket>();
  const server = tls.createServer(pem, (client) => {
    const upstream = net.connect(innerPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  // sockets that never got through the handshake too, so that close() leaves none behind
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  return {
    close() {
      server.close();
      for (const s of sockets) s.destroy();
    },
  };
}

/** The dev session that noted the port, if it is still running. */
function holder(note: string | undefined): { app: string; project: string; pid: number } | undefined {
  if (!note) return undefined;
  try {
    const h = JSON.parse(readFileSync(note, 'utf8')) as { app: string; project: string; pid: number };
    process.kill(h.pid, 0);
    return h;
  } catch {
    return undefined;
  }
}

function portError(
  e: NodeJS.ErrnoException,
  port: number,
  host: string,
  who: string,
  other?: { app: string; project: string; pid: number },
): Error {
  if (e.code === 'EADDRINUSE') {
    const by = other
      ? `by another pelato dev session (process ${other.pid}${other.project ? ` for ${other.project}` : ''}, ` +
        `serving ${other.app} there)`
      : 'by another program';
    return new PelatoError(
      `port ${port} on ${host}, where ${who} is served, is already in use ${by}`,
      `stop that one, or run this session with ${flagName('httpPortOffset')} N (or PELATO_HTTP_PORT_OFFSET) ` +
        "to move every HTTP task's port up by N",
      'port-taken',
    );
  }
  if (e.code === 'EACCES') {
    return new PelatoError(
      `port ${port} on ${host}, where ${who} is served, needs privileges this user does not have`,
      `use a port above 1023 in http.address, or ${flagName('httpPortOffset')} N`,
      'port-taken',
    );
  }
  return new PelatoError(`cannot serve ${who} on ${host}:${port}: ${e.message}`);
}
