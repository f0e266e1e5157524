/**
 * The deploy stage: for every app of gen/plan.json, put its manifest, deploy exactly that version and wait
 * until wadm says `deployed`, all apps at once over one NATS connection. Also `remove` and `status`.
 * Results are typed and per app; only problems that stop everything (no plan, no NATS, no wadm) throw.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { PelatoError } from '../common/diagnostics.js';
import type { Plan } from '../model/plan.js';
import { openNats, type ConnectOptions, type NatsHandle } from './connect.js';
import { loadApp, readPlan, sameManifest, type AppToDeploy } from './planFiles.js';
import { DEFAULT_TIMEOUT_S, describeSettings, ENV, OPTION, resolveNatsSettings, scrub } from './settings.js';
import { WadmClient } from './wadmClient.js';
import type { AppStatus, ScalerStatus, StatusType } from './wadmReplies.js';
import { watchApp } from './watch.js';

type Env = Record<string, string | undefined>;

export interface StageOptions {
  /** Environment to read settings from (default process.env). */
  env?: Env;
  /** NATS server URL(s), comma-separated; overrides NATS_URL. */
  natsUrl?: string;
  /** Lattice; default WASMCLOUD_LATTICE, then plan.json's. */
  lattice?: string;
  /** How long to wait for each app, in ms (default PELATO_DEPLOY_TIMEOUT seconds, or 120 s). */
  timeoutMs?: number;
  /** Progress lines as they happen. */
  onEvent?: (e: DeployEvent) => void;
  connect?: ConnectOptions;
  /** Status poll interval next to the feed, ms (default 1000). */
  pollMs?: number;
  /** After an upgrade, how long a polled status may still describe the old version, ms (default 1000). */
  upgradeSettleMs?: number;
  /** How long "no eligible hosts" may last before it counts as a failure, ms (default 15 s). */
  hostsGraceMs?: number;
  requestTimeoutMs?: number;
}

/** Hosts starting next to a deploy (a fresh lattice, an autoscaled edge site) join within seconds. */
const HOSTS_GRACE_MS = 15_000;

export interface DeployOptions extends StageOptions {
  /** Same version, different manifest: delete that version and put again (like `wash app deploy --replace`). */
  replace?: boolean;
}

export interface RemoveOptions extends StageOptions {
  /** Only undeploy; keep the stored versions. */
  keepVersions?: boolean;
}

export interface DeployEvent {
  app: string;
  kind: 'manifest' | 'put' | 'deploy' | 'status' | 'done' | 'error';
  text: string;
}

export type DeployAction = 'created' | 'upgraded' | 'replaced' | 'redeployed' | 'unchanged';
export type DeployOutcome = 'deployed' | 'failed' | 'unhealthy' | 'timeout' | 'error';

export interface AppDeployResult {
  app: string;
  version: string;
  /** Manifest file used, relative to gen/. */
  manifest: string;
  pinned: boolean;
  action?: DeployAction;
  outcome: DeployOutcome;
  status?: AppStatus;
  /** Why it is not deployed: wadm's message and the scalers' messages. */
  message?: string;
  /** ms from start to wadm's `acknowledged` and to `deployed`. */
  ackMs?: number;
  deployedMs?: number;
}

export interface DeployResult {
  ok: boolean;
  lattice: string;
  server: string;
  apps: AppDeployResult[];
}

function timeoutMs(o: StageOptions, env: Env): number {
  if (o.timeoutMs !== undefined) return o.timeoutMs;
  const v = env[ENV.DEPLOY_TIMEOUT];
  if (v && v.trim()) return parseTimeout(v, ENV.DEPLOY_TIMEOUT);
  return DEFAULT_TIMEOUT_S * 1000;
}

/** `90`, `90s`, `2m`, `500ms` → ms. */
export function parseTimeout(v: string, from: string = `--${OPTION.TIMEOUT}`): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(v);
  if (!m) throw new PelatoError(`${from} must be a duration like 90, 90s, 2m or 500ms, got "${v}"`);
  const n = Number(m[1]);
  const ms = m[2] === 'ms' ? n : m[2] === 'm' ? n * 60000 : n * 1000;
  if (ms <= 0) throw new PelatoError(`${from} must be more than zero`);
  return ms;
}

function genDirOf(dirOrGen: string): string {
  return path.resolve(dirOrGen);
}

interface Session {
  plan: Plan;
  genDir: string;
  handle: NatsHandle;
  client: WadmClient;
  env: Env;
  clean: (s: string) => string;
}

async function withSession<T>(genDir: string, o: StageOptions, fn: (s: Session) => Promise<T>): Promise<T> {
  const env = o.env ?? process.env;
  const gen = genDirOf(genDir);
  const plan = readPlan(gen);
  const lattice = o.lattice || env[ENV.WASMCLOUD_LATTICE]?.trim() || plan.lattice || 'default';
  const settings = resolveNatsSettings(env, { natsUrl: o.natsUrl });
  const clean = (s: string) => scrub(s, settings.secrets);
  let handle: NatsHandle;
  try {
    const hs = env[ENV.NATS_CONNECT_TIMEOUT]?.trim();
    const handshakeMs = hs ? parseTimeout(hs, ENV.NATS_CONNECT_TIMEOUT) : undefined;
    handle = await openNats(settings, { tmpDir: env.TMPDIR || undefined, ...(handshakeMs ? { handshakeMs } : {}), ...o.connect });
  } catch (e) {
    if (e instanceof PelatoError) throw new PelatoError(clean(e.message), e.hint && clean(e.hint));
    throw e;
  }
  try {
    const client = new WadmClient(handle.nc, { lattice, prefix: env[ENV.WADM_API_PREFIX]?.trim() || undefined, requestTimeoutMs: o.requestTimeoutMs });
    return await fn({ plan, genDir: gen, handle, client, env, clean });
  } catch (e) {
    if (e instanceof PelatoError) throw new PelatoError(clean(e.message), e.hint && clean(e.hint));
    throw e;
  } finally {
    await handle.close();
  }
}

const emit = (o: StageOptions, s: Session, app: string, kind: DeployEvent['kind'], text: string) => o.onEvent?.({ app, kind, text: s.clean(text) });

export function describeStatus(st: AppStatus | undefined): string {
  if (!st) return 'no status yet';
  const bad = st.scalers.filter((x) => x.status !== 'deployed' && x.message);
  const scalers = bad.map((x: ScalerStatus) => `${x.name || x.kind || x.id}: ${x.message}`).join('; ');
  // Real wadm's app message is its scalers' messages joined; printed next to them it only doubles the line.
  const repeats = bad.length > 0 && bad.every((x) => st.message.includes(x.message));
  const message = st.message && !repeats ? ` (${st.message})` : '';
  return `${st.status}${message}${scalers ? ` — scalers: ${scalers}` : ''}`;
}

/** Deploys every app of DIR/gen (or the gen folder given) and waits for each to be deployed. */
export async function deployPlan(genDir: string, o: DeployOptions = {}): Promise<DeployResult> {
  return withSession(genDir, o, async (s) => {
    const apps = s.plan.tasks.map((t) => loadApp(s.genDir, t));
    const started = performance.now();
    const deadlineMs = timeoutMs(o, s.env);
    const results = await Promise.all(apps.map((a) => deployOne(s, a, o, started, deadlineMs)));
    return { ok: results.every((r) => r.outcome === 'deployed'), lattice: s.client.lattice, server: describeSettings(s.handle.settings), apps: results };
  });
}

async function deployOne(s: Session, a: AppToDeploy, o: DeployOptions, started: number, deadlineMs: number): Promise<AppDeployResult> {
  const base = { app: a.app, version: a.version, manifest: path.relative(s.genDir, a.manifestFile), pinned: a.pinned };
  emit(o, s, a.app, 'manifest', `${a.version} from ${base.manifest}${a.pinned ? ' (pinned to digests)' : ' (not pinned: run pelato build to deploy by digest)'}`);
  const watcher = watchApp(s.client, a.app, (st) => emit(o, s, a.app, 'status', describeStatus(st)), o.pollMs);
  try {
    const { client } = s;
    const versions = await client.versions(a.app);
    const previouslyDeployed = versions.find((v) => v.deployed)?.version;
    const existing = versions.find((v) => v.version === a.version);
    let action: DeployAction;
    let put = true;
    if (existing) {
      const stored = await client.get(a.app, a.version);
      const same = stored.manifest ? sameManifest(a, stored.manifest) : false;
      if (same) {
        put = false;
        action = existing.deployed ? 'unchanged' : 'redeployed';
      } else if (o.replace) {
        const del = await client.delete(a.app, a.version);
        if (del.result === 'error') throw new PelatoError(`wadm refused to delete ${a.app} ${a.version} for --replace: ${del.message}`);
        emit(o, s, a.app, 'put', `deleted stored version ${a.version} (--replace)`);
        action = 'replaced';
      } else {
        throw new PelatoError(
          `${a.app} version ${a.version} already exists on lattice ${client.lattice} with a different manifest`,
          `bump the version in workflow.yaml, or pass --${OPTION.REPLACE} to overwrite that version`,
        );
      }
    } else {
      action = previouslyDeployed ? 'upgraded' : 'created';
    }
    if (put) {
      const r = await client.put(a.manifest);
      if (r.result === 'error') throw rejection(a, 'put', r.message);
      if (r.currentVersion && r.currentVersion !== a.version) {
        throw new PelatoError(`wadm stored ${a.app} as version ${r.currentVersion}, expected ${a.version}`, 'check metadata.annotations.version in the manifest');
      }
      emit(o, s, a.app, 'put', `stored ${a.version} (${r.result}, ${r.totalVersions} version${r.totalVersions === 1 ? '' : 's'})`);
    }
    let ackAt = performance.now();
    let trustFrom = Date.now();
    if (action !== 'unchanged') {
      const d = await client.deploy(a.app, a.version);
      if (d.result !== 'acknowledged') throw rejection(a, 'deploy', d.message || d.result);
      ackAt = performance.now();
      // Right after an upgrade, a polled status may still be the previous version's.
      trustFrom = Date.now() + (previouslyDeployed && previouslyDeployed !== a.version || action === 'replaced' ? o.upgradeSettleMs ?? 1000 : 0);
      emit(o, s, a.app, 'deploy', `${action === 'upgraded' ? `upgrade ${previouslyDeployed} → ${a.version}` : `deploy ${a.version}`} acknowledged`);
    } else {
      emit(o, s, a.app, 'deploy', `${a.version} is already deployed with this manifest; nothing to change`);
    }
    const deadline = Date.now() + deadlineMs;
    // Hosts that have just joined may not be known to wadm yet: "no eligible hosts" is final only after
    // this grace (or the deadline, if sooner).
    const w = await watcher.waitFor('deployed', deadline, trustFrom, trustFrom + (o.hostsGraceMs ?? HOSTS_GRACE_MS));
    const status = w.last?.status;
    const ms = performance.now() - started;
    if (w.outcome === 'reached') {
      emit(o, s, a.app, 'done', `${a.version} deployed`);
      return { ...base, action, outcome: 'deployed', ...(status ? { status } : {}), ackMs: ackAt - started, deployedMs: ms };
    }
    const message =
      w.outcome === 'timeout'
        ? `not deployed after ${(deadlineMs / 1000).toFixed(deadlineMs < 1000 ? 1 : 0)} s; last status: ${describeStatus(status)}`
        : describeStatus(status);
    emit(o, s, a.app, 'error', message);
    return { ...base, action, outcome: w.outcome === 'timeout' ? 'timeout' : w.outcome, ...(status ? { status } : {}), message: s.clean(message), ackMs: ackAt - started };
  } catch (e) {
    if (!(e instanceof PelatoError)) throw e;
    const message = s.clean(`${e.message}${e.hint ? ` (${e.hint})` : ''}`);
    if (isFatal(e)) throw e;
    emit(o, s, a.app, 'error', message);
    return { ...base, outcome: 'error', message };
  } finally {
    watcher.stop();
  }
}

/** Problems that are about the connection, not this app: stop everything and report once. */
function isFatal(e: PelatoError): boolean {
  return /no wadm is listening|connection closed|NATS denied/.test(e.message);
}

function rejection(a: AppToDeploy, op: string, message: string): PelatoError {
  const m = /already deployed in a different application '([^']+)'/.exec(message);
  if (m) return new PelatoError(`wadm rejected ${op} of ${a.app} ${a.version}: ${message}`, `another app (${m[1]}) uses the same component id: rename component_name, or remove ${m[1]} first`);
  if (/already exists/i.test(message)) return new PelatoError(`wadm rejected ${op} of ${a.app} ${a.version}: ${message}`, `bump the version in workflow.yaml, or pass --${OPTION.REPLACE}`);
  if (/parse|invalid|unknown field|missing field/i.test(message)) return new PelatoError(`wadm rejected ${op} of ${a.app} ${a.version}: ${message}`, `the manifest ${a.manifestFile} is not one wadm accepts; run pelato gen again and report it if it persists`);
  return new PelatoError(`wadm rejected ${op} of ${a.app} ${a.version}: ${message}`);
}

export type RemoveOutcome = 'removed' | 'undeployed' | 'absent' | 'timeout' | 'error';

export interface AppRemoveResult {
  app: string;
  outcome: RemoveOutcome;
  /** Versions still stored (with --keep-versions). */
  versions: string[];
  message?: string;
}

export interface RemoveResult {
  ok: boolean;
  lattice: string;
  server: string;
  apps: AppRemoveResult[];
}

/** Undeploys every app of the plan and, unless `keepVersions`, deletes all its stored versions. */
export async function removePlan(genDir: string, o: RemoveOptions = {}): Promise<RemoveResult> {
  return withSession(genDir, o, async (s) => {
    const deadlineMs = timeoutMs(o, s.env);
    const apps = await Promise.all(s.plan.tasks.map((t) => removeOne(s, t.app, o, deadlineMs)));
    return { ok: apps.every((a) => a.outcome !== 'error' && a.outcome !== 'timeout'), lattice: s.client.lattice, server: describeSettings(s.handle.settings), apps };
  });
}

async function removeOne(s: Session, app: string, o: RemoveOptions, deadlineMs: number): Promise<AppRemoveResult> {
  const watcher = watchApp(s.client, app, (st) => emit(o, s, app, 'status', describeStatus(st)), o.pollMs);
  try {
    const versions = await s.client.versions(app);
    if (!versions.length) {
      emit(o, s, app, 'done', 'not on the lattice; nothing to remove');
      return { app, outcome: 'absent', versions: [] };
    }
    const wasDeployed = versions.some((v) => v.deployed);
    if (wasDeployed) {
      const u = await s.client.undeploy(app);
      if (u.result === 'error') throw new PelatoError(`wadm refused to undeploy ${app}: ${u.message}`);
      emit(o, s, app, 'deploy', 'undeploy acknowledged');
      const w = await watcher.waitFor('undeployed', Date.now() + deadlineMs, Date.now());
      if (w.outcome !== 'reached') {
        const message = `not undeployed after ${(deadlineMs / 1000).toFixed(0)} s; last status: ${describeStatus(w.last?.status)}`;
        emit(o, s, app, 'error', message);
        return { app, outcome: 'timeout', versions: versions.map((v) => v.version), message };
      }
    }
    if (o.keepVersions) {
      emit(o, s, app, 'done', `undeployed; kept ${versions.length} version${versions.length === 1 ? '' : 's'}`);
      return { app, outcome: 'undeployed', versions: versions.map((v) => v.version) };
    }
    const d = await s.client.delete(app);
    if (d.result === 'error') throw new PelatoError(`wadm refused to delete ${app}: ${d.message}`);
    emit(o, s, app, 'done', `undeployed and deleted ${versions.length} version${versions.length === 1 ? '' : 's'}`);
    return { app, outcome: 'removed', versions: [] };
  } catch (e) {
    if (!(e instanceof PelatoError) || isFatal(e)) throw e;
    const message = s.clean(e.message);
    emit(o, s, app, 'error', message);
    return { app, outcome: 'error', versions: [], message };
  } finally {
    watcher.stop();
  }
}

export interface AppStatusRow {
  app: string;
  /** The version in gen/plan.json. */
  version: string;
  /** The version wadm has deployed, if any. */
  deployedVersion?: string;
  /** Newest stored version. */
  latestVersion?: string;
  status: StatusType;
  message: string;
  scalers: ScalerStatus[];
}

export interface StatusResult {
  lattice: string;
  server: string;
  apps: AppStatusRow[];
}

/** What wadm says about every app of the plan: versions and state. */
export async function statusPlan(genDir: string, o: StageOptions = {}): Promise<StatusResult> {
  return withSession(genDir, o, async (s) => {
    const models = new Map((await s.client.list()).map((m) => [m.name, m]));
    const apps = await Promise.all(
      s.plan.tasks.map(async (t): Promise<AppStatusRow> => {
        const m = models.get(t.app);
        const st = await s.client.status(t.app);
        return {
          app: t.app,
          version: t.version,
          ...(m?.deployedVersion ? { deployedVersion: m.deployedVersion } : {}),
          ...(m?.version ? { latestVersion: m.version } : {}),
          status: m ? st.status : 'undeployed',
          message: s.clean(m ? st.message : 'not on the lattice'),
          scalers: st.scalers,
        };
      }),
    );
    return { lattice: s.client.lattice, server: describeSettings(s.handle.settings), apps };
  });
}
