/**
 * The wadm manifest of one task, built as data. It is turned into YAML only by the `yaml` library, so
 * no user string can change its structure.
 */
import type { PlannedTask } from '../model/plan.js';
import type { Task, Workflow } from '../model/workflow.js';
import type { ProviderKind } from '../templates/catalog.js';

export const HOST_TYPE_LABEL = 'host-type';

/**
 * What makes a version's parts distinct: `v` and the version in lower-case letters, digits and dashes
 * (`1.0.1` → `v1-0-1`). A handover deploy (src/deploy/handover.ts) runs two versions of an app side by side
 * in one manifest under wadm 0.21.1, which keys components, links and configs by name: the task's
 * component name and id, the provider → task link names and the configs wadm writes all carry it, so
 * neither version's scalers touch the other's parts. The providers do not: both versions share them, and
 * an unchanged provider keeps running through an upgrade.
 */
export function versionKey(version: string): string {
  return `v${version
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')}`;
}

/** Name of the task's component inside its app (the app name makes its id unique in the lattice). */
export function taskComponentName(version: string): string {
  return `task-${versionKey(version)}`;
}

type Obj = Record<string, unknown>;

export function buildManifest(wf: Workflow, task: Task, plan: PlannedTask): Obj {
  const app = plan.app;
  const key = versionKey(plan.version);
  const TASK = taskComponentName(plan.version);
  const id = (part: string) => `${app}-${part}`;
  // every_host puts the component wherever its providers run (see Placement); spread spreads a total.
  const scaler = task.placement === 'spread' ? 'spreadscaler' : 'daemonscaler';
  const componentTraits: Obj[] = [
    { type: scaler, properties: { instances: task.instances, spread: spreads(task.targets) } },
  ];
  const components: Obj[] = [];
  for (const kind of plan.providers) {
    const p = provider(kind, task, app, TASK, key);
    if (p.componentLink) componentTraits.push({ type: 'link', properties: p.componentLink });
    components.push({
      name: p.name,
      type: 'capability',
      properties: { image: wf.providers[kind], id: id(p.name) },
      traits: [
        // A provider runs on every host the task may run on.
        { type: 'daemonscaler', properties: { instances: 1, spread: spreads(task.targets) } },
        ...(p.providerLink ? [{ type: 'link', properties: p.providerLink }] : []),
      ],
    });
  }
  const taskProps: Obj = { image: plan.image, id: id(TASK) };
  const configs: Obj[] = [];
  if (Object.keys(task.config).length)
    configs.push({ name: id(`config-${key}`), properties: sortedRecord(task.config) });
  // No properties: the token is put on the lattice by deploy, so the manifest only names it.
  if (task.http?.auth) configs.push({ name: httpAuthConfig(app) });
  if (configs.length) taskProps.config = configs;
  components.unshift({ name: TASK, type: 'component', properties: taskProps, traits: componentTraits });
  return {
    apiVersion: 'core.oam.dev/v1beta1',
    kind: 'Application',
    metadata: {
      name: app,
      annotations: {
        version: plan.version,
        description: task.name,
        'pelato.dev/project': wf.project_name,
        'pelato.dev/task-type': task.type,
        'pelato.dev/content-hash': plan.content_hash,
      },
    },
    spec: { components },
  };
}

/** One spread per target, weights summing to 100 (the remainder goes to the first targets). */
export function spreads(targets: string[]): Obj[] {
  const base = Math.floor(100 / targets.length);
  let rest = 100 - base * targets.length;
  return targets.map((t) => {
    const weight = base + (rest > 0 ? 1 : 0);
    if (rest > 0) rest--;
    return { name: t, requirements: { [HOST_TYPE_LABEL]: t }, weight };
  });
}

interface ProviderParts {
  name: string;
  componentLink?: Obj;
  providerLink?: Obj;
}

/** `target` is the task's component name, `key` its version key (link and config names). */
function provider(kind: ProviderKind, task: Task, app: string, target: string, key: string): ProviderParts {
  switch (kind) {
    case 'messaging': {
      const parts: ProviderParts = { name: 'messaging' };
      // Only tasks that publish import wasmcloud:messaging/consumer.
      if (task.dest_topic) {
        parts.componentLink = {
          namespace: 'wasmcloud',
          package: 'messaging',
          interfaces: ['consumer'],
          target: { name: 'messaging' },
        };
      }
      if (task.source_topic) {
        parts.providerLink = {
          name: key,
          namespace: 'wasmcloud',
          package: 'messaging',
          interfaces: ['handler'],
          target: { name: target },
          source: {
            config: [{ name: `${app}-subscription-${key}`, properties: { subscriptions: subscription(task, app) } }],
          },
        };
      }
      return parts;
    }
    case 'http':
      return {
        name: 'httpserver',
        providerLink: {
          name: key,
          namespace: 'wasi',
          package: 'http',
          interfaces: ['incoming-handler'],
          target: { name: target },
          source: { config: [{ name: `${app}-http-${key}`, properties: httpLinkProperties(task) }] },
        },
      };
    case 'postgres':
      return {
        name: 'postgres',
        componentLink: {
          namespace: 'wasmcloud',
          package: 'postgres',
          interfaces: ['query'],
          // The connection settings (with the password) live in a named config the operator creates; the
          // manifest only refers to it, so no credential is ever part of a generated file.
          target: { name: 'postgres', config: [{ name: task.database!.connection_config }] },
        },
      };
  }
}

/** Named config holding an HTTP task's bearer token; created by deploy, not by wadm. */
export function httpAuthConfig(app: string): string {
  return `${app}-http-auth`;
}

/**
 * The http-server provider's link settings. `timeout_ms` makes the provider image answer 408 when the
 * component takes longer (the component enforces the same deadline on the body itself); the TLS files
 * make it serve HTTPS.
 */
function httpLinkProperties(task: Task): Record<string, string> {
  const h = task.http!;
  return {
    address: h.address,
    timeout_ms: String(h.timeout_ms),
    ...(h.tls ? { tls_cert_file: h.tls.cert_file, tls_priv_key_file: h.tls.key_file } : {}),
  };
}

/**
 * The messaging provider runs on every matching host (daemonscaler), so more than one instance can
 * receive the topic as soon as there is more than one host or instance. A queue subscription named after
 * the app makes each message go to exactly one of them; other apps on the same topic still get their copy.
 */
export function subscription(task: Task, app: string): string {
  return `${task.source_topic}|${app}`;
}

function sortedRecord(r: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
