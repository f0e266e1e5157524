/** `pelato build`, `pelato test` and `pelato brush`: read options, run the stages, report. */
import path from 'node:path';
import { build, formatSize, parallelism, readPlan, type BuildResult, type BuiltTask } from '../build/build.js';
import { PelatoError } from '../common/diagnostics.js';
import { annotation, type Reporter } from '../common/report.js';
import { testPlan } from '../run/test.js';
import type { ActionsOutput } from '../github/actionsOutput.js';
import { buildSummary, testSummary } from '../github/jobSummary.js';
import type { CliArgs } from './args.js';
import { table } from '../common/table.js';

export const BUILD_ENV = {
  registryUser: 'REGISTRY_USER',
  registryPassword: 'REGISTRY_PASSWORD',
  parallel: 'PARALLEL_BUILD',
  metrics: 'ENABLE_METRICS',
} as const;

export function genDirOf(args: CliArgs): string {
  return args.out ?? path.join(args.dir, 'gen');
}

/** `gh`: running in GitHub Actions as a command of its own: one log group per task, and the job summary. */
export async function runBuild(args: CliArgs, r: Reporter, env: NodeJS.ProcessEnv, push = !args.noPush, gh?: ActionsOutput): Promise<BuildResult> {
  const genDir = genDirOf(args);
  const groups = gh && !args.json ? gh.groups((l) => r.out(l)) : undefined;
  const res = await build({
    genDir,
    push,
    allowOverwrite: args.overwrite,
    parallel: parallelism(args.parallel ?? env[BUILD_ENV.parallel]),
    plainHttp: args.plainHttp || undefined,
    registryUser: env[BUILD_ENV.registryUser] || undefined,
    registryPassword: env[BUILD_ENV.registryPassword] || undefined,
    cacheDir: path.join(args.dir, '.pelato', 'cache'),
    metrics: !/^(false|0|no)$/i.test(env[BUILD_ENV.metrics] ?? 'true'),
    log: args.json ? () => {} : groups ? (l, task) => (task ? groups.line(task, l) : r.out(l)) : (l) => r.out(l),
    ...(groups ? { onTaskDone: (t: BuiltTask) => groups.end(t.component_name, groupTitle(t), groupDetails(t)) } : {}),
  });
  groups?.flush();
  if (args.json) r.out(JSON.stringify(res));
  else {
    r.out('');
    const rows = res.tasks.map((t) => [t.component_name, t.status, t.size === undefined ? '-' : formatSize(t.size), t.pinned ?? (push ? '-' : '(not pushed)'), `${(t.timings_ms.total / 1000).toFixed(1)} s`]);
    for (const line of table(['component', 'status', 'size', 'image', 'time'], rows)) r.out(line);
    r.out(`${res.tasks.length} task${res.tasks.length === 1 ? '' : 's'} in ${(res.ms / 1000).toFixed(1)} s${push ? '' : ' (not pushed)'}`);
  }
  for (const t of res.tasks) if (t.status === 'failed') r.err(`error: ${t.component_name}: ${t.error}`);
  gh?.summary(buildSummary(res));
  return res;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function groupTitle(t: BuiltTask): string {
  return `${t.component_name}: ${t.status}${t.size === undefined ? '' : `, ${formatSize(t.size)}`} in ${secs(t.timings_ms.total)}`;
}

function groupDetails(t: BuiltTask): string[] {
  const times = (['compile', 'check', 'push'] as const).filter((k) => t.timings_ms[k] !== undefined).map((k) => `${k} ${secs(t.timings_ms[k]!)}`);
  return [
    ...(t.digest ? [`  digest: ${t.digest}`] : []),
    ...(t.pinned ? [`  image:  ${t.pinned}`] : []),
    ...(times.length ? [`  time:   ${times.join(', ')}`] : []),
  ];
}

export async function runTest(args: CliArgs, r: Reporter, env: NodeJS.ProcessEnv, generate: () => Promise<number>, gh?: ActionsOutput): Promise<number> {
  // Tests run what the current sources build to: regenerate, then build what changed (cached, never pushed).
  const code = await generate();
  if (code !== 0) return code;
  const built = await runBuild({ ...args, json: true }, { out: () => {}, err: (l) => r.err(l) }, env, false);
  if (!built.ok) throw new PelatoError('some tasks did not build, so they cannot be tested', 'see the errors above');
  const genDir = genDirOf(args);
  const report = await testPlan(await readPlan(genDir), genDir, args.dir, args.json ? () => {} : (l) => r.out(l));
  if (args.json) r.out(JSON.stringify(report));
  else {
    if (report.untested.length) r.out(`no tests for: ${report.untested.join(', ')} (add tasks/<name>.test.yaml)`);
    r.out(`${report.passed} passed, ${report.failed} failed`);
  }
  if (gh) {
    // each failing case annotated at its line of tasks/<name>.test.yaml, as validation errors are
    for (const c of report.results) {
      if (c.failure) r.err(annotation({ file: c.file, line: c.line, col: 1, message: `${c.task}: test case "${c.name}" failed\n${c.failure}` }));
    }
    gh.summary(testSummary(report));
  }
  return report.failed ? 1 : 0;
}
