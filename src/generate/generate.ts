/**
 * The generate stage: from a validated Workflow to gen/ — one project folder per task with its wadm
 * manifest, and gen/plan.json for the stages after it.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import YAML from 'yaml';
import { PLAN_FILE, PLAN_SCHEMA_VERSION, type Plan, type PlannedTask } from '../model/plan.js';
import type { Task, Workflow } from '../model/workflow.js';
import { loadCatalog, type TemplateSpec } from '../templates/catalog.js';
import { buildManifest, httpAuthConfig } from './manifest.js';
import { renderProject, type FileTree } from './render.js';
import type { LoadOverrides } from '../load/workflow.js';
import { keptBuildOutputs } from './keep.js';
import { ensureReplaceable, writeTreeAtomic } from './write.js';

export const GEN_DIR = 'gen';
export const MANIFEST_FILE = 'wadm.yaml';

export interface Generated {
  plan: Plan;
  /** Every file of gen/, relative to it. */
  files: FileTree;
}

/** Pure: renders everything in memory. Same workflow in, byte-identical files out. */
export function generate(wf: Workflow): Generated {
  const catalog = loadCatalog();
  const files: FileTree = new Map();
  const planned: PlannedTask[] = [];
  for (const task of wf.tasks) {
    const spec = catalog.get(task.type)!;
    const project = renderProject(task, spec, readFileSync(task.codePath));
    const pt = planTask(wf, task, spec, project);
    for (const [rel, data] of project) files.set(`${pt.dir}/${rel}`, data);
    files.set(pt.manifest, Buffer.from(manifestYaml(buildManifest(wf, task, pt))));
    planned.push(pt);
  }
  const plan: Plan = {
    schema: PLAN_SCHEMA_VERSION,
    project_name: wf.project_name,
    registry: wf.registry,
    lattice: wf.lattice,
    tasks: planned,
  };
  files.set(PLAN_FILE, Buffer.from(JSON.stringify(plan, null, 2) + '\n'));
  return { plan, files };
}

/** Written next to plan.json when metrics are on: timings, so not part of the deterministic output. */
export const METRICS_FILE = 'metrics.json';

export interface WriteOptions {
  /**
   * The settings gen/ is generated with, recorded in gen/overrides.json so that a later stage that regenerates
   * uses them again (src/generate/fresh.ts).
   */
  overrides?: LoadOverrides;
  /** What generate(wf) returned already (fresh.ts renders in memory first to compare). */
  rendered?: Generated;
  /**
   * The seed's ENABLE_METRICS: gen/metrics.json records the generation time under the seed's key
   * (`code_gen.gen_time`, seconds); the build adds its own timings to the same file.
   */
  metrics?: boolean;
}

/**
 * Renders and writes `<project>/gen` (or `out`) atomically, keeping the build outputs of tasks that did
 * not change (src/generate/keep.ts).
 */
export async function generateToDisk(
  wf: Workflow,
  out = path.join(wf.dir, GEN_DIR),
  opts: WriteOptions = {},
): Promise<Generated & { out: string; timings: { render_ms: number; write_ms: number } }> {
  ensureReplaceable(out, PLAN_FILE);
  const t0 = performance.now();
  const g = opts.rendered ?? generate(wf);
  const t1 = performance.now();
  const files = new Map(g.files).set(OVERRIDES_FILE, overridesFile(opts.overrides ?? {}));
  await writeTreeAtomic(out, files, keptBuildOutputs(out, g.plan, g.files));
  const t2 = performance.now();
  if (opts.metrics) {
    const metrics = {
      project_name: wf.project_name,
      code_gen: { gen_time: ((t2 - t0) / 1000).toFixed(3), tasks: wf.tasks.length },
    };
    writeFileSync(path.join(out, METRICS_FILE), JSON.stringify(metrics, null, 2) + '\n');
  }
  return { ...g, out, timings: { render_ms: Math.round(t1 - t0), write_ms: Math.round(t2 - t1) } };
}

/** gen/overrides.json: the overrides of workflow.yaml gen/ was written with (only those given). */
export const OVERRIDES_FILE = 'overrides.json';

export function overridesFile(o: LoadOverrides): Buffer {
  const given = Object.fromEntries(
    Object.entries(o)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  return Buffer.from(JSON.stringify(given) + '\n');
}

function planTask(
  wf: Workflow,
  task: Task,
  spec: TemplateSpec,
  project: FileTree & { taskFile?: string },
): PlannedTask {
  // Recorded only when the copy has another name than the task file (see taskFileName).
  const renamed =
    project.taskFile && project.taskFile !== path.posix.basename(task.code) ? { task_file: project.taskFile } : {};
  return {
    name: task.name,
    type: task.type,
    app: task.component_name,
    component_name: task.component_name,
    version: task.version,
    image: `${wf.registry}/${task.component_name}:${task.version}`,
    targets: task.targets,
    placement: task.placement,
    instances: task.instances,
    source_topic: task.source_topic,
    dest_topic: task.dest_topic,
    http: task.http && {
      ...task.http,
      auth: task.http.auth && { ...task.http.auth, config: httpAuthConfig(task.component_name) },
    },
    language: task.language,
    code: task.code,
    ...renamed,
    dir: task.component_name,
    manifest: `${task.component_name}/${MANIFEST_FILE}`,
    wit_package: spec.witPackage,
    world: spec.world,
    exports: spec.exports,
    providers: spec.providers,
    template_revision: spec.revision,
    content_hash: contentHash(spec, project),
  };
}

/** Everything that ends up in the component: the template revision and every rendered project file. */
export function contentHash(spec: TemplateSpec, project: FileTree): string {
  const h = createHash('sha256');
  h.update(`pelato-template ${spec.type} r${spec.revision}\n`);
  for (const rel of [...project.keys()].sort()) h.update(`${rel}\n${digest(project.get(rel)!)}\n`);
  return `sha256:${h.digest('hex')}`;
}

// Static template files are shared Buffers (see render.ts): hash each once, not once per task.
const digests = new WeakMap<Buffer, string>();
function digest(b: Buffer): string {
  let d = digests.get(b);
  if (!d) {
    d = createHash('sha256').update(b).digest('hex');
    digests.set(b, d);
  }
  return d;
}

export function manifestYaml(manifest: unknown): string {
  return (
    '# Generated by pelato from workflow.yaml; edits are overwritten on the next run.\n' +
    YAML.stringify(manifest, { lineWidth: 0, aliasDuplicateObjects: false })
  );
}
