/**
 * The handover: how one version of an app takes over from the running one with traffic flowing, as a
 * sequence of wadm manifests. Pure planning; src/deploy/upgrade.ts runs the steps.
 *
 * Why steps: deploying N+1 over N in one go makes wadm 0.21.1 publish the new scalers' commands and the old
 * ones' cleanup together, and a builtin provider hands a message only to a component running on its own
 * host, so every message that arrives while N+1 is still being compiled is dropped. Instead both versions
 * run side by side in one app for a while (their component ids, provider → task link names and configs
 * differ: src/generate/manifest.ts versionKey), the providers shared and untouched:
 *   1. warm:  N as it runs, plus N+1's component without any provider → N+1 link. N+1 compiles while N works.
 *   2. both:  N+1 linked too; a queue subscription per link in the same queue group, so each message goes to
 *             exactly one of the versions. An HTTP provider that shares a listening address between links
 *             (wasmCloud's http-server provider) keeps serving N, the first link, and queues N+1 behind it.
 *   3. drain: N's provider → N links gone, N still running, so what it has received finishes and publishes
 *             (its own links to the providers stay).
 *   4. N+1 alone: the manifest as generated; N stops.
 * A provider that cannot share an address (the hosts' builtin http-server binds one socket per link) skips
 * step 2 for its links: N's listener closes in step 3 and N+1's opens in step 4, a short outage measured in
 * the README.
 */
import { canonicalJson } from './planFiles.js';

type Obj = Record<string, unknown>;

export interface Phase {
  /** Version string the step is stored under (`1.0.1~handover.1`). */
  version: string;
  /** What this step changes, for progress lines. */
  what: string;
  manifest: Obj;
  /** Provider → task links this step must show on the lattice before the next step, and those it must not. */
  linksPresent: LinkKey[];
  linksAbsent: LinkKey[];
  /**
   * Task components that must run before the next step (step 1: N+1's, before anything is linked to
   * them); `everyHost` when a daemonscaler places it, so it must run on every host its providers run on.
   */
  warm: { id: string; everyHost: boolean; feeders: string[] }[];
}

/** A link as the lattice keys it: source component id, WIT namespace and package, link name. */
export interface LinkKey {
  source: string;
  namespace: string;
  package: string;
  name: string;
  target: string;
}

export type HandoverPlan =
  | { kind: 'handover'; from: string; to: string; phases: Phase[]; retired: string[]; fromManifest: Obj }
  /** The versions cannot run side by side; the reason says why, and the upgrade is wadm's in-place one. */
  | { kind: 'in-place'; reason: string };

/** Suffix of a step's version; a version holding it is a step, not a release (see isHandoverVersion). */
export const HANDOVER_MARK = '~handover.';

export function isHandoverVersion(v: string): boolean {
  return v.includes(HANDOVER_MARK);
}

/** The image of the hosts' builtin http-server, which binds one socket per link. */
const BUILTIN_HTTP = 'wasmcloud+builtin://http-server';

interface Component {
  name: string;
  type: string;
  properties: Obj & { id?: string; image?: string; config?: Obj[] };
  traits?: Trait[];
}
interface Trait {
  type: string;
  properties: Obj & {
    name?: string;
    namespace?: string;
    package?: string;
    target?: { name?: string; config?: Obj[] };
    source?: { config?: Obj[] };
  };
}

function componentsOf(m: Obj): Component[] {
  return ((m.spec as { components?: Component[] } | undefined)?.components ?? []) as Component[];
}

/** wadm's id for a component: `properties.id`, else `{app}-{name}`. */
function idOf(app: string, c: Component): string {
  return typeof c.properties.id === 'string' ? c.properties.id : `${app}-${c.name}`;
}

/** Named configs with properties (the ones wadm writes): name → canonical properties. */
function writtenConfigs(cs: Component[]): Map<string, string> {
  const out = new Map<string, string>();
  const add = (list: Obj[] | undefined) => {
    for (const c of list ?? [])
      if (typeof c.name === 'string' && c.properties !== undefined) out.set(c.name, canonicalJson(c.properties));
  };
  for (const c of cs) {
    add(c.properties.config);
    for (const t of c.traits ?? []) {
      add(t.properties.target?.config);
      add(t.properties.source?.config);
    }
  }
  return out;
}

const isTaskLink = (t: Trait, tasks: Set<string>) => t.type === 'link' && tasks.has(t.properties.target?.name ?? '');

/**
 * The steps from `current` (the manifest wadm runs as version `from`) to `next` (version `to`), or why the
 * two cannot run side by side.
 */
export function planHandover(app: string, current: Obj, from: string, next: Obj, to: string): HandoverPlan {
  const cur = componentsOf(current);
  const nxt = componentsOf(next);
  const curTasks = cur.filter((c) => c.type === 'component');
  const nxtTasks = nxt.filter((c) => c.type === 'component');
  if (!curTasks.length || !nxtTasks.length) return { kind: 'in-place', reason: 'one of the versions has no component' };
  const curNames = new Set(curTasks.map((c) => c.name));
  const nxtNames = new Set(nxtTasks.map((c) => c.name));
  const curIds = new Set(curTasks.map((c) => idOf(app, c)));
  for (const c of nxtTasks) {
    if (curNames.has(c.name) || curIds.has(idOf(app, c)))
      return {
        kind: 'in-place',
        reason:
          `both versions name their component ${c.name} (${idOf(app, c)}); ` +
          'versions generated by this pelato carry their version in it',
      };
  }
  // Providers are shared: the one N+1 names must be the one that runs, or it would restart anyway.
  const curProviders = new Map(cur.filter((c) => c.type === 'capability').map((c) => [c.name, c]));
  const nxtProviders = new Map(nxt.filter((c) => c.type === 'capability').map((c) => [c.name, c]));
  for (const [name, p] of nxtProviders) {
    const was = curProviders.get(name);
    if (!was) continue;
    const same = (k: 'image' | 'id' | 'config') => canonicalJson(was.properties[k]) === canonicalJson(p.properties[k]);
    if (!same('image') || !same('id') || !same('config'))
      return { kind: 'in-place', reason: `provider ${name} changes (image, id or config), so it restarts anyway` };
  }
  // Configs wadm writes: one name, one content, or one version's scalers would overwrite the other's.
  const curConfigs = writtenConfigs(cur);
  for (const [name, props] of writtenConfigs(nxt)) {
    const was = curConfigs.get(name);
    if (was !== undefined && was !== props)
      return { kind: 'in-place', reason: `both versions write config ${name} with different contents` };
  }
  const linkKey = (p: Component, t: Trait, tasks: Component[]): LinkKey => {
    const target = tasks.find((c) => c.name === t.properties.target?.name)!;
    return {
      source: idOf(app, p),
      namespace: String(t.properties.namespace ?? ''),
      package: String(t.properties.package ?? ''),
      name: t.properties.name ?? 'default',
      target: idOf(app, target),
    };
  };
  const sameKey = (a: LinkKey, b: LinkKey) =>
    a.source === b.source && a.namespace === b.namespace && a.package === b.package && a.name === b.name;

  interface ProviderLinks {
    provider: Component;
    curLinks: Trait[];
    nxtLinks: Trait[];
    /** Other traits (the scaler), from the version that defines the provider last. */
    rest: Trait[];
    shares: boolean;
  }
  const providers: ProviderLinks[] = [];
  for (const name of new Set([...nxtProviders.keys(), ...curProviders.keys()])) {
    const p = nxtProviders.get(name) ?? curProviders.get(name)!;
    const curLinks = (curProviders.get(name)?.traits ?? []).filter((t) => isTaskLink(t, curNames));
    const nxtLinks = (nxtProviders.get(name)?.traits ?? []).filter((t) => isTaskLink(t, nxtNames));
    for (const a of curLinks)
      for (const b of nxtLinks)
        if (sameKey(linkKey(p, a, curTasks), linkKey(p, b, nxtTasks)))
          return {
            kind: 'in-place',
            reason:
              `both versions link provider ${name} to their component ` +
              `under the link name ${b.properties.name ?? 'default'}`,
          };
    providers.push({
      provider: p,
      curLinks,
      nxtLinks,
      rest: (p.traits ?? []).filter((t) => !isTaskLink(t, nxtNames) && !isTaskLink(t, curNames)),
      shares: p.properties.image !== BUILTIN_HTTP,
    });
  }

  const step = (
    n: number,
    what: string,
    links: (p: ProviderLinks) => Trait[],
  ): Omit<Phase, 'linksPresent' | 'linksAbsent' | 'warm'> => {
    const metadata = structuredClone(next.metadata) as { annotations?: Record<string, string> };
    const version = `${to}${HANDOVER_MARK}${n}`;
    metadata.annotations = { ...metadata.annotations, version, 'pelato.dev/handover': `${from} → ${to}, step ${n}` };
    const components = [
      ...providers.map((p) => ({ ...p.provider, traits: [...p.rest, ...links(p)] })),
      ...curTasks,
      ...nxtTasks,
    ];
    return { version, what, manifest: { ...next, metadata, spec: { ...(next.spec as Obj), components } } };
  };
  const keys = (p: ProviderLinks, ts: Trait[], tasks: Component[]) => ts.map((t) => linkKey(p.provider, t, tasks));
  const curKeys = providers.flatMap((p) => keys(p, p.curLinks, curTasks));
  const sharedNext = providers.filter((p) => p.shares).flatMap((p) => keys(p, p.nxtLinks, nxtTasks));
  const phases: Phase[] = [
    {
      ...step(1, `start ${to} beside ${from}`, (p) => p.curLinks),
      linksPresent: curKeys,
      linksAbsent: [],
      warm: nxtTasks.map((c) => ({
        id: idOf(app, c),
        everyHost: (c.traits ?? []).some((t) => t.type === 'daemonscaler'),
        // The providers that will hand it messages or requests: on their hosts it must run.
        feeders: providers
          .filter((p) => p.nxtLinks.some((t) => t.properties.target?.name === c.name))
          .map((p) => idOf(app, p.provider)),
      })),
    },
  ];
  if (sharedNext.length)
    phases.push({
      ...step(2, `link ${to} beside ${from}`, (p) => (p.shares ? [...p.curLinks, ...p.nxtLinks] : p.curLinks)),
      linksPresent: [...curKeys, ...sharedNext],
      linksAbsent: [],
      warm: [],
    });
  phases.push({
    ...step(3, `unlink ${from} and let it finish`, (p) => (p.shares ? p.nxtLinks : [])),
    linksPresent: sharedNext,
    linksAbsent: curKeys,
    warm: [],
  });
  return { kind: 'handover', from, to, phases, retired: curTasks.map((c) => idOf(app, c)), fromManifest: current };
}

/** The name wadm stores a manifest's config under: `{app}-{name}`, each lower-cased, other than [a-z0-9] → `_`. */
export function wadmConfigName(app: string, name: string): string {
  const part = (x: string) => x.toLowerCase().replace(/[^a-z0-9]/g, '_');
  return `${part(app)}-${part(name)}`;
}

/**
 * The configs a manifest's links carry (with their contents), under the names wadm stores them. wadm 0.21.1
 * puts a link only after its configs exist, and then only on the next event about its source or target (a
 * component scaling, a provider's health); when both already run, as in a handover, nothing comes and the
 * link waits forever ("Putting link definition between …"). Put beforehand, the configs are found at once and
 * the link is put in the same reconcile.
 */
export function linkConfigs(app: string, manifest: Obj): { name: string; values: Record<string, string> }[] {
  const out = new Map<string, Record<string, string>>();
  for (const c of componentsOf(manifest))
    for (const t of c.traits ?? []) {
      if (t.type !== 'link') continue;
      for (const cfg of [...(t.properties.source?.config ?? []), ...(t.properties.target?.config ?? [])])
        if (typeof cfg.name === 'string' && cfg.properties && typeof cfg.properties === 'object')
          out.set(
            wadmConfigName(app, cfg.name),
            Object.fromEntries(Object.entries(cfg.properties as Obj).map(([k, v]) => [k, String(v)])),
          );
    }
  return [...out].map(([name, values]) => ({ name, values }));
}
