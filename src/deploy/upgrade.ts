/**
 * Runs a handover (src/deploy/handover.ts) on the lattice: each step is stored and deployed like any
 * version, then checked on the hosts themselves before the next one (the new component runs where its
 * providers run, the links the step adds are there and the ones it removes are gone), then given
 * `settleMs` for the providers to act on the links (subscribe; or let the old version finish what it was
 * handed). A step that does not get there by the deadline rolls the app back to the version that ran.
 */
import { PelatoError, type ErrorKind } from '../common/diagnostics.js';
import { linkConfigs, type HandoverPlan, type LinkKey, type Phase } from './handover.js';
import type { ConfigClient } from './configClient.js';
import type { LatticeClient } from './latticeClient.js';
import type { StatusWatcher } from './watch.js';
import type { WadmClient } from './wadmClient.js';
import { wadmProblems } from '../generate/wadmChecks.js';
import { canonicalJson } from './planFiles.js';

export interface UpgradeContext {
  app: string;
  client: WadmClient;
  lattice: LatticeClient;
  /** Named config on the lattice: the links' configs are put before each step (see linkConfigs). */
  config: ConfigClient;
  watcher: StatusWatcher;
  deadline: number;
  /** After a step's links are in place (or gone), how long providers get to act on it. */
  settleMs: number;
  /** After a deploy request, how long a polled status may still describe the previous manifest. */
  upgradeSettleMs: number;
  say: (text: string) => void;
  /** What the wait for wadm reports while it waits (hosts not known yet). */
  describe: (st: Parameters<NonNullable<Parameters<StatusWatcher['waitFor']>[4]>>[0]) => string;
}

/** Failures worth another try within the deadline: wadm or NATS restarting, a busy wadm. */
const TRANSIENT: ReadonlySet<ErrorKind> = new Set(['wadm-absent', 'wadm-timeout', 'nats-closed']);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `fn`, again after transient failures, until the deadline; the last failure if it never succeeds. */
export async function retrying<T>(ctx: UpgradeContext, what: string, fn: () => Promise<T>): Promise<T> {
  let told = false;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof PelatoError) || !TRANSIENT.has(e.kind) || Date.now() + 1000 > ctx.deadline) throw e;
      if (!told) ctx.say(`${what}: ${e.message}; trying again until the deadline`);
      told = true;
      await sleep(1000);
    }
  }
}

/** Stores a step's manifest (again, if an interrupted run left a different one under its version). */
async function putStep(ctx: UpgradeContext, p: Phase): Promise<void> {
  const problems = wadmProblems(p.manifest);
  if (problems.length)
    throw new PelatoError(`handover step ${p.version} of ${ctx.app} is not a valid manifest: ${problems.join('; ')}`);
  const stored = await retrying(ctx, 'storing a handover step', () => ctx.client.get(ctx.app, p.version));
  if (stored.manifest) {
    if (canonicalJson(stored.manifest) === canonicalJson(p.manifest)) return;
    await retrying(ctx, 'replacing a handover step', () => ctx.client.delete(ctx.app, p.version));
  }
  const r = await retrying(ctx, 'storing a handover step', () => ctx.client.put(p.manifest));
  if (r.result === 'error')
    throw new PelatoError(
      `wadm refused handover step ${p.version} of ${ctx.app}: ${r.message}`,
      undefined,
      'wadm-rejected',
    );
}

/** Puts the configs `manifest`'s links need where they are missing or differ (see linkConfigs). */
export async function putLinkConfigs(ctx: UpgradeContext, manifest: Record<string, unknown>): Promise<void> {
  for (const { name, values } of linkConfigs(ctx.app, manifest)) {
    const have = await retrying(ctx, `reading config ${name}`, () => ctx.config.get(name));
    if (have && canonicalJson(have) === canonicalJson(values)) continue;
    await retrying(ctx, `storing config ${name}`, () => ctx.config.put(name, values));
  }
}

/**
 * Deploys `version` (whose manifest is `manifest`) and waits for wadm's `deployed`; wadm's reason when it
 * ends otherwise.
 */
export async function deployAndWait(
  ctx: UpgradeContext,
  version: string,
  manifest: Record<string, unknown>,
): Promise<string | undefined> {
  await putLinkConfigs(ctx, manifest);
  const d = await retrying(ctx, `deploying ${version}`, () => ctx.client.deploy(ctx.app, version));
  if (d.result !== 'acknowledged') return `wadm refused to deploy ${version}: ${d.message || d.result}`;
  const trustFrom = Date.now() + ctx.upgradeSettleMs;
  const w = await ctx.watcher.waitFor('deployed', ctx.deadline, trustFrom, Infinity, (st) => ctx.say(ctx.describe(st)));
  if (w.outcome === 'reached') return undefined;
  const st = w.last?.status;
  const why = st ? `${st.status}${st.message ? `: ${st.message}` : ''}` : 'no status';
  return w.outcome === 'timeout' ? `${version} not deployed by the deadline (last status ${why})` : `${version} ${why}`;
}

const sameLink = (a: LinkKey, b: LinkKey) =>
  a.source === b.source &&
  a.target === b.target &&
  a.name === b.name &&
  a.namespace === b.namespace &&
  a.package === b.package;

/**
 * What still keeps the step from being done on the hosts, or undefined when nothing does: a new component
 * not running on a host whose provider will hand it messages, a link missing or still there.
 */
async function stepPending(ctx: UpgradeContext, p: Phase): Promise<string | undefined> {
  if (p.warm.length) {
    const hosts = await ctx.lattice.hosts();
    for (const { id, everyHost, feeders } of p.warm) {
      const running = hosts.filter((h) => h.components.includes(id));
      if (!running.length) return `${id} runs on no host yet`;
      const missing = hosts.filter((h) => h.providers.some((x) => feeders.includes(x)) && !h.components.includes(id));
      // A spread places the component on some hosts only; a provider elsewhere cannot reach it anyway.
      if (missing.length && everyHost) return `${id} is not running on host ${missing[0]!.host} yet`;
    }
  }
  if (p.linksPresent.length || p.linksAbsent.length) {
    const links = await ctx.lattice.links();
    const absent = p.linksPresent.find((k) => !links.some((l) => sameLink(l, k)));
    if (absent) return `link ${absent.source} → ${absent.target} (${absent.name}) not in place yet`;
    const present = p.linksAbsent.find((k) => links.some((l) => sameLink(l, k)));
    if (present) return `link ${present.source} → ${present.target} (${present.name}) still in place`;
  }
  return undefined;
}

/**
 * Runs the steps. Resolves with undefined when the last step is done (the caller then deploys the new
 * version itself), or with the reason it stopped; the caller rolls back.
 */
export async function runSteps(
  ctx: UpgradeContext,
  plan: Extract<HandoverPlan, { kind: 'handover' }>,
): Promise<string | undefined> {
  for (const p of plan.phases) {
    ctx.say(`handover ${p.version}: ${p.what}`);
    await putStep(ctx, p);
    const failed = await deployAndWait(ctx, p.version, p.manifest);
    if (failed) return failed;
    let pending: string | undefined;
    let told: string | undefined;
    for (;;) {
      try {
        pending = await stepPending(ctx, p);
      } catch (e) {
        if (!(e instanceof PelatoError)) throw e;
        pending = e.message;
      }
      if (!pending) break;
      if (Date.now() + 300 > ctx.deadline) return `handover step ${p.version} not done by the deadline: ${pending}`;
      if (pending !== told) ctx.say(`waiting: ${pending}`);
      told = pending;
      await sleep(300);
    }
    await sleep(ctx.settleMs);
  }
  return undefined;
}

/** Back to the version that ran before; its component never stopped, so this only removes the new parts. */
export async function rollBack(
  ctx: UpgradeContext,
  plan: Extract<HandoverPlan, { kind: 'handover' }>,
): Promise<string | undefined> {
  ctx.say(`rolling back to ${plan.from}`);
  return deployAndWait(ctx, plan.from, plan.fromManifest);
}

/**
 * Deletes the stored step versions; they only ever matter while a handover runs. Only those that exist:
 * wadm 0.21.1 answers the delete of a version it does not have with an undeploy of the whole app.
 */
export async function dropSteps(ctx: UpgradeContext, versions: string[]): Promise<void> {
  try {
    const stored = new Set((await ctx.client.versions(ctx.app)).filter((v) => !v.deployed).map((v) => v.version));
    for (const v of versions) {
      if (!stored.has(v)) continue;
      await retrying(ctx, 'deleting a handover step', () => ctx.client.delete(ctx.app, v));
    }
  } catch {
    // Left stored, harmless: the next handover to the same version replaces them.
  }
}
