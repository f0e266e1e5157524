/**
 * Every setting PELATO reads, in one table: its command-line flag, its environment variables (a `.env` file
 * uses the same names: it is merged into the environment at start, the real environment winning), the
 * workflow.yaml field it overrides, its default, and its type, which decides how its text is read.
 *
 * Precedence: the flag, then the environment (names in order: PELATO's own, then wash's), then
 * workflow.yaml (applied by the loader), then the default. Values are read from the environment object
 * each stage is handed (the CLI's, with .env merged); no module reads process.env itself.
 *
 * One grammar per type:
 * - boolean: true/false, 1/0, yes/no, on/off, any case (the seed's `True`/`False` too); empty is unset;
 *   anything else is an error that names the setting. A flag is true when given.
 * - count (PARALLEL_BUILD): a whole number ≥ 1, or a boolean: true = one per CPU, false = one.
 * - number: a whole number ≥ 0.
 * - duration: 90 (seconds), 90s, 2m, 500ms.
 * - list: a flag given several times.
 * - string: trimmed; secrets are taken as they are (only an empty or blank value is unset) and never printed.
 *
 * To add a setting: one entry below (its key becomes a field of `Options`, typed by its type). A setting
 * with a flag is an option of the commands that list its key (the command table in src/cli/main.ts), and
 * shows in their `--help` and in did-you-mean; a setting without a flag is read where it is used, with
 * `setting(env, key)`.
 */
import os from 'node:os';
import { PelatoError } from './diagnostics.js';

export type Env = Readonly<Record<string, string | undefined>>;

export type SettingType = 'string' | 'boolean' | 'count' | 'number' | 'duration' | 'list';

export interface SettingSpec {
  type: SettingType;
  /** Long option, without the leading `--`. */
  flag?: string;
  /** What the option's value is called in --help (`--registry R`). */
  arg?: string;
  /** Environment (and .env) names, the first set one wins. */
  env?: readonly string[];
  /** The workflow.yaml field this setting overrides, if any. */
  workflow?: string;
  /** As the user would write it; read by the same rule as a given value. */
  default?: string;
  /** One line for --help and the README. */
  help: string;
  /** Never printed; scrubbed from messages (see secretValues). */
  secret?: boolean;
}

export const SETTINGS = {
  // --- the project: validate, gen, and the commands that generate first ---------------------------------
  registry: {
    type: 'string',
    flag: 'registry',
    arg: 'R',
    env: ['REGISTRY_URL'],
    workflow: 'registry',
    help: 'OCI registry and namespace images go to',
  },
  lattice: {
    type: 'string',
    flag: 'lattice',
    arg: 'L',
    env: ['WASMCLOUD_LATTICE'],
    workflow: 'lattice',
    help: 'wasmCloud lattice (deploy, remove, status: default the one in gen/plan.json)',
  },
  builtinProviders: {
    type: 'boolean',
    flag: 'builtin-providers',
    env: ['PELATO_BUILTIN_PROVIDERS'],
    workflow: 'providers',
    help: "manifests use the hosts' builtin messaging-nats and http-server providers",
  },
  out: {
    type: 'string',
    flag: 'out',
    arg: 'PATH',
    help: 'the gen folder: where gen writes and the later stages read (default DIR/gen)',
  },
  json: { type: 'boolean', flag: 'json', help: 'print the result as JSON (validate: the problems too)' },
  quiet: {
    type: 'boolean',
    flag: 'quiet',
    env: ['PELATO_QUIET'],
    help: 'no progress and no tables: only errors and the closing line',
  },
  progress: {
    type: 'string',
    env: ['PELATO_PROGRESS'],
    default: 'auto',
    help: 'how progress shows: auto (live on a terminal, plain lines in pipes and CI), live or plain',
  },
  jsonFile: { type: 'string', flag: 'json-file', arg: 'F', help: 'also write the JSON result to file F' },
  strict: { type: 'boolean', flag: 'strict', env: ['PELATO_STRICT'], help: 'warnings about workflow.yaml are errors' },

  // --- init -----------------------------------------------------------------------------------------------
  lang: {
    type: 'string',
    flag: 'lang',
    arg: 'L',
    default: 'ts',
    help: 'language of the new tasks: ts (TypeScript, componentize-js) or go (TinyGo)',
  },
  taskTypes: {
    type: 'list',
    flag: 'type',
    arg: 'T',
    help: 'a task type to write a task of (repeatable or comma-separated; default http_producer_nats,processor_nats)',
  },

  // --- build ----------------------------------------------------------------------------------------------
  noPush: { type: 'boolean', flag: 'no-push', help: 'compile and check only, publish nothing' },
  overwrite: {
    type: 'boolean',
    flag: 'overwrite',
    help: 'replace a tag that holds other content (development registries only)',
  },
  parallel: {
    type: 'count',
    flag: 'parallel',
    arg: 'N',
    env: ['PARALLEL_BUILD'],
    default: 'true',
    help: 'tasks built at once: a number, true (one per CPU) or false (one)',
  },
  plainHttp: { type: 'boolean', flag: 'plain-http', help: 'plain HTTP to the registry (automatic for localhost)' },
  registryUser: { type: 'string', env: ['REGISTRY_USER'], help: 'registry log-in: user' },
  registryPassword: {
    type: 'string',
    env: ['REGISTRY_PASSWORD'],
    secret: true,
    help: 'registry log-in: password or token with push rights',
  },
  metrics: {
    type: 'boolean',
    env: ['ENABLE_METRICS'],
    default: 'true',
    help: 'write gen/metrics.json (generation time, per-task phase timings)',
  },
  oras: { type: 'string', env: ['PELATO_ORAS'], default: 'oras', help: 'the oras binary (default: oras on PATH)' },
  wasmTools: {
    type: 'string',
    env: ['WASMTOOLS'],
    default: 'wasm-tools',
    help: 'the wasm-tools binary (TinyGo reads the same variable)',
  },
  compileTimeout: {
    type: 'duration',
    env: ['PELATO_COMPILE_TIMEOUT'],
    default: '10m',
    help: "how long one compile step (wit-bindgen-go, tinygo build; componentize-js's wizer) may take",
  },

  // --- dev --------------------------------------------------------------------------------------------------
  send: { type: 'list', flag: 'send', arg: 'S=B', help: 'publish body B on subject S at start (repeatable)' },
  once: { type: 'boolean', flag: 'once', help: 'stop when no message is in flight any more' },
  watch: { type: 'boolean', flag: 'watch', help: 'rebuild and swap in a task when its file or workflow.yaml changes' },
  httpPortOffset: {
    type: 'number',
    flag: 'http-port-offset',
    arg: 'N',
    env: ['PELATO_HTTP_PORT_OFFSET'],
    default: '0',
    help: "added to every HTTP task's port, so two dev sessions can run side by side",
  },
  databaseUrl: { type: 'string', env: ['DATABASE_URL'], secret: true, help: 'PostgreSQL for dbsync tasks' },

  // --- deploy, remove, status (and dev's NATS bus) -----------------------------------------------------------
  natsUrl: {
    type: 'string',
    flag: 'nats-url',
    arg: 'U',
    env: ['NATS_URL'],
    help: 'NATS server(s), comma-separated (nats://, tls://; user:password@ is taken as credentials)',
  },
  natsHost: { type: 'string', env: ['NATS_HOST'], help: "the seed's server setting, used without a URL" },
  natsPort: { type: 'string', env: ['NATS_PORT'], help: "the seed's port setting, used without a URL" },
  washHost: {
    type: 'string',
    env: ['WASMCLOUD_CTL_HOST'],
    help: "wash's server setting, used without a URL or NATS_HOST/NATS_PORT",
  },
  washPort: { type: 'string', env: ['WASMCLOUD_CTL_PORT'], help: "wash's port setting" },
  timeout: {
    type: 'duration',
    flag: 'timeout',
    arg: 'T',
    env: ['PELATO_DEPLOY_TIMEOUT'],
    default: '120s',
    help: 'how long to wait for each app, e.g. 90s, 2m',
  },
  replace: { type: 'boolean', flag: 'replace', help: 'overwrite a stored version whose manifest differs' },
  inPlace: {
    type: 'boolean',
    flag: 'in-place',
    env: ['PELATO_UPGRADE_IN_PLACE'],
    help: 'upgrade the way wadm does, without a handover (quicker; drops what arrives while the new version starts)',
  },
  handoverSettle: {
    type: 'duration',
    env: ['PELATO_HANDOVER_SETTLE'],
    default: '1s',
    help: 'during a handover, how long providers get to act on a step (subscribe, drain) before the next',
  },
  keepVersions: { type: 'boolean', flag: 'keep-versions', help: 'only undeploy, keep the stored versions' },
  connectTimeout: {
    type: 'duration',
    env: ['NATS_CONNECT_TIMEOUT'],
    default: '5s',
    help: 'NATS handshake timeout per attempt',
  },
  wadmPrefix: { type: 'string', env: ['WADM_API_PREFIX'], default: 'wadm.api', help: "wadm's API subject prefix" },
  ctlPrefix: {
    type: 'string',
    env: ['WASMCLOUD_CTL_TOPIC_PREFIX'],
    default: 'wasmbus.ctl',
    help: "the hosts' control-interface subject prefix (deploy puts the HTTP tokens' named config through it)",
  },
  natsCreds: { type: 'string', env: ['NATS_CREDS', 'WASH_CTL_CREDS'], help: 'path of a .creds file' },
  natsCredsContent: {
    type: 'string',
    env: ['NATS_CREDS_CONTENT'],
    secret: true,
    help: "a .creds file's contents (written to a 0600 file while connected)",
  },
  natsNkeySeed: { type: 'string', env: ['NATS_NKEY_SEED'], secret: true, help: 'user NKEY seed (SU…)' },
  natsJwt: { type: 'string', env: ['NATS_JWT'], secret: true, help: 'user JWT (with NATS_SEED)' },
  natsSeed: { type: 'string', env: ['NATS_SEED'], secret: true, help: "the JWT user's seed" },
  washJwt: {
    type: 'string',
    env: ['WASMCLOUD_CTL_JWT'],
    secret: true,
    help: "wash's user JWT (with WASMCLOUD_CTL_SEED)",
  },
  washSeed: { type: 'string', env: ['WASMCLOUD_CTL_SEED'], secret: true, help: "wash's JWT user seed" },
  natsUser: { type: 'string', env: ['NATS_USER'], help: 'user (with NATS_PASSWORD)' },
  natsPassword: { type: 'string', env: ['NATS_PASSWORD'], secret: true, help: 'password' },
  natsToken: { type: 'string', env: ['NATS_TOKEN'], secret: true, help: 'token' },
  natsTlsCa: {
    type: 'string',
    env: ['NATS_TLS_CA', 'WASH_CTL_TLS_CA_FILE'],
    help: "CA of the server's certificate (PEM)",
  },
  natsTlsCert: { type: 'string', env: ['NATS_TLS_CERT'], help: 'client certificate (PEM, with NATS_TLS_KEY)' },
  natsTlsKey: { type: 'string', env: ['NATS_TLS_KEY'], help: 'client key (PEM)' },
  natsTlsFirst: {
    type: 'boolean',
    env: ['NATS_TLS_FIRST', 'WASH_CTL_TLS_FIRST'],
    help: 'TLS before the NATS handshake (server handshake_first)',
  },

  // --- every command ---------------------------------------------------------------------------------------
  debug: { type: 'boolean', env: ['PELATO_DEBUG'], help: 'print the stack of an internal error' },
} as const satisfies Record<string, SettingSpec>;

export type SettingKey = keyof typeof SETTINGS;
type Spec<K extends SettingKey> = (typeof SETTINGS)[K];
type TypeOf<T extends SettingType> = T extends 'boolean'
  ? boolean
  : T extends 'count' | 'number' | 'duration'
    ? number
    : T extends 'list'
      ? string[]
      : string;
/** A setting's value: always there for booleans, lists and settings with a default. */
export type SettingValue<K extends SettingKey> =
  Spec<K> extends { type: 'boolean' | 'list' } | { default: string }
    ? TypeOf<Spec<K>['type']>
    : TypeOf<Spec<K>['type']> | undefined;
/** The settings a command was given, resolved and typed. */
export type Options = { [K in SettingKey]: SettingValue<K> };

/** What was given on the command line: raw texts by setting key (booleans as true, lists as arrays). */
export type Flags = Partial<Record<SettingKey, string | boolean | string[]>>;

/** Where a value came from, as the user would name it: `--timeout`, `PELATO_DEPLOY_TIMEOUT`, or the default. */
export function sourceName(key: SettingKey, from: string | undefined): string {
  const s: SettingSpec = SETTINGS[key];
  return from ?? (s.flag ? `--${s.flag}` : (s.env?.[0] ?? key));
}

/** The value of one setting with where it came from (undefined: the default, or nothing). */
export function settingFrom<K extends SettingKey>(
  env: Env,
  key: K,
  flags: Flags = {},
): { value: SettingValue<K>; from?: string } {
  const spec: SettingSpec = SETTINGS[key];
  const given = flags[key];
  if (given !== undefined && given !== false && !(Array.isArray(given) && given.length === 0)) {
    return { value: parse(spec, given, `--${spec.flag}`) as SettingValue<K>, from: `--${spec.flag}` };
  }
  for (const name of spec.env ?? []) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    return { value: parse(spec, spec.secret ? raw : raw.trim(), name) as SettingValue<K>, from: name };
  }
  return {
    value: (spec.default !== undefined
      ? parse(spec, spec.default, 'the default')
      : spec.type === 'boolean'
        ? false
        : spec.type === 'list'
          ? []
          : undefined) as SettingValue<K>,
  };
}

/** The value of one setting: flag, environment, default. */
export function setting<K extends SettingKey>(env: Env, key: K, flags: Flags = {}): SettingValue<K> {
  return settingFrom(env, key, flags).value;
}

/** The command's settings read from flags and environment; the others at their defaults, unread. */
export function resolveOptions(keys: readonly SettingKey[], flags: Flags, env: Env): Options {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(SETTINGS) as SettingKey[])
    out[key] = keys.includes(key) ? setting(env, key, flags) : setting({}, key);
  return out as Options;
}

/** The values of every secret setting that is set, so messages can be scrubbed of them. */
export function secretValues(env: Env): string[] {
  const out: string[] = [];
  for (const spec of Object.values(SETTINGS) as SettingSpec[]) {
    if (!spec.secret) continue;
    for (const name of spec.env ?? []) {
      const v = env[name]?.trim();
      if (v) out.push(v);
    }
  }
  return out;
}

const TRUE = ['true', '1', 'yes', 'on'];
const FALSE = ['false', '0', 'no', 'off'];

/** The boolean grammar, the same for every setting. Undefined when the text is no boolean. */
export function booleanOf(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  return TRUE.includes(t) ? true : FALSE.includes(t) ? false : undefined;
}

function parse(spec: SettingSpec, given: string | boolean | string[], from: string): unknown {
  if (spec.type === 'boolean') {
    if (typeof given === 'boolean') return given;
    const b = booleanOf(String(given));
    if (b === undefined)
      throw new PelatoError(
        `${from} must be true or false, got "${String(given)}"`,
        'write true/false, 1/0, yes/no or on/off',
        'setting',
      );
    return b;
  }
  if (spec.type === 'list') return Array.isArray(given) ? given : [String(given)];
  const text = String(given);
  if (spec.type === 'duration') return durationMs(text, from);
  if (spec.type === 'count') return count(text, from);
  if (spec.type === 'number') return whole(text, from);
  return text;
}

/** `90`, `90s`, `2m`, `500ms` → ms. */
export function durationMs(v: string, from: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(v);
  if (!m)
    throw new PelatoError(`${from} must be a duration like 90, 90s, 2m or 500ms, got "${v}"`, undefined, 'setting');
  const n = Number(m[1]);
  const ms = m[2] === 'ms' ? n : m[2] === 'm' ? n * 60000 : n * 1000;
  if (ms <= 0) throw new PelatoError(`${from} must be more than zero`, undefined, 'setting');
  return ms;
}

/** A number of things at once: a whole number ≥ 1, or true (one per CPU) / false (one), as the seed wrote it. */
function count(v: string, from: string): number {
  if (/^\s*\d+\s*$/.test(v) && Number(v) >= 1) return Number(v);
  const b = booleanOf(v);
  if (b === undefined)
    throw new PelatoError(
      `${from}="${v}" is not a number of tasks or true/false`,
      'e.g. 4, true (one per CPU) or false (one at a time)',
      'setting',
    );
  return b ? Math.max(1, os.availableParallelism()) : 1;
}

function whole(v: string, from: string): number {
  if (/^\s*\d+\s*$/.test(v)) return Number(v);
  throw new PelatoError(`${from} must be a whole number (0 or more), got "${v}"`, undefined, 'setting');
}

type WithEnv = { [K in SettingKey]: Spec<K> extends { env: readonly string[] } ? K : never }[SettingKey];
type WithFlag = { [K in SettingKey]: Spec<K> extends { flag: string } ? K : never }[SettingKey];

/** A setting's (first) environment name, for messages: `check ${envName('natsUrl')}`. */
export function envName(key: WithEnv): string {
  return (SETTINGS[key] as SettingSpec).env![0]!;
}

/** A setting's option as typed: `--replace`. */
export function flagName(key: WithFlag): string {
  return `--${(SETTINGS[key] as SettingSpec).flag}`;
}
