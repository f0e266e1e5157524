/**
 * The build stage: every task of gen/plan.json becomes a checked WASI P2 component, published as a Wasm
 * OCI artifact, with a manifest pinned to its digest for the deploy stage. Only what changed is built:
 * a task whose build hash is already in the registry (or in the local cache, without pushing) is not
 * compiled again. Tasks build in parallel; one failure does not hide the others' results.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import YAML from 'yaml';
import { PelatoError } from '../common/diagnostics.js';
import { firstErrorLine } from '../common/failures.js';
import type { OnTaskEvent, Phase } from '../common/progress.js';
import type { Env } from '../common/settings.js';
import { pool } from '../common/pool.js';
import { manifestYaml } from '../generate/generate.js';
import { PINNED_MANIFEST, type Plan, type PlannedTask } from '../model/plan.js';
import { readPlan } from '../model/planFile.js';
import { compileJs } from './compile/js.js';
import { compileTinyGo } from './compile/tinygo.js';
import { TINYGO_FAST_SCHEDULER } from './compile/tinygoFlags.js';
import { interfaceProblems, readInterfaces } from './inspect.js';
import {
  digestRef,
  findByContentHash,
  parseRef,
  lazyLogin,
  pushComponent,
  type RegistryOptions,
} from './publish/index.js';
import { toolchainId } from './toolchain.js';

export const BUILD_FILE = 'build.json';
export { METRICS_FILE } from '../generate/generate.js';
import { METRICS_FILE } from '../generate/generate.js';

export interface BuildOptions {
  /** The gen/ folder written by `pelato gen`. */
  genDir: string;
  /** The environment the tools run in and are found through (PELATO_ORAS, WASMTOOLS, TMPDIR). */
  env: Env;
  /** Publish to the registry (default). Without it components are built and checked only. */
  push: boolean;
  /** Replace an existing tag that holds other content (development registries only). */
  allowOverwrite: boolean;
  /** Tasks built at once. */
  parallel: number;
  plainHttp?: boolean;
  registryUser?: string;
  registryPassword?: string;
  /** Where components are kept by build hash between runs. */
  cacheDir: string;
  metrics: boolean;
  /** Per-task progress: each phase as the task enters it (src/common/progress.ts). */
  onEvent?: OnTaskEvent;
  /** Only these apps (`pelato dev --watch` rebuilds what changed); default every task of the plan. */
  only?: readonly string[];
  /** Called once per task when it is done, failed or not (GitHub Actions closes its log group then). */
  onTaskDone?: (task: BuiltTask) => void;
}

export type TaskStatus = 'built' | 'cached' | 'unchanged' | 'failed';

export interface BuiltTask {
  app: string;
  component_name: string;
  language: string;
  image: string;
  status: TaskStatus;
  /** `registry/repo@sha256:…`, what the pinned manifest deploys. */
  pinned?: string;
  digest?: string;
  /** Component size in bytes. */
  size?: number;
  sha256?: string;
  pushed?: boolean;
  error?: string;
  /** What the user should know about how it was built, one line each (printed after the table). */
  notes?: string[];
  timings_ms: { compile?: number; check?: number; push?: number; total: number };
}

export interface BuildResult {
  ok: boolean;
  pushed: boolean;
  tasks: BuiltTask[];
  ms: number;
}

export { readPlan };

export async function build(opts: BuildOptions): Promise<BuildResult> {
  const started = performance.now();
  const whole = readPlan(opts.genDir);
  const plan = opts.only ? { ...whole, tasks: whole.tasks.filter((t) => opts.only!.includes(t.app)) } : whole;
  const ids = new Map<string, Promise<string>>();
  const idFor = (language: string) => {
    if (!ids.has(language)) ids.set(language, toolchainId(language, opts.env));
    return ids.get(language)!;
  };
  for (const t of plan.tasks) opts.onEvent?.({ task: t.component_name, phase: 'queued' });
  const registry = plan.tasks[0] ? parseRef(plan.tasks[0].image).registry : undefined;
  // Logged in on first need: the look-ups go over HTTP with the credentials themselves, so a build
  // that finds every task unchanged starts no `oras login`.
  const login =
    opts.push && opts.registryUser && registry
      ? lazyLogin(registry, opts.registryUser, opts.registryPassword ?? '', {
          env: opts.env,
          plainHttp: opts.plainHttp,
        })
      : undefined;
  const reg: RegistryOptions = {
    env: opts.env,
    plainHttp: opts.plainHttp,
    ...(login ? { login: login.login, credentials: login.credentials } : {}),
  };
  let tasks: BuiltTask[];
  try {
    tasks = await pool(plan.tasks, opts.parallel, (task) => buildTask(task, opts, idFor, reg));
  } finally {
    login?.dispose();
  }
  const result: BuildResult = {
    ok: tasks.every((t) => t.status !== 'failed'),
    pushed: opts.push,
    tasks,
    ms: Math.round(performance.now() - started),
  };
  await writeJson(path.join(opts.genDir, BUILD_FILE), result);
  if (opts.metrics)
    await writeJson(path.join(opts.genDir, METRICS_FILE), {
      ...(await generationMetrics(opts.genDir)),
      ...metrics(plan, result),
    });
  return result;
}

async function buildTask(
  task: PlannedTask,
  opts: BuildOptions,
  idFor: (l: string) => Promise<string>,
  reg: RegistryOptions,
): Promise<BuiltTask> {
  const t0 = performance.now();
  const out: BuiltTask = {
    app: task.app,
    component_name: task.component_name,
    language: task.language,
    image: task.image,
    status: 'failed',
    timings_ms: { total: 0 },
  };
  const phase = (p: Phase, text?: string) =>
    opts.onEvent?.({ task: task.component_name, phase: p, ...(text ? { text } : {}) });
  const done = () => {
    out.timings_ms.total = Math.round(performance.now() - t0);
    opts.onTaskDone?.(out);
    return out;
  };
  try {
    // What decides a rebuild: the generated project (content hash) and the exact toolchain.
    const buildHash = `sha256:${createHash('sha256')
      .update(`${task.content_hash}\n${await idFor(task.language)}`)
      .digest('hex')}`;
    if (opts.push) {
      phase('looking-up', `looking up ${task.image}`);
      const existing = await findByContentHash(task.image, buildHash, reg);
      if (existing.status === 'same') {
        out.status = 'unchanged';
        out.digest = existing.digest;
        out.pinned = digestRef(parseRef(task.image), existing.digest);
        await writePinnedManifest(opts.genDir, task, out.pinned);
        phase('unchanged', `unchanged in the registry (${existing.digest.slice(0, 19)}…), nothing to build`);
        return done();
      }
      if (existing.status === 'different' && !opts.allowOverwrite) {
        throw new PelatoError(
          `${task.image} already exists with other content (tags are immutable)`,
          `bump the version of ${task.component_name} in workflow.yaml`,
        );
      }
    }
    const cached = path.join(opts.cacheDir, `${buildHash.slice('sha256:'.length)}.wasm`);
    let wasm: Uint8Array;
    if (existsSync(cached)) {
      wasm = await readFile(cached);
      out.status = 'cached';
    } else {
      const c0 = performance.now();
      phase('compiling', `compiling (${task.language === 'go' ? 'TinyGo' : 'componentize-js'})`);
      const dir = path.join(opts.genDir, task.dir);
      if (task.language === 'go') {
        const go = await compileTinyGo(dir, task, opts.env, opts.cacheDir);
        wasm = go.wasm;
        if (go.scheduler !== TINYGO_FAST_SCHEDULER) {
          out.notes ??= [];
          out.notes.push(
            `starts goroutines, so it was built with TinyGo's ${go.scheduler} (a larger, slower-to-build component)`,
          );
        }
      } else wasm = await compileJs(dir, task, opts.env);
      out.timings_ms.compile = Math.round(performance.now() - c0);
      out.status = 'built';
    }
    const k0 = performance.now();
    phase('checking', `checking the component${out.status === 'cached' ? ' (from the build cache)' : ''}`);
    const iface = await readInterfaces(wasm, opts.env);
    const problems = interfaceProblems(task, iface);
    out.timings_ms.check = Math.round(performance.now() - k0);
    if (problems.length)
      throw new PelatoError(
        `${task.component_name}: the component does not fit template ${task.type}:\n  - ${problems.join('\n  - ')}`,
      );
    await mkdir(opts.cacheDir, { recursive: true });
    if (out.status === 'built') await writeAtomic(cached, wasm);
    out.size = wasm.length;
    out.sha256 = createHash('sha256').update(wasm).digest('hex');
    const artifact = path.join(opts.genDir, task.dir, 'build', 'component.wasm');
    await mkdir(path.dirname(artifact), { recursive: true });
    await writeFile(artifact, wasm);
    if (opts.push) {
      const p0 = performance.now();
      phase('pushing', `pushing to ${task.image}`);
      const pushed = await pushComponent({
        ...reg,
        wasmPath: artifact,
        ref: task.image,
        config: iface,
        contentHash: buildHash,
        version: task.version,
        allowOverwrite: opts.allowOverwrite,
      });
      out.timings_ms.push = Math.round(performance.now() - p0);
      out.digest = pushed.digest;
      out.pinned = pushed.digestRef;
      out.pushed = pushed.action === 'pushed';
      await writePinnedManifest(opts.genDir, task, pushed.digestRef);
    }
    phase(out.status, `${out.status}, ${formatSize(wasm.length)}${out.pinned ? ` → ${out.pinned}` : ''}`);
  } catch (e) {
    out.status = 'failed';
    out.error =
      e instanceof PelatoError ? `${e.message}${e.hint ? ` (${e.hint})` : ''}` : String((e as Error)?.message ?? e);
    phase('failed', `failed: ${firstErrorLine(out.error)}`);
  }
  return done();
}

/** The task's manifest with its component image replaced by the digest that was built and pushed. */
async function writePinnedManifest(genDir: string, task: PlannedTask, pinned: string): Promise<void> {
  const source = await readFile(path.join(genDir, task.manifest), 'utf8');
  const target = path.join(genDir, task.dir, PINNED_MANIFEST);
  // A no-change build finds the file it would write already there: its first line stamps what it was made
  // from (the manifest, the digest, its own text), so it is recognised without a YAML round trip, which
  // was most of a no-change build's time per task.
  const existing = await readFile(target, 'utf8').catch(() => undefined);
  if (existing?.startsWith(PINNED_STAMP)) {
    const nl = existing.indexOf('\n');
    const body = existing.slice(nl + 1);
    if (existing.slice(PINNED_STAMP.length, nl) === pinnedStamp(source, pinned, body)) return;
  }
  const doc = YAML.parse(source) as {
    spec: { components: Array<{ type: string; properties: { image?: string } }> };
  };
  for (const c of doc.spec.components)
    if (c.type === 'component' && c.properties.image === task.image) c.properties.image = pinned;
  const body = manifestYaml(doc);
  await writeAtomic(target, `${PINNED_STAMP}${pinnedStamp(source, pinned, body)}\n${body}`);
}

const PINNED_STAMP = '# pelato pinned: ';

function pinnedStamp(source: string, pinned: string, body: string): string {
  return createHash('sha256').update(`${source}\0${pinned}\0${body}`).digest('hex').slice(0, 32);
}

/** What `pelato gen` recorded (the seed's `code_gen` key), kept when the build adds its part. */
async function generationMetrics(genDir: string): Promise<{ code_gen?: unknown }> {
  try {
    const m = JSON.parse(await readFile(path.join(genDir, METRICS_FILE), 'utf8')) as { code_gen?: unknown };
    return m.code_gen === undefined ? {} : { code_gen: m.code_gen };
  } catch {
    return {};
  }
}

function metrics(plan: Plan, r: BuildResult) {
  return {
    project_name: plan.project_name,
    total_ms: r.ms,
    tasks: r.tasks.map((t) => ({ component: t.component_name, status: t.status, size: t.size, ...t.timings_ms })),
  };
}

async function writeJson(file: string, data: unknown): Promise<void> {
  await writeAtomic(file, JSON.stringify(data, null, 2) + '\n');
}

async function writeAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}

export function formatSize(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;
}
