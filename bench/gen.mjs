// bench/gen: time `pelato gen` (validation + rendering + atomic write) for workflows of 1, 20, 200 and
// 1000 tasks, using the committed CLI bundle. Prints the median of several runs and ms per task.
// Usage: node bench/gen.mjs [runs=5]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const cli = path.join(root, 'dist', 'cli', 'index.js');
const runs = Number(process.argv[2] ?? 5);
const types = ['processor_nats', 'producer_nats', 'http_producer_nats', 'dbsync_nats'];

function project(n) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pelato-bench-'));
  mkdirSync(path.join(dir, 'tasks'));
  writeFileSync(
    path.join(dir, 'tasks', 'task.go'),
    'package main\n\nfunc exec_task(arg string) string { return arg }\n',
  );
  let y = 'project_name: Bench\ntasks:\n';
  for (let i = 0; i < n; i++) {
    const type = types[i % types.length];
    y +=
      `  - name: Task ${i}\n    type: ${type}\n    code: task.go\n` +
      `    targets: [edge, cloud]\n    source_topic: in.${i}\n`;
    if (type !== 'dbsync_nats') y += `    dest_topic: out.${i}\n`;
    if (type === 'http_producer_nats') y += `    http: { address: "0.0.0.0:${8000 + i}" }\n`;
    if (type === 'dbsync_nats') y += `    database: { table: t${i} }\n`;
    y += `    component_name: task-${i}\n    version: 1.0.${i}\n`;
  }
  writeFileSync(path.join(dir, 'workflow.yaml'), y);
  return dir;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(
  `pelato gen, median of ${runs} runs (each a fresh node process; the in-process time excludes node start-up)`,
);
console.log('tasks  wall ms  in-process ms  ms/task   load  render   write (ms, median)');
for (const n of [1, 20, 200, 1000]) {
  const dir = project(n);
  const wall = [];
  const inproc = [];
  const phases = { load_ms: [], render_ms: [], write_ms: [] };
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    const out = execFileSync(process.execPath, [cli, 'gen', dir, '--json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
    wall.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const res = JSON.parse(out);
    inproc.push(res.ms);
    for (const k of Object.keys(phases)) phases[k].push(res.timings[k]);
  }
  const m = median(inproc);
  const ph = Object.values(phases)
    .map((xs) => String(median(xs)).padStart(7))
    .join(' ');
  console.log(
    `${String(n).padStart(5)}  ${median(wall).toFixed(0).padStart(7)}  ` +
      `${String(m).padStart(13)}  ${(m / n).toFixed(2).padStart(7)} ${ph}`,
  );
  rmSync(dir, { recursive: true, force: true });
}
