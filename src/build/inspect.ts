/**
 * What a built component imports and exports, and whether that matches its template: a component that
 * exports the wrong interface or imports something no provider of its manifest supplies is a build
 * error, not a surprise at deploy time.
 */
import type { PlannedTask } from '../model/plan.js';
import type { ProviderKind } from '../templates/catalog.js';

export interface Interfaces {
  imports: string[];
  exports: string[];
}

/** Reads `import x;` / `export x;` lines of the world that `wasm-tools component wit` / jco print. */
export function parseWorldInterfaces(wit: string): Interfaces {
  const pick = (kind: string) =>
    [...wit.matchAll(new RegExp(`^\\s*${kind}\\s+([a-z][\\w-]*:[\\w-]+/[\\w-]+(?:@[\\w.+-]+)?)\\s*;`, 'gm'))].map((m) => m[1]!).sort();
  return { imports: pick('import'), exports: pick('export') };
}

/** Interfaces every wasmCloud 1.x host provides to any component (WASI 0.2, logging, config). */
const HOST_PACKAGES = ['wasi:cli', 'wasi:io', 'wasi:clocks', 'wasi:random', 'wasi:filesystem', 'wasi:sockets', 'wasi:logging', 'wasi:config'];
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
