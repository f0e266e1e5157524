/** The `pelato` command run in-process, the way every CLI test runs it. */
import { main } from '../../src/cli/main.js';
import type { Env } from '../../src/common/settings.js';

export interface CliRun {
  code: number;
  /** What went to the reporter's out and err, lines joined with \n. */
  out: string;
  err: string;
  /** Both, out first. */
  all: string;
}

/**
 * Runs `pelato argv…` with exactly `env` as its environment (process.env is neither read nor changed)
 * and collects what it prints.
 */
export async function runCli(env: Env, ...argv: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, env);
  return { code, out: out.join('\n'), err: err.join('\n'), all: [...out, ...err].join('\n') };
}
