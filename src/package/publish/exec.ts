/** The oras CLI, run through the one process runner (src/common/process.ts). */
import { run, type RunOptions, type RunResult, type Tool } from '../../common/process.js';
import { setting, type Env } from '../../common/settings.js';

export { tempRoot, type RunResult } from '../../common/process.js';

/** Where the oras binary is: `PELATO_ORAS` when set (in the environment or .env), else `oras` from PATH. */
export function orasBinary(env: Env): string {
  return setting(env, 'oras');
}

export const ORAS_INSTALL_HINT =
  'install oras 1.2 or newer (in GitHub Actions: oras-project/setup-oras; ' +
  'on a machine: your package manager, a release binary, ' +
  'or scripts/install-test-tools.sh), put it on PATH or set PELATO_ORAS to its path';

export function orasTool(env: Env): Tool {
  return { name: 'oras', binary: orasBinary(env), hint: ORAS_INSTALL_HINT };
}

/** `oras args`; a non-zero exit is the caller's to read (registryError classifies it). */
export function runOras(args: readonly string[], opts: RunOptions): Promise<RunResult> {
  return run(orasTool(opts.env), args, { timeoutHint: 'check that the registry answers, then try again', ...opts });
}
