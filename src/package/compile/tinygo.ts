/**
 * Go tasks with TinyGo, the path GitHub runners use: wit-bindgen-go writes the bindings of the task's
 * world, then TinyGo compiles straight to a WASI Preview 2 component of that world (it runs wasm-opt and
 * wasm-tools itself).
 *
 * The bindings depend only on the vendored WIT and the pinned wit-bindgen-go, not on the task, so they are
 * made once per world and reused from the build cache: 20 tasks of one type run wit-bindgen-go once.
 * wit-bindgen-go runs directly rather than through `go generate ./...`, so a `//go:generate` line in a
 * task file never runs on the build machine.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { PelatoError } from '../../common/diagnostics.js';
import { run, type Tool } from '../../common/process.js';
import { setting, type Env } from '../../common/settings.js';
import type { PlannedTask } from '../../model/plan.js';
import { tinyGoTools } from '../toolchain.js';
import { SCHEDULER, TINYGO_FLAGS } from './tinygoFlags.js';

/** Where the bindings go inside a generated project (the templates import pelatotask/gen/...). */
const BINDINGS_DIR = 'gen';

export interface TinyGoBuild {
  wasm: Uint8Array;
  /** Whether the bindings came from the cache. */
  bindingsCached: boolean;
  /** The scheduler flag it was built with (asyncify only for tasks that start goroutines). */
  scheduler: string;
}

export async function compileTinyGo(
  projectDir: string,
  task: PlannedTask,
  env: Env,
  cacheDir: string,
): Promise<TinyGoBuild> {
  const tools = tinyGoTools(env);
  const timeoutMs = setting(env, 'compileTimeout');
  const bindingsCached = await bindings(projectDir, task, env, tools.go, cacheDir, timeoutMs);
  const out = path.join('build', 'component.wasm');
  await mkdir(path.join(projectDir, 'build'), { recursive: true });
  const tinygo = (scheduler: string) =>
    step(
      tools.tinygo,
      [
        'build',
        '-target',
        'wasip2',
        ...TINYGO_FLAGS,
        scheduler,
        '-wit-package',
        './wit',
        '-wit-world',
        task.world,
        '-o',
        out,
        '.',
      ],
      projectDir,
      task,
      env,
      timeoutMs,
    );
  let scheduler: string = SCHEDULER.fast;
  try {
    await tinygo(scheduler);
  } catch (e) {
    if (!(e instanceof PelatoError && e.kind === 'compile-needs-scheduler')) throw e;
    scheduler = SCHEDULER.goroutines;
    await tinygo(scheduler);
  }
  return { wasm: await readFile(path.join(projectDir, out)), bindingsCached, scheduler };
}

/** Puts the world's bindings into the project, from the cache when another task made them already. */
async function bindings(
  projectDir: string,
  task: PlannedTask,
  env: Env,
  go: Tool,
  cacheDir: string,
  timeoutMs: number,
): Promise<boolean> {
  const key = await bindingsKey(projectDir, task.world);
  const cached = path.join(cacheDir, 'bindings', key);
  const target = path.join(projectDir, BINDINGS_DIR);
  await rm(target, { recursive: true, force: true });
  if (existsSync(cached)) {
    await cp(cached, target, { recursive: true });
    return true;
  }
  await step(
    go,
    ['tool', 'wit-bindgen-go', 'generate', '--world', task.world, '--out', BINDINGS_DIR, './wit'],
    projectDir,
    task,
    env,
    timeoutMs,
  );
  // Copied in under a temporary name and renamed: tasks building in parallel may race to fill it.
  const tmp = `${cached}.tmp-${process.pid}-${task.component_name}`;
  await mkdir(path.dirname(cached), { recursive: true });
  await cp(target, tmp, { recursive: true });
  await rename(tmp, cached).catch(() => rm(tmp, { recursive: true, force: true }));
  return false;
}

/** What the bindings are made from: the world, the WIT files, and go.mod/go.sum (wit-bindgen-go's pin). */
async function bindingsKey(projectDir: string, world: string): Promise<string> {
  const h = createHash('sha256').update(`wit-bindgen-go generate --world ${world}\n`);
  for (const f of ['go.mod', 'go.sum']) h.update(`${f}\n`).update(await readFile(path.join(projectDir, f)));
  const witDir = path.join(projectDir, 'wit');
  const files = (await readdir(witDir, { recursive: true, withFileTypes: true }))
    .filter((d) => d.isFile())
    .map((d) => path.relative(witDir, path.join(d.parentPath, d.name)))
    .sort();
  for (const f of files) h.update(`wit/${f}\n`).update(await readFile(path.join(witDir, f)));
  return h.digest('hex').slice(0, 32);
}

async function step(
  tool: Tool,
  args: string[],
  cwd: string,
  task: PlannedTask,
  env: Env,
  timeoutMs: number,
): Promise<void> {
  const r = await run(tool, args, {
    cwd,
    env,
    timeoutMs,
    timeoutHint:
      'a compile step may take this long only when the machine is overloaded; PELATO_COMPILE_TIMEOUT sets the limit',
  });
  if (r.code === 0) return;
  // Compiler messages point at tasks/<file>:line thanks to the //line directive of the task's copy;
  // a package TinyGo cannot build has no position, so it gets the one of its import.
  const raw = `${r.stderr}${r.stdout.toString('utf8')}`.trim();
  const text = (await unavailableImport(raw, cwd, task)) ?? raw.split('\n').slice(0, 20).join('\n  ');
  // The one TinyGo message the build acts on: code that starts goroutines needs a scheduler.
  const kind = /attempted to start a goroutine without a scheduler/.test(raw)
    ? 'compile-needs-scheduler'
    : 'compile-failed';
  throw new PelatoError(`${tool.name} ${args[0]} failed for ${task.component_name}:\n  ${text}`, undefined, kind);
}

/**
 * TinyGo's "package pelatotask imports syscall/js: build constraints exclude all Go files in <its GOROOT>"
 * as `tasks/<file>:line:col: package syscall/js is not available to TinyGo (wasip2): <why>`, at the
 * import in the task file. Undefined when the output is not about an import of the task file.
 */
async function unavailableImport(output: string, projectDir: string, task: PlannedTask): Promise<string | undefined> {
  const m = /imports ([\w./-]+): ([^\n]*)/.exec(output);
  if (!m) return undefined;
  const pkg = m[1]!;
  const why = m[2]!.replace(/ in \S*goroot-[0-9a-f]+\S*/, '').trim();
  // The copy in the project starts with the //line directive, so its line n is the task file's n - 1.
  const lines = (await readFile(path.join(projectDir, path.posix.basename(task.code)), 'utf8')).split('\n');
  const at = lines.findIndex((l) => l.includes(`"${pkg}"`));
  if (at < 1) return undefined;
  return (
    `tasks/${task.code}:${at}:${lines[at]!.indexOf(`"${pkg}"`) + 1}: ` +
    `package ${pkg} is not available to TinyGo (wasip2): ${why}`
  );
}
