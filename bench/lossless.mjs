// bench/lossless: "nothing lost" measured on the loopback lattice, one JSON object per scenario on stdout
// (node bench/e2e.mjs --json lossless [runs=3] [only=substring]); progress on stderr.
//   {"scenario","delivery","rate","runs","sent","lost","duplicated","gap_ms"}  (medians of the runs)
// Scenarios:
//   upgrade-<lang>-<placement>[-in-place]: a relay task upgraded with `pelato deploy` while traffic flows
//     (a handover by default; -in-place is wadm's own upgrade, the "before" of the README table)
//   upgrade-http-<lang>: an HTTP producer upgraded while a client POSTs; lost = requests that failed
//   crash-<host>: a host SIGKILLed mid-stream (the failover section of bench/e2e, in this format)
// `delivery` is how the source is consumed: core NATS (the builtin messaging provider).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { firstThrough, streamThrough } from '../scripts/lattice/traffic.mjs';
import { median } from './pelato.mjs';

const log = (s) => process.stderr.write(`${s}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const RELAY = {
  js: { file: 'relay.js', code: 'export function execTask(arg) {\n  return `${arg} V`;\n}\n' },
  go: { file: 'relay.go', code: 'package main\n\nfunc exec_task(arg string) string {\n\treturn arg + " V"\n}\n' },
};

/** A one-task project; `version` and the text its code appends change per upgrade. */
function project(work, name, { lang, type, targets, extra = '', providers }) {
  const dir = path.join(work, name);
  mkdirSync(path.join(dir, 'tasks'), { recursive: true });
  const write = (version) => {
    const r = RELAY[lang];
    writeFileSync(path.join(dir, 'tasks', r.file), r.code.replace(' V', ` v${version}`));
    const io =
      type === 'http_producer_nats'
        ? `    dest_topic: ${name}.out\n    http:\n      address: 127.0.0.1:${extra.port}\n`
        : `    source_topic: ${name}.in\n    dest_topic: ${name}.out\n`;
    writeFileSync(
      path.join(dir, 'workflow.yaml'),
      `project_name: Lossless ${name}\nregistry: localhost:5000/bench\n${providers}tasks:\n` +
        `  - name: Relay\n    type: ${type}\n    code: ${r.file}\n    targets: ${targets}\n` +
        `${io}    component_name: ${name}\n    version: ${version}\n${extra.placement ?? ''}`,
    );
  };
  return { dir, write };
}

/** Posts to `url` at `rate` per second for `durationMs`, running `action` at `actionAtMs`. */
async function postThrough(url, { rate, durationMs, actionAtMs, action }) {
  const t0 = performance.now();
  const okAt = [];
  let sent = 0;
  let failed = 0;
  const pending = [];
  let act;
  let actionStart;
  for (let i = 0; performance.now() - t0 < durationMs; i++) {
    const due = (i * 1000) / rate;
    const now = performance.now() - t0;
    if (due > now) await sleep(due - now);
    if (!act && performance.now() - t0 >= actionAtMs) {
      actionStart = performance.now() - t0;
      act = action();
    }
    sent++;
    pending.push(
      fetch(url, { method: 'POST', body: `req-${i}`, signal: AbortSignal.timeout(10000) })
        .then(async (r) => {
          await r.arrayBuffer();
          if (r.status >= 200 && r.status < 300) okAt.push(performance.now() - t0);
          else failed++;
        })
        .catch(() => failed++),
    );
  }
  await Promise.all(pending);
  const actionResult = await act;
  okAt.sort((a, b) => a - b);
  let gap = 0;
  const ts = [actionStart, ...okAt.filter((t) => t > actionStart)];
  for (let i = 1; i < ts.length; i++) gap = Math.max(gap, ts[i] - ts[i - 1]);
  return { sent, lost: failed, duplicated: 0, interruptionMs: gap, actionResult };
}

export async function lossless({ lattice, nc, pelato, work, runs, only }) {
  const BUILTIN =
    'providers:\n  messaging: wasmcloud+builtin://messaging-nats\n  http: wasmcloud+builtin://http-server\n';
  const out = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
  const summary = (scenario, rate, results) =>
    out({
      scenario,
      delivery: 'core',
      rate,
      runs: results.length,
      sent: median(results.map((r) => r.sent)),
      lost: median(results.map((r) => r.lost)),
      duplicated: median(results.map((r) => r.duplicated)),
      gap_ms: Math.round(median(results.map((r) => r.interruptionMs))),
      lost_each: results.map((r) => r.lost),
      gap_each_ms: results.map((r) => Math.round(r.interruptionMs)),
    });
  const scenarios = [];
  for (const lang of ['go', 'js'])
    for (const rate of [50, 500]) scenarios.push({ name: `upgrade-${lang}-every_host`, lang, rate });
  scenarios.push({ name: 'upgrade-go-spread', lang: 'go', rate: 50, placement: '    placement: spread\n' });
  scenarios.push({ name: 'upgrade-js-every_host-in-place', lang: 'js', rate: 50, inPlace: true });
  scenarios.push({ name: 'upgrade-go-every_host-in-place', lang: 'go', rate: 50, inPlace: true });
  scenarios.push({ name: 'upgrade-http-go', lang: 'go', rate: 50, http: true });
  let seq = 0;
  for (const s of scenarios) {
    if (only && !s.name.includes(only)) continue;
    const name = `ll${++seq}`;
    const port = 18000 + seq;
    const p = project(work, name, {
      lang: s.lang,
      type: s.http ? 'http_producer_nats' : 'processor_nats',
      targets: s.http ? '[edge]' : '[edge, cloud]',
      extra: { port, placement: s.placement },
      providers: BUILTIN,
    });
    p.write('1.0.0');
    await pelato('brush', p.dir);
    if (!s.http) await firstThrough(nc, `${name}.in`, `${name}.out`, 'ready', (t) => t.startsWith('ready'), 120000);
    const results = [];
    for (let k = 1; k <= runs; k++) {
      const version = `1.0.${k}`;
      p.write(version);
      await pelato('build', p.dir);
      const deploy = () => pelato('deploy', p.dir, ...(s.inPlace ? ['--in-place'] : []));
      const duration = s.lang === 'js' ? 60000 : 20000;
      const r = s.http
        ? await postThrough(`http://127.0.0.1:${port}/`, {
            rate: s.rate,
            durationMs: duration,
            actionAtMs: 2000,
            action: deploy,
          })
        : await streamThrough(nc, {
            source: `${name}.in`,
            dest: `${name}.out`,
            rate: s.rate,
            durationMs: duration,
            actionAtMs: 2000,
            settleMs: 3000,
            action: deploy,
          });
      results.push(r);
      log(
        `${s.name} @${s.rate}/s run ${k}: sent ${r.sent}, lost ${r.lost}, duplicated ${r.duplicated}, ` +
          `gap ${r.interruptionMs.toFixed(0)} ms, deploy ${((r.actionMs ?? 0) / 1000).toFixed(1)} s`,
      );
    }
    summary(s.name, s.rate, results);
    await pelato('remove', p.dir);
  }
  // Host crashes under the default placement, in the same format (delivery: core NATS).
  const crashes = [
    { name: 'crash-edge', targets: '[edge, cloud]', kill: 'edge' },
    { name: 'crash-cloud', targets: '[cloud]', kill: 'cloud' },
  ];
  for (const c of crashes) {
    if (only && !c.name.includes(only)) continue;
    for (const rate of [100, 1000]) {
      const name = `ll${++seq}`;
      const p = project(work, name, { lang: 'go', type: 'processor_nats', targets: c.targets, providers: BUILTIN });
      p.write('1.0.0');
      await pelato('brush', p.dir);
      await firstThrough(nc, `${name}.in`, `${name}.out`, 'ready', (t) => t.startsWith('ready'), 120000);
      const results = [];
      for (let k = 0; k < runs; k++) {
        const victim = lattice.hosts().find((h) => h.hostType === c.kill && h.running);
        const r = await streamThrough(nc, {
          source: `${name}.in`,
          dest: `${name}.out`,
          rate,
          durationMs: 8000,
          actionAtMs: 2000,
          settleMs: 3000,
          action: () => lattice.stopProc(victim.name, 'SIGKILL'),
        });
        results.push(r);
        log(
          `${c.name} @${rate}/s kill ${k + 1}: sent ${r.sent}, lost ${r.lost}, gap ${r.interruptionMs.toFixed(0)} ms`,
        );
        await lattice.addHost(c.kill, nc);
        // the new host runs the task again before the next kill
        await firstThrough(nc, `${name}.in`, `${name}.out`, 'ready', (t) => t.startsWith('ready'), 120000);
        await sleep(5000);
      }
      summary(c.name, rate, results);
      await pelato('remove', p.dir);
    }
  }
}
