/** `pelato build`, and building as a step of test, dev and brush. */
import path from 'node:path';
import type { CommandContext, Runner } from '../common/command.js';
import { PelatoError } from '../common/diagnostics.js';
import { closingSummary } from '../common/failures.js';
import { withProgress } from '../common/openProgress.js';
import type { Progress } from '../common/progress.js';
import { setting } from '../common/settings.js';
import { table } from '../common/table.js';
import { ensureGenerated, freshnessLine } from '../generate/fresh.js';
import { buildSummary } from '../github/jobSummary.js';
import { build, formatSize, type BuildResult, type BuiltTask } from './build.js';

export const runBuild: Runner = async (ctx) => {
  await generateFirst(ctx);
  return (await buildStage(ctx, !ctx.options.noPush)).ok ? 0 : 1;
};

/** Generates when gen/ is missing or stale, saying so (src/generate/fresh.ts). */
export async function generateFirst(ctx: CommandContext) {
  const f = await ensureGenerated(ctx);
  const line = freshnessLine(f, ctx.genDir);
  if (line && !ctx.options.json && !ctx.options.quiet) ctx.r.out(line);
  return f;
}

/**
 * Builds what changed, never pushing, as the first step of commands that run the components (test, dev):
 * per-task progress on `progress`, no table; throws when a task did not build, after the closing summary.
 */
export async function buildForRun(
  ctx: CommandContext,
  what: string,
  progress: Progress,
  only?: readonly string[],
): Promise<BuildResult> {
  const res = await runBuildWith(ctx, false, progress, undefined, only);
  if (!res.ok) {
    reportFailedTasks(ctx, res);
    throw new PelatoError(`some tasks did not build, so ${what}`, 'see the errors above');
  }
  return res;
}

/**
 * `pelato build`: progress, then the table, the errors and the closing summary. In GitHub Actions, one log group
 * per task and the job summary.
 */
export async function buildStage(ctx: CommandContext, push: boolean): Promise<BuildResult> {
  const { options: o, r, gh } = ctx;
  const groups = gh && !o.json ? gh.groups((l) => r.out(l)) : undefined;
  const res = await withProgress(
    ctx,
    (p, c) =>
      runBuildWith(
        c,
        push,
        p,
        groups ? (t) => groups.end(t.component_name, groupTitle(t), groupDetails(t)) : undefined,
      ),
    groups,
  );
  groups?.flush();
  if (o.json) r.out(JSON.stringify(res));
  else if (!o.quiet) {
    r.out('');
    const rows = res.tasks.map((t) => [
      t.component_name,
      t.status,
      t.size === undefined ? '-' : formatSize(t.size),
      t.pinned ?? (push ? '-' : '(not pushed)'),
      `${(t.timings_ms.total / 1000).toFixed(1)} s`,
    ]);
    for (const line of table(['component', 'status', 'size', 'image', 'time'], rows)) r.out(line);
    for (const t of res.tasks) for (const note of t.notes ?? []) r.out(`${t.component_name}: ${note}`);
  }
  if (!o.json)
    r.out(
      `${res.tasks.length} task${res.tasks.length === 1 ? '' : 's'} in ${(res.ms / 1000).toFixed(1)} s` +
        `${push ? '' : ' (not pushed)'}`,
    );
  reportFailedTasks(ctx, res);
  gh?.summary(buildSummary(res));
  return res;
}

function runBuildWith(
  ctx: CommandContext,
  push: boolean,
  progress: Progress,
  onTaskDone?: (t: BuiltTask) => void,
  only?: readonly string[],
): Promise<BuildResult> {
  const { options: o, env } = ctx;
  return build({
    genDir: ctx.genDir,
    env,
    push,
    allowOverwrite: o.overwrite,
    parallel: o.parallel,
    plainHttp: o.plainHttp || undefined,
    registryUser: setting(env, 'registryUser'),
    registryPassword: setting(env, 'registryPassword'),
    cacheDir: path.join(ctx.dir, '.pelato', 'cache'),
    metrics: setting(env, 'metrics'),
    onEvent: progress.onEvent,
    ...(only ? { only } : {}),
    ...(onTaskDone ? { onTaskDone } : {}),
  });
}

/** Every failed task's whole error, then the closing summary (one line each), on stderr. */
function reportFailedTasks(ctx: CommandContext, res: BuildResult): void {
  const failed = res.tasks.filter((t) => t.status === 'failed');
  for (const t of failed) ctx.r.err(`error: ${t.component_name}: ${t.error}`);
  for (const line of closingSummary(
    failed.map((t) => ({ task: t.component_name, error: t.error ?? '' })),
    res.tasks.length,
    'task',
    'did not build',
  ))
    ctx.r.err(line);
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function groupTitle(t: BuiltTask): string {
  return (
    `${t.component_name}: ${t.status}${t.size === undefined ? '' : `, ${formatSize(t.size)}`}` +
    ` in ${secs(t.timings_ms.total)}`
  );
}

function groupDetails(t: BuiltTask): string[] {
  const times = (['compile', 'check', 'push'] as const)
    .filter((k) => t.timings_ms[k] !== undefined)
    .map((k) => `${k} ${secs(t.timings_ms[k]!)}`);
  return [
    ...(t.digest ? [`  digest: ${t.digest}`] : []),
    ...(t.pinned ? [`  image:  ${t.pinned}`] : []),
    ...(times.length ? [`  time:   ${times.join(', ')}`] : []),
  ];
}
