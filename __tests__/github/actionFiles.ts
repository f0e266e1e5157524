/** The GitHub action and workflow files of the repository, parsed, and a runner stand-in for composite steps. */
import { spawnSync } from 'node:child_process';
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

export function loadYaml(file: string): { text: string; doc: any } {
  const text = readFileSync(file, 'utf8');
  return { text, doc: parse(text) };
}

/** Every step of a workflow's jobs. */
export function workflowSteps(doc: any): Step[] {
  return Object.values(doc.jobs ?? {}).flatMap((j: any) => (j.steps ?? []) as Step[]);
}

/** scripts/github/x.sh that a `run:` calls through $GITHUB_ACTION_PATH, with lib.sh when it sources it. */
export function scriptOf(run: string): { file: string; text: string } | undefined {
  const m = /scripts\/github\/([a-z-]+\.sh)/.exec(run);
  if (!m) return undefined;
  const file = path.join(ROOT, 'scripts', 'github', m[1]!);
  let text = readFileSync(file, 'utf8');
  if (text.includes('lib.sh')) text += readFileSync(path.join(ROOT, 'scripts', 'github', 'lib.sh'), 'utf8');
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

/**
 * Runs one `run:` step of a composite as the runner does: `${{ inputs.x }}` in its env resolved from
 * `inputs` (else the declared default), GITHUB_ACTION_PATH the action's folder, GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY fresh files, the script from a file with `bash --noprofile --norc -eo pipefail`.
 */
export function runStep(dir: string, stepId: string, workspace: string, inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}) {
  const action = loadAction(dir);
  const step = action.runs.steps.find((s) => s.id === stepId);
  if (!step?.run) throw new Error(`${dir}/action.yml has no run step ${stepId}`);
  const value = (expr: string) =>
    expr.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, name: string) => inputs[name] ?? action.inputs[name]?.default ?? '');
  const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, value(String(v))]));
  const runner = tempDir();
  const files = { GITHUB_OUTPUT: path.join(runner, 'output'), GITHUB_STEP_SUMMARY: path.join(runner, 'summary') };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const script = path.join(runner, 'step.sh');
  writeFileSync(script, step.run);
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
    cwd: workspace,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: workspace,
      RUNNER_TEMP: runner,
      GITHUB_ACTION_PATH: path.join(ROOT, dir),
      ...files,
      ...env,
      ...stepEnv,
    },
  });
  return {
    code: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    outputs: parseOutputs(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
  };
}
