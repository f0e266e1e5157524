/**
 * Runs the oras CLI as a child process: no shell, arguments as an array, optional standard input (the only
 * way a secret ever reaches oras), a time limit, and output collected as buffers.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { PelatoError } from '../../common/diagnostics.js';

export interface RunResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  /** Written to the child's standard input, which is then closed. */
  stdin?: string;
  /** Extra environment variables on top of this process's environment. */
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** Where the oras binary is: `PELATO_ORAS` when set, else `oras` from PATH. */
export function orasBinary(): string {
  return process.env.PELATO_ORAS || 'oras';
}

export const ORAS_INSTALL_HINT =
  'install oras 1.2 or newer (in GitHub Actions: oras-project/setup-oras; on a machine: your package manager, a release binary, ' +
  'or scripts/install-test-tools.sh), put it on PATH or set PELATO_ORAS to its path';

/**
 * Runs `bin args` and resolves with its exit code and output (a non-zero exit is not an error here).
 * Rejects with a PelatoError when the binary is missing or the time limit passes.
 */
export function run(bin: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? 300_000;
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      shell: false,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => {
      /* the child may exit before reading its input; its exit code tells the story */
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (e.code === 'ENOENT') reject(new PelatoError(`${bin} was not found`, bin === orasBinary() ? ORAS_INSTALL_HINT : undefined));
      else reject(new PelatoError(`could not run ${bin}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(new PelatoError(`${bin} ${args[0] ?? ''} did not finish within ${Math.round(timeoutMs / 1000)} s`, 'check that the registry answers, then try again'));
        return;
      }
      resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.end(opts.stdin ?? '');
  });
}

/** Where private temporary folders go: $TMPDIR as this process sees it now, else the system's. */
export function tempRoot(): string {
  return process.env.TMPDIR || os.tmpdir();
}
