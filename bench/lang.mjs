// bench/lang: Go (TinyGo) and TypeScript (componentize-js) side by side on a real loopback lattice, for one
// processor task (upper-cases its input): cold `pelato build` (compile + check + push), component size, time
// from `pelato deploy` to the first message through the task on a host (wadm placement, the host pulling and
// compiling the component, the provider link), then messages per second delivered and median latency through
// it at rising offered rates. Deploy-to-first-message is measured `runs` times (remove, deploy again) and the
// median printed; the host compiles the component again on every start.
// Usage: node bench/lang.mjs [runs=3] [langs=go,ts]    (needs `npm run build`, toolchains/js, lattice/build.sh,
// tinygo + wasm-tools on PATH, .ci/run's tools)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { start } from '../scripts/lattice/lattice.mjs';
import { median, pelatoOn } from './pelato.mjs';
import { firstThrough, streamThrough } from '../scripts/lattice/traffic.mjs';

const runs = Number(process.argv[2] ?? 3);
const langs = (process.argv[3] ?? 'go,ts').split(',');
const RATES = [250, 500, 1000, 2000];

const CODE = {
  go: [
    'task.go',
    'package main\n\nimport "strings"\n\nfunc exec_task(arg string) string {\n\treturn strings.ToUpper(arg)\n}\n',
  ],
  ts: ['task.ts', 'export function execTask(arg: string): string {\n  return arg.toUpperCase();\n}\n'],
};

const work = mkdtempSync(path.join(os.tmpdir(), 'pelato-bench-lang-'));
const lattice = await start({ dir: path.join(work, 'lattice'), cloud: 1, edge: 1 });
const nc = await lattice.connect();
const { pelato } = pelatoOn(lattice);

const rows = [];
try {
  for (const lang of langs) {
    const proj = path.join(work, lang);
    mkdirSync(path.join(proj, 'tasks'), { recursive: true });
    writeFileSync(path.join(proj, 'tasks', CODE[lang][0]), CODE[lang][1]);
    const app = `upper-${lang}`;
    const src = `${lang}.in`;
    const dest = `${lang}.out`;
    writeFileSync(
      path.join(proj, 'workflow.yaml'),
      `project_name: Lang ${lang}\nregistry: localhost:5000/bench\nproviders:\n` +
        `  messaging: wasmcloud+builtin://messaging-nats\n  http: wasmcloud+builtin://http-server\n` +
        `tasks:\n  - name: Upper\n    type: processor_nats\n    code: ${CODE[lang][0]}\n    targets: [cloud]\n` +
        `    source_topic: ${src}\n    dest_topic: ${dest}\n    component_name: ${app}\n    version: 1.0.0\n`,
    );
    await pelato('gen', proj, '--json');
    const b = await pelato('build', proj, '--json');
    const built = JSON.parse(b.out).tasks[0];
    const firsts = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await pelato('deploy', proj, '--json');
      const got = await firstThrough(nc, src, dest, `ping${i}`, (t) => t === `PING${i}`, 300000, 100);
      if (got === undefined) throw new Error(`${lang}: no message through ${app} within 300 s of deploying`);
      firsts.push(performance.now() - t0);
      console.log(`${lang}: deploy → first message ${(firsts.at(-1) / 1000).toFixed(2)} s (run ${i + 1})`);
      if (i < runs - 1) await pelato('remove', proj, '--json');
    }
    const through = [];
    for (const rate of RATES) {
      const r = await streamThrough(nc, {
        source: src,
        dest,
        rate,
        durationMs: 5000,
        settleMs: 3000,
        tag: `${lang}${rate}`,
      });
      through.push({ rate, delivered: r.received / r.seconds, lost: r.lost, latency: r.medianLatencyMs });
      console.log(
        `${lang}: ${rate} msg/s offered → ${(r.received / r.seconds).toFixed(0)} delivered, ` +
          `lost ${r.lost}, median latency ${r.medianLatencyMs?.toFixed(1)} ms`,
      );
    }
    await pelato('remove', proj, '--json');
    rows.push({ lang, build: b.ms, size: built.size, first: median(firsts), through });
  }
  console.log(
    `\none processor task, cloud host, builtin messaging provider; deploy → first message: median of ${runs}\n`,
  );
  console.log(
    '| language | cold pelato build | component | deploy → first message | ' +
      `${RATES.map((r) => `${r} msg/s offered: delivered, lost, median latency`).join(' | ')} |`,
  );
  console.log(`| --- | --- | --- | --- | ${RATES.map(() => '---').join(' | ')} |`);
  for (const r of rows) {
    const cells = r.through.map((t) => `${t.delivered.toFixed(0)}, ${t.lost}, ${t.latency?.toFixed(1)} ms`);
    console.log(
      `| ${r.lang} | ${(r.build / 1000).toFixed(1)} s | ${(r.size / 1024).toFixed(0)} KiB | ` +
        `${(r.first / 1000).toFixed(2)} s | ${cells.join(' | ')} |`,
    );
  }
} finally {
  await nc.close();
  await lattice.stop();
  rmSync(work, { recursive: true, force: true });
}
