/** The progress display a command opens: live, plain, into GitHub Actions log groups, or none. */
import type { TaskGroups } from '../github/actionsOutput.js';
import type { CommandContext } from './command.js';
import { liveProgress } from './liveProgress.js';
import { plainProgress, progressMode, silentProgress, type Progress } from './progress.js';

/**
 * `groups`: in GitHub Actions, each task's lines go into its log group (the command ends the groups,
 * since their titles come from its results).
 */
export function openProgress(ctx: CommandContext, groups?: TaskGroups): Progress {
  const mode = progressMode(ctx.options, ctx.r, ctx.env);
  if (mode === 'silent') return silentProgress(ctx.r);
  if (groups) return plainProgress(ctx.r, (task, line) => groups.line(task, line));
  if (mode === 'live' && ctx.r.terminal) return liveProgress(ctx.r.terminal, ctx.r, { color: !ctx.env.NO_COLOR });
  return plainProgress(ctx.r);
}

/** Runs `fn` with a progress display whose reporter replaces the context's while it is open. */
export async function withProgress<T>(
  ctx: CommandContext,
  fn: (p: Progress, ctx: CommandContext) => Promise<T>,
  groups?: TaskGroups,
): Promise<T> {
  const p = openProgress(ctx, groups);
  try {
    return await fn(p, { ...ctx, r: p.reporter });
  } finally {
    p.close();
  }
}
