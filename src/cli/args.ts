/** Command-line parsing in one place: names of commands and options, defaults, and usage text. */
import { parseArgs } from 'node:util';
import { PelatoError } from '../common/diagnostics.js';

export const COMMANDS = ['validate', 'gen'] as const;
export type Command = (typeof COMMANDS)[number];

export interface CliArgs {
  command: Command;
  dir: string;
  registry?: string;
  lattice?: string;
  out?: string;
  json: boolean;
}

export const USAGE = `usage: pelato <command> [DIR] [options]

Ship functions to the edge-cloud continuum on wasmCloud.

commands:
  validate DIR   check workflow.yaml and the task files; print every problem
  gen DIR        validate, then write DIR/gen/: one wasmCloud project and wadm.yaml per task

options:
  --registry R   OCI registry for images (overrides workflow.yaml; env REGISTRY_URL)
  --lattice L    wasmCloud lattice (overrides workflow.yaml; env WASMCLOUD_LATTICE)
  --out PATH     where gen writes (default DIR/gen)
  --json         print the result as JSON
  -h, --help     show this help
  --version      print the version

DIR defaults to the current directory.`;

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
        out: { type: 'string' },
        json: { type: 'boolean', default: false },
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
    out: values.out,
    json: values.json ?? false,
  };
}
