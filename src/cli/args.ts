/** Command-line parsing in one place: names of commands and options, defaults, and usage text. */
import { parseArgs } from 'node:util';
import { PelatoError } from '../common/diagnostics.js';

export const COMMANDS = ['validate', 'gen', 'build', 'test', 'dev', 'deploy', 'remove', 'status', 'brush'] as const;
export type Command = (typeof COMMANDS)[number];

export interface CliArgs {
  command: Command;
  dir: string;
  registry?: string;
  lattice?: string;
  /** Manifests use the hosts' builtin messaging and HTTP providers. */
  builtinProviders: boolean;
  out?: string;
  json: boolean;
  /** deploy/remove/status: also write the --json result to this file (the log stays human-readable). */
  jsonFile?: string;
  natsUrl?: string;
  /** Raw --timeout value; parsed by the deploy stage. */
  timeout?: string;
  replace: boolean;
  keepVersions: boolean;
  /** build: compile and check only. */
  noPush: boolean;
  /** build: replace an existing tag that holds other content (development registries). */
  overwrite: boolean;
  /** build: tasks at once (else PARALLEL_BUILD, else one per CPU). */
  parallel?: string;
  /** build: talk plain HTTP to the registry (localhost registries use it anyway). */
  plainHttp: boolean;
  /** dev: messages to send at start, `subject=body`. */
  send: string[];
  /** dev: stop once no message is in flight instead of running until Ctrl-C. */
  once: boolean;
}

export const USAGE = `usage: pelato <command> [DIR] [options]

Ship functions to the edge-cloud continuum on wasmCloud.

commands:
  validate DIR   check workflow.yaml and the task files; print every problem
  gen DIR        validate, then write DIR/gen/: one wasmCloud project and wadm.yaml per task
  build DIR      compile every task of DIR/gen into a checked component and push it to the registry
  test DIR       run tasks/<name>.test.yaml cases against the built components
  dev DIR        run every task locally, wired topic to topic, with a live log (Ctrl-C stops)
  deploy DIR     put and deploy every app of DIR/gen through wadm; wait until each is deployed
  remove DIR     undeploy every app of DIR/gen and delete its stored versions
  status DIR     show what wadm has for every app of DIR/gen
  brush DIR      the whole pipeline: gen, build, deploy

options:
  --registry R   OCI registry for images (overrides workflow.yaml; env REGISTRY_URL)
  --lattice L    wasmCloud lattice (overrides workflow.yaml; env WASMCLOUD_LATTICE)
  --builtin-providers  manifests use the hosts' builtin messaging-nats and http-server providers
                 (overrides workflow.yaml's providers; env PELATO_BUILTIN_PROVIDERS=true)
  --out PATH     where gen writes and deploy/remove/status read (default DIR/gen)
  --json         print the result as JSON
  --json-file F  deploy/remove/status: also write the JSON result to file F
  --nats-url U   NATS server(s), comma-separated (env NATS_URL, or NATS_HOST/NATS_PORT)
  --timeout T    deploy/remove: how long to wait per app, e.g. 90s, 2m (default 120s)
  --no-push      build: compile and check only, publish nothing
  --overwrite    build: replace a tag that holds other content (development registries only)
  --parallel N   build: tasks at once (env PARALLEL_BUILD; default one per CPU)
  --plain-http   build: plain HTTP to the registry (automatic for localhost)
  --send S=B     dev: publish body B on subject S at start (repeatable)
  --once         dev: stop when no message is in flight any more
  --replace      deploy: overwrite a stored version whose manifest differs
  --keep-versions  remove: only undeploy, keep the stored versions
  -h, --help     show this help
  --version      print the version

DIR defaults to the current directory. A .env file in DIR and in the current directory is read at
start (the real environment wins); see .env.template for every setting.`;

export type Parsed = CliArgs | { help: true } | { version: true };

export function parseCli(argv: string[], env: NodeJS.ProcessEnv): Parsed {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        registry: { type: 'string' },
        lattice: { type: 'string' },
        'builtin-providers': { type: 'boolean', default: false },
        out: { type: 'string' },
        json: { type: 'boolean', default: false },
        'json-file': { type: 'string' },
        'nats-url': { type: 'string' },
        timeout: { type: 'string' },
        replace: { type: 'boolean', default: false },
        'keep-versions': { type: 'boolean', default: false },
        'no-push': { type: 'boolean', default: false },
        overwrite: { type: 'boolean', default: false },
        parallel: { type: 'string' },
        'plain-http': { type: 'boolean', default: false },
        send: { type: 'string', multiple: true },
        once: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
      },
    });
  } catch (e) {
    throw new PelatoError((e as Error).message, 'run pelato --help for the options');
  }
  const { values, positionals } = parsed;
  if (values.version) return { version: true };
  if (values.help || positionals.length === 0) return { help: true };
  const [command, dir = '.', ...rest] = positionals;
  if (!(COMMANDS as readonly string[]).includes(command!)) {
    throw new PelatoError(`unknown command "${command}"`, `commands: ${COMMANDS.join(', ')}`);
  }
  if (rest.length) throw new PelatoError(`unexpected argument "${rest[0]}"`, 'give one project directory');
  return {
    command: command as Command,
    dir,
    registry: values.registry ?? (env.REGISTRY_URL || undefined),
    lattice: values.lattice ?? (env.WASMCLOUD_LATTICE || undefined),
    builtinProviders: values['builtin-providers'] || /^(1|true|yes)$/i.test(env.PELATO_BUILTIN_PROVIDERS ?? ''),
    out: values.out,
    json: values.json ?? false,
    jsonFile: values['json-file'],
    natsUrl: values['nats-url'],
    timeout: values.timeout,
    replace: values.replace ?? false,
    keepVersions: values['keep-versions'] ?? false,
    noPush: values['no-push'] ?? false,
    overwrite: values.overwrite ?? false,
    parallel: values.parallel,
    plainHttp: values['plain-http'] ?? false,
    send: values.send ?? [],
    once: values.once ?? false,
  };
}
