/** The GitHub action and workflow files of the repository, parsed, and a runner stand-in for composite steps. */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ROOT, tempDir } from '../helpers/project.js';

export interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}

export interface Action {
  file: string;
  text: string;
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: Step[] };
}

/** A reusable workflow's `on.workflow_call`: what callers pass and get back. */
export interface WorkflowCall {
  inputs: Record<string, { type: string; description: string; required?: boolean; default?: string | boolean }>;
  secrets: Record<string, { description: string; required?: boolean }>;
  outputs: Record<string, { description: string; value: string }>;
}

export interface Job {
  if?: string;
  uses?: string;
  needs?: string | string[];
  environment?: string;
  concurrency?: unknown;
  permissions?: Record<string, string>;
  secrets?: Record<string, string>;
  with?: Record<string, string>;
  steps?: Step[];
}

/** A workflow file: the parts of GitHub's workflow syntax the tests read. */
export interface Workflow {
  on: { workflow_call?: WorkflowCall; push?: { branches?: string[] }; pull_request?: { types?: string[] } };
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

/** The root action and the composites in sub-folders (the folder is what users name in `uses:`). */
export const ACTION_DIRS = ['.', 'generate', 'build', 'test', 'deploy', 'preview'];

export function loadAction(dir: string): Action {
  const file = path.join(ROOT, dir, 'action.yml');
  const text = readFileSync(file, 'utf8');
  return { file, text, ...parse(text) } as Action;
}

export const WORKFLOW_FILES = [
  ...readdirSync(path.join(ROOT, '.github', 'workflows'))
    .filter((f) => f.endsWith('.yml'))
    .map((f) => path.join(ROOT, '.github', 'workflows', f)),
  path.join(ROOT, 'examples', 'github', 'caller.yml'),
];

export function loadYaml(file: string): { text: string; doc: Workflow } {
  const text = readFileSync(file, 'utf8');
  return { text, doc: parse(text) as Workflow };
}

/** Every step of a workflow's jobs. */
export function workflowSteps(doc: Pick<Workflow, 'jobs'>): Step[] {
  return Object.values(doc.jobs ?? {}).flatMap((j) => j.steps ?? []);
}

/** scripts/github/x.sh that a `run:` calls through $GITHUB_ACTION_PATH, with lib.sh when it sources it. */
export function scriptOf(run: string): { file: string; text: string } | undefined {
  const m = /scripts\/github\/([a-z-]+\.sh)/.exec(run);
  if (!m) return undefined;
  const file = path.join(ROOT, 'scripts', 'github', m[1]!);
  let text = readFileSync(file, 'utf8');
  if (text.includes('lib.sh')) text += readFileSync(path.join(ROOT, 'scripts', 'github', 'lib.sh'), 'utf8');
  // A bundle the script runs (dist/<entry>/index.js) counts with the TypeScript entry it is built from
  // (scripts/bundle.mjs names them): the preview's bundle reads its env and sets its outputs itself.
  const entries = Object.fromEntries(
    [...readFileSync(path.join(ROOT, 'scripts', 'bundle.mjs'), 'utf8').matchAll(/(\w+): '(src\/[\w/]+\.ts)'/g)].map(
      (x) => [x[1], x[2]],
    ),
  );
  for (const [, entry] of text.matchAll(/dist\/(\w+)\/index\.js/g)) {
    if (!entries[entry!]) continue;
    text += readFileSync(path.join(ROOT, entries[entry!]!), 'utf8');
  }
  return { file, text };
}

/** Parses a $GITHUB_OUTPUT file (`name=value` and `name<<DELIM` … `DELIM` forms). */
export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i]!);
      if (i >= lines.length) throw new Error(`unterminated output ${heredoc[1]}`);
      out[heredoc[1]!] = value.join('\n');
    } else if (line.includes('=')) out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
  }
  return out;
}

export interface StepRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

/**
 * One `run:` step of a composite as the runner prepares it: `${{ inputs.x }}` in its env resolved from
 * `inputs` (else the declared default), GITHUB_ACTION_PATH the action's folder, GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY fresh files, GITHUB_EVENT_PATH a push event, the script in a file for
 * `bash --noprofile --norc -eo pipefail`.
 */
function prepareStep(
  dir: string,
  stepId: string,
  workspace: string,
  inputs: Record<string, string>,
  env: NodeJS.ProcessEnv,
) {
  const action = loadAction(dir);
  const step = action.runs.steps.find((s) => s.id === stepId);
  if (!step?.run) throw new Error(`${dir}/action.yml has no run step ${stepId}`);
  for (const name of Object.keys(inputs))
    if (!(name in action.inputs)) throw new Error(`${dir}/action.yml has no input ${name}`);
  const value = (expr: string) =>
    expr.replace(
      /\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g,
      (_, name: string) => inputs[name] ?? action.inputs[name]?.default ?? '',
    );
  const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, value(String(v))]));
  const runner = tempDir();
  const files = {
    GITHUB_OUTPUT: path.join(runner, 'output'),
    GITHUB_STEP_SUMMARY: path.join(runner, 'summary'),
    GITHUB_EVENT_PATH: path.join(runner, 'event.json'),
  };
  writeFileSync(files.GITHUB_OUTPUT, '');
  writeFileSync(files.GITHUB_STEP_SUMMARY, '');
  writeFileSync(
    files.GITHUB_EVENT_PATH,
    JSON.stringify({ ref: 'refs/heads/main', after: '0'.repeat(40), repository: { full_name: 'acme/app' } }),
  );
  const script = path.join(runner, 'step.sh');
  writeFileSync(script, step.run);
  const spawnEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: runner,
    GITHUB_ACTION_PATH: path.join(ROOT, dir),
    ...files,
    ...env,
    ...stepEnv,
  };
  const result = (code: number | null, stdout: string, stderr: string): StepRun => ({
    code,
    stdout,
    stderr,
    outputs: parseOutputs(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
  });
  return {
    args: ['--noprofile', '--norc', '-eo', 'pipefail', script],
    options: { cwd: workspace, env: spawnEnv },
    result,
  };
}

/** Runs one step and waits (the test process is blocked meanwhile). */
export function runStep(
  dir: string,
  stepId: string,
  workspace: string,
  inputs: Record<string, string>,
  env: NodeJS.ProcessEnv = {},
): StepRun {
  const p = prepareStep(dir, stepId, workspace, inputs, env);
  const r = spawnSync('bash', p.args, { ...p.options, encoding: 'utf8' });
  return p.result(r.status, r.stdout, r.stderr);
}

/** Runs one step without blocking, for steps that talk to servers living in the test process (the wadm stand-in). */
export function runStepAsync(
  dir: string,
  stepId: string,
  workspace: string,
  inputs: Record<string, string>,
  env: NodeJS.ProcessEnv = {},
): Promise<StepRun> {
  const p = prepareStep(dir, stepId, workspace, inputs, env);
  return new Promise((resolve, reject) => {
    const child = spawn('bash', p.args, { ...p.options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve(p.result(code, stdout, stderr)));
  });
}

/** The `::group::title` … `::endgroup::` blocks of a log, in order; fails on a nested or unclosed group. */
export function logGroups(log: string): { title: string; lines: string[] }[] {
  const groups: { title: string; lines: string[] }[] = [];
  let open: { title: string; lines: string[] } | undefined;
  for (const line of log.split('\n')) {
    if (line.startsWith('::group::')) {
      if (open) throw new Error(`group "${line.slice(9)}" opened inside "${open.title}"`);
      open = { title: line.slice(9), lines: [] };
    } else if (line === '::endgroup::') {
      if (!open) throw new Error('::endgroup:: without a group');
      groups.push(open);
      open = undefined;
    } else open?.lines.push(line);
  }
  if (open) throw new Error(`group "${open.title}" never closed`);
  return groups;
}
