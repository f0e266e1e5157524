/**
 * Go tasks with TinyGo, the path GitHub runners use: `go generate` (wit-bindgen-go through `go tool`)
 * writes the bindings, then TinyGo compiles straight to a WASI Preview 2 component of the task's world.
 * TinyGo calls wasm-tools itself to embed the WIT and build the component.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { PelatoError } from '../../common/diagnostics.js';
import type { PlannedTask } from '../../model/plan.js';

const run = promisify(execFile);

export async function compileTinyGo(projectDir: string, task: PlannedTask): Promise<Uint8Array> {
  const out = path.join('build', 'component.wasm');
  await step(projectDir, task, 'go', ['generate', './...']);
  await step(projectDir, task, 'tinygo', ['build', '-target', 'wasip2', '-wit-package', './wit', '-wit-world', task.world, '-o', out, '.']);
  return readFile(path.join(projectDir, out));
}

async function step(cwd: string, task: PlannedTask, cmd: string, args: string[]): Promise<void> {
  try {
    await run(cmd, args, { cwd, maxBuffer: 32 << 20, env: process.env });
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; code?: string | number };
    if (err.code === 'ENOENT') throw new PelatoError(`${cmd} not found on PATH`, 'see "Toolchains" in the README');
    // Compiler messages already point at tasks/<file>:line thanks to the //line directive.
    const text = `${err.stderr ?? ''}${err.stdout ?? ''}`.trim().split('\n').slice(0, 20).join('\n  ');
    throw new PelatoError(`${cmd} ${args[0]} failed for ${task.component_name}:\n  ${text}`);
  }
}
