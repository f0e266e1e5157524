/**
 * What a built component imports and exports, and whether that matches its template: a component that
 * exports the wrong interface or imports something no provider of its manifest supplies is a build
 * error, not a surprise at deploy time.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PelatoError } from '../common/diagnostics.js';
import { run, tempRoot } from '../common/process.js';
import type { Env } from '../common/settings.js';
import type { PlannedTask } from '../model/plan.js';
import type { ProviderKind } from '../templates/catalog.js';
import { loadJsToolchain, tinyGoTools } from './toolchain.js';

export interface Interfaces {
  imports: string[];
  exports: string[];
}

/** Reads `import x;` / `export x;` lines of the world that `wasm-tools component wit` / jco print. */
export function parseWorldInterfaces(wit: string): Interfaces {
  const pick = (kind: string) =>
    [...wit.matchAll(new RegExp(`^\\s*${kind}\\s+([a-z][\\w-]*:[\\w-]+/[\\w-]+(?:@[\\w.+-]+)?)\\s*;`, 'gm'))]
      .map((m) => m[1]!)
      .sort();
  return { imports: pick('import'), exports: pick('export') };
}

/** Interfaces every wasmCloud 1.x host provides to any component (WASI 0.2, logging, config). */
const HOST_PACKAGES = [
  'wasi:cli',
  'wasi:io',
  'wasi:clocks',
  'wasi:random',
  'wasi:filesystem',
  'wasi:sockets',
  'wasi:logging',
  'wasi:config',
];
/**
 * Imported by componentize-js's engine for fetch() whenever its http feature is on (HTTP templates);
 * the templates never call it, and wasmCloud hosts satisfy the import at instantiation.
 */
const HOST_INTERFACES = ['wasi:http/outgoing-handler'];

/** Interfaces the providers of a manifest supply, by provider kind. */
const PROVIDER_INTERFACES: Record<ProviderKind, string[]> = {
  messaging: ['wasmcloud:messaging/types', 'wasmcloud:messaging/consumer'],
  http: ['wasi:http/types'],
  postgres: ['wasmcloud:postgres/types', 'wasmcloud:postgres/query'],
};

const unversioned = (i: string) => i.replace(/@.*$/, '');

/** Problems with a component's interfaces, empty when it fits its template and providers. */
export function interfaceProblems(task: PlannedTask, found: Interfaces): string[] {
  const problems: string[] = [];
  const exported = new Set(found.exports.map(unversioned));
  for (const e of task.exports) {
    if (!exported.has(unversioned(e))) problems.push(`does not export ${e} (template ${task.type} promises it)`);
  }
  const allowedIfaces = new Set(task.providers.flatMap((p) => PROVIDER_INTERFACES[p]));
  for (const i of found.imports) {
    const name = unversioned(i);
    const pkg = name.split('/')[0]!;
    if (HOST_PACKAGES.includes(pkg) || HOST_INTERFACES.includes(name) || allowedIfaces.has(name)) continue;
    problems.push(`imports ${i}, which no provider of its manifest (${task.providers.join(', ') || 'none'}) supplies`);
  }
  return problems;
}

/**
 * A component's world: with `wasm-tools component wit` when wasm-tools is on PATH (TinyGo runners have
 * it), else with jco's copy of wasm-tools (the JavaScript toolchain). Anything that is not a component
 * is refused here.
 */
export async function readInterfaces(wasm: Uint8Array, env: Env): Promise<Interfaces> {
  // A component's preamble: magic, then version 0x0d and layer 0x01 (core modules have layer 0).
  if (wasm.length < 8 || wasm[0] !== 0 || wasm[1] !== 0x61 || wasm[2] !== 0x73 || wasm[3] !== 0x6d || wasm[6] !== 1) {
    throw new PelatoError(
      'the build produced a core WebAssembly module, not a component',
      'a WASI Preview 2 component is needed (tinygo -target wasip2, or componentize-js)',
    );
  }
  const dir = await mkdtemp(path.join(tempRoot(env), 'pelato-wit-'));
  try {
    const file = path.join(dir, 'component.wasm');
    await writeFile(file, wasm);
    const r = await run(tinyGoTools(env)['wasm-tools'], ['component', 'wit', file], { env, timeoutMs: 60_000 });
    if (r.code !== 0) throw new PelatoError(`wasm-tools could not read the component: ${r.stderr.trim()}`);
    return parseWorldInterfaces(r.stdout.toString('utf8'));
  } catch (e) {
    if (!(e instanceof PelatoError && e.kind === 'tool-missing')) throw e;
    return parseWorldInterfaces(await (await loadJsToolchain()).componentWit(wasm));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
