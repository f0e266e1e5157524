/**
 * The whole product against a real lattice on loopback (scripts/lattice/lattice.mjs): nats-server hub with
 * JetStream + an edge leaf node, wadm 0.21.1 and wasmCloud 1.x hosts built from crates.io (lattice/build.sh),
 * the builtin messaging-nats and http-server providers, a real OCI registry. Nothing here is a stand-in.
 *
 * The hello example (three TypeScript/JavaScript tasks: greet on edge, shout on edge + cloud, measure on
 * cloud) is built with componentize-js, pushed with oras, deployed with `pelato brush`, and exercised with
 * real traffic: NATS in, HTTP in, NATS out; then a host crash, an upgrade under traffic, and removal.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { checkTinyGoTools } from '../../src/package/toolchain.js';
import { runCli } from '../helpers/cli.js';
import { inventories, start, type Inventory, type Lattice } from '../../scripts/lattice/lattice.mjs';
import { firstThrough, streamThrough } from '../../scripts/lattice/traffic.mjs';
import { freePort, useTestOras } from '../package/helpers/registry.js';
import { cleanupProjects, copyExample, makeProject, tempDir } from '../helpers/project.js';
import { httpDoorTests } from './httpDoor.js';

const BUILTIN_PROVIDERS = `providers:
  messaging: wasmcloud+builtin://messaging-nats
  http: wasmcloud+builtin://http-server
`;

let lattice: Lattice;
let nc: NatsConnection;
let dir: string;
let env: Record<string, string>;
let httpPort: number;
const report: string[] = [];

const run = (...argv: string[]) => runCli(env, ...argv);

/** Every host's type and inventory; throws when a host did not answer (waitFor retries). */
async function hosts(): Promise<Array<{ type: string; inv: Inventory }>> {
  const all = await inventories(nc, lattice.lattice);
  const silent = all.find((x) => x.error);
  if (silent) throw silent.error;
  return all.map((x) => ({ type: x.host.labels['host-type']!, inv: x.inventory! }));
}

/**
 * component id -> host types it runs on, from every host's inventory. `versions: false` (the default) drops
 * the version from the id (hello-shout-task-v1-0-0 → hello-shout-task: see versionKey), so placement checks
 * hold for any version; `versions: true` keeps it, to see which versions run.
 */
async function placement(versions = false): Promise<Map<string, string[]>> {
  const where = new Map<string, string[]>();
  for (const { type, inv } of await hosts()) {
    for (const c of inv.components) {
      const id = versions ? c.id : c.id.replace(/-task-v[-a-z0-9]+$/, '-task');
      where.set(id, [...(where.get(id) ?? []), type].sort());
    }
  }
  return where;
}

/** The versions of `app` its hosts run (component ids), once no host runs a retired one any more. */
async function runningVersions(app: string): Promise<string[]> {
  return [...(await placement(true)).keys()].filter((id) => id.startsWith(`${app}-task`)).sort();
}

/** POSTs `body` to an HTTP producer and returns its status and the first message on `dest` (15 s at most). */
async function postThrough(url: string, body: string, dest: string): Promise<{ status: number; out?: string }> {
  const sub = nc.subscribe(dest, { max: 1 });
  const got = (async () => {
    for await (const m of sub) return new TextDecoder().decode(m.data);
    return undefined;
  })();
  await nc.flush();
  const res = await fetch(url, { method: 'POST', body });
  const timer = setTimeout(() => sub.unsubscribe(), 15_000);
  try {
    return { status: res.status, out: await got };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Polls `probe` until it returns a value. A probe that throws (a host busy compiling a component can let
 * an inventory request time out) counts as "not yet"; the last error is reported on timeout.
 */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  lattice = await start({ dir: path.join(tempDir(), 'lattice'), cloud: 1, edge: 1 });
  nc = await lattice.connect();
  dir = copyExample('hello');
  // Its own HTTP port: the pelato dev tests, which may run at the same time, serve the example on 8000.
  httpPort = await freePort();
  const wf = path.join(dir, 'workflow.yaml');
  writeFileSync(
    wf,
    readFileSync(wf, 'utf8').replace('address: 0.0.0.0:8000', `address: 127.0.0.1:${httpPort}`) +
      `\n${BUILTIN_PROVIDERS}`,
  );
  env = {
    ...(process.env as Record<string, string>),
    REGISTRY_URL: `${lattice.registry}/e2e`,
    NATS_URL: lattice.natsUrl,
    PARALLEL_BUILD: '2',
    PELATO_ORAS: useTestOras(),
  };
}, 180_000);

afterAll(async () => {
  if (report.length) console.log(`e2e figures\n${report.join('\n')}`);
  await nc?.close();
  await lattice?.stop();
  cleanupProjects();
});

/** Sets shout's version and what it appends, then generates (and builds, unless `build` is false). */
async function shoutVersion(version: string, suffix: string, build = true) {
  const wf = path.join(dir, 'workflow.yaml');
  writeFileSync(
    wf,
    readFileSync(wf, 'utf8').replace(/(component_name: hello-shout\n\s+version: )[^\n]+/, `$1${version}`),
  );
  writeFileSync(
    path.join(dir, 'tasks', 'shout.js'),
    `export function execTask(arg) {\n  return \`\${arg.toUpperCase()} ${suffix}\`;\n}\n`,
  );
  expect((await run('gen', dir)).code).toBe(0);
  if (build) expect((await run('build', dir)).code).toBe(0);
}

/** The one version of shout the hosts run at the end, both hosts alike, and what it answers. */
async function onlyVersion(key: string, answer: string) {
  const ids = await waitFor(
    `only hello-shout-task-${key} running`,
    async () => {
      const v = await runningVersions('hello-shout');
      return v.length === 1 ? v : undefined;
    },
    120_000,
  );
  expect(ids).toEqual([`hello-shout-task-${key}`]);
  expect((await placement(true)).get(ids[0]!)).toEqual(['cloud', 'edge']);
  const out = await firstThrough(nc, 'hello.greetings', 'hello.loud', 'probe', (t) => t.startsWith('PROBE'));
  expect(out).toBe(`PROBE ${answer}`);
  // No handover step is left stored: wadm lists the releases only.
  const versions = JSON.parse(
    new TextDecoder().decode(
      (await nc.request(`wadm.api.${lattice.lattice}.model.versions.hello-shout`, '', { timeout: 5000 })).data,
    ),
  ) as { versions: { version: string }[] };
  expect(versions.versions.map((v) => v.version).filter((v) => v.includes('~handover'))).toEqual([]);
}

/**
 * Upgrades shout to `version` and restarts `proc` (SIGKILL, then up again after `downMs`) once a handover
 * step is deployed (wadm's own record says so); the deploy must go on and end with that version alone.
 */
async function restartMidHandover(proc: 'wadm' | 'nats-hub', downMs: number, version: string, suffix: string) {
  await shoutVersion(version, suffix);
  const deploy = run('deploy', dir);
  await waitFor(
    'a handover step deployed',
    async () => {
      const m = await nc.request(`wadm.api.${lattice.lattice}.model.versions.hello-shout`, '', { timeout: 2000 });
      const v = JSON.parse(new TextDecoder().decode(m.data)) as {
        versions: { version: string; deployed: boolean }[];
      };
      return v.versions.some((x) => x.deployed && x.version.includes('~handover')) ? true : undefined;
    },
    120_000,
  );
  await lattice.restartProc(proc, { downMs });
  const r = await deploy;
  report.push(`${proc} restart mid-handover: exit ${r.code}${r.err ? `, ${r.err.split('\n')[0]}` : ''}`);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  await onlyVersion(`v${version.replace(/\./g, '-')}`, suffix);
}

describe('a real lattice on loopback', () => {
  test('pelato brush builds, publishes and deploys the hello example until every app is deployed', async () => {
    const t0 = Date.now();
    const r = await run('brush', dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    for (const app of ['hello-greet', 'hello-shout', 'hello-measure'])
      expect(r.out).toMatch(new RegExp(`${app}[^\\n]*deployed`));
    report.push(`brush (cold build + push + deploy, 3 apps): ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }, 900_000);

  test('each component runs on the hosts its targets name', async () => {
    const where = await waitFor('all three components on their hosts', async () => {
      const p = await placement();
      return p.size === 3 ? p : undefined;
    });
    expect(Object.fromEntries(where)).toEqual({
      'hello-greet-task': ['edge'],
      'hello-shout-task': ['cloud', 'edge'],
      'hello-measure-task': ['cloud'],
    });
  }, 120_000);

  test('a name published on the source topic comes out measured ' +
    'on the destination topic, through edge and cloud', async () => {
    const out = await firstThrough(nc, 'hello.names', 'hello.measured', 'Ada', (t) => t.includes('ADA'));
    expect(JSON.parse(out!)).toEqual({ text: 'HELLO, ADA!', characters: 11, words: 2 });
  }, 60_000);

  test('an HTTP POST to the edge producer travels the same chain', async () => {
    const { status, out } = await postThrough(`http://127.0.0.1:${httpPort}/hello`, 'Grace', 'hello.measured');
    expect(status).toBeLessThan(300);
    expect(JSON.parse(out!)).toEqual({ text: 'HELLO, GRACE!', characters: 13, words: 2 });
  }, 60_000);

  test('edge host crash mid-stream: shout keeps flowing through its cloud instance', async () => {
    const edge = lattice.hosts().find((h) => h.hostType === 'edge')!;
    const r = await streamThrough(nc, {
      source: 'hello.greetings',
      dest: 'hello.loud',
      rate: 50,
      durationMs: 6000,
      actionAtMs: 2000,
      action: () => lattice.stopProc(edge.name, 'SIGKILL'),
    });
    report.push(
      `failover (shout on edge+cloud, edge host SIGKILL at 50 msg/s): sent ${r.sent}, lost ${r.lost}, duplicated ` +
        `${r.duplicated}, longest gap ${r.interruptionMs.toFixed(0)} ms`,
    );
    // Processing resumes by itself: the last second of traffic all came through the cloud instance.
    const tail = r.lostSeqs.filter((s) => s >= r.sent - 50);
    expect(tail).toEqual([]);
    expect(r.duplicated).toBe(0);
    // Put the edge back for what follows; wadm places greet and shout on it again.
    await lattice.addHost('edge', nc);
    await waitFor(
      'greet and shout back on the new edge host',
      async () => {
        const p = await placement();
        return p.get('hello-greet-task')?.includes('edge') && p.get('hello-shout-task')?.includes('edge')
          ? true
          : undefined;
      },
      120_000,
    );
  }, 300_000);

  test('upgrade 1.0.0 → 1.0.1 under traffic: a handover, nothing lost or doubled, one version left', async () => {
    await shoutVersion('1.0.1', 'v2');
    const r = await streamThrough(nc, {
      source: 'hello.greetings',
      dest: 'hello.loud',
      rate: 50,
      durationMs: 15000,
      actionAtMs: 2000,
      action: () => run('deploy', dir),
    });
    expect(r.actionResult!.err).toBe('');
    expect(r.actionResult!.code).toBe(0);
    expect(r.actionResult!.out).toMatch(/hello-shout[^\n]*handover from 1\.0\.0/);
    report.push(
      `upgrade (shout 1.0.0 → 1.0.1 at 50 msg/s, handover): sent ${r.sent}, lost ${r.lost}, duplicated ` +
        `${r.duplicated}, longest gap ${r.interruptionMs.toFixed(0)} ms, ` +
        `deploy took ${(r.actionMs! / 1000).toFixed(1)} s`,
    );
    expect(r.lostSeqs).toEqual([]);
    expect(r.duplicated).toBe(0);
    await onlyVersion('v1-0-1', 'v2');
  }, 300_000);

  test('an upgrade whose image is not in the registry fails with wadm’s reason and leaves 1.0.1 running', async () => {
    // generated, never built: the manifest names hello-shout:1.0.2, which nobody pushed
    await shoutVersion('1.0.2', 'v3', false);
    const r = await run('deploy', dir, '--timeout', '90s');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/hello-shout 1\.0\.2: failed: .*rolled back: 1\.0\.1 runs as before/);
    report.push(`upgrade to a missing image: ${r.err.split('\n')[0]}`);
    await onlyVersion('v1-0-1', 'v2');
  }, 300_000);

  test('two deploys of one upgrade racing: one waits for the other, both end well, one version runs', async () => {
    await shoutVersion('1.0.5', 'v6');
    const [a, b] = await Promise.all([run('deploy', dir), run('deploy', dir)]);
    report.push(`racing deploys: exits ${a.code} and ${b.code}`);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect([a.err, b.err]).toEqual(['', '']);
    // the second found the first's work done
    expect([a.out, b.out].filter((o) => /hello-shout[^\n]*unchanged/.test(o))).toHaveLength(1);
    await onlyVersion('v1-0-5', 'v6');
  }, 300_000);

  test('pelato remove leaves nothing running on any host', async () => {
    const r = await run('remove', dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    await waitFor(
      'every host empty',
      async () =>
        (await hosts()).every(({ inv }) => !inv.components.length && !inv.providers.length) ? true : undefined,
      60_000,
    );
  }, 120_000);
});

/**
 * The seed example: sensors POST Celsius readings to the edge producer, which publishes Kelvin; the cloud
 * filter passes plausible readings (range from config) to filtered_kelvin_data.
 */
async function temperatureEndToEnd(example: string) {
  const project = copyExample(example);
  const port = await freePort();
  const wf = path.join(project, 'workflow.yaml');
  writeFileSync(wf, readFileSync(wf, 'utf8').replace('address: 0.0.0.0:8000', `address: 127.0.0.1:${port}`));
  const t0 = Date.now();
  // The example names no providers: the flag points it at the hosts' builtin ones.
  // A repository per example: temperature and temperature-ts name the same components and versions, and
  // tags are immutable.
  const r = await run('brush', project, '--builtin-providers', '--registry', `${lattice.registry}/${example}`);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  report.push(`brush ${example} (2 apps): ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const where = await waitFor('both components placed', async () => {
    const p = await placement();
    return p.has('celsius_to_kelvin_conversion-task') && p.has('temp_filter-task') ? p : undefined;
  });
  expect(where.get('celsius_to_kelvin_conversion-task')).toEqual(['edge']);
  expect(where.get('temp_filter-task')).toEqual(['cloud']);

  // HTTP in on the edge, NATS out of the cloud.
  const posted = await postThrough(
    `http://127.0.0.1:${port}/readings`,
    '{"sensor":"kitchen","celsius":21.5}',
    'filtered_kelvin_data',
  );
  expect(posted.status).toBeLessThan(300);
  expect(JSON.parse(posted.out!)).toEqual({ sensor: 'kitchen', kelvin: 294.65 });

  // The filter drops what is outside min_kelvin..max_kelvin (config in workflow.yaml): of these two
  // readings published straight on its source topic, only the plausible one comes out.
  expect(
    await firstThrough(nc, 'living_room_kelvin_data', 'filtered_kelvin_data', '{"kelvin":10}', () => true, 2000),
  ).toBeUndefined();
  expect(await firstThrough(nc, 'living_room_kelvin_data', 'filtered_kelvin_data', '{"kelvin":300}', () => true)).toBe(
    '{"kelvin":300}',
  );

  const removed = await run('remove', project);
  expect(removed.code).toBe(0);
  await waitFor('every host empty', async () => ((await placement()).size === 0 ? true : undefined), 60_000);
}

describe('the temperature example on the same lattice', () => {
  test(
    'examples/temperature-ts (TypeScript): HTTP reading on the edge → Kelvin → cloud filter → NATS',
    () => temperatureEndToEnd('temperature-ts'),
    600_000,
  );

  test('examples/greenhouse (Go: HTTP producer, producer and processor on edge and cloud; reading-archive is left ' +
    'out: its sqldb-postgres provider is only on ghcr.io, ' +
    'unreachable here — it is built and run against PostgreSQL in the Go component tests)', async () => {
    await checkTinyGoTools(env);
    const project = copyExample('greenhouse');
    const port = await freePort();
    const wf = path.join(project, 'workflow.yaml');
    const text = readFileSync(wf, 'utf8');
    // every task but the dbsync one, which needs the postgres provider
    writeFileSync(
      wf,
      text
        .slice(0, text.indexOf('  - name: Reading archive'))
        .replace('address: 0.0.0.0:8080', `address: 127.0.0.1:${port}`),
    );
    const t0 = Date.now();
    const r = await run('brush', project);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    report.push(`brush greenhouse (3 Go apps): ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const where = await waitFor('the three components placed', async () => {
      const p = await placement();
      return ['reading-ingest-task', 'gateway-heartbeat-task', 'humidity-alerts-task'].every((id) => p.has(id)) &&
        p.get('humidity-alerts-task')!.length === 2
        ? p
        : undefined;
    });
    expect(where.get('reading-ingest-task')).toEqual(['edge']);
    expect(where.get('gateway-heartbeat-task')).toEqual(['edge']);
    expect(where.get('humidity-alerts-task')).toEqual(['cloud', 'edge']);
    // A humid reading POSTed at the edge comes out as an alert; a tick as the gateway's status. Placed is
    // not yet linked (seen once in CI: the 200 came, the alert did not, the processor's provider link was
    // not in place yet and core NATS dropped the reading), so the POST is repeated for up to 2 min.
    const postUntil = Date.now() + 120_000;
    let posted: { status: number; out?: string };
    do {
      posted = await postThrough(
        `http://127.0.0.1:${port}/readings`,
        '{"sensor":"North-1","celsius":24,"humidity":91}',
        'greenhouse.alerts',
      );
      expect(posted.status).toBe(200);
    } while (posted.out === undefined && Date.now() < postUntil);
    expect(JSON.parse(posted.out!)).toEqual({ sensor: 'north-1', alert: 'humidity 91.0% above 85.0%' });
    // Placed is not yet linked: on a loaded machine the edge host may still be starting the heartbeat's
    // messaging provider (seen once in CI: nothing within 30 s), so the tick is repeated for up to 2 min.
    const status = await firstThrough(nc, 'greenhouse.tick', 'greenhouse.status', '1733000000', () => true, 120_000);
    expect(JSON.parse(status!)).toEqual({ gateway: 'gh-north-1', tick: '1733000000', status: 'ok' });
    expect((await run('remove', project)).code).toBe(0);
    await waitFor('every host empty', async () => ((await placement()).size === 0 ? true : undefined), 60_000);
  }, 900_000);

  test('a panic in a Go task (TinyGo 0.39 cannot recover) costs only that message on a host: ' +
    'the next message and the next HTTP request are handled', async () => {
    await checkTinyGoTools(env);
    const port = await freePort();
    const task =
      'package main\n\nimport "strings"\n\nfunc exec_task(arg string) string {\n\tif arg == "boom" {\n' +
      '\t\tpanic("refusing " + arg)\n\t}\n\treturn strings.ToUpper(arg)\n}\n';
    const project = makeProject({
      'tasks/upper.go': task,
      'workflow.yaml':
        `project_name: Panics\nregistry: ${lattice.registry}/panics\ntasks:\n` +
        '  - { name: Upper, type: processor_nats, code: upper.go, targets: [cloud], source_topic: panic.in, ' +
        'dest_topic: panic.out, component_name: panic-upper, version: 1.0.0 }\n' +
        '  - { name: Door, type: http_producer_nats, code: upper.go, targets: [edge], dest_topic: panic.door, ' +
        `component_name: panic-door, version: 1.0.0, http: { path: /, address: "127.0.0.1:${port}" } }\n` +
        `${BUILTIN_PROVIDERS}`,
    });
    const r = await run('brush', project);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    await waitFor('both placed', async () => {
      const p = await placement();
      return p.has('panic-upper-task') && p.has('panic-door-task') ? true : undefined;
    });
    expect(await firstThrough(nc, 'panic.in', 'panic.out', 'first', () => true)).toBe('FIRST');
    // The panicking message publishes nothing; the one after it comes through.
    expect(await firstThrough(nc, 'panic.in', 'panic.out', 'boom', () => true, 3000)).toBeUndefined();
    expect(await firstThrough(nc, 'panic.in', 'panic.out', 'after', () => true)).toBe('AFTER');
    // Seen with wasmcloud-host 0.27.1: the http-server provider closes the connection without an answer
    // when the component traps; a 5xx would do as well. Never a success.
    const boom = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: 'boom' }).then(
      async (res) => ({ status: res.status, body: (await res.text()).slice(0, 80) }),
      (e: Error) => ({ status: 0, body: `no answer: ${(e.cause as Error | undefined)?.message ?? e.message}` }),
    );
    report.push(
      `panic over HTTP on a host: ${boom.status ? `status ${boom.status}` : ''} ${JSON.stringify(boom.body)}`,
    );
    expect(boom.status === 0 || boom.status >= 500).toBe(true);
    const next = await postThrough(`http://127.0.0.1:${port}/`, 'again', 'panic.door');
    expect(next).toEqual({ status: 200, out: 'AGAIN' });
    expect((await run('remove', project)).code).toBe(0);
    await waitFor('every host empty', async () => ((await placement()).size === 0 ? true : undefined), 60_000);
  }, 900_000);

  // TinyGo and wasm-tools must be on PATH (scripts/install-go-tools.sh); without them the first check
  // fails and names what to install.
  test('examples/temperature (Go, built with TinyGo): ' +
    'HTTP reading on the edge → Kelvin → cloud filter → NATS', async () => {
    await checkTinyGoTools(env);
    await temperatureEndToEnd('temperature');
  }, 900_000);
});

// Auth, limits, rotation and TLS of the HTTP producer (issue 17), on this same lattice.
httpDoorTests(() => ({ lattice, nc, env }), report);

/**
 * Last in this file: a NATS hub restart leaves the loopback lattice unfit for the tests that follow (seen in CI:
 * later HTTP requests got "other side closed" and messages went unanswered), so the restarts run after all of
 * them, on the hello example deployed again.
 */
describe('restarts mid-handover (last: they leave the lattice unfit for more)', () => {
  test('the hello example deployed again', async () => {
    await shoutVersion('1.0.6', 'v7');
    const r = await run('deploy', dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  }, 300_000);

  test(
    'wadm restarting mid-handover: the deploy goes on and one complete version runs',
    () => restartMidHandover('wadm', 2000, '1.0.7', 'v8'),
    300_000,
  );

  test(
    'the NATS hub restarting mid-handover: the deploy goes on and one complete version runs',
    () => restartMidHandover('nats-hub', 1000, '1.0.8', 'v9'),
    300_000,
  );
});
