// bench/build: cold and no-change `pelato build` of 1, 5 and 20 tasks against a real registry (Debian's
// docker-registry from .tools/bin) with the real oras, through the committed CLI bundle, in TypeScript
// (componentize-js) or Go (TinyGo). A cold build compiles every task and pushes it (each run has a new
// project, so nothing is in PELATO's build cache; the compilers' own caches are warm after the first
// run); the no-change re-run finds every build hash in the registry and compiles nothing. PELATO_ORAS is
// a wrapper that logs each call's subcommand before running the real oras, so the oras processes per task
// are counted too.
// Usage: node bench/build.mjs [sizes=1,5,20] [js|go]
// Needs scripts/install-test-tools.sh, toolchains/js, and for go: tinygo + wasm-tools on PATH.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const cli = path.join(root, 'dist', 'cli', 'index.js');
const bin = path.join(root, '.tools', 'bin');
const sizes = (process.argv.slice(2).find((a) => /^[\d,]+$/.test(a)) ?? '1,5,20').split(',').map(Number);
const lang = process.argv.slice(2).includes('go') ? 'go' : 'js';
const TASK =
  lang === 'go'
    ? [
        'task.go',
        'package main\n\nimport "strings"\n\nfunc exec_task(arg string) string { return strings.ToUpper(arg) }\n',
      ]
    : ['task.js', 'export function execTask(arg) { return arg.toUpperCase(); }\n'];

const port = await new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const store = mkdtempSync(path.join(os.tmpdir(), 'pelato-bench-registry-'));
writeFileSync(
  path.join(store, 'config.yml'),
  `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${store}/data\n` +
    `http:\n  addr: 127.0.0.1:${port}\n`,
);
const registry = spawn(path.join(bin, 'docker-registry'), ['serve', path.join(store, 'config.yml')], {
  stdio: 'ignore',
});
for (let i = 0; i < 100; i++) {
  try {
    await fetch(`http://127.0.0.1:${port}/v2/`);
    break;
  } catch {
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Every oras call appends its subcommand ("manifest fetch", "blob push", "cp", ...) to orasLog.
const orasLog = path.join(store, 'oras-calls.log');
const orasWrapper = path.join(store, 'oras-counting');
writeFileSync(
  orasWrapper,
  `#!/bin/sh\ncase "$1" in manifest|blob) printf '%s %s\\n' "$1" "$2" ;; ` +
    `*) printf '%s\\n' "$1" ;; esac >> '${orasLog}'\n` +
    `exec '${path.join(bin, 'oras')}' "$@"\n`,
);
chmodSync(orasWrapper, 0o755);

/** The oras calls since the last call of this function, per subcommand. */
function orasCalls() {
  let lines = [];
  try {
    lines = readFileSync(orasLog, 'utf8').split('\n').filter(Boolean);
  } catch {}
  writeFileSync(orasLog, '');
  const by = {};
  for (const l of lines) by[l] = (by[l] ?? 0) + 1;
  return { total: lines.length, by };
}

function project(n, run) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pelato-bench-build-'));
  mkdirSync(path.join(dir, 'tasks'));
  writeFileSync(path.join(dir, 'tasks', TASK[0]), TASK[1]);
  let y = `project_name: Bench\nregistry: 127.0.0.1:${port}/bench${run}\ntasks:\n`;
  for (let i = 0; i < n; i++) {
    y +=
      `  - { name: T${i}, type: processor_nats, code: ${TASK[0]}, targets: [edge], ` +
      `source_topic: in.${i}, dest_topic: out.${i}, component_name: t${i}, version: 1.0.0 }\n`;
  }
  writeFileSync(path.join(dir, 'workflow.yaml'), y);
  execFileSync(process.execPath, [cli, 'gen', dir, '--json']);
  return dir;
}

// CPU seconds of the command and its children (GNU time), which a busy machine distorts less than wall time.
const cpuFile = path.join(store, 'cpu');
const timed = existsSync('/usr/bin/time');

function build(dir) {
  const t0 = process.hrtime.bigint();
  const argv = [process.execPath, cli, 'build', dir, '--json'];
  const [cmd, ...args] = timed ? ['/usr/bin/time', '-f', '%U %S', '-o', cpuFile, ...argv] : argv;
  const out = execFileSync(cmd, args, { env: { ...process.env, PELATO_ORAS: orasWrapper }, maxBuffer: 1 << 26 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = timed
    ? readFileSync(cpuFile, 'utf8')
        .trim()
        .split(/\s+/)
        .reduce((a, b) => a + Number(b), 0)
    : Number.NaN;
  const r = JSON.parse(out.toString());
  if (!r.ok) throw new Error(JSON.stringify(r.tasks.filter((t) => t.status === 'failed')));
  return { ms, cpu, statuses: [...new Set(r.tasks.map((t) => t.status))].join(','), oras: orasCalls() };
}

console.log(
  `pelato build of ${lang === 'go' ? 'Go (TinyGo)' : 'JavaScript (componentize-js)'} tasks, ` +
    `${os.availableParallelism()} CPUs (PARALLEL_BUILD default = one per CPU), ` +
    `load ${os.loadavg()[0].toFixed(1)}; wall time of the whole command`,
);
console.log(
  'tasks   cold s  per task s  cold CPU s   statuses     no-change s  per task ms  CPU s  statuses' +
    '   (no-change: median of 3)',
);
const calls = [];
try {
  for (const n of sizes) {
    const dir = project(n, n);
    const cold = build(dir);
    // The no-change run is short and noisy on a shared machine: the median of three.
    const warms = [build(dir), build(dir), build(dir)];
    const median = (k) => warms.map((w) => w[k]).sort((a, b) => a - b)[1];
    const warm = { ms: median('ms'), cpu: median('cpu'), statuses: warms[0].statuses, oras: warms[0].oras };
    console.log(
      `${String(n).padStart(5)}  ${(cold.ms / 1000).toFixed(1).padStart(7)}  ` +
        `${(cold.ms / 1000 / n).toFixed(2).padStart(10)}  ${cold.cpu.toFixed(1).padStart(10)}   ` +
        `${cold.statuses.padEnd(11)}  ${(warm.ms / 1000).toFixed(2).padStart(11)}  ` +
        `${(warm.ms / n).toFixed(0).padStart(11)}  ${warm.cpu.toFixed(2).padStart(5)}  ${warm.statuses}`,
    );
    calls.push([n, cold.oras, warm.oras]);
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('\noras processes per task (no REGISTRY_USER here; with it, one "oras login" per build comes on top)');
  const fmt = (o, n) =>
    `${(o.total / n).toFixed(1)} (${Object.entries(o.by)
      .map(([k, v]) => `${k} ${(v / n).toFixed(1)}`)
      .join(', ')})`;
  for (const [n, cold, warm] of calls)
    console.log(`${String(n).padStart(5)} tasks  new: ${fmt(cold, n)}  unchanged: ${fmt(warm, n)}`);
} finally {
  registry.kill();
  rmSync(store, { recursive: true, force: true });
}
