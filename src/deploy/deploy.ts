/**
 * The deploy stage: for every app of gen/plan.json, put its manifest, deploy exactly that version and wait
 * until wadm says `deployed`, all apps at once over one NATS connection. Also `remove` and `status`.
 * Results are typed and per app; only problems that stop everything (no plan, no NATS, no wadm) throw.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { PelatoError, type ErrorKind } from '../common/diagnostics.js';
import type { Plan } from '../model/plan.js';
import { openNats, type ConnectOptions, type NatsHandle } from '../nats/connect.js';
import { ConfigClient } from './configClient.js';
import { httpTokens, tokenSecrets, type HttpToken } from './httpTokens.js';
import { loadApp, readPlan, sameManifest, type AppToDeploy } from './planFiles.js';
import { flagName, setting, type Env } from '../common/settings.js';
import { describeSettings, resolveNatsSettings } from '../nats/settings.js';
import { scrub } from '../common/secrets.js';
import { tempRoot } from '../common/process.js';
import { WadmClient } from './wadmClient.js';
import { LatticeClient } from './latticeClient.js';
import { takeLock, type DeployLock } from './lock.js';
import { isHandoverVersion, planHandover, type HandoverPlan } from './handover.js';
import { dropSteps, rollBack, runSteps, type UpgradeContext } from './upgrade.js';
import type { AppStatus, ScalerStatus, StatusType, WadmVerdict } from './wadmReplies.js';
import { watchApp } from './watch.js';

export interface StageOptions {
  /** Environment (with .env merged) the settings are read from: see src/common/settings.ts. */
  env: Env;
  /** NATS server URL(s), comma-separated; overrides NATS_URL. */
  natsUrl?: string;
  /** Lattice; default WASMCLOUD_LATTICE, then plan.json's. */
  lattice?: string;
  /** How long to wait for each app, in ms (default PELATO_DEPLOY_TIMEOUT, or 120 s). */
  timeoutMs?: number;
  /** Progress lines as they happen. */
  onEvent?: (e: DeployEvent) => void;
  connect?: ConnectOptions;
  /** Status poll interval next to the feed, ms (default 1000). */
  pollMs?: number;
  /** After an upgrade, how long a polled status may still describe the old version, ms (default 1000). */
  upgradeSettleMs?: number;
  /** How long "no eligible hosts" may last before it counts as a failure, ms (default: until the deadline). */
  hostsGraceMs?: number;
  requestTimeoutMs?: number;
}

/** Hosts starting next to a deploy (a fresh lattice, an autoscaled edge site) join within seconds. */

export interface DeployOptions extends StageOptions {
  /** Same version, different manifest: delete that version and put again (like `wash app deploy --replace`). */
  replace?: boolean;
  /** Upgrade without a handover (src/deploy/handover.ts): wadm swaps the component in place. */
  inPlace?: boolean;
  /** During a handover, the pause after each step (default PELATO_HANDOVER_SETTLE, or 1 s). */
  handoverSettleMs?: number;
}

export interface RemoveOptions extends StageOptions {
  /** Only undeploy; keep the stored versions. */
  keepVersions?: boolean;
}

export interface DeployEvent {
  app: string;
  kind: 'manifest' | 'put' | 'deploy' | 'status' | 'wait' | 'done' | 'error';
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
  /** http.auth: what deploy did with the bearer token's named config (the token itself is never reported). */
  token?: 'stored' | 'rotated' | 'unchanged';
  /** How an upgrade went: beside the old version (handover) or over it (in place), and from which version. */
  upgrade?: { from: string; how: 'handover' | 'in-place'; why?: string; steps?: number };
  /** The handover failed and the app runs `rolledBackTo` again (nothing of it was removed). */
  rolledBackTo?: string;
}

export interface DeployResult {
  ok: boolean;
  lattice: string;
  server: string;
  apps: AppDeployResult[];
}

function timeoutMs(o: StageOptions, env: Env): number {
  return o.timeoutMs ?? setting(env, 'timeout');
}

function genDirOf(dirOrGen: string): string {
  return path.resolve(dirOrGen);
}

interface Session {
  plan: Plan;
  genDir: string;
  handle: NatsHandle;
  client: WadmClient;
  /** Named config through the hosts' control interface (the HTTP tokens). */
  config: ConfigClient;
  /** Links and inventories through the same interface (the handover's checks). */
  lattice: LatticeClient;
  env: Env;
  clean: (s: string) => string;
}

/** `secrets`: values to scrub from every message besides the connection's credentials (the HTTP tokens). */
async function withSession<T>(
  genDir: string,
  o: StageOptions,
  fn: (s: Session) => Promise<T>,
  secrets: string[] = [],
): Promise<T> {
  const env = o.env;
  const gen = genDirOf(genDir);
  const plan = readPlan(gen);
  const lattice = o.lattice || setting(env, 'lattice') || plan.lattice || 'default';
  const settings = resolveNatsSettings(env, { natsUrl: o.natsUrl });
  const clean = (s: string) => scrub(s, [...settings.secrets, ...secrets]);
  let handle: NatsHandle;
  try {
    handle = await openNats(settings, {
      tmpDir: tempRoot(env),
      handshakeMs: setting(env, 'connectTimeout'),
      ...o.connect,
    });
  } catch (e) {
    if (e instanceof PelatoError) throw e.withText(clean);
    throw e;
  }
  try {
    const client = new WadmClient(handle.nc, {
      lattice,
      prefix: setting(env, 'wadmPrefix'),
      requestTimeoutMs: o.requestTimeoutMs,
    });
    const config = new ConfigClient(handle.nc, client.lattice, setting(env, 'ctlPrefix'), o.requestTimeoutMs);
    const latticeClient = new LatticeClient(handle.nc, client.lattice, setting(env, 'ctlPrefix'), o.requestTimeoutMs);
    return await fn({ plan, genDir: gen, handle, client, config, lattice: latticeClient, env, clean });
  } catch (e) {
    if (e instanceof PelatoError) throw e.withText(clean);
    throw e;
  } finally {
    await handle.close();
  }
}

const emit = (o: StageOptions, s: Session, app: string, kind: DeployEvent['kind'], text: string) =>
  o.onEvent?.({ app, kind, text: s.clean(text) });

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
export async function deployPlan(genDir: string, o: DeployOptions): Promise<DeployResult> {
  // Every HTTP token is checked before anything is sent, so a missing one changes nothing on the lattice.
  const tokens = httpTokens(readPlan(genDirOf(genDir)), o.env);
  return withSession(
    genDir,
    o,
    async (s) => {
      const apps = s.plan.tasks.map((t) => loadApp(s.genDir, t));
      const started = performance.now();
      const deadlineMs = timeoutMs(o, s.env);
      const results = await Promise.all(
        apps.map((a) =>
          deployOne(
            s,
            a,
            o,
            started,
            deadlineMs,
            tokens.find((t) => t.app === a.app),
          ),
        ),
      );
      return {
        ok: results.every((r) => r.outcome === 'deployed'),
        lattice: s.client.lattice,
        server: describeSettings(s.handle.settings),
        apps: results,
      };
    },
    tokenSecrets(tokens),
  );
}

/**
 * Puts an app's bearer token on the lattice as its named config before wadm deploys the app (a component
 * whose config is missing does not start). The hosts watch the config, so a changed token applies to
 * running components at once: rotating is a redeploy, with no rebuild and no new version.
 */
async function putToken(s: Session, token: HttpToken): Promise<'stored' | 'rotated' | 'unchanged'> {
  const current = await s.config.get(token.config);
  if (current && sameValues(current, token.values)) return 'unchanged';
  await s.config.put(token.config, token.values);
  return current ? 'rotated' : 'stored';
}

function sameValues(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(b);
  return Object.keys(a).length === keys.length && keys.every((k) => a[k] === b[k]);
}

async function deployOne(
  s: Session,
  a: AppToDeploy,
  o: DeployOptions,
  started: number,
  deadlineMs: number,
  token?: HttpToken,
): Promise<AppDeployResult> {
  const base: Pick<AppDeployResult, 'app' | 'version' | 'manifest' | 'pinned' | 'token' | 'upgrade'> = {
    app: a.app,
    version: a.version,
    manifest: path.relative(s.genDir, a.manifestFile),
    pinned: a.pinned,
  };
  emit(
    o,
    s,
    a.app,
    'manifest',
    `${a.version} from ${base.manifest}` +
      `${a.pinned ? ' (pinned to digests)' : ' (not pinned: run pelato build to deploy by digest)'}`,
  );
  const watcher = watchApp(s.client, a.app, (st) => emit(o, s, a.app, 'status', describeStatus(st)), o.pollMs);
  let lock: DeployLock | undefined;
  try {
    const { client } = s;
    lock = await takeLock(s.handle.nc, client.lattice, a.app, {
      // A handover that fails may roll back: two waits at most, and some slack for the requests.
      holdMs: 2 * deadlineMs + 60_000,
      deadline: Date.now() + deadlineMs,
      onWait: (h) => emit(o, s, a.app, 'wait', `waiting: another deploy of ${a.app} runs (${h.holder})`),
      onUnlocked: (why) =>
        emit(o, s, a.app, 'wait', `deploys of ${a.app} are not serialised: no deploy lock on this lattice (${why})`),
    });
    if (token) {
      base.token = await putToken(s, token);
      emit(
        o,
        s,
        a.app,
        'put',
        `bearer token from ${token.env} ` +
          `${{ stored: 'stored as', rotated: 'rotated in', unchanged: 'unchanged in' }[base.token]} ` +
          `named config ${token.config}`,
      );
    }
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
        if (del.result === 'error')
          throw new PelatoError(
            `wadm refused to delete ${a.app} ${a.version} for --replace: ${del.message}`,
            undefined,
            'wadm-rejected',
          );
        emit(o, s, a.app, 'put', `deleted stored version ${a.version} (--replace)`);
        action = 'replaced';
      } else {
        throw new PelatoError(
          `${a.app} version ${a.version} already exists on lattice ${client.lattice} with a different manifest`,
          `bump the version in workflow.yaml, or pass ${flagName('replace')} to overwrite that version`,
        );
      }
    } else {
      action = previouslyDeployed ? 'upgraded' : 'created';
    }
    if (put) {
      const r = await client.put(a.manifest);
      if (r.result === 'error') throw rejection(a, 'put', r);
      if (r.currentVersion && r.currentVersion !== a.version) {
        throw new PelatoError(
          `wadm stored ${a.app} as version ${r.currentVersion}, expected ${a.version}`,
          'check metadata.annotations.version in the manifest',
        );
      }
      emit(
        o,
        s,
        a.app,
        'put',
        `stored ${a.version} (${r.result}, ${r.totalVersions} version${r.totalVersions === 1 ? '' : 's'})`,
      );
    }
    let ackAt = performance.now();
    let trustFrom = Date.now();
    const upgradeCtx = (deadline: number): UpgradeContext => ({
      app: a.app,
      client,
      lattice: s.lattice,
      config: s.config,
      watcher,
      deadline,
      settleMs: o.handoverSettleMs ?? setting(s.env, 'handoverSettle'),
      upgradeSettleMs: o.upgradeSettleMs ?? 1000,
      say: (text) => emit(o, s, a.app, 'deploy', text),
      describe: (st) => waitingForHosts(st, a.manifest),
    });
    let handover: Extract<HandoverPlan, { kind: 'handover' }> | undefined;
    // Fails the app after a handover stopped: back to `from`, its steps deleted, the reason kept.
    const rolledBack = async (why: string): Promise<AppDeployResult> => {
      const from = handover!.from;
      const ctx = upgradeCtx(Date.now() + deadlineMs);
      const back = await rollBack(ctx, handover!);
      await dropSteps(
        ctx,
        handover!.phases.map((p) => p.version),
      );
      const message = back
        ? `${why}; rolling back to ${from} failed too: ${back}`
        : `${why}; rolled back: ${from} runs as before`;
      emit(o, s, a.app, 'error', message);
      return {
        ...base,
        action,
        outcome: 'failed',
        message: s.clean(message),
        ...(back ? {} : { rolledBackTo: from }),
        ackMs: ackAt - started,
      };
    };
    if (action !== 'unchanged' && previouslyDeployed && previouslyDeployed !== a.version) {
      const plan = await upgradePlan(s, a, previouslyDeployed, o);
      if (plan.kind === 'handover') {
        handover = plan;
        base.upgrade = { from: plan.from, how: 'handover', steps: plan.phases.length + 1 };
        const stopped = await runSteps(upgradeCtx(Date.now() + deadlineMs), plan);
        if (stopped) return await rolledBack(stopped);
      } else {
        base.upgrade = { from: previouslyDeployed, how: 'in-place', why: plan.reason };
        emit(o, s, a.app, 'deploy', `upgrading in place: ${plan.reason}`);
      }
    }
    if (action !== 'unchanged') {
      const d = await client.deploy(a.app, a.version);
      if (d.result !== 'acknowledged')
        throw rejection(a, 'deploy', d.message ? d : { message: d.result, reason: 'other' });
      ackAt = performance.now();
      // Right after an upgrade, a polled status may still be the previous version's.
      trustFrom =
        Date.now() +
        ((previouslyDeployed && previouslyDeployed !== a.version) || action === 'replaced'
          ? (o.upgradeSettleMs ?? 1000)
          : 0);
      emit(
        o,
        s,
        a.app,
        'deploy',
        `${action === 'upgraded' ? `upgrade ${previouslyDeployed} → ${a.version}` : `deploy ${a.version}`}` +
          ' acknowledged',
      );
    } else {
      emit(o, s, a.app, 'deploy', `${a.version} is already deployed with this manifest; nothing to change`);
    }
    const deadline = Date.now() + deadlineMs;
    // Hosts that have just joined may not be known to wadm yet (hosts announce themselves by heartbeat,
    // every 30 s by default): "no eligible hosts" is waited out as long as the deadline allows, saying
    // which label it waits for.
    const w = await watcher.waitFor(
      'deployed',
      deadline,
      trustFrom,
      o.hostsGraceMs === undefined ? Infinity : trustFrom + o.hostsGraceMs,
      (st) => {
        emit(o, s, a.app, 'wait', waitingForHosts(st, a.manifest));
      },
    );
    const status = w.last?.status;
    const ms = performance.now() - started;
    if (w.outcome === 'reached' && handover)
      await dropSteps(
        upgradeCtx(Date.now() + deadlineMs),
        handover.phases.map((p) => p.version),
      );
    if (w.outcome !== 'reached' && handover)
      return await rolledBack(
        w.outcome === 'timeout'
          ? `${a.version} not deployed by the deadline; last status: ${describeStatus(status)}`
          : `${a.version} ${describeStatus(status)}`,
      );
    if (w.outcome === 'reached') {
      emit(o, s, a.app, 'done', `${a.version} deployed${handover ? ` (handover from ${handover.from})` : ''}`);
      return {
        ...base,
        action,
        outcome: 'deployed',
        ...(status ? { status } : {}),
        ackMs: ackAt - started,
        deployedMs: ms,
      };
    }
    const message =
      w.outcome === 'timeout'
        ? `not deployed after ${(deadlineMs / 1000).toFixed(deadlineMs < 1000 ? 1 : 0)} s; ` +
          `last status: ${describeStatus(status)}`
        : describeStatus(status);
    emit(o, s, a.app, 'error', message);
    return {
      ...base,
      action,
      outcome: w.outcome === 'timeout' ? 'timeout' : w.outcome,
      ...(status ? { status } : {}),
      message: s.clean(message),
      ackMs: ackAt - started,
    };
  } catch (e) {
    if (!(e instanceof PelatoError)) throw e;
    const message = s.clean(`${e.message}${e.hint ? ` (${e.hint})` : ''}`);
    if (isFatal(e)) throw e;
    emit(o, s, a.app, 'error', message);
    return { ...base, outcome: 'error', message };
  } finally {
    watcher.stop();
    await lock?.release();
  }
}

/** How `a` takes over from `from`, the version wadm runs: beside it (handover) or over it (in place). */
async function upgradePlan(s: Session, a: AppToDeploy, from: string, o: DeployOptions): Promise<HandoverPlan> {
  if (o.inPlace) return { kind: 'in-place', reason: `${flagName('inPlace')} given` };
  if (isHandoverVersion(from))
    return { kind: 'in-place', reason: `an earlier handover stopped at step ${from}; finishing it in place` };
  const stored = await s.client.get(a.app, from);
  if (!stored.manifest) return { kind: 'in-place', reason: `wadm returned no manifest for ${from}` };
  return planHandover(a.app, stored.manifest as Record<string, unknown>, from, a.manifest, a.version);
}

/**
 * What a deploy waits for when wadm knows no host for a spread yet, in the manifest's terms: the labels
 * the spread requires ("no host labelled host-type=edge is known to wadm yet").
 */
export function waitingForHosts(st: AppStatus, manifest: unknown): string {
  const spreads = new Map<string, Record<string, string>>();
  const components =
    (
      manifest as {
        spec?: {
          components?: Array<{
            traits?: Array<{
              properties?: { spread?: Array<{ name?: string; requirements?: Record<string, string> }> };
            }>;
          }>;
        };
      }
    )?.spec?.components ?? [];
  for (const c of components)
    for (const t of c.traits ?? [])
      for (const sp of t.properties?.spread ?? []) if (sp.name) spreads.set(sp.name, sp.requirements ?? {});
  const named = [
    ...new Set(
      st.scalers
        .filter((x) => x.reason === 'no-hosts')
        .map((x) => x.spread)
        .filter((x): x is string => !!x),
    ),
  ];
  const labels = [
    ...new Set(
      (named.length ? named : [...spreads.keys()])
        .map((n) => spreads.get(n))
        .filter((r): r is Record<string, string> => !!r)
        .map(describeLabels),
    ),
  ];
  const which = labels.length ? `no host labelled ${labels.join(' or ')}` : 'no host that matches its spread';
  return (
    `waiting: ${which} is known to wadm yet ` + '(a host is known from its first heartbeat; waiting until the deadline)'
  );
}

const describeLabels = (r: Record<string, string>) =>
  Object.entries(r)
    .map(([k, v]) => `${k}=${v}`)
    .join(',') || '(any)';

/**
 * Problems with the connection or the lattice, not with one app: they stop everything and are reported
 * once. Anything else (wadm refusing one manifest, a timeout on one request) is that app's result.
 */
const FATAL: ReadonlySet<ErrorKind> = new Set([
  'wadm-absent',
  'nats-closed',
  'nats-denied',
  'nats-unreachable',
  'nats-auth',
  'nats-tls',
  'nats-handshake',
]);

function isFatal(e: PelatoError): boolean {
  return FATAL.has(e.kind);
}

/** wadm refused a put or deploy: its message as it wrote it, and what to do, by the reason it gave. */
function rejection(a: AppToDeploy, op: string, reply: { message: string } & WadmVerdict): PelatoError {
  const message = `wadm rejected ${op} of ${a.app} ${a.version}: ${reply.message}`;
  switch (reply.reason) {
    case 'component-conflict':
      return new PelatoError(
        message,
        `another app (${reply.otherApp}) uses the same component id: ` +
          `rename component_name, or remove ${reply.otherApp} first`,
        'wadm-rejected',
      );
    case 'version-exists':
      return new PelatoError(
        message,
        `bump the version in workflow.yaml, or pass ${flagName('replace')}`,
        'wadm-rejected',
      );
    case 'invalid-manifest':
      return new PelatoError(
        message,
        `the manifest ${a.manifestFile} is not one wadm accepts; run pelato gen again and report it if it persists`,
        'wadm-rejected',
      );
    default:
      return new PelatoError(message, undefined, 'wadm-rejected');
  }
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
export async function removePlan(genDir: string, o: RemoveOptions): Promise<RemoveResult> {
  return withSession(genDir, o, async (s) => {
    const deadlineMs = timeoutMs(o, s.env);
    const apps = await Promise.all(s.plan.tasks.map((t) => removeOne(s, t.app, o, deadlineMs)));
    return {
      ok: apps.every((a) => a.outcome !== 'error' && a.outcome !== 'timeout'),
      lattice: s.client.lattice,
      server: describeSettings(s.handle.settings),
      apps,
    };
  });
}

async function removeOne(s: Session, app: string, o: RemoveOptions, deadlineMs: number): Promise<AppRemoveResult> {
  const watcher = watchApp(s.client, app, (st) => emit(o, s, app, 'status', describeStatus(st)), o.pollMs);
  try {
    const versions = await s.client.versions(app);
    const auth = s.plan.tasks.find((t) => t.app === app)?.http?.auth;
    if (!versions.length) {
      // A deploy that failed after storing the token leaves its config behind.
      if (auth && !o.keepVersions && (await s.config.get(auth.config))) {
        await s.config.delete(auth.config);
        emit(o, s, app, 'done', `not on the lattice; deleted the token's config ${auth.config}`);
        return { app, outcome: 'absent', versions: [] };
      }
      emit(o, s, app, 'done', 'not on the lattice; nothing to remove');
      return { app, outcome: 'absent', versions: [] };
    }
    const wasDeployed = versions.some((v) => v.deployed);
    if (wasDeployed) {
      const u = await s.client.undeploy(app);
      if (u.result === 'error')
        throw new PelatoError(`wadm refused to undeploy ${app}: ${u.message}`, undefined, 'wadm-rejected');
      emit(o, s, app, 'deploy', 'undeploy acknowledged');
      const w = await watcher.waitFor('undeployed', Date.now() + deadlineMs, Date.now());
      if (w.outcome !== 'reached') {
        const message =
          `not undeployed after ${(deadlineMs / 1000).toFixed(0)} s; ` +
          `last status: ${describeStatus(w.last?.status)}`;
        emit(o, s, app, 'error', message);
        return { app, outcome: 'timeout', versions: versions.map((v) => v.version), message };
      }
    }
    if (o.keepVersions) {
      emit(o, s, app, 'done', `undeployed; kept ${versions.length} version${versions.length === 1 ? '' : 's'}`);
      return { app, outcome: 'undeployed', versions: versions.map((v) => v.version) };
    }
    const d = await s.client.delete(app);
    if (d.result === 'error')
      throw new PelatoError(`wadm refused to delete ${app}: ${d.message}`, undefined, 'wadm-rejected');
    // wadm leaves configs it did not create; the token's is deploy's to remove.
    if (auth) await s.config.delete(auth.config);
    emit(
      o,
      s,
      app,
      'done',
      `undeployed and deleted ${versions.length} version${versions.length === 1 ? '' : 's'}` +
        `${auth ? ` and the token's config ${auth.config}` : ''}`,
    );
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
export async function statusPlan(genDir: string, o: StageOptions): Promise<StatusResult> {
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
