/**
 * What every command's runner gets: the project folder, its settings already read (flags, environment with
 * .env, defaults) and typed, and where to report. Runners live with their stage (src/<stage>/command.ts);
 * the command table in src/cli/main.ts says which runner each command has and which settings it takes.
 */
import type { ActionsOutput } from '../github/actionsOutput.js';
import type { Reporter } from './report.js';
import type { Env, Flags, Options } from './settings.js';

export interface CommandContext {
  /** The project folder (DIR). */
  dir: string;
  /** The gen folder: --out, or DIR/gen. */
  genDir: string;
  options: Options;
  /** What the command line gave, raw: for messages that name where a value came from (settingFrom). */
  flags: Flags;
  /** The environment with .env merged: what settings are read from and child processes run with. */
  env: Env;
  r: Reporter;
  /** Inside GitHub Actions: log groups per task and the job summary; undefined elsewhere. */
  gh?: ActionsOutput;
}

export type Runner = (ctx: CommandContext) => Promise<number>;

/** The same context with the output swallowed (a stage run as a step of another command); errors still show. */
export function quiet(ctx: CommandContext): CommandContext {
  return { ...ctx, r: { out: () => {}, err: (l) => ctx.r.err(l) }, gh: undefined };
}
