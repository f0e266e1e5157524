// bench/build: cold and no-change `pelato build` of 1, 5 and 20 JavaScript tasks against a real registry
// (Debian's docker-registry from .tools/bin) with the real oras, through the committed CLI bundle.
// A cold build compiles every task (componentize-js) and pushes it; the no-change re-run finds every
// build hash in the registry and compiles nothing. Usage: node bench/build.mjs [sizes=1,5,20]
// Needs scripts/install-test-tools.sh and toolchains/js installed.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const cli = path.join(root, 'dist', 'cli', 'index.js');
const bin = path.join(root, '.tools', 'bin');
const sizes = (process.argv[2] ?? '1,5,20').split(',').map(Number);

const port = await new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const store = mkdtempSync(path.join(os.tmpdir(), 'pelato-bench-registry-'));
writeFileSync(path.join(store, 'config.yml'), `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${store}/data\nhttp:\n  addr: 127.0.0.1:${port}\n`);
const registry = spawn(path.join(bin, 'docker-registry'), ['serve', path.join(store, 'config.yml')], { stdio: 'ignore' });
for (let i = 0; i < 100; i++) {
  try {
    await fetch(`http://127.0.0.1:${port}/v2/`);
    break;
  } catch {
    await new Promise((r) => setTimeout(r, 100));
  }
}

function project(n, run) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pelato-bench-build-'));
  mkdirSync(path.join(dir, 'tasks'));
  writeFileSync(path.join(dir, 'tasks', 'task.js'), 'export function execTask(arg) { return arg.toUpperCase(); }\n');
  let y = `project_name: Bench\nregistry: 127.0.0.1:${port}/bench${run}\ntasks:\n`;
  for (let i = 0; i < n; i++) {
    y += `  - { name: T${i}, type: processor_nats, code: task.js, targets: [edge], source_topic: in.${i}, dest_topic: out.${i}, component_name: t${i}, version: 1.0.0 }\n`;
  }
  writeFileSync(path.join(dir, 'workflow.yaml'), y);
  execFileSync(process.execPath, [cli, 'gen', dir, '--json']);
  return dir;
}

function build(dir) {
  const t0 = process.hrtime.bigint();
  const out = execFileSync(process.execPath, [cli, 'build', dir, '--json'], { env: { ...process.env, PELATO_ORAS: path.join(bin, 'oras') }, maxBuffer: 1 << 26 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const r = JSON.parse(out.toString());
  if (!r.ok) throw new Error(JSON.stringify(r.tasks.filter((t) => t.status === 'failed')));
  return { ms, statuses: [...new Set(r.tasks.map((t) => t.status))].join(',') };
}

console.log(`pelato build, ${os.availableParallelism()} CPUs (PARALLEL_BUILD default = one per CPU); wall time of the whole command`);
console.log('tasks   cold s  per task s   statuses     no-change s  per task ms  statuses');
try {
  for (const n of sizes) {
    const dir = project(n, n);
    const cold = build(dir);
    const warm = build(dir);
    console.log(
      `${String(n).padStart(5)}  ${(cold.ms / 1000).toFixed(1).padStart(7)}  ${(cold.ms / 1000 / n).toFixed(2).padStart(10)}   ${cold.statuses.padEnd(11)}  ${(warm.ms / 1000).toFixed(2).padStart(11)}  ${(warm.ms / n).toFixed(0).padStart(11)}  ${warm.statuses}`,
    );
    rmSync(dir, { recursive: true, force: true });
  }
} finally {
  registry.kill();
  rmSync(store, { recursive: true, force: true });
}
