/**
 * The `pelato` command: argv is read once against the command table below, .env is merged into the
 * environment, the command's settings are resolved and typed, and its runner (which lives with its stage)
 * runs. Failures become one readable message and an exit code (src/common/report.ts).
 */
import path from 'node:path';
import type { CommandContext, Runner } from '../common/command.js';
import { withDotEnv } from '../common/env.js';
import { reportFailure, type Reporter } from '../common/report.js';
import { resolveOptions, type Env, type SettingKey } from '../common/settings.js';
import { runDeploy, runRemove, runStatus } from '../deploy/command.js';
import { httpTokens } from '../deploy/httpTokens.js';
import { runGen, runValidate } from '../generate/command.js';
import { actionsOutput } from '../github/actionsOutput.js';
import { failureSummary } from '../github/jobSummary.js';
import { runInit } from '../init/command.js';
import { readPlan } from '../model/planFile.js';
import { runBuild } from '../package/command.js';
import { runDev, runTest } from '../run/command.js';
import { parseCommandLine, type CommandTable } from './args.js';
import { VERSION } from './version.js';

// Settings several commands share (keys of SETTINGS in src/common/settings.ts).
const PROJECT = ['registry', 'lattice', 'builtinProviders', 'strict', 'out'] as const satisfies readonly SettingKey[];
const BUILD = [
  'parallel',
  'overwrite',
  'plainHttp',
  'registryUser',
  'registryPassword',
  'metrics',
  'oras',
  'wasmTools',
] as const satisfies readonly SettingKey[];
const NATS = [
  'natsUrl',
  'natsHost',
  'natsPort',
  'washHost',
  'washPort',
  'connectTimeout',
  'natsCreds',
  'natsCredsContent',
  'natsNkeySeed',
  'natsJwt',
  'natsSeed',
  'washJwt',
  'washSeed',
  'natsUser',
  'natsPassword',
  'natsToken',
  'natsTlsCa',
  'natsTlsCert',
  'natsTlsKey',
  'natsTlsFirst',
] as const satisfies readonly SettingKey[];
const LATTICE = ['out', 'lattice', ...NATS, 'wadmPrefix', 'json', 'jsonFile'] as const satisfies readonly SettingKey[];

/**
 * Every command, in the order `pelato --help` lists them.
 *
 * Adding a command: one entry here; its runner (a `Runner`, taking a CommandContext) goes in its stage's
 * folder, e.g. src/<stage>/command.ts. Adding an option: one entry in SETTINGS (src/common/settings.ts),
 * and its key in `settings` of each command that takes it; parsing, --help and did-you-mean follow.
 */
export const COMMANDS = {
  init: {
    summary:
      'start a project in DIR: workflow.yaml, a task of each type with its tests, .env.template, .gitignore, ' +
      'a GitHub workflow',
    settings: ['lang', 'taskTypes'],
    run: runInit,
  },
  validate: {
    summary: 'check workflow.yaml and the task files; print every problem',
    settings: [...PROJECT, 'json'],
    run: runValidate,
  },
  gen: {
    summary: 'validate, then write DIR/gen/: one wasmCloud project and wadm.yaml per task',
    settings: [...PROJECT, 'json', 'metrics', 'quiet'],
    run: runGen,
  },
  build: {
    summary: 'compile every task into a checked component and push it to the registry (generating first if needed)',
    settings: [...PROJECT, 'noPush', ...BUILD, 'json', 'quiet'],
    run: runBuild,
  },
  test: {
    summary: 'run tasks/<name>.test.yaml cases against the built components',
    settings: [...PROJECT, ...BUILD, 'json', 'jsonFile', 'quiet'],
    run: runTest,
  },
  dev: {
    summary: 'run every task locally, wired topic to topic, with a live log (Ctrl-C stops)',
    settings: [...PROJECT, 'send', 'once', 'watch', 'httpPortOffset', ...BUILD, ...NATS, 'databaseUrl', 'quiet'],
    run: runDev,
  },
  deploy: {
    summary: 'put and deploy every app through wadm (generating first if needed); wait until each is deployed',
    settings: [...LATTICE, 'registry', 'builtinProviders', 'timeout', 'replace', 'inPlace', 'quiet'],
    run: runDeploy,
  },
  remove: {
    summary: 'undeploy every app of DIR/gen and delete its stored versions',
    settings: [...LATTICE, 'timeout', 'keepVersions', 'quiet'],
    run: runRemove,
  },
  status: { summary: 'show what wadm has for every app of DIR/gen', settings: [...LATTICE], run: runStatus },
  brush: {
    summary: 'the whole pipeline: gen, build, deploy, stopping at the first failing stage',
    settings: [...PROJECT, 'noPush', ...BUILD, ...LATTICE, 'timeout', 'replace', 'inPlace', 'quiet'],
    run: runBrush,
  },
} satisfies CommandTable;

export type CommandName = keyof typeof COMMANDS;

export async function main(argv: string[], r: Reporter, env: Env): Promise<number> {
  let command = 'pelato';
  let ctx: CommandContext | undefined;
  try {
    const parsed = parseCommandLine(argv, COMMANDS);
    if ('help' in parsed) {
      r.out(parsed.help);
      return 0;
    }
    if ('version' in parsed) {
      r.out(VERSION);
      return 0;
    }
    command = parsed.command;
    const spec = COMMANDS[parsed.command as CommandName];
    // .env in the project folder, then in the current directory; the real environment wins.
    env = withDotEnv(env, [parsed.dir, process.cwd()]).env;
    const options = resolveOptions(spec.settings, parsed.flags, env);
    ctx = {
      dir: parsed.dir,
      genDir: options.out ?? path.join(parsed.dir, 'gen'),
      options,
      flags: parsed.flags,
      env,
      r,
      gh: actionsOutput(env),
    };
    return await spec.run(ctx);
  } catch (err) {
    ctx?.gh?.summary(failureSummary(command, err, env));
    return reportFailure(err, r, env);
  }
}

/** The seed's name for the whole pipeline: gen → build → deploy, stopping at the first failing stage. */
async function runBrush(ctx: CommandContext): Promise<number> {
  const stages: Array<[string, Runner]> = [
    ['gen', runGen],
    ['build', runBuild],
    ['deploy', runDeploy],
  ];
  for (const [name, stage] of stages) {
    if (!ctx.options.json && !ctx.options.quiet) ctx.r.out(`== ${name}`);
    let code: number;
    try {
      code = await stage(ctx);
    } catch (err) {
      ctx.gh?.summary(failureSummary(`brush (${name})`, err, ctx.env));
      code = reportFailure(err, ctx.r, ctx.env);
    }
    if (code !== 0) {
      ctx.r.err(`brush stopped: ${name} failed`);
      return code;
    }
    if (name === 'gen') {
      // Deploy would stop for a missing HTTP token; say so now rather than after the build.
      try {
        httpTokens(readPlan(ctx.genDir), ctx.env);
      } catch (err) {
        code = reportFailure(err, ctx.r, ctx.env);
        ctx.r.err('brush stopped before the build: deploy needs the token');
        return code;
      }
    }
  }
  return 0;
}
