/**
 * Runs a built component inside Node: jco transpiles it to JavaScript + core modules, WASI comes from
 * preview2-shim, and the wasmCloud interfaces (messaging, config, logging, postgres) from the caller.
 * Used by the tests today and by `pelato test` / `pelato dev`.
 */
import { mkdtemp, mkdir, rm, writeFile, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { importUrl, loadJsToolchain } from '../build/toolchain.js';

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

export type HandleResult = { ok: true } | { ok: false; error: string };

export interface RunningComponent {
  /** Calls wasmcloud:messaging/handler.handle-message. */
  handleMessage(msg: Message): HandleResult;
  /** Serves wasi:http/incoming-handler on a loopback port (only for components that export it). */
  serveHttp?(port: number, bindHost?: string): { url: string; close(): void };
  dispose(): Promise<void>;
}

// Node's global WebAssembly (not in the TypeScript libs this project compiles with).
const wasmApi = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<unknown> } }).WebAssembly;

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** A component transpiled once, to be instantiated as often as needed (each instance has its own state). */
export interface LoadedComponent {
  instantiate(host: Host): Promise<RunningComponent>;
  /** Removes the transpiled files. */
  dispose(): Promise<void>;
}

/** Transpile, instantiate and, on dispose, clean up: for one instance of a component. */
export async function runComponent(wasm: Uint8Array, host: Host, name = 'component'): Promise<RunningComponent> {
  const loaded = await loadComponent(wasm, name);
  const running = await loaded.instantiate(host);
  return { ...running, dispose: () => loaded.dispose() };
}

export async function loadComponent(wasm: Uint8Array, name = 'component'): Promise<LoadedComponent> {
  const tc = await loadJsToolchain();
  const { files } = await tc.transpile(wasm, { name, instantiation: { tag: 'async' }, noTypescript: true, quiet: true });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pelato-run-'));
  for (const [rel, data] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), data);
  }
  await writeFile(path.join(dir, 'package.json'), '{"type":"module"}');
  const shimUrl = (sub: string) => pathToFileURL(path.join(tc.shimDir, 'dist', 'nodejs', `${sub}.js`)).href;
  const shim = (await importUrl(shimUrl('index'))) as Record<string, Record<string, unknown>>;
  const mod = (await importUrl(pathToFileURL(path.join(dir, `${name}.js`)).href)) as {
    instantiate(get: (p: string) => Promise<unknown>, imports: Record<string, unknown>): Promise<Record<string, unknown>>;
  };
  // Core modules are compiled once and shared by every instance.
  const compiled = new Map<string, unknown>();
  const coreModule = async (p: string) => {
    if (!compiled.has(p)) compiled.set(p, await wasmApi.compile(await readFile(path.join(dir, p))));
    return compiled.get(p);
  };
  return {
    instantiate: (host) => instantiate(mod, coreModule, shim, host),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

async function instantiate(
  mod: { instantiate(get: (p: string) => Promise<unknown>, imports: Record<string, unknown>): Promise<Record<string, unknown>> },
  coreModule: (p: string) => Promise<unknown>,
  shim: Record<string, Record<string, unknown>>,
  host: Host,
): Promise<RunningComponent> {

  const config = host.config ?? {};
  const wasmcloud: Record<string, unknown> = {
    'wasmcloud:messaging/types': {},
    'wasmcloud:messaging/consumer': {
      publish: (m: { subject: string; body: Uint8Array; replyTo?: string }) => host.publish({ subject: m.subject, body: new Uint8Array(m.body), replyTo: m.replyTo }),
      request: () => {
        throw { tag: 'err', val: 'request is not supported here' };
      },
    },
    'wasi:config/runtime': { get: (k: string) => config[k], getAll: () => Object.entries(config) },
    'wasi:logging/logging': { log: (level: string, ctx: string, msg: string) => host.log?.(level, ctx, msg) },
    'wasmcloud:postgres/types': {},
    'wasmcloud:postgres/query': {
      query: (sql: string, params: Array<{ tag: string; val?: unknown }>) => {
        if (!host.query) throw { tag: 'unexpected', val: 'no database in this run' };
        return host.query(sql, params);
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
  const handler = (instance.handler ?? instance['wasmcloud:messaging/handler@0.2.0']) as
    | { handleMessage(m: { subject: string; body: Uint8Array; replyTo?: string }): void }
    | undefined;
  const incoming = (instance.incomingHandler ?? instance['wasi:http/incoming-handler@0.2.0']) as { handle: unknown } | undefined;

  return {
    handleMessage(msg) {
      if (!handler) throw new Error('the component does not export wasmcloud:messaging/handler');
      try {
        handler.handleMessage({ subject: msg.subject, body: msg.body, replyTo: msg.replyTo });
        return { ok: true };
      } catch (e) {
        // jco turns a result's `err` into a thrown ComponentError carrying it as `payload`.
        const payload = (e as { payload?: unknown }).payload;
        if (payload !== undefined) return { ok: false, error: String(payload) };
        throw e;
      }
    },
    serveHttp: incoming
      ? (port: number, bindHost = '127.0.0.1') => {
          const { HTTPServer } = shim.http as unknown as { HTTPServer: new (h: unknown) => { listen(p: number, h: string): void; stop(): void } };
          const server = new HTTPServer(incoming);
          server.listen(port, bindHost);
          return { url: `http://${bindHost}:${port}`, close: () => server.stop() };
        }
      : undefined,
    // The transpiled files belong to the LoadedComponent; an instance has nothing of its own to remove.
    dispose: async () => {},
  };
}
