/**
 * The one way PELATO runs another program (go, tinygo, wasm-tools, oras): no shell, arguments as an
 * array, the environment passed in (never process.env by itself), optional standard input (the only way
 * a secret ever reaches a child), a time limit that ends the whole process group (TinyGo runs wasm-opt
 * and wasm-tools under it), and output collected for messages. A missing program is a PelatoError of kind
 * `tool-missing` naming what to install; running out of time is `tool-timeout`.
 *
 * Not @actions/exec: it has no time limit and no way to stop the child (a TinyGo compile was seen to hang
 * for more than 5 minutes on a task importing net/http), echoes every command line unless silenced, and
 * would add a dependency to the CLI bundle for what spawn() does here.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { PelatoError } from './diagnostics.js';
import type { Env } from './settings.js';

/** A program and what to tell the user when it is not there. */
export interface Tool {
  /** The name users know it by ("tinygo"). */
  name: string;
  /** What is executed: a name looked up on PATH, or a path. */
  binary: string;
  /** What to install, and how. */
  hint: string;
}

export interface RunOptions {
  cwd?: string;
  /** The environment the child runs in (the CLI's, with .env merged). */
  env: Env;
  /** Extra environment variables on top of it. */
  extraEnv?: Record<string, string>;
  /** Written to the child's standard input, which is then closed. */
  stdin?: string;
  /** Default 5 minutes. */
  timeoutMs?: number;
  /** Said with a timeout, e.g. "check that the registry answers". */
  timeoutHint?: string;
}

export interface RunResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** How long a child gets between SIGTERM and SIGKILL once its time is up. */
const KILL_GRACE_MS = 2000;

/**
 * Runs `tool args` and resolves with its exit code and output; a non-zero exit is not an error here
 * (callers turn it into the message that fits). Rejects with a PelatoError when the program is missing
 * or its time runs out.
 */
export function run(tool: Tool, args: readonly string[], opts: RunOptions): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? 300_000;
  return new Promise((resolve, reject) => {
    const child = spawn(tool.binary, args, {
      cwd: opts.cwd,
      env: { ...opts.env, ...opts.extraEnv },
      stdio: ['pipe', 'pipe', 'pipe'],
      shell: false,
      // its own process group, so a time-out stops what it started too
      detached: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const signal = (sig: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
      } catch {
        /* already gone */
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      signal('SIGTERM');
      setTimeout(() => signal('SIGKILL'), KILL_GRACE_MS).unref();
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => {
      /* the child may exit before reading its input; its exit code tells the story */
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (e.code === 'ENOENT')
        reject(
          new PelatoError(
            `${tool.name} not found${tool.binary === tool.name ? ' on PATH' : ` (${tool.binary})`}`,
            tool.hint,
            'tool-missing',
          ),
        );
      else reject(new PelatoError(`could not run ${tool.name}: ${e.message}`, tool.hint));
    });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(
          new PelatoError(
            `${tool.name} ${args[0] ?? ''} did not finish within ${Math.round(timeoutMs / 1000)} s`,
            opts.timeoutHint,
            'tool-timeout',
          ),
        );
        return;
      }
      resolve({
        code: code ?? (sig ? 128 : 1),
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    child.stdin.end(opts.stdin ?? '');
  });
}

/** Where private temporary folders go: $TMPDIR of the environment given, else the system's. */
export function tempRoot(env: Env): string {
  return env.TMPDIR || os.tmpdir();
}
