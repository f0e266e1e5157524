// bench/e2e: the product against a real loopback lattice (scripts/lattice/lattice.mjs: nats-server hub with
// JetStream + edge leaf node, wadm and wasmCloud hosts built by lattice/build.sh, builtin providers, a real
// registry). Prints:
//   1. time from `pelato brush` start to every app `deployed` (cold: build + push + deploy; warm: no change)
//   2. messages per second through the hello example's three-task chain (edge -> edge/cloud -> cloud)
//   3. failover interruption per placement: a relay task, traffic at a fixed rate, one host SIGKILLed
//      mid-stream; median over several kills of the longest output gap, messages lost and duplicated.
// Usage: node bench/e2e.mjs [kills=3] [sections=brush,throughput,failover] [reap]
//        node bench/e2e.mjs --json lossless [runs=3] [only=scenario substring]   (bench/lossless.mjs)
//   (needs `npm run build`, toolchains/js, lattice/build.sh, .ci/run's tools; TinyGo for the Go scenarios)
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inventories, start } from '../scripts/lattice/lattice.mjs';
import { firstThrough, streamThrough } from '../scripts/lattice/traffic.mjs';
import { median, pelatoOn } from './pelato.mjs';
import { lossless } from './lossless.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const json = process.argv[2] === '--json';
const args = json ? process.argv.slice(3) : process.argv.slice(2);
if (json && args[0] !== 'lossless') throw new Error('usage: node bench/e2e.mjs --json lossless [runs] [only]');
const kills = json ? 0 : Number(args[0] ?? 3);
const sections = json ? ['lossless'] : (args[0 + 1] ?? 'brush,throughput,failover').split(',');
const work = mkdtempSync(path.join(os.tmpdir(), 'pelato-bench-e2e-'));

const BUILTIN =
  'providers:\n  messaging: wasmcloud+builtin://messaging-nats\n  http: wasmcloud+builtin://http-server\n';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// `reap`: wadm cleanup interval 5 s and host heartbeat 2 s instead of wadm's 70 s and the host's 30 s.
const reap = !json && args[2] === 'reap' ? { cleanupS: 5, heartbeatMs: 2000 } : undefined;
const lattice = await start({ dir: path.join(work, 'lattice'), cloud: 2, edge: 1, reap });
if (reap) console.log('lattice with wadm --cleanup-interval 5 and host --heartbeat-ms 2000');
if (json) process.stderr.write(`lattice up (2 cloud hosts, 1 edge host): ${lattice.dir}\n`);
const nc = await lattice.connect();
const { pelato } = pelatoOn(lattice, { PARALLEL_BUILD: '2' });

// Hosts that run the app's component. A host busy compiling a component may not answer its inventory
// request in time; it counts as not running it (yet).
async function placement(app) {
  const where = [];
  for (const { host: h, inventory: inv } of await inventories(nc, lattice.lattice)) {
    // Serving = the component and its messaging provider both run there. wadm starts the provider on a
    // host that replaces a crashed one only after it has reaped the dead host (see README).
    const serving =
      inv?.components.some((c) => c.id.startsWith(`${app}-task`)) &&
      inv.providers.some((p) => p.id === `${app}-messaging`);
    if (serving) where.push(h.labels['pelato.dev/host']);
  }
  return where.sort();
}

async function waitPlaced(app, want, timeoutMs = 120000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const p = await placement(app);
    if (want(p)) return p;
    await sleep(300);
  }
  throw new Error(`${app} not placed as expected: ${(await placement(app)).join(', ')}`);
}

try {
  if (json) await lossless({ lattice, nc, pelato, work, runs: Number(args[1] ?? 3), only: args[2] });
  if (sections.includes('brush') || sections.includes('throughput')) {
    // 1. brush to deployed
    const hello = path.join(work, 'hello');
    cpSync(path.join(root, 'examples', 'hello'), hello, {
      recursive: true,
      filter: (s) => !/[\\/](gen|\.pelato)$/.test(s),
    });
    appendFileSync(path.join(hello, 'workflow.yaml'), `\n${BUILTIN}`);
    const cold = await pelato('brush', hello);
    const warm = [];
    for (let i = 0; i < 3; i++) warm.push((await pelato('brush', hello)).ms);
    console.log(
      `brush → all 3 apps deployed: cold ${(cold.ms / 1000).toFixed(1)} s (build + push + deploy), ` +
        `no-change median ${(median(warm) / 1000).toFixed(2)} s`,
    );

    // 2. throughput through the chain: bursts at rising rates, the highest rate that loses nothing
    await firstThrough(nc, 'hello.names', 'hello.measured', 'warmup', (t) => t.includes('WARMUP'));
    for (const rate of [100, 200, 400]) {
      const r = await streamThrough(nc, {
        source: 'hello.names',
        dest: 'hello.measured',
        rate,
        durationMs: 5000,
        settleMs: 4000,
        tag: `r${rate}n`,
      });
      console.log(
        `chain greet→shout→measure at ${rate} msg/s offered: ${(r.received / r.seconds).toFixed(0)} msg/s delivered, ` +
          `lost ${r.lost}, median latency ${r.medianLatencyMs?.toFixed(1)} ms`,
      );
    }
    await pelato('remove', hello);
  }
  if (sections.includes('failover')) {
    // 3. failover per placement
    const placements = [
      { name: 'edge only (targets: [edge]), host not replaced', targets: '[edge]', kill: 'edge' },
      {
        name: 'edge only, a new edge host started at the kill',
        targets: '[edge]',
        kill: 'edge',
        replace: true,
        durationMs: 45000,
      },
      { name: 'edge + cloud (targets: [edge, cloud]), default every_host', targets: '[edge, cloud]', kill: 'edge' },
      { name: 'cloud, 2 cloud hosts, default every_host', targets: '[cloud]', kill: 'cloud' },
      {
        name: 'cloud, 2 cloud hosts, placement: spread (the old default)',
        targets: '[cloud]',
        kill: 'cloud',
        extra: '    placement: spread\n',
      },
    ];
    const ranges = (seqs) => {
      const out = [];
      for (const s of seqs) {
        const last = out.at(-1);
        if (last && s === last[1] + 1) last[1] = s;
        else out.push([s, s]);
      }
      return out.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',') || 'none';
    };
    const rows = [];
    for (const [i, p] of placements.entries()) {
      const proj = path.join(work, `relay${i}`);
      mkdirSync(path.join(proj, 'tasks'), { recursive: true });
      writeFileSync(path.join(proj, 'tasks', 'relay.js'), 'export function execTask(arg) {\n  return arg;\n}\n');
      const app = `relay${i}`;
      writeFileSync(
        path.join(proj, 'workflow.yaml'),
        `project_name: Failover ${i}\nregistry: localhost:5000/bench\n${BUILTIN}tasks:\n` +
          `  - name: Relay\n    type: processor_nats\n    code: relay.js\n    targets: ${p.targets}\n` +
          `    source_topic: relay${i}.in\n    dest_topic: relay${i}.out\n    component_name: ${app}\n` +
          `    version: 1.0.0\n${p.extra ?? ''}`,
      );
      await pelato('brush', proj);
      const results = [];
      for (let k = 0; k < kills; k++) {
        const hosts = await placement(app);
        const victim = hosts.find((h) => h.startsWith(p.kill));
        if (!victim) throw new Error(`${app}: no ${p.kill} host runs it (${hosts.join(', ')})`);
        await firstThrough(nc, `relay${i}.in`, `relay${i}.out`, 'ready', (t) => t === 'ready');
        const r = await streamThrough(nc, {
          source: `relay${i}.in`,
          dest: `relay${i}.out`,
          rate: 100,
          durationMs: p.durationMs ?? 8000,
          actionAtMs: 2000,
          settleMs: 3000,
          action: async () => {
            await lattice.stopProc(victim, 'SIGKILL');
            if (p.replace) await lattice.addHost(p.kill, nc);
          },
        });
        results.push(r);
        console.log(
          `  ${p.name}, kill ${k + 1} (${victim}): sent ${r.sent}, lost seqs ${ranges(r.lostSeqs)}, ` +
            `longest gap ${r.interruptionMs.toFixed(0)} ms`,
        );
        if (!p.replace) await lattice.addHost(p.kill, nc);
        const t = performance.now();
        await waitPlaced(app, (where) => where.length >= hosts.length, 300000);
        console.log(
          `    ${hosts.length} serving host(s) again ` +
            `${((performance.now() - t) / 1000).toFixed(0)} s after the run ended`,
        );
      }
      const resumed = results.filter((r) => r.lostSeqs.every((s) => s < r.sent - 100)).length;
      rows.push([
        p.name,
        `${median(results.map((r) => r.interruptionMs)).toFixed(0)} ms`,
        median(results.map((r) => r.lost)),
        median(results.map((r) => r.duplicated)),
        `${resumed}/${results.length}`,
      ]);
      await pelato('remove', proj);
    }
    console.log(`\nfailover, one host SIGKILLed at 100 msg/s (median of ${kills} kills)\n`);
    console.log('| placement | longest gap in output | lost | duplicated | resumed within the run |');
    console.log('| --- | --- | --- | --- | --- |');
    for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  }
} finally {
  await nc.close();
  await lattice.stop();
  rmSync(work, { recursive: true, force: true });
}
