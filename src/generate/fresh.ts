/**
 * Generating as the first step of build, deploy, test and dev: gen/ is written when it is missing or
 * stale, and left alone (with its build outputs) when it is up to date.
 *
 * "Stale" is decided by generating again in memory and comparing with what is on disk: gen/plan.json
 * (which holds every task's content hash: the template revision and every rendered file, task code
 * included) and every manifest, byte for byte. A changed workflow.yaml, task file, setting or PELATO
 * version is seen whatever the file times say (a checkout or a copy sets them arbitrarily), and the cost
 * is one validation and render in memory: a few milliseconds per task (bench/gen.mjs), no file written.
 *
 * The settings gen/ was generated with (--registry, --lattice, --builtin-providers, or their variables)
 * are recorded in gen/overrides.json and used again unless this command is given its own, so that
 * `pelato gen --registry X` followed by `pelato build` builds for X rather than regenerating for
 * workflow.yaml's registry.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CommandContext } from '../common/command.js';
import { PelatoError } from '../common/diagnostics.js';
import { reportWarnings } from '../common/report.js';
import { settingFrom } from '../common/settings.js';
import { loadWorkflow, WORKFLOW_FILE, type LoadOverrides } from '../load/workflow.js';
import { PLAN_FILE, type Plan } from '../model/plan.js';
import { readPlan } from '../model/planFile.js';
import { generate, generateToDisk, OVERRIDES_FILE, overridesFile, type Generated } from './generate.js';

export type GenState =
  /** gen/ was up to date: nothing written. */
  | 'fresh'
  /** There was no gen/. */
  | 'generated'
  /** gen/ was stale and was rewritten. */
  | 'regenerated'
  /** No workflow.yaml next to gen/ (e.g. a deploy job that downloaded gen/ only): gen/ is used as it is. */
  | 'as-is';

export interface Freshness {
  state: GenState;
  plan: Plan;
  /** Apps that are new or whose project or manifest changed, and apps that are gone. */
  changed: string[];
  removed: string[];
  ms: number;
}

const KEYS = ['registry', 'lattice', 'builtinProviders'] as const;

/** The overrides this command was given (flag or environment), over the ones gen/ was generated with. */
export function overridesFor(ctx: CommandContext, recorded: LoadOverrides = {}): LoadOverrides {
  const out: LoadOverrides = {};
  for (const key of KEYS) {
    const given = settingFrom(ctx.env, key, ctx.flags);
    const value = given.from !== undefined ? given.value : recorded[key];
    if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

function readRecorded(genDir: string): LoadOverrides {
  try {
    return JSON.parse(readFileSync(path.join(genDir, OVERRIDES_FILE), 'utf8')) as LoadOverrides;
  } catch {
    return {};
  }
}

/** Validates, and writes gen/ when it is missing or stale; throws what validation found. */
export async function ensureGenerated(ctx: CommandContext): Promise<Freshness> {
  const started = performance.now();
  const genDir = ctx.genDir;
  const hasPlan = existsSync(path.join(genDir, PLAN_FILE));
  if (hasPlan && !existsSync(path.join(ctx.dir, WORKFLOW_FILE))) {
    return { state: 'as-is', plan: readPlan(genDir), changed: [], removed: [], ms: performance.now() - started };
  }
  if (!hasPlan && existsSync(ctx.dir) && !existsSync(path.join(ctx.dir, WORKFLOW_FILE))) {
    throw new PelatoError(
      `${path.join(ctx.dir, WORKFLOW_FILE)} not found, and nothing generated yet`,
      `run \`pelato init ${ctx.dir}\` to start a project, or give the folder that holds ${WORKFLOW_FILE} and tasks/`,
    );
  }
  const overrides = overridesFor(ctx, hasPlan ? readRecorded(genDir) : {});
  const wf = loadWorkflow(ctx.dir, { ...overrides, strict: ctx.options.strict });
  // Accepted with warnings: printed (annotations in Actions) as `pelato validate` prints them, never blocking.
  reportWarnings(wf.warnings, ctx.r, ctx.env);
  const g = generate(wf);
  const { changed, removed } = hasPlan
    ? difference(genDir, g)
    : { changed: g.plan.tasks.map((t) => t.app), removed: [] };
  const sameRecord = hasPlan && fileEquals(path.join(genDir, OVERRIDES_FILE), overridesFile(overrides));
  const samePlan = hasPlan && fileEquals(path.join(genDir, PLAN_FILE), g.files.get(PLAN_FILE)!);
  if (hasPlan && samePlan && sameRecord && !changed.length && !removed.length) {
    return { state: 'fresh', plan: g.plan, changed, removed, ms: performance.now() - started };
  }
  await generateToDisk(wf, genDir, { overrides, rendered: g, metrics: ctx.options.metrics });
  return {
    state: hasPlan ? 'regenerated' : 'generated',
    plan: g.plan,
    changed,
    removed,
    ms: performance.now() - started,
  };
}

/** Apps of the new generation that differ from gen/ on disk (project or manifest), and apps gone from it. */
function difference(genDir: string, g: Generated): { changed: string[]; removed: string[] } {
  let old: Plan | undefined;
  try {
    old = JSON.parse(readFileSync(path.join(genDir, PLAN_FILE), 'utf8')) as Plan;
  } catch {
    old = undefined;
  }
  const before = new Map((old?.tasks ?? []).map((t) => [t.app, t]));
  const changed = g.plan.tasks
    .filter((t) => {
      const o = before.get(t.app);
      return (
        !o ||
        JSON.stringify(o) !== JSON.stringify(t) ||
        !fileEquals(path.join(genDir, t.manifest), g.files.get(t.manifest)!)
      );
    })
    .map((t) => t.app);
  const now = new Set(g.plan.tasks.map((t) => t.app));
  return { changed, removed: [...before.keys()].filter((a) => !now.has(a)) };
}

function fileEquals(file: string, data: Buffer): boolean {
  try {
    return readFileSync(file).equals(data);
  } catch {
    return false;
  }
}

/** One line on what generating did, for the commands that generate first (none when gen/ was fresh). */
export function freshnessLine(f: Freshness, genDir: string): string | undefined {
  const tasks = `${f.plan.tasks.length} task${f.plan.tasks.length === 1 ? '' : 's'}`;
  const ms = `${Math.round(f.ms)} ms`;
  if (f.state === 'generated') return `generated ${genDir} (${tasks}) in ${ms}`;
  if (f.state !== 'regenerated') return undefined;
  const what = [
    ...(f.changed.length ? [`changed: ${f.changed.join(', ')}`] : []),
    ...(f.removed.length ? [`removed: ${f.removed.join(', ')}`] : []),
  ];
  return (
    `regenerated ${genDir}, it was out of date ` +
    `(${what.length ? what.join('; ') : 'workflow.yaml or settings changed'}) in ${ms}`
  );
}
