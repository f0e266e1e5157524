/**
 * The command line, read once against the command table (src/cli/main.ts) and the settings table
 * (src/common/settings.ts): which command, which folder, which flags. Usage and per-command help are
 * written from the same tables, and a misspelt option or command gets a did-you-mean.
 *
 * Node's own parseArgs does the tokenizing. Measured against commander 15 (the candidate that does most of
 * this itself): commander would replace about 40 of these lines (help layout, unknown-option checks,
 * suggestions) but adds 129 KB to the bundle (+10 % of dist/cli), needs exit and output overrides to fit
 * the reporter, and reads option environment variables from process.env, which this project does not do.
 */
import { parseArgs } from 'node:util';
import type { Runner } from '../common/command.js';
import { didYouMean, PelatoError } from '../common/diagnostics.js';
import { SETTINGS, type Flags, type SettingKey, type SettingSpec } from '../common/settings.js';

export interface CommandSpec {
  /** One line: what the command does (usage and --help). */
  summary: string;
  /** The settings it reads: those with a flag are its options, the others show in its --help. */
  settings: readonly SettingKey[];
  run: Runner;
}

export type CommandTable = Readonly<Record<string, CommandSpec>>;

export type Parsed = { help: string } | { version: true } | { command: string; dir: string; flags: Flags };

const FLAG_KEYS = (Object.keys(SETTINGS) as SettingKey[]).filter((k) => (SETTINGS[k] as SettingSpec).flag);
const byFlag = new Map(FLAG_KEYS.map((k) => [(SETTINGS[k] as SettingSpec).flag!, k]));
const flagsOf = (spec: CommandSpec) => spec.settings.filter((k) => (SETTINGS[k] as SettingSpec).flag);

const usageError = (message: string, hint: string) => new PelatoError(message, hint, 'usage');

export function parseCommandLine(argv: readonly string[], commands: CommandTable): Parsed {
  // Every flag of every command is known to the tokenizer, so options may stand anywhere; whether the
  // command takes them is checked below, with a message that says so.
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean' },
  };
  for (const [flag, key] of byFlag) {
    const t = (SETTINGS[key] as SettingSpec).type;
    options[flag] =
      t === 'boolean' ? { type: 'boolean' } : t === 'list' ? { type: 'string', multiple: true } : { type: 'string' };
  }
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const positionals = tokens.filter((t) => t.kind === 'positional').map((t) => t.value);
  const names = Object.keys(commands);
  let [command, ...rest] = positionals;
  let wantsHelp = tokens.some((t) => t.kind === 'option' && t.name === 'help');
  if (command === 'help') {
    [command, ...rest] = rest;
    wantsHelp = true;
  }
  if (command !== undefined && !commands[command]) {
    const near = didYouMean(command, names);
    throw usageError(
      `unknown command "${command}"`,
      near ? `did you mean ${near}? (commands: ${names.join(', ')})` : `commands: ${names.join(', ')}`,
    );
  }
  const spec = command === undefined ? undefined : commands[command]!;
  if (tokens.some((t) => t.kind === 'option' && t.name === 'version')) return { version: true };
  if (!spec || !command) return { help: usage(commands) };
  if (wantsHelp) return { help: commandHelp(command, spec) };

  const allowed = flagsOf(spec);
  const allowedFlags = allowed.map((k) => (SETTINGS[k] as SettingSpec).flag!);
  const flags: Flags = {};
  for (const t of tokens) {
    if (t.kind !== 'option' || t.name === 'help' || t.name === 'version') continue;
    const key = byFlag.get(t.name);
    if (!key) {
      const near = didYouMean(t.name, allowedFlags);
      throw usageError(
        `unknown option '${t.rawName}'`,
        `${near ? `did you mean --${near}? ` : ''}pelato ${command} --help lists its options`,
      );
    }
    if (!allowed.includes(key)) {
      const takers = names.filter((n) => commands[n]!.settings.includes(key));
      throw usageError(
        `pelato ${command} has no option ${t.rawName}`,
        `it is an option of ${takers.join(', ')}; pelato ${command} --help lists the options of ${command}`,
      );
    }
    const s: SettingSpec = SETTINGS[key];
    if (s.type === 'boolean') {
      if (t.value !== undefined)
        throw usageError(`${t.rawName} takes no value`, `write ${t.rawName} alone, or leave it out`);
      flags[key] = true;
      continue;
    }
    if (t.value === undefined || (!t.inlineValue && t.value.startsWith('--')))
      throw usageError(`${t.rawName} needs a value`, `e.g. ${t.rawName} ${s.arg ?? 'VALUE'}`);
    flags[key] = s.type === 'list' ? [...((flags[key] as string[] | undefined) ?? []), t.value] : t.value;
  }
  const [dir = '.', ...extra] = rest;
  if (extra.length) throw usageError(`unexpected argument "${extra[0]}"`, 'give one project directory');
  return { command, dir, flags };
}

const column = (left: string, text: string, width = 24) =>
  `  ${left.padEnd(width)}${left.length >= width ? '\n' + ' '.repeat(width + 2) : ''}${text}`;

function optionHelp(key: SettingKey): string {
  const s: SettingSpec = SETTINGS[key];
  const extra = [
    ...(s.env?.length ? [`env ${s.env.join(' or ')}`] : []),
    ...(s.workflow ? [`overrides workflow.yaml's ${s.workflow}`] : []),
    ...(s.default !== undefined && s.type !== 'boolean' ? [`default ${s.default}`] : []),
  ];
  return column(`--${s.flag}${s.arg ? ` ${s.arg}` : ''}`, `${s.help}${extra.length ? ` (${extra.join('; ')})` : ''}`);
}

/** `pelato <command> --help`: what it does, its options, the environment it reads. */
export function commandHelp(name: string, spec: CommandSpec): string {
  const env = spec.settings
    .filter((k) => !(SETTINGS[k] as SettingSpec).flag)
    .flatMap((k) => (SETTINGS[k] as SettingSpec).env ?? []);
  return [
    `usage: pelato ${name} [DIR] [options]`,
    '',
    `${spec.summary[0]!.toUpperCase()}${spec.summary.slice(1)}.`,
    '',
    'options:',
    ...flagsOf(spec).map(optionHelp),
    column('-h, --help', 'show this help'),
    ...(env.length
      ? [
          '',
          'environment (or .env in DIR or the current directory; see .env.template):',
          ...wrap(env.join(', '), 100, '  '),
        ]
      : []),
    '',
    'DIR defaults to the current directory.',
  ].join('\n');
}

function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines;
}

/** `pelato --help`: every command. */
export function usage(commands: CommandTable): string {
  return [
    'usage: pelato <command> [DIR] [options]',
    '',
    'Ship functions to the edge-cloud continuum on wasmCloud.',
    '',
    'commands:',
    ...Object.entries(commands).map(([name, c]) => column(`${name} DIR`, c.summary, 14)),
    '',
    'pelato <command> --help shows the options of a command. DIR defaults to the current directory.',
    'A .env file in DIR and in the current directory is read at start (the real environment wins);',
    'see .env.template for every setting.',
    '',
    '  -h, --help    show this help',
    '  --version     print the version',
  ].join('\n');
}
