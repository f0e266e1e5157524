/**
 * Runs a built component inside Node: jco transpiles it to JavaScript + core modules, WASI comes from
 * preview2-shim, and the wasmCloud interfaces (messaging, config, logging, postgres) from the caller.
 * Used by the tests today and by `pelato test` / `pelato dev`.
 */
import { mkdtemp, mkdir, rm, writeFile, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { importUrl, loadJsToolchain } from '../package/toolchain.js';

export interface Message {
  subject: string;
  body: Uint8Array;
  replyTo?: string;
}

/** What the host side supplies to a component. */
export interface Host {
  publish(msg: Message): void;
  config?: Record<string, string>;
  log?(level: string, context: string, message: string): void;
  /** wasmcloud:postgres/query: (sql, params as {tag, val}) → rows. */
  query?(sql: string, params: Array<{ tag: string; val?: unknown }>): unknown[];
}

/**
 * `trapped`: the call did not return at all (a TinyGo panic, an out-of-bounds access, stack overflow).
 * A wasmCloud host runs every invocation in a fresh instance, so a trap costs only that message; here
 * the trapped instance is replaced by a spare one at once, so the next message is handled the same way.
 */
export type HandleResult = { ok: true } | { ok: false; error: string; trapped?: boolean };

export interface RunningComponent {
  /** Calls wasmcloud:messaging/handler.handle-message. */
  handleMessage(msg: Message): HandleResult;
  /** Serves wasi:http/incoming-handler on a loopback port (only for components that export it). */
  serveHttp?(port: number, bindHost?: string): { url: string; close(): void };
  /**
   * One HTTP request (what serveHttp's server does with each), for a server that outlives this
   * component: `pelato dev --watch` keeps the server and its port, and points it at the new build.
   */
  handleHttp?(req: unknown, out: unknown): void;
  dispose(): Promise<void>;
}

type ShimServer = { listen(p: number, h: string): void; address(): { port: number }; stop(): void };

/**
 * An HTTP server of preview2-shim (in its I/O worker) whose requests go to `handle`, read at every
 * request. The shim module is one per process, shared by every component loaded, so a request the
 * server made can be handled by any component's instance.
 */
export async function httpServer(
  port: number,
  bindHost: string,
  handle: (req: unknown, out: unknown) => void,
): Promise<{ url: string; close(): void }> {
  const shim = await loadShim();
  const { HTTPServer } = shim.http as unknown as { HTTPServer: new (h: unknown) => ShimServer };
  const server = new HTTPServer({ handle });
  server.listen(port, bindHost);
  // port 0: the system picked one
  const bound = port === 0 ? server.address().port : port;
  return { url: `http://${bindHost}:${bound}`, close: () => server.stop() };
}

async function loadShim(): Promise<Record<string, Record<string, unknown>>> {
  const tc = await loadJsToolchain();
  return (await importUrl(pathToFileURL(path.join(tc.shimDir, 'dist', 'nodejs', 'index.js')).href)) as Record<
    string,
    Record<string, unknown>
  >;
}

// Node's global WebAssembly (not in the TypeScript libs this project compiles with).
const wasmApi = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<unknown> } })
  .WebAssembly;

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** A component transpiled once, to be instantiated as often as needed (each instance has its own state). */
export interface LoadedComponent {
  /**
   * `spare` (default true): keep a second instance ready to replace one that traps, for long runs
   * (`pelato dev`); a single call per instance (`pelato test`) needs none.
   */
  instantiate(host: Host, opts?: { spare?: boolean }): Promise<RunningComponent>;
  /** Removes the transpiled files. */
  dispose(): Promise<void>;
}

/** Transpile, instantiate and, on dispose, clean up: for one instance of a component. */
export async function runComponent(wasm: Uint8Array, host: Host, name = 'component'): Promise<RunningComponent> {
  const loaded = await loadComponent(wasm, name);
  const running = await loaded.instantiate(host);
  return {
    ...running,
    dispose: async () => {
      await running.dispose();
      await loaded.dispose();
    },
  };
}

export async function loadComponent(wasm: Uint8Array, name = 'component'): Promise<LoadedComponent> {
  const tc = await loadJsToolchain();
  const { files } = await tc.transpile(wasm, {
    name,
    instantiation: { tag: 'async' },
    noTypescript: true,
    quiet: true,
  });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pelato-run-'));
  for (const [rel, data] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), data);
  }
  await writeFile(path.join(dir, 'package.json'), '{"type":"module"}');
  const shimUrl = (sub: string) => pathToFileURL(path.join(tc.shimDir, 'dist', 'nodejs', `${sub}.js`)).href;
  const shim = (await importUrl(shimUrl('index'))) as Record<string, Record<string, unknown>>;
  // The streams the shim writes a component's stdout and stderr to (node:process as the shim imports it).
  realStreams ??= (await importUrl('node:process')) as { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream };
  const mod = (await importUrl(pathToFileURL(path.join(dir, `${name}.js`)).href)) as {
    instantiate(
      get: (p: string) => Promise<unknown>,
      imports: Record<string, unknown>,
    ): Promise<Record<string, unknown>>;
  };
  // Core modules are compiled once and shared by every instance.
  const compiled = new Map<string, unknown>();
  const coreModule = async (p: string) => {
    if (!compiled.has(p)) compiled.set(p, await wasmApi.compile(await readFile(path.join(dir, p))));
    return compiled.get(p);
  };
  return {
    instantiate: (host, opts) => withSpare(() => instantiate(mod, coreModule, shim, host), shim, opts?.spare ?? true),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/** One instance's exports, as called by the runner. */
interface Instance {
  handler?: { handleMessage(m: { subject: string; body: Uint8Array; replyTo?: string }): void };
  incoming?: { handle(req: unknown, out: unknown): void };
  host: Host;
}

/**
 * A component that survives traps: calls go to the current instance; when one traps (jco then refuses
 * every further call into it, "cannot enter component instance"), a spare instance made in advance
 * takes over synchronously and another spare is made in the background.
 */
async function withSpare(
  make: () => Promise<Instance>,
  shim: Record<string, Record<string, unknown>>,
  keepSpare: boolean,
): Promise<RunningComponent> {
  let current: Instance | undefined = await make();
  /** The spare being made (or made); `ready` once it is. */
  let spare: Promise<Instance> | undefined;
  let ready: Instance | undefined;
  let disposed = false;
  const refill = () => {
    if (!keepSpare || disposed) return;
    const next = make();
    spare = next;
    ready = undefined;
    next.then(
      (i) => {
        if (spare !== next || disposed) return;
        // Traps came faster than spares: this one takes over at once.
        if (!current) {
          current = i;
          refill();
        } else ready = i;
      },
      () => {},
    );
  };
  refill();
  // The first message may trap: have the spare ready before anything is handled.
  await spare?.catch(() => undefined);
  const replace = () => {
    current = ready;
    if (current) refill();
  };
  const first = current;
  const handleHttp = (req: unknown, out: unknown) => {
    if (!current) return respondText(shim, out, 503, 'restarting after a trap\n');
    const r = call(current.host, () => current!.incoming!.handle(req, out));
    if (!r.ok && r.trapped) {
      // The instance died before answering: answer for it, as a host's HTTP provider does.
      respondText(shim, out, 500, `${r.error}\n`);
      replace();
    }
  };
  return {
    handleMessage(msg) {
      if (!first.handler) throw new Error('the component does not export wasmcloud:messaging/handler');
      if (!current) return { ok: false, error: 'the component is restarting after a trap', trapped: true };
      const r = call(current.host, () =>
        current!.handler!.handleMessage({ subject: msg.subject, body: msg.body, replyTo: msg.replyTo }),
      );
      if (!r.ok && r.trapped) replace();
      return r;
    },
    serveHttp: first.incoming
      ? (port: number, bindHost = '127.0.0.1') => {
          const { HTTPServer } = shim.http as unknown as { HTTPServer: new (h: unknown) => ShimServer };
          const server = new HTTPServer({ handle: handleHttp });
          server.listen(port, bindHost);
          // port 0: the system picked one
          const bound = port === 0 ? server.address().port : port;
          return { url: `http://${bindHost}:${bound}`, close: () => server.stop() };
        }
      : undefined,
    ...(first.incoming ? { handleHttp } : {}),
    dispose: async () => {
      disposed = true;
      await spare?.catch(() => undefined);
    },
  };
}

/**
 * Runs one call into a component. What the component prints meanwhile is captured (TinyGo prints a
 * panic's message on stdout, then traps): calls are synchronous, so nothing else writes in between.
 * The lines go to the host's log; a panic line becomes the error of a trapped call.
 */
let realStreams: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream } | undefined;

/** Runs a host function called from inside a component call with the streams as they were (see call). */
let hostSide = <T>(fn: () => T): T => fn();

function call(host: Host, fn: () => void): HandleResult {
  type Writable = { write: (chunk: unknown, ...rest: unknown[]) => boolean };
  const streams = {
    stdout: (realStreams?.stdout ?? process.stdout) as unknown as Writable,
    stderr: (realStreams?.stderr ?? process.stderr) as unknown as Writable,
  };
  const originals = { stdout: streams.stdout.write, stderr: streams.stderr.write };
  const captured = { stdout: '', stderr: '' };
  const capturing = { stdout: streams.stdout.write, stderr: streams.stderr.write };
  for (const k of ['stdout', 'stderr'] as const) {
    capturing[k] = streams[k].write = (chunk: unknown) => {
      captured[k] += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      return true;
    };
  }
  // The host's own lines written from inside the call (dev logs each publish as it happens) are not the
  // component's output: they go out as they are, in order.
  const previous = hostSide;
  hostSide = <T>(inner: () => T): T => {
    streams.stdout.write = originals.stdout;
    streams.stderr.write = originals.stderr;
    try {
      return inner();
    } finally {
      streams.stdout.write = capturing.stdout;
      streams.stderr.write = capturing.stderr;
    }
  };
  let result: HandleResult;
  try {
    fn();
    result = { ok: true };
  } catch (e) {
    // jco turns a result's `err` into a thrown ComponentError carrying it as `payload`.
    const payload = (e as { payload?: unknown }).payload;
    if (payload !== undefined) result = { ok: false, error: String(payload) };
    else if (e instanceof Error && e.constructor.name === 'RuntimeError') {
      const panic = `${captured.stdout}\n${captured.stderr}`.split('\n').find((l) => l.startsWith('panic: '));
      result = {
        ok: false,
        trapped: true,
        error: `${panic ?? 'the call trapped'} (${e.message.replace(/^wasm trap: /, 'trap: ')})`,
      };
    } else throw e;
  } finally {
    hostSide = previous;
    streams.stdout.write = originals.stdout;
    streams.stderr.write = originals.stderr;
  }
  for (const k of ['stdout', 'stderr'] as const)
    for (const line of captured[k].split('\n')) if (line.trim()) host.log?.(k, k, line);
  return result;
}

/** A plain-text response built with the shim's wasi:http types, for answers the component could not give. */
function respondText(shim: Record<string, Record<string, unknown>>, out: unknown, status: number, text: string): void {
  type Stream = { blockingWriteAndFlush(b: Uint8Array): void; [Symbol.dispose]?: () => void };
  type Fields = { append(name: string, value: Uint8Array): void };
  type OutgoingBody = { write(): unknown };
  type OutgoingResponse = { setStatusCode(status: number): void; body(): OutgoingBody };
  // the parts of the shim's wasi:http/types this uses
  const t = (
    shim.http as unknown as {
      types: {
        Fields: new () => Fields;
        OutgoingResponse: new (headers: Fields) => OutgoingResponse;
        ResponseOutparam: { set(out: unknown, result: { tag: 'ok'; val: OutgoingResponse }): void };
        OutgoingBody: { finish(body: OutgoingBody, trailers: undefined): void };
      };
    }
  ).types;
  const headers = new t.Fields();
  headers.append('content-type', new TextEncoder().encode('text/plain; charset=utf-8'));
  const resp = new t.OutgoingResponse(headers);
  resp.setStatusCode(status);
  const body = resp.body();
  t.ResponseOutparam.set(out, { tag: 'ok', val: resp });
  const stream = body.write() as Stream;
  stream.blockingWriteAndFlush(new TextEncoder().encode(text));
  stream[Symbol.dispose]?.();
  t.OutgoingBody.finish(body, undefined);
}

async function instantiate(
  mod: {
    instantiate(
      get: (p: string) => Promise<unknown>,
      imports: Record<string, unknown>,
    ): Promise<Record<string, unknown>>;
  },
  coreModule: (p: string) => Promise<unknown>,
  shim: Record<string, Record<string, unknown>>,
  host: Host,
): Promise<Instance> {
  const config = host.config ?? {};
  const wasmcloud: Record<string, unknown> = {
    'wasmcloud:messaging/types': {},
    'wasmcloud:messaging/consumer': {
      publish: (m: { subject: string; body: Uint8Array; replyTo?: string }) =>
        hostSide(() => host.publish({ subject: m.subject, body: new Uint8Array(m.body), replyTo: m.replyTo })),
      request: () => {
        throw { tag: 'err', val: 'request is not supported here' };
      },
    },
    'wasi:config/runtime': { get: (k: string) => config[k], getAll: () => Object.entries(config) },
    'wasi:logging/logging': {
      log: (level: string, ctx: string, msg: string) => hostSide(() => host.log?.(level, ctx, msg)),
    },
    'wasmcloud:postgres/types': {},
    'wasmcloud:postgres/query': {
      query: (sql: string, params: Array<{ tag: string; val?: unknown }>) => {
        if (!host.query) throw { tag: 'unexpected', val: 'no database in this run' };
        return hostSide(() => host.query!(sql, params));
      },
      queryBatch: () => undefined,
    },
  };
  // Any other import is WASI: `wasi:<package>/<interface>` → preview2-shim's <package>.<interface>.
  const imports = new Proxy(wasmcloud, {
    get(target, key: string) {
      if (key in target) return target[key];
      const m = /^wasi:([a-z]+)\/([a-z-]+)$/.exec(key);
      return m ? shim[m[1]!]?.[camel(m[2]!)] : undefined;
    },
    has: () => true,
  });
  const instance = await mod.instantiate(coreModule, imports);
  return {
    handler: (instance.handler ?? instance['wasmcloud:messaging/handler@0.2.0']) as Instance['handler'],
    incoming: (instance.incomingHandler ?? instance['wasi:http/incoming-handler@0.2.0']) as Instance['incoming'],
    host,
  };
}
