// bench/tinygo-flags: what TinyGo's flags cost and give, on the Go examples' generated projects.
// For each flag set and task: compile CPU time (user+sys of tinygo and the wasm-opt / wasm-tools it runs)
// and wall time, median of N runs after one warm-up run (TinyGo caches compiled packages per flag set),
// and the component's size. CPU time is quoted because these 2-core machines are shared and noisy.
// What the flags do on a host (start-up compile, time per message) is measured by bench/e2e.mjs.
// Usage: node bench/tinygo-flags.mjs [runs=3] [task,task…]   (tinygo + wasm-tools on PATH)
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const cli = path.join(root, 'dist', 'cli', 'index.js');
const runs = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 3);
const only = process.argv
  .slice(2)
  .find((a) => /[a-z]/.test(a))
  ?.split(',');
const FLAG_SETS = [
  [],
  ['-no-debug'],
  ['-no-debug', '-scheduler=none'],
  ['-no-debug', '-scheduler=none', '-opt=1'],
  ['-no-debug', '-scheduler=none', '-opt=2'],
  ['-no-debug', '-scheduler=none', '-opt=s'],
  ['-no-debug', '-scheduler=none', '-gc=leaking'],
];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function generate(example) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `pelato-bench-tinygo-${example}-`));
  cpSync(path.join(root, 'examples', example), dir, { recursive: true });
  execFileSync('node', [cli, 'gen', dir], { stdio: 'ignore' });
  const plan = JSON.parse(readFileSync(path.join(dir, 'gen', 'plan.json'), 'utf8'));
  return plan.tasks.map((t) => ({ name: t.component_name, world: t.world, dir: path.join(dir, 'gen', t.dir) }));
}

function compile(task, flags) {
  const out = path.join(os.tmpdir(), `pelato-bench-${process.pid}-${task.name}.wasm`);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(
    '/usr/bin/time',
    [
      '-f',
      '%U %S',
      'tinygo',
      'build',
      '-target',
      'wasip2',
      ...flags,
      '-wit-package',
      './wit',
      '-wit-world',
      task.world,
      '-o',
      out,
      '.',
    ],
    { cwd: task.dir, encoding: 'utf8' },
  );
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`tinygo ${flags.join(' ')} failed for ${task.name}:\n${r.stderr}`);
  const [user, sys] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { wall, cpu: (user + sys) * 1000, size: statSync(out).size, out };
}

const tasks = [...generate('temperature'), ...generate('greenhouse')].filter((t) => !only || only.includes(t.name));
for (const t of tasks) execFileSync('go', ['generate', './...'], { cwd: t.dir, stdio: 'ignore' });

console.log(
  `tinygo ${execFileSync('tinygo', ['version'], { encoding: 'utf8' }).trim()}; ${runs} runs after a warm-up; ` +
    `${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}`,
);
console.log('flags'.padEnd(40), 'task'.padEnd(30), 'cpu ms'.padStart(8), 'wall ms'.padStart(8), 'size KiB'.padStart(9));
const totals = [];
for (const flags of FLAG_SETS) {
  let cpu = 0;
  let size = 0;
  for (const t of tasks) {
    compile(t, flags);
    const rs = Array.from({ length: runs }, () => compile(t, flags));
    const row = { cpu: median(rs.map((r) => r.cpu)), wall: median(rs.map((r) => r.wall)), size: rs[0].size };
    cpu += row.cpu;
    size += row.size;
    console.log(
      (flags.join(' ') || '(defaults)').padEnd(40),
      t.name.padEnd(30),
      row.cpu.toFixed(0).padStart(8),
      row.wall.toFixed(0).padStart(8),
      (row.size / 1024).toFixed(0).padStart(9),
    );
  }
  totals.push({ flags: flags.join(' ') || '(defaults)', cpu: cpu / tasks.length, size: size / tasks.length });
}
console.log(`\nper task, averaged over ${tasks.length} tasks:`);
const base = totals[0];
for (const t of totals) {
  console.log(
    `${t.flags.padEnd(40)} cpu ${t.cpu.toFixed(0).padStart(6)} ms (${(t.cpu / base.cpu).toFixed(2)}×)  ` +
      `size ${(t.size / 1024).toFixed(0).padStart(5)} KiB (${(t.size / base.size).toFixed(2)}×)`,
  );
}
