/**
 * wadm's replies, normalized. Older wadm (≤ 0.13) and newer wadm differ in places (a bare array from
 * `model.list`, status `info` with per-component statuses, `compensating`/`ready` spellings); everything
 * here accepts both and returns one shape.
 */

export const STATUS_TYPES = ['waiting', 'undeployed', 'reconciling', 'deployed', 'failed', 'unhealthy'] as const;
export type StatusType = (typeof STATUS_TYPES)[number];

export interface ScalerStatus extends WadmVerdict {
  id: string;
  kind: string;
  name: string;
  status: StatusType;
  message: string;
}

export interface AppStatus extends WadmVerdict {
  status: StatusType;
  message: string;
  scalers: ScalerStatus[];
  /** Only older wadm reports the version a status belongs to. */
  version?: string;
}

export interface PutReply extends WadmVerdict {
  result: 'created' | 'newversion' | 'error';
  name: string;
  currentVersion: string;
  totalVersions: number;
  message: string;
}

export interface ModelSummary {
  name: string;
  version: string;
  description?: string;
  deployedVersion?: string;
  status: StatusType;
  message: string;
}

export interface VersionInfo {
  version: string;
  deployed: boolean;
}

export interface DeployReply extends WadmVerdict {
  result: 'acknowledged' | 'notfound' | 'error';
  message: string;
  name: string;
  version?: string;
}

export interface DeleteReply extends WadmVerdict {
  result: 'deleted' | 'noop' | 'error';
  message: string;
  undeploy: boolean;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const lower = (v: unknown) => str(v).toLowerCase();

/**
 * What wadm's message says, for the callers to decide on. wadm sends its reasons as free text only, so this
 * is the one place that reads that text; every parse function below attaches the result as `reason`.
 * Wordings are wadm 0.21's (see shared/reference/wadm-api.md) and the older ones it replaced.
 */
export type WadmReason =
  /** "Component identifier 'X' is already deployed in a different application 'Y'" (`otherApp` is Y). */
  | 'component-conflict'
  /** "Manifest version 1.0.0 already exists". */
  | 'version-exists'
  /** "Unable to parse manifest: …", unknown or missing fields, invalid values. */
  | 'invalid-manifest'
  /** The app or version is not known. */
  | 'not-found'
  /** A scaler (or the app) failed only because no host matches yet: "0 eligible hosts found", "No hosts match …". */
  | 'no-hosts'
  | 'other';

/** The reason wadm gave, for a component conflict the app that already has the component, for no-hosts the spread. */
export interface WadmVerdict {
  reason: WadmReason;
  otherApp?: string;
  /** no-hosts: the spread (daemonscaler or spreadscaler entry) no host matches, when wadm names it. */
  spread?: string;
}

export function classifyWadmMessage(message: string): WadmVerdict {
  const conflict = /already deployed in a different application '([^']+)'/.exec(message);
  if (conflict) return { reason: 'component-conflict', otherApp: conflict[1]! };
  if (/already exists/i.test(message)) return { reason: 'version-exists' };
  if (/0(?:\/\d+)? eligible hosts found|no hosts match/i.test(message)) {
    // "Could not satisfy daemonscaler edge for …, 0 eligible hosts found." (spreadscaler: "spread edge", "0/1")
    const spread = /Could not satisfy (?:daemonscaler|spread) (\S+) for /.exec(message)?.[1];
    return spread ? { reason: 'no-hosts', spread } : { reason: 'no-hosts' };
  }
  if (/parse|invalid|unknown field|missing field/i.test(message)) return { reason: 'invalid-manifest' };
  if (/not found|no.*(model|manifest|app)|does not exist/i.test(message)) return { reason: 'not-found' };
  return { reason: 'other' };
}

export function statusType(v: unknown): StatusType {
  const s = lower(v);
  if (s === 'compensating') return 'reconciling';
  if (s === 'ready') return 'deployed';
  return (STATUS_TYPES as readonly string[]).includes(s) ? (s as StatusType) : 'undeployed';
}

/** `{type, message}` (new), or a bare type string (old list replies). */
function info(v: unknown): { status: StatusType; message: string } & WadmVerdict {
  if (isObj(v))
    return {
      status: statusType(v.type ?? v.status_type),
      message: str(v.message),
      ...classifyWadmMessage(str(v.message)),
    };
  return { status: statusType(v), message: '', reason: 'other' };
}

/**
 * A status object: `{status: {type, message}, scalers: [...]}` (new, also the status feed's payload),
 * `{info: …}`, or the older `{version, status, components: [{name, type, status, traits}]}`.
 */
export function parseStatus(v: unknown): AppStatus {
  if (!isObj(v)) return { status: 'undeployed', message: '', reason: 'other', scalers: [] };
  // A whole status reply, `{result, status: {status: …}}`, or a feed message wrapping the status.
  if (isObj(v.status) && (isObj((v.status as Obj).status) || isObj((v.status as Obj).info)))
    return parseStatus(v.status);
  const head = info(v.status ?? v.info);
  const scalers: ScalerStatus[] = [];
  if (Array.isArray(v.scalers)) {
    for (const s of v.scalers) {
      if (!isObj(s)) continue;
      const i = info(s.status ?? s.info);
      scalers.push({ id: str(s.id), kind: str(s.kind), name: str(s.name), ...i });
    }
  }
  if (Array.isArray(v.components)) {
    for (const c of v.components) {
      if (!isObj(c)) continue;
      const traits = Array.isArray(c.traits) ? c.traits.filter(isObj) : [];
      for (const t of traits.length ? traits : [c]) {
        const i = info(t.status ?? t.info);
        scalers.push({ id: str(c.name), kind: str(t.type ?? c.type), name: str(c.name), ...i });
      }
    }
  }
  const version = str(v.version) || undefined;
  return { ...head, scalers, ...(version ? { version } : {}) };
}

export function parsePut(v: unknown): PutReply {
  const o = isObj(v) ? v : {};
  const r = lower(o.result);
  return {
    result: r === 'created' || r === 'newversion' ? r : 'error',
    name: str(o.name),
    currentVersion: str(o.current_version),
    totalVersions: Number(o.total_versions ?? 0) || 0,
    message: str(o.message) || (isObj(v) ? '' : 'unreadable reply from wadm'),
    ...classifyWadmMessage(str(o.message)),
  };
}

export function parseGet(v: unknown): { result: 'success' | 'notfound' | 'error'; message: string; manifest?: Obj } {
  const o = isObj(v) ? v : {};
  const r = lower(o.result);
  return {
    result: r === 'success' || r === 'notfound' ? r : 'error',
    message: str(o.message),
    ...(isObj(o.manifest) ? { manifest: o.manifest } : {}),
  };
}

export function parseList(v: unknown): { result: 'success' | 'error'; message: string; models: ModelSummary[] } {
  const o = isObj(v) ? v : {};
  const raw: unknown[] = Array.isArray(v) ? v : Array.isArray(o.models) ? o.models : [];
  const models = raw.filter(isObj).map((m) => {
    const detailed = isObj(m.detailed_status) ? parseStatus(m.detailed_status) : undefined;
    const st = detailed ?? {
      status: statusType(isObj(m.status) ? m.status.type : m.status),
      message: str(m.status_message),
    };
    return {
      name: str(m.name),
      version: str(m.version),
      ...(m.description ? { description: str(m.description) } : {}),
      ...(m.deployed_version ? { deployedVersion: str(m.deployed_version) } : {}),
      status: st.status,
      message: st.message,
    };
  });
  const ok = Array.isArray(v) || Array.isArray(o.models);
  return { result: ok ? 'success' : 'error', message: str(o.message), models };
}

export function parseVersions(
  v: unknown,
): { result: 'success' | 'notfound' | 'error'; message: string; versions: VersionInfo[] } & WadmVerdict {
  const o = isObj(v) ? v : {};
  const raw: unknown[] = Array.isArray(v) ? v : Array.isArray(o.versions) ? o.versions : [];
  const r = lower(o.result);
  return {
    result: Array.isArray(v) ? 'success' : r === 'success' || r === 'notfound' ? r : 'error',
    message: str(o.message),
    ...classifyWadmMessage(str(o.message)),
    versions: raw.filter(isObj).map((x) => ({ version: str(x.version), deployed: x.deployed === true })),
  };
}

export function parseDeploy(v: unknown): DeployReply {
  const o = isObj(v) ? v : {};
  const r = lower(o.result);
  return {
    result: r === 'acknowledged' || r === 'notfound' ? r : 'error',
    message: str(o.message),
    ...classifyWadmMessage(str(o.message)),
    name: str(o.name),
    ...(o.version ? { version: str(o.version) } : {}),
  };
}

export function parseDelete(v: unknown): DeleteReply {
  const o = isObj(v) ? v : {};
  const r = lower(o.result);
  return {
    result: r === 'deleted' || r === 'noop' ? r : 'error',
    message: str(o.message),
    ...classifyWadmMessage(str(o.message)),
    undeploy: o.undeploy === true,
  };
}

export function parseStatusReply(v: unknown): {
  result: 'ok' | 'notfound' | 'error';
  message: string;
  status: AppStatus;
} {
  const o = isObj(v) ? v : {};
  const r = lower(o.result);
  const status = isObj(o.status)
    ? parseStatus(o.status)
    : { status: 'undeployed' as const, message: '', reason: 'other' as const, scalers: [] };
  return { result: r === 'ok' || r === 'notfound' ? r : 'error', message: str(o.message), status };
}
