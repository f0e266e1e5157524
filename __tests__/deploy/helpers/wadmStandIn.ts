/**
 * STAND-IN for wadm, for tests only, until a real wadm is part of the test setup (a later issue).
 * It answers the documented control subjects (shared/reference/wadm-api.md) over a real nats-server,
 * with wadm's reply shapes and error texts, and publishes status changes on `wadm.status.{lattice}.{app}`.
 * What it cannot know (hosts, images) is scripted per app: how long reconciling takes and how it ends.
 * `legacy: true` answers like wadm ≤ 0.13 (bare array from model.list, `compensating`/`ready`, components).
 */
import { connect, type Msg, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import { parse as parseYaml } from 'yaml';

export type FinalState = 'deployed' | 'failed' | 'unhealthy' | 'reconciling';

export interface AppBehavior {
  /** ms from deploy to the final state (default 0: at once after `reconciling`). */
  delayMs?: number;
  final?: FinalState;
  message?: string;
  scalers?: { name: string; kind?: string; status: string; message: string }[];
}

export interface StandInOptions {
  lattice?: string;
  prefix?: string;
  legacy?: boolean;
  defaults?: AppBehavior;
}

interface Stored {
  version: string;
  manifest: Record<string, unknown>;
}
interface App {
  versions: Stored[];
  deployed?: string;
  status: { type: string; message: string; scalers: AppBehavior['scalers'] };
  timer?: NodeJS.Timeout;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const TOP_FIELDS = new Set(['apiVersion', 'kind', 'metadata', 'spec']);

export class WadmStandIn {
  readonly apps = new Map<string, App>();
  readonly behavior = new Map<string, AppBehavior>();
  readonly calls: { op: string; name?: string; contentType?: string; body: string }[] = [];
  /** Called on every request before it is answered (for tests that look at the world mid-deploy). */
  onRequest?: (op: string, name: string | undefined) => void;
  private ulid = 0;

  private constructor(
    readonly nc: NatsConnection,
    readonly opts: Required<Omit<StandInOptions, 'defaults'>> & { defaults: AppBehavior },
  ) {}

  static async start(conn: NodeConnectionOptions, opts: StandInOptions = {}): Promise<WadmStandIn> {
    const nc = await connect({ ...conn, name: 'wadm-stand-in' });
    const w = new WadmStandIn(nc, {
      lattice: opts.lattice ?? 'default',
      prefix: opts.prefix ?? 'wadm.api',
      legacy: opts.legacy ?? false,
      defaults: opts.defaults ?? {},
    });
    nc.subscribe(`${w.opts.prefix}.${w.opts.lattice}.model.>`, { callback: (_e, m) => w.handle(m) });
    await nc.flush();
    return w;
  }

  async stop(): Promise<void> {
    for (const a of this.apps.values()) clearTimeout(a.timer);
    await this.nc.close();
  }

  count(op: string): number {
    return this.calls.filter((c) => c.op === op).length;
  }

  private handle(m: Msg): void {
    const tokens = m.subject.split('.');
    const base = this.opts.prefix.split('.').length + 2; // prefix, lattice, "model"
    const op = tokens[base]!;
    const name = tokens.length > base + 1 ? tokens.slice(base + 1).join('.') : undefined;
    const body = dec.decode(m.data);
    const contentType = m.headers?.get('Content-Type') || undefined;
    this.calls.push({ op, ...(name ? { name } : {}), ...(contentType ? { contentType } : {}), body });
    this.onRequest?.(op, name);
    m.respond(enc.encode(JSON.stringify(this.answer(op, name, body, contentType))));
  }

  /** wadm's reply to one model request. */
  private answer(op: string, name: string | undefined, body: string, contentType?: string): unknown {
    let req: Record<string, unknown> = {};
    if (op !== 'put' && body.trim()) {
      try {
        req = JSON.parse(body) as Record<string, unknown>;
      } catch {
        return { result: 'error', message: 'Unable to parse request body' };
      }
    }
    switch (op) {
      case 'put':
        return this.put(body, contentType);
      case 'get':
        return name ? this.get(name, req.version as string | undefined) : this.list(false);
      case 'list':
        return this.list(true);
      case 'versions': {
        const a = this.apps.get(name!);
        if (!a) return { result: 'notfound', message: `Model with the name ${name} not found`, versions: [] };
        return {
          result: 'success',
          message: '',
          versions: a.versions.map((v) => ({ version: v.version, deployed: v.version === a.deployed })),
        };
      }
      case 'deploy':
        return this.deploy(name!, req.version as string | undefined);
      case 'undeploy':
        return this.undeploy(name!);
      case 'del':
        return this.del(name!, req);
      case 'status':
        return this.statusReply(name!);
      default:
        return { result: 'error', message: `Unsupported operation ${op}` };
    }
  }

  private put(body: string, contentType?: string) {
    let manifest: Record<string, unknown>;
    try {
      if (contentType && contentType !== 'application/json' && contentType !== 'application/yaml') {
        return {
          result: 'error',
          message: `Unsupported Content-Type: ${contentType}`,
          name: '',
          current_version: '',
          total_versions: 0,
        };
      }
      manifest = (contentType === 'application/json' ? JSON.parse(body) : parseYaml(body)) as Record<string, unknown>;
      if (!manifest || typeof manifest !== 'object') throw new Error('expected a mapping');
      for (const k of Object.keys(manifest))
        if (!TOP_FIELDS.has(k))
          throw new Error(`unknown field \`${k}\`, expected one of \`apiVersion\`, \`kind\`, \`metadata\`, \`spec\``);
      for (const k of TOP_FIELDS) if (!(k in manifest)) throw new Error(`missing field \`${k}\``);
    } catch (e) {
      return {
        result: 'error',
        message: `Unable to parse manifest: ${(e as Error).message}`,
        name: '',
        current_version: '',
        total_versions: 0,
      };
    }
    const meta = manifest.metadata as { name: string; annotations?: Record<string, string> };
    const name = meta.name;
    if (!/^[-\w]+$/.test(name))
      return {
        result: 'error',
        message: `Manifest name ${name} contains invalid characters`,
        name,
        current_version: '',
        total_versions: 0,
      };
    meta.annotations ??= {};
    let version = meta.annotations.version;
    if (version === 'latest')
      return {
        result: 'error',
        message: 'A manifest with a version "latest" is not allowed',
        name,
        current_version: '',
        total_versions: 0,
      };
    if (!version) version = meta.annotations.version = `01STANDIN${String(++this.ulid).padStart(17, '0')}`;
    const app = this.apps.get(name) ?? { versions: [], status: { type: 'undeployed', message: '', scalers: [] } };
    if (app.versions.some((v) => v.version === version)) {
      return {
        result: 'error',
        message: `Manifest version ${version} already exists`,
        name,
        current_version: version,
        total_versions: app.versions.length,
      };
    }
    app.versions.push({ version, manifest });
    this.apps.set(name, app);
    return {
      result: app.versions.length === 1 ? 'created' : 'newversion',
      name,
      current_version: version,
      total_versions: app.versions.length,
      message: `Successfully put manifest`,
    };
  }

  private get(name: string, version?: string) {
    const a = this.apps.get(name);
    const v = a && (version ? a.versions.find((x) => x.version === version) : a.versions[a.versions.length - 1]);
    if (!v) return { result: 'notfound', message: `Model ${name}${version ? ` version ${version}` : ''} not found` };
    return { result: 'success', message: '', manifest: v.manifest };
  }

  private list(legacyEndpoint: boolean) {
    if (this.opts.legacy && !legacyEndpoint)
      return { result: 'error', message: 'Unable to parse request: missing model name' };
    const models = [...this.apps.entries()].map(([name, a]) => {
      const latest = a.versions[a.versions.length - 1]!;
      const m = latest.manifest.metadata as { annotations?: Record<string, string> };
      const common = {
        name,
        version: latest.version,
        description: m.annotations?.description ?? null,
        deployed_version: a.deployed ?? null,
      };
      if (this.opts.legacy)
        return { ...common, status: this.legacyType(a.status.type), status_message: a.status.message };
      return { ...common, detailed_status: this.statusObj(a), status: a.status.type, status_message: a.status.message };
    });
    return legacyEndpoint ? models : { result: 'success', message: '', models };
  }

  private componentIds(app: string, manifest: Record<string, unknown>): string[] {
    const comps =
      (manifest.spec as { components?: { name: string; properties?: { id?: string } }[] })?.components ?? [];
    return comps.map((c) => c.properties?.id ?? `${app}-${c.name}`.toLowerCase().replace(/[^a-z0-9]/g, '_'));
  }

  private deploy(name: string, version?: string) {
    const a = this.apps.get(name);
    if (!a) return { result: 'notfound', message: `Model ${name} not found`, name };
    const v =
      version && version !== 'latest'
        ? a.versions.find((x) => x.version === version)
        : a.versions[a.versions.length - 1];
    if (!v) return { result: 'notfound', message: `Version ${version} of model ${name} not found`, name };
    const mine = this.componentIds(name, v.manifest);
    for (const [other, o] of this.apps) {
      if (other === name || !o.deployed) continue;
      const theirs = this.componentIds(other, o.versions.find((x) => x.version === o.deployed)!.manifest);
      const clash = mine.find((id) => theirs.includes(id));
      if (clash)
        return {
          result: 'error',
          message: `Component identifier '${clash}' is already deployed in a different application '${other}'`,
          name,
        };
    }
    a.deployed = v.version;
    const b = { ...this.opts.defaults, ...this.behavior.get(name) };
    clearTimeout(a.timer);
    // Like wadm: reconcile first, then settle; the feed carries each change.
    setTimeout(() => {
      this.setStatus(name, a, { type: 'reconciling', message: '', scalers: [] });
      a.timer = setTimeout(() => {
        const final = b.final ?? 'deployed';
        this.setStatus(name, a, { type: final, message: b.message ?? '', scalers: b.scalers ?? [] });
      }, b.delayMs ?? 0);
    }, 1);
    return { result: 'acknowledged', message: '', name, version: v.version };
  }

  private undeploy(name: string) {
    const a = this.apps.get(name);
    if (!a) return { result: 'notfound', message: `Model ${name} not found`, name };
    a.deployed = undefined;
    clearTimeout(a.timer);
    a.timer = setTimeout(() => this.setStatus(name, a, { type: 'undeployed', message: '', scalers: [] }), 5);
    return { result: 'acknowledged', message: '', name };
  }

  private del(name: string, req: Record<string, unknown>) {
    const a = this.apps.get(name);
    if (!a) return { result: 'noop', message: `Model ${name} not found`, undeploy: false };
    const version = typeof req.version === 'string' ? req.version : undefined;
    if (!version) {
      const wasDeployed = !!a.deployed;
      clearTimeout(a.timer);
      this.apps.delete(name);
      return { result: 'deleted', message: `Deleted all versions of ${name}`, undeploy: wasDeployed };
    }
    const i = a.versions.findIndex((v) => v.version === version);
    if (i < 0) return { result: 'noop', message: `Version ${version} of ${name} not found`, undeploy: false };
    a.versions.splice(i, 1);
    const undeploy = a.deployed === version;
    if (undeploy) {
      a.deployed = undefined;
      this.setStatus(name, a, { type: 'undeployed', message: '', scalers: [] });
    }
    if (!a.versions.length) this.apps.delete(name);
    return { result: 'deleted', message: `Deleted version ${version} of ${name}`, undeploy };
  }

  private legacyType(t: string): string {
    return t === 'reconciling' ? 'compensating' : t === 'deployed' ? 'ready' : t;
  }

  private statusObj(a: App) {
    const scalers = (a.status.scalers ?? []).map((s) => ({
      id: `${s.kind ?? 'SpreadScaler'}-${s.name}`,
      kind: s.kind ?? 'SpreadScaler',
      name: s.name,
      status: { type: s.status, message: s.message },
    }));
    if (this.opts.legacy) {
      return {
        version: a.deployed ?? '',
        status: { type: this.legacyType(a.status.type), message: a.status.message },
        components: (a.status.scalers ?? []).map((s) => ({
          name: s.name,
          type: 'component',
          status: { type: this.legacyType(s.status), message: s.message },
          traits: [{ type: s.kind ?? 'spreadscaler', status: { type: this.legacyType(s.status), message: s.message } }],
        })),
      };
    }
    return {
      status: { type: a.status.type, ...(a.status.message ? { message: a.status.message } : {}) },
      ...(scalers.length ? { scalers } : {}),
    };
  }

  private statusReply(name: string) {
    const a = this.apps.get(name);
    if (!a) return { result: 'ok', message: '', status: { status: { type: 'undeployed' } } };
    return { result: 'ok', message: '', status: this.statusObj(a) };
  }

  private setStatus(name: string, a: App, s: App['status']): void {
    a.status = s;
    this.nc.publish(`wadm.status.${this.opts.lattice}.${name}`, enc.encode(JSON.stringify(this.statusObj(a))));
  }
}
