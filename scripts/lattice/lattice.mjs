#!/usr/bin/env node
// A wasmCloud 1.x lattice on loopback, shaped like the seed infrastructure:
//   cloud: nats-server with JetStream (the hub), wadm, N hosts labelled host-type=cloud
//   edge:  a leaf-node nats-server joined to the hub, M hosts labelled host-type=edge
//   an OCI registry (CNCF distribution's docker-registry) the hosts pull from over plain HTTP
// Hosts run the builtin messaging-nats and http-server providers (WASMCLOUD_EXPERIMENTAL_FEATURES).
//
//   node scripts/lattice/lattice.mjs up [--dir D] [--cloud N] [--edge M] [--registry-port P]
//   node scripts/lattice/lattice.mjs status|down [--dir D]
//
// The same module is imported by the end-to-end tests and bench/e2e, which start the lattice in-process
// (start()) so they can kill and restart single hosts. Binaries: lattice/build.sh (wadm and the host from
// crates.io), nats-server and docker-registry as .ci/run installs them.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, createInbox } from '@nats-io/transport-node';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The builtin messaging provider connects to 0.0.0.0:4222 unless a link sets cluster_uris, and the
 * generated manifests leave that to the host's environment (in production every host has a NATS on
 * 4222, usually a leaf node). On loopback only one server can own 4222, so the hub takes it: edge hosts
 * join the lattice (control and RPC) through the leaf node, while their builtin messaging provider
 * reaches the hub directly.
 */
export const DEFAULT_PORTS = Object.freeze({
  nats: 4222,
  leafnodes: 7422,
  monitor: 8222,
  leaf: 4223,
  leafMonitor: 8223,
  registry: 5000,
});
export const FEATURES = 'builtin-messaging-nats,builtin-http-server';
/** JetStream domain of the hub; edge hosts use it, cloud hosts and wadm (on the hub) need none. */
export const JS_DOMAIN = 'pelato-hub';

/** Where lattice/build.sh leaves the binaries (a cache outside the clone, so later clones start in seconds). */
export function cacheDir() {
  return process.env.PELATO_LATTICE_CACHE || path.join(os.homedir(), '.cache', 'pelato', 'lattice');
}

function which(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

function goBin(name) {
  try {
    const gopath = execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim();
    const p = path.join(gopath.split(path.delimiter)[0], 'bin', name);
    return existsSync(p) ? p : undefined;
  } catch {
    return undefined;
  }
}

const existing = (p) => (p && existsSync(p) ? p : undefined);
const release = (name) => path.join(cacheDir(), 'target', 'release', name);

/**
 * Where each tool is looked for (an environment variable wins), and how to get it. Shared with the test
 * helpers (__tests__/deploy/helpers/natsServer.ts, __tests__/package/helpers/registry.ts) and the benches.
 */
const TOOLS = {
  nats: {
    env: 'PELATO_NATS_SERVER',
    find: () => goBin('nats-server') ?? which('nats-server'),
    how:
      'go install github.com/nats-io/nats-server/v2@v2.11.17 (or bash .ci/run); ' +
      'looked in $(go env GOPATH)/bin and PATH',
  },
  registry: {
    env: 'PELATO_TEST_REGISTRY',
    find: () =>
      existing(path.join(ROOT, '.tools', 'bin', 'docker-registry')) ??
      existing('/usr/bin/docker-registry') ??
      which('docker-registry'),
    how: 'bash scripts/install-test-tools.sh (Debian docker-registry)',
  },
  wadm: {
    env: 'PELATO_WADM',
    find: () => existing(release('pelato-wadm')),
    how: 'bash lattice/build.sh (builds wadm from crates.io)',
  },
  host: {
    env: 'PELATO_WASMCLOUD_HOST',
    find: () => existing(release('pelato-host')),
    how: 'bash lattice/build.sh (builds the wasmCloud host from crates.io)',
  },
};

/** The tool's path, or a problem: "<tool> (<how to get it>)". */
function lookup(tool) {
  const t = TOOLS[tool];
  const fromEnv = process.env[t.env];
  if (fromEnv)
    return existsSync(fromEnv) ? { path: fromEnv } : { problem: `${tool}: ${t.env}=${fromEnv} does not exist` };
  const found = t.find();
  return found ? { path: found } : { problem: `${tool} (${t.how})` };
}

function required(tool) {
  const r = lookup(tool);
  if (!r.path) throw new Error(`missing ${r.problem}`);
  return r.path;
}

export const natsServerBinary = () => required('nats');
export const registryBinary = () => required('registry');

/** Finds every binary the lattice needs, or throws one message naming each missing one and how to get it. */
export function binaries() {
  const results = Object.fromEntries(Object.keys(TOOLS).map((k) => [k, lookup(k)]));
  const problems = Object.values(results)
    .filter((r) => !r.path)
    .map((r) => r.problem);
  if (problems.length) throw new Error(`lattice: missing ${problems.join('; ')}`);
  return Object.fromEntries(Object.entries(results).map(([k, r]) => [k, r.path]));
}

async function portFree(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, check, timeoutMs, logFile) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (e) {
      last = e;
    }
    await sleep(100);
  }
  const tail =
    logFile && existsSync(logFile)
      ? `\n--- ${logFile} (last lines)\n${readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n')}`
      : '';
  throw new Error(`lattice: ${what} not ready after ${timeoutMs / 1000} s${last ? ` (${last.message})` : ''}${tail}`);
}

async function httpOk(url) {
  const r = await fetch(url, { signal: AbortSignal.timeout(1000) });
  return r.ok;
}

/**
 * A running process of the lattice. Children are spawned detached into their own process group, so
 * `down` from another process can stop them and a killed test runner does not take them along mid-write.
 */
class Proc {
  constructor(name, child, logFile) {
    this.name = name;
    this.child = child;
    this.pid = child.pid;
    this.logFile = logFile;
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get running() {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends `signal` and waits for the exit (SIGKILL after `graceMs`). */
  async stop(signal = 'SIGTERM', graceMs = 5000) {
    if (!this.running) return;
    try {
      process.kill(this.pid, signal);
    } catch {
      return;
    }
    const t = setTimeout(() => {
      try {
        process.kill(this.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, graceMs);
    await this.exited;
    clearTimeout(t);
  }
}

function launch(dir, name, bin, args, env = {}) {
  const logFile = path.join(dir, 'logs', `${name}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawn(bin, args, { stdio: ['ignore', fd, fd], detached: true, env: { ...process.env, ...env } });
  closeSync(fd);
  child.unref();
  const p = new Proc(name, child, logFile);
  // What restartProc starts again.
  p.launchSpec = { dir, bin, args, env };
  return p;
}

/** Hosts that answer a control-interface ping: [{ id, labels, friendlyName }]. */
export async function pingHosts(nc, lattice, waitMs = 500) {
  const inbox = createInbox();
  const sub = nc.subscribe(inbox);
  const hosts = [];
  const done = (async () => {
    for await (const m of sub) {
      try {
        const body = JSON.parse(new TextDecoder().decode(m.data));
        const h = body.response ?? body;
        hosts.push({ id: h.id, labels: h.labels ?? {}, friendlyName: h.friendly_name });
      } catch {
        // not a host reply
      }
    }
  })();
  nc.publish(`wasmbus.ctl.v1.${lattice}.host.ping`, new Uint8Array(), { reply: inbox });
  await sleep(waitMs);
  sub.unsubscribe();
  await done;
  return hosts;
}

/**
 * The hosts wadm has in its state (host id -> { labels, … }), read from its JetStream KV bucket
 * (`wadm_state`, key `host_<lattice>`, wadm 0.21's storage). wadm places nothing on a host it does not
 * know yet ("0 eligible hosts found"): a host that answers pings may still be unknown to it for a while.
 */
export async function wadmHosts(nc, lattice) {
  const req = JSON.stringify({ last_by_subj: `$KV.wadm_state.host_${lattice}` });
  const m = await nc.request('$JS.API.STREAM.MSG.GET.KV_wadm_state', new TextEncoder().encode(req), { timeout: 2000 });
  const body = JSON.parse(new TextDecoder().decode(m.data));
  if (body.error) return {}; // no host recorded yet (or no bucket yet)
  return JSON.parse(Buffer.from(body.message.data ?? '', 'base64').toString('utf8') || '{}');
}

/** What a host runs: { components: [{ id, image_ref, max_instances }], providers: [{ id }], labels }. */
export async function inventory(nc, lattice, hostId) {
  const m = await nc.request(`wasmbus.ctl.v1.${lattice}.host.get.${hostId}`, new Uint8Array(), { timeout: 5000 });
  const body = JSON.parse(new TextDecoder().decode(m.data));
  if (body.success === false) throw new Error(`inventory of ${hostId}: ${body.message}`);
  return body.response ?? body;
}

/**
 * Every host that answers a ping, with its inventory. A host busy compiling a component may not answer
 * in time: its entry then has no inventory but the error.
 */
export async function inventories(nc, lattice) {
  const out = [];
  for (const host of await pingHosts(nc, lattice, 500)) {
    try {
      out.push({ host, inventory: await inventory(nc, lattice, host.id) });
    } catch (error) {
      out.push({ host, error });
    }
  }
  return out;
}

export class Lattice {
  constructor(options) {
    this.dir = options.dir;
    this.lattice = options.lattice;
    this.ports = options.ports;
    this.bins = options.bins;
    this.procs = new Map();
    this.hostSeq = { cloud: 0, edge: 0 };
    this.heartbeatMs = options.heartbeatMs;
  }

  get natsUrl() {
    return `nats://127.0.0.1:${this.ports.nats}`;
  }

  get leafUrl() {
    return `nats://127.0.0.1:${this.ports.leaf}`;
  }

  get registry() {
    return `localhost:${this.ports.registry}`;
  }

  hosts() {
    return [...this.procs.values()].filter((p) => p.hostType);
  }

  async connect() {
    return connect({ servers: this.natsUrl, name: 'pelato-lattice' });
  }

  /** Starts one more host of `type` and waits until it answers pings; returns its process. */
  async addHost(type, nc) {
    const name = `${type}-${++this.hostSeq[type]}`;
    const url = type === 'edge' ? this.leafUrl : this.natsUrl;
    // Each host its own temp folder, as on separate machines: the host caches pulled images in
    // $TMPDIR/wasmcloud_ocicache, and two hosts pulling one image into a shared cache race (seen in CI:
    // "magic header not detected … actual=[0x0, 0x0, 0x0, 0x0]").
    const tmp = path.join(this.dir, 'hosts', name, 'tmp');
    mkdirSync(tmp, { recursive: true });
    const proc = launch(
      this.dir,
      name,
      this.bins.host,
      this.heartbeatMs ? ['--heartbeat-ms', String(this.heartbeatMs)] : [],
      {
        TMPDIR: tmp,
        WASMCLOUD_NATS_URL: url,
        WASMCLOUD_LATTICE: this.lattice,
        WASMCLOUD_LABELS: `host-type=${type},pelato.dev/host=${name}`,
        WASMCLOUD_OCI_ALLOWED_INSECURE: `localhost:${this.ports.registry},127.0.0.1:${this.ports.registry}`,
        WASMCLOUD_EXPERIMENTAL_FEATURES: FEATURES,
        ...(type === 'edge' ? { WASMCLOUD_JS_DOMAIN: JS_DOMAIN } : {}),
        RUST_LOG: process.env.PELATO_LATTICE_LOG || 'info,cranelift_codegen=warn,wasmtime_cranelift=warn',
      },
    );
    proc.hostType = type;
    this.procs.set(name, proc);
    this.save();
    const own = nc ?? (await this.connect());
    try {
      await until(
        `host ${name}`,
        async () => {
          if (!proc.running) throw new Error('the host exited');
          const hosts = await pingHosts(own, this.lattice, 300);
          const me = hosts.find((h) => h.labels['pelato.dev/host'] === name);
          if (me) proc.hostId = me.id;
          return !!me;
        },
        60000,
        proc.logFile,
      );
      this.save();
      // A deploy right after this must find the host eligible (CI once got "0 eligible hosts found").
      await until(
        `wadm knowing host ${name}`,
        async () => proc.hostId in (await wadmHosts(own, this.lattice)),
        90000,
        this.procs.get('wadm')?.logFile ?? proc.logFile,
      );
    } finally {
      if (!nc) await own.close();
    }
    return proc;
  }

  /** Stops one process of the lattice: SIGTERM is a clean shutdown, SIGKILL a crash. */
  async stopProc(name, signal = 'SIGTERM') {
    const p = this.procs.get(name);
    if (!p) throw new Error(`lattice: no process named ${name}`);
    await p.stop(signal);
    this.procs.delete(name);
    this.save();
  }

  /**
   * Stops one process (SIGKILL: a crash) and starts it again with the same arguments after `downMs`, as
   * a supervisor would: for wadm or the NATS hub restarting under a deploy. Resolves once it runs again
   * (the hub: when it answers /healthz with JetStream; wadm: when its API answers).
   */
  async restartProc(name, { signal = 'SIGKILL', downMs = 1000 } = {}) {
    const p = this.procs.get(name);
    if (!p?.launchSpec) throw new Error(`lattice: no restartable process named ${name}`);
    await p.stop(signal);
    await sleep(downMs);
    const { dir, bin, args, env } = p.launchSpec;
    const q = launch(dir, name, bin, args, env);
    this.procs.set(name, q);
    this.save();
    if (name === 'nats-hub')
      await until(
        'nats hub with JetStream',
        () => httpOk(`http://127.0.0.1:${this.ports.monitor}/healthz?js-enabled-only=true`),
        30000,
        q.logFile,
      );
    if (name === 'wadm') {
      const nc = await this.connect();
      try {
        await until(
          'wadm',
          async () => {
            const m = await nc.request(`wadm.api.${this.lattice}.model.get`, new Uint8Array(), { timeout: 1000 });
            return m.data.length > 0;
          },
          60000,
          q.logFile,
        );
      } finally {
        await nc.close();
      }
    }
    return q;
  }

  save() {
    const state = {
      lattice: this.lattice,
      ports: this.ports,
      procs: [...this.procs.values()].map((p) => ({
        name: p.name,
        pid: p.pid,
        hostType: p.hostType,
        hostId: p.hostId,
      })),
    };
    writeFileSync(path.join(this.dir, 'state.json'), JSON.stringify(state, null, 2) + '\n');
  }

  /** Stops everything, hosts first (so wadm sees them leave), then wadm, the servers and the registry. */
  async stop() {
    const order = [...this.procs.values()].sort((a, b) => rank(a) - rank(b));
    for (const p of order) await p.stop('SIGTERM', 5000);
    this.procs.clear();
    rmSync(path.join(this.dir, 'state.json'), { force: true });
  }
}

function rank(p) {
  if (p.hostType) return 0;
  return { wadm: 1, 'nats-leaf': 2, 'nats-hub': 3, registry: 4 }[p.name] ?? 5;
}

/**
 * Starts the whole lattice and waits until every part is ready: the hub with JetStream, the leaf node
 * joined to it, the registry, wadm answering on its API and every host answering pings.
 */
export async function start(options = {}) {
  const bins = binaries();
  const ports = { ...DEFAULT_PORTS, ...(options.ports ?? {}) };
  const dir = path.resolve(options.dir ?? path.join(ROOT, '.lattice'));
  const lattice = options.lattice ?? 'default';
  if (existsSync(path.join(dir, 'state.json'))) {
    throw new Error(
      `lattice: ${dir} already has a running lattice (state.json); ` +
        `run \`node scripts/lattice/lattice.mjs down --dir ${dir}\` first`,
    );
  }
  for (const [what, port] of Object.entries(ports)) {
    if (!(await portFree(port))) {
      throw new Error(
        `lattice: port ${port} (${what}) is taken on 127.0.0.1; ` +
          'stop what uses it (another lattice? `node scripts/lattice/lattice.mjs down`)',
      );
    }
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'logs'), { recursive: true });
  mkdirSync(path.join(dir, 'jetstream'), { recursive: true });
  mkdirSync(path.join(dir, 'registry'), { recursive: true });
  writeFileSync(
    path.join(dir, 'hub.conf'),
    [
      `server_name: pelato-hub`,
      `listen: "127.0.0.1:${ports.nats}"`,
      `http: "127.0.0.1:${ports.monitor}"`,
      `jetstream { store_dir: ${JSON.stringify(path.join(dir, 'jetstream'))}, domain: ${JS_DOMAIN} }`,
      `leafnodes { listen: "127.0.0.1:${ports.leafnodes}" }`,
      '',
    ].join('\n'),
  );
  // The edge leaf has no JetStream of its own: edge hosts reach the hub's JetStream through its domain
  // (a leaf node does not forward the domain-less $JS.API subjects).
  writeFileSync(
    path.join(dir, 'leaf.conf'),
    [
      `server_name: pelato-edge-leaf`,
      `listen: "127.0.0.1:${ports.leaf}"`,
      `http: "127.0.0.1:${ports.leafMonitor}"`,
      `leafnodes { remotes: [ { url: "nats-leaf://127.0.0.1:${ports.leafnodes}" } ] }`,
      '',
    ].join('\n'),
  );
  writeFileSync(
    path.join(dir, 'registry.yml'),
    [
      'version: 0.1',
      'log: { level: warn }',
      `storage: { filesystem: { rootdirectory: ${JSON.stringify(path.join(dir, 'registry'))} }, ` +
        'delete: { enabled: true } }',
      `http: { addr: "127.0.0.1:${ports.registry}" }`,
      '',
    ].join('\n'),
  );

  const l = new Lattice({ dir, lattice, ports, bins, heartbeatMs: options.reap?.heartbeatMs });
  const add = (name, bin, args, env) => {
    const p = launch(dir, name, bin, args, env);
    l.procs.set(name, p);
    l.save();
    return p;
  };
  let nc;
  try {
    const hub = add('nats-hub', bins.nats, ['-c', path.join(dir, 'hub.conf')]);
    const reg = add('registry', bins.registry, ['serve', path.join(dir, 'registry.yml')]);
    await until(
      'nats hub with JetStream',
      () => httpOk(`http://127.0.0.1:${ports.monitor}/healthz?js-enabled-only=true`),
      15000,
      hub.logFile,
    );
    const leaf = add('nats-leaf', bins.nats, ['-c', path.join(dir, 'leaf.conf')]);
    await until(
      'edge leaf node joined to the hub',
      async () => {
        const r = await fetch(`http://127.0.0.1:${ports.monitor}/leafz`, { signal: AbortSignal.timeout(1000) });
        return (await r.json()).leafnodes > 0;
      },
      15000,
      leaf.logFile,
    );
    await until('OCI registry', () => httpOk(`http://127.0.0.1:${ports.registry}/v2/`), 15000, reg.logFile);
    // wadm forgets a crashed host after missing it for two cleanup intervals (default 70 s), and hosts
    // announce themselves every heartbeat (default 30 s); `reap` shortens both (see README, Failover).
    const wadmArgs = [
      '--nats-server',
      `127.0.0.1:${ports.nats}`,
      ...(options.reap ? ['--cleanup-interval', String(options.reap.cleanupS)] : []),
    ];
    const wadm = add('wadm', bins.wadm, wadmArgs, { RUST_LOG: process.env.PELATO_LATTICE_LOG || 'info' });
    nc = await l.connect();
    await until(
      'wadm',
      async () => {
        if (!wadm.running) throw new Error('wadm exited');
        const m = await nc.request(`wadm.api.${lattice}.model.get`, new Uint8Array(), { timeout: 1000 });
        return m.data.length > 0;
      },
      60000,
      wadm.logFile,
    );
    const counts = { cloud: options.cloud ?? 1, edge: options.edge ?? 1 };
    // Hosts one at a time: each compiles nothing at start, but two starting at once on 2 cores
    // roughly double each other's time to ready.
    for (const type of ['cloud', 'edge']) {
      for (let i = 0; i < counts[type]; i++) {
        await l.addHost(type, nc);
      }
    }
    return l;
  } catch (e) {
    await l.stop();
    throw e;
  } finally {
    if (nc) await nc.close();
  }
}

/** Stops a lattice started by another process (CLI `up`), from its state.json. */
export async function stopFromState(dir) {
  const file = path.join(dir, 'state.json');
  if (!existsSync(file)) return false;
  const state = JSON.parse(readFileSync(file, 'utf8'));
  const order = [...state.procs].sort((a, b) => rank(a) - rank(b));
  for (const p of order) {
    try {
      process.kill(p.pid, 'SIGTERM');
    } catch {
      continue;
    }
    for (let i = 0; i < 50; i++) {
      try {
        process.kill(p.pid, 0);
      } catch {
        break;
      }
      await sleep(100);
    }
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // exited
    }
  }
  rmSync(file, { force: true });
  return true;
}

function parseArgs(argv) {
  const [command = 'help', ...rest] = argv;
  const o = { command, dir: path.join(ROOT, '.lattice'), cloud: 1, edge: 1, ports: {} };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    const value = rest[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--dir') o.dir = path.resolve(value);
    else if (flag === '--cloud' || flag === '--edge') o[flag.slice(2)] = Number.parseInt(value, 10);
    else if (flag === '--registry-port') o.ports.registry = Number.parseInt(value, 10);
    else if (flag === '--lattice') o.lattice = value;
    else throw new Error(`unknown flag ${flag}`);
  }
  return o;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (o.command === 'up') {
    const t0 = Date.now();
    const l = await start(o);
    console.log(`lattice "${l.lattice}" up in ${((Date.now() - t0) / 1000).toFixed(1)} s (state and logs in ${l.dir})`);
    for (const p of l.procs.values())
      console.log(`  ${p.name.padEnd(10)} pid ${p.pid}${p.hostId ? `  ${p.hostId}` : ''}`);
    console.log(
      `\n  NATS_URL=${l.natsUrl}   (edge leaf: ${l.leafUrl})\n` +
        `  registry: ${l.registry}   e.g. registry: ${l.registry}/pelato in workflow.yaml`,
    );
    console.log('\n  stop with: node scripts/lattice/lattice.mjs down');
  } else if (o.command === 'down') {
    console.log((await stopFromState(o.dir)) ? 'lattice stopped' : `no lattice running in ${o.dir}`);
  } else if (o.command === 'status') {
    const file = path.join(o.dir, 'state.json');
    if (!existsSync(file)) {
      console.log(`no lattice running in ${o.dir}`);
      process.exitCode = 1;
      return;
    }
    const state = JSON.parse(readFileSync(file, 'utf8'));
    for (const p of state.procs) {
      let alive = true;
      try {
        process.kill(p.pid, 0);
      } catch {
        alive = false;
      }
      console.log(
        `${p.name.padEnd(10)} pid ${String(p.pid).padEnd(8)} ${alive ? 'running' : 'EXITED'}` +
          `${p.hostId ? `  ${p.hostId}` : ''}`,
      );
    }
  } else {
    console.log(
      'usage: node scripts/lattice/lattice.mjs up|status|down ' +
        '[--dir D] [--cloud N] [--edge M] [--registry-port P] [--lattice NAME]',
    );
    if (o.command !== 'help') process.exitCode = 2;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e.message);
    process.exit(1);
  });
}
