// What the lattice benchmarks share: the committed CLI bundle run as a child process against a lattice of
// scripts/lattice/lattice.mjs (its registry and NATS), with the project-local oras of
// scripts/install-test-tools.sh unless one is configured, and the median they quote.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const cli = path.join(root, 'dist', 'cli', 'index.js');
const run = promisify(execFile);

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** `pelato(...args)` → { ms, out } for this lattice; a failure throws with the command's output. */
export function pelatoOn(lattice, extraEnv = {}) {
  const localOras = path.join(root, '.tools', 'bin', 'oras');
  const env = {
    ...(existsSync(localOras) ? { PELATO_ORAS: localOras } : {}),
    ...process.env,
    REGISTRY_URL: `${lattice.registry}/bench`,
    NATS_URL: lattice.natsUrl,
    NO_COLOR: '1',
    ...extraEnv,
  };
  const pelato = async (...args) => {
    const t0 = performance.now();
    try {
      const r = await run(process.execPath, [cli, ...args], { env, maxBuffer: 64 << 20 });
      return { ms: performance.now() - t0, out: r.stdout };
    } catch (e) {
      throw new Error(`pelato ${args.join(' ')} failed:\n${e.stdout}\n${e.stderr}`);
    }
  };
  return { env, pelato };
}
