/** `pelato deploy`, `pelato remove` and `pelato status`: run the stage on DIR/gen and report per app. */
import { writeFileSync } from 'node:fs';
import type { CommandContext, Runner } from '../common/command.js';
import { deploySummary as deployMarkdown, removeSummary as removeMarkdown } from '../github/jobSummary.js';
import { deployPlan, removePlan, statusPlan, type DeployEvent, type StageOptions } from './deploy.js';
import { withProgress } from '../common/openProgress.js';
import { generateFirst } from '../package/command.js';
import { deploySummary, eventLine, eventPhase, removeSummary, statusTable } from './report.js';

/**
 * Runs a stage with per-app progress (src/common/progress.ts): live on a terminal, plain lines elsewhere;
 * in GitHub Actions each app's progress is one log group, printed when the app is done (or has failed).
 */
async function withStage(
  ctx: CommandContext,
  removing: boolean,
  fn: (o: StageOptions, ctx: CommandContext, result: (res: object) => void, flush: () => void) => Promise<number>,
): Promise<number> {
  const { options, r, gh } = ctx;
  const groups = gh && !options.json ? gh.groups((l) => r.out(l)) : undefined;
  const result = (res: object) => {
    if (options.json) r.out(JSON.stringify(res));
    if (options.jsonFile) writeFileSync(options.jsonFile, JSON.stringify(res) + '\n');
  };
  try {
    return await withProgress(
      ctx,
      (p, c) => {
        const onEvent = (e: DeployEvent) => {
          p.onEvent({ task: e.app, phase: eventPhase(e, removing), text: e.text });
          if (groups && (e.kind === 'done' || e.kind === 'error')) groups.end(e.app, eventLine(e));
        };
        const o: StageOptions = {
          env: ctx.env,
          natsUrl: ctx.flags.natsUrl as string | undefined,
          lattice: options.lattice,
          timeoutMs: options.timeout,
          onEvent,
        };
        return fn(o, c, result, () => groups?.flush());
      },
      groups,
    );
  } finally {
    // a stage that stopped (NATS gone, no wadm) still shows what each app had done
    groups?.flush();
  }
}

/** Deploy and remove generate first when gen/ is missing or stale (src/generate/fresh.ts). */
export const runDeploy: Runner = async (ctx) => {
  await generateFirst(ctx);
  return withStage(ctx, false, async (o, c, result, flush) => {
    const res = await deployPlan(ctx.genDir, { ...o, replace: ctx.options.replace, inPlace: ctx.options.inPlace });
    result(res);
    flush();
    const sum = deploySummary(res);
    if (!ctx.options.json && !ctx.options.quiet) for (const line of sum.out) c.r.out(line);
    for (const line of sum.err) c.r.err(line);
    ctx.gh?.summary(deployMarkdown(res));
    return res.ok ? 0 : 1;
  });
};

export const runRemove: Runner = (ctx) =>
  withStage(ctx, true, async (o, c, result, flush) => {
    const res = await removePlan(ctx.genDir, { ...o, keepVersions: ctx.options.keepVersions });
    result(res);
    flush();
    const sum = removeSummary(res);
    if (!ctx.options.json && !ctx.options.quiet) for (const line of sum.out) c.r.out(line);
    for (const line of sum.err) c.r.err(line);
    ctx.gh?.summary(removeMarkdown(res));
    return res.ok ? 0 : 1;
  });

export const runStatus: Runner = (ctx) =>
  withStage(ctx, false, async (o, _c, result) => {
    const s = await statusPlan(ctx.genDir, o);
    result(s);
    if (!ctx.options.json) for (const line of statusTable(s)) ctx.r.out(line);
    return 0;
  });
