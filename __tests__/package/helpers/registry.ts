/**
 * A real OCI distribution registry for tests: `docker-registry serve` (CNCF distribution, Debian package,
 * installed by scripts/install-test-tools.sh) on a free loopback port with a throw-away storage folder,
 * optionally behind htpasswd basic auth with a user and password made up per test run.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { registryBinary } from '../../../scripts/lattice/lattice.mjs';
import { freePort } from '../../helpers/net.js';

export { freePort };
import { ROOT } from '../../helpers/project.js';

const INSTALL = 'run scripts/install-test-tools.sh (it installs oras, docker-registry and htpasswd)';

/** The local tools folder, if scripts/install-test-tools.sh has filled it. */
export const TOOLS_BIN = path.join(ROOT, '.tools', 'bin');

function findBinary(envVar: string, candidates: string[]): string {
  const fromEnv = process.env[envVar];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`${envVar}=${fromEnv} does not exist; ${INSTALL}`);
    return fromEnv;
  }
  for (const c of candidates) if (existsSync(c)) return c;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    for (const c of candidates.map((x) => path.basename(x)))
      if (dir && existsSync(path.join(dir, c))) return path.join(dir, c);
  }
  throw new Error(`${candidates.map((c) => path.basename(c)).join(' / ')} not found; ${INSTALL}`);
}

export { registryBinary };

/** The project-local oras (or PELATO_ORAS when the test run sets it); fails clearly if there is none. */
export function useTestOras(): string {
  return findBinary('PELATO_ORAS', [path.join(TOOLS_BIN, 'oras')]);
}

/**
 * The environment the code under test gets, as the CLI would hand it down: PATH and HOME so tools run,
 * PELATO_ORAS pointing at the test's oras, and what the test adds. process.env itself is never changed.
 */
export function toolEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PELATO_ORAS: useTestOras(), ...extra };
}

export interface TestRegistry {
  /** `127.0.0.1:PORT`, the host part of references. */
  host: string;
  port: number;
  /** Set for the basic-auth variant. */
  user?: string;
  password?: string;
  /** Storage folder (blobs and manifests as the registry stores them). */
  storage: string;
  /** What the registry printed (errors only). */
  log(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Basic auth with a generated user and password (bcrypt htpasswd file). */
  auth?: boolean;
}

/** Starts a registry and waits until `/v2/` answers (200, or 401 with auth). */
export async function startRegistry(opts: StartOptions = {}): Promise<TestRegistry> {
  const bin = registryBinary();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pelato-registry-'));
  const storage = path.join(dir, 'storage');
  let user: string | undefined;
  let password: string | undefined;
  let authBlock = '';
  if (opts.auth) {
    user = 'u' + randomBytes(4).toString('hex');
    password = randomBytes(18).toString('base64url');
    const htpasswd = findBinary('PELATO_TEST_HTPASSWD', ['/usr/bin/htpasswd']);
    // -i: the password comes on standard input, not on the command line.
    const line = execFileSync(htpasswd, ['-B', '-i', '-n', user], { input: password + '\n', encoding: 'utf8' }).trim();
    writeFileSync(path.join(dir, 'htpasswd'), line + '\n', { mode: 0o600 });
    authBlock = `auth:\n  htpasswd:\n    realm: pelato-test\n    path: ${path.join(dir, 'htpasswd')}\n`;
  }

  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const config = path.join(dir, 'config.yml');
    writeFileSync(
      config,
      `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${storage}\n  delete:\n` +
        '    enabled: true\n' +
        `http:\n  addr: 127.0.0.1:${port}\n${authBlock}`,
    );
    let output = '';
    // Variables named REGISTRY_* override the config file; none of the caller's may leak in.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REGISTRY_')));
    const child: ChildProcess = spawn(bin, ['serve', config], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
    let exited = false;
    child.once('exit', () => (exited = true));
    const host = `127.0.0.1:${port}`;
    const deadline = Date.now() + 15_000;
    while (!exited && Date.now() < deadline) {
      try {
        const res = await fetch(`http://${host}/v2/`);
        if (res.status === 200 || (opts.auth && res.status === 401)) {
          const stop = () =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
              setTimeout(() => child.kill('SIGKILL'), 3000).unref();
            }).then(() => rmSync(dir, { recursive: true, force: true }));
          return { host, port, user, password, storage, log: () => output, stop };
        }
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    lastError = new Error(
      `${bin} did not answer on ${host} within 15 s${exited ? ' (it exited)' : ''}: ${output.slice(-500)}`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
  throw lastError ?? new Error('registry did not start');
}

/**
 * A wrapper around the test's oras that records every call's argument list, one line each, then runs the
 * real oras: use its path as PELATO_ORAS to see (and count) what the code under test runs.
 */
export function recordingOras(dir: string): { binary: string; calls(): string[] } {
  const log = path.join(dir, 'oras-calls.log');
  const binary = path.join(dir, 'oras-recording');
  writeFileSync(log, '');
  writeFileSync(binary, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${useTestOras()}' "$@"\n`, { mode: 0o755 });
  return { binary, calls: () => readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}
