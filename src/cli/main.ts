/** The `pelato` command: parse, run one stage, report. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { withDotEnv } from '../common/env.js';
import { deployPlan, parseTimeout, removePlan, statusPlan, type DeployEvent, type StageOptions } from '../deploy/deploy.js';
import { deploySummary, eventLine, removeSummary, statusTable } from '../deploy/report.js';
import { generateToDisk } from '../generate/generate.js';
import { loadWorkflow } from '../load/workflow.js';
import { reportFailure, type Reporter } from '../common/report.js';
import { parseCli, USAGE, type CliArgs } from './args.js';
import { runBuild, runTest } from './buildCommands.js';
import { runDev } from './devCommand.js';
import { table } from '../common/table.js';
import { actionsOutput, type ActionsOutput } from '../github/actionsOutput.js';
import { deploySummary as deployMarkdown, failureSummary, genSummary, removeSummary as removeMarkdown } from '../github/jobSummary.js';
import { VERSION } from './version.js';

export async function main(argv: string[], r: Reporter, env = process.env): Promise<number> {
  // Inside GitHub Actions: log groups per task and a job summary per command (undefined elsewhere).
  let gh: ActionsOutput | undefined;
  let command = 'pelato';
  try {
    let args = parseCli(argv, env);
    if ('dir' in args) {
      // .env in the project folder, then in the current directory; the real environment wins.
      env = withDotEnv(env, [args.dir, process.cwd()]).env as NodeJS.ProcessEnv;
      args = parseCli(argv, env);
    }
    if ('help' in args) {
      r.out(USAGE);
      return 0;
    }
    if ('version' in args) {
      r.out(VERSION);
      return 0;
    }
    gh = actionsOutput(env);
    command = args.command;
    if (args.command === 'deploy' || args.command === 'remove' || args.command === 'status') return await runDeployStage(args, r, env, gh);
    if (args.command === 'build') return (await runBuild(args, r, env, !args.noPush, gh)).ok ? 0 : 1;
    const regenerate = () => run({ ...(args as CliArgs), command: 'gen', json: true }, { out: () => {}, err: r.err });
    if (args.command === 'test') return await runTest(args, r, env, regenerate, gh);
    if (args.command === 'dev') return await runDev(args, r, env, regenerate);
    if (args.command === 'brush') return await runBrush(args, r, env, gh);
    return await run(args, r, gh);
  } catch (err) {
    gh?.summary(failureSummary(command, err, env));
    return reportFailure(err, r);
  }
}

async function run(args: CliArgs, r: Reporter, gh?: ActionsOutput): Promise<number> {
  const started = performance.now();
  const wf = loadWorkflow(args.dir, { registry: args.registry, lattice: args.lattice, builtinProviders: args.builtinProviders });
  const loadMs = performance.now() - started;
  if (args.command === 'validate') {
    if (args.json) r.out(JSON.stringify({ ok: true, project_name: wf.project_name, tasks: wf.tasks.length }));
    else r.out(`${wf.file}: ok — ${wf.tasks.length} task${wf.tasks.length === 1 ? '' : 's'} in "${wf.project_name}"`);
    return 0;
  }
  const g = await generateToDisk(wf, args.out);
  const ms = performance.now() - started;
  if (args.json) {
    r.out(JSON.stringify({ out: g.out, plan: g.plan, ms: Math.round(ms), timings: { load_ms: Math.round(loadMs), ...g.timings } }));
    return 0;
  }
  r.out(`Generated ${g.plan.tasks.length} task${g.plan.tasks.length === 1 ? '' : 's'} of "${wf.project_name}" into ${g.out} in ${ms.toFixed(0)} ms`);
  const rows = g.plan.tasks.map((t) => [t.component_name, t.type, t.targets.join(','), t.image]);
  for (const line of table(['component', 'type', 'targets', 'image'], rows)) r.out(line);
  gh?.summary(genSummary(g.plan, g.out, ms));
  return 0;
}

/** The seed's name for the whole pipeline: gen → build → deploy, stopping at the first failing stage. */
async function runBrush(args: CliArgs, r: Reporter, env: NodeJS.ProcessEnv, gh?: ActionsOutput): Promise<number> {
  const stages: Array<[string, () => Promise<number>]> = [
    ['gen', () => run({ ...args, command: 'gen' }, r, gh)],
    ['build', async () => ((await runBuild(args, r, env, !args.noPush, gh)).ok ? 0 : 1)],
    ['deploy', () => runDeployStage({ ...args, command: 'deploy' }, r, env, gh)],
  ];
  for (const [name, stage] of stages) {
    if (!args.json) r.out(`== ${name}`);
    let code: number;
    try {
      code = await stage();
    } catch (err) {
      gh?.summary(failureSummary(`brush (${name})`, err, env));
      code = reportFailure(err, r);
    }
    if (code !== 0) {
      r.err(`brush stopped: ${name} failed`);
      return code;
    }
  }
  return 0;
}

async function runDeployStage(args: CliArgs, r: Reporter, env: NodeJS.ProcessEnv, gh?: ActionsOutput): Promise<number> {
  const genDir = args.out ?? path.join(args.dir, 'gen');
  // In Actions each app's progress is one log group, printed when the app is done (or has failed).
  const groups = gh && !args.json ? gh.groups((l) => r.out(l)) : undefined;
  const onEvent = (e: DeployEvent) => {
    if (!groups) return r.out(eventLine(e));
    groups.line(e.app, eventLine(e));
    if (e.kind === 'done' || e.kind === 'error') groups.end(e.app, eventLine(e));
  };
  const o: StageOptions = {
    env,
    natsUrl: args.natsUrl,
    lattice: args.lattice,
    ...(args.timeout !== undefined ? { timeoutMs: parseTimeout(args.timeout) } : {}),
    ...(args.json ? {} : { onEvent }),
  };
  const result = (res: object) => {
    if (args.json) r.out(JSON.stringify(res));
    if (args.jsonFile) writeFileSync(args.jsonFile, JSON.stringify(res) + '\n');
  };
  try {
    if (args.command === 'status') {
      const s = await statusPlan(genDir, o);
      result(s);
      if (!args.json) for (const line of statusTable(s)) r.out(line);
      return 0;
    }
    if (args.command === 'remove') {
      const res = await removePlan(genDir, { ...o, keepVersions: args.keepVersions });
      result(res);
      groups?.flush();
      const sum = removeSummary(res);
      if (!args.json) for (const line of sum.out) r.out(line);
      for (const line of sum.err) r.err(line);
      gh?.summary(removeMarkdown(res));
      return res.ok ? 0 : 1;
    }
    const res = await deployPlan(genDir, { ...o, replace: args.replace });
    result(res);
    groups?.flush();
    const sum = deploySummary(res);
    if (!args.json) for (const line of sum.out) r.out(line);
    for (const line of sum.err) r.err(line);
    gh?.summary(deployMarkdown(res));
    return res.ok ? 0 : 1;
  } finally {
    // a stage that stopped (NATS gone, no wadm) still shows what each app had done
    groups?.flush();
  }
}

