/**
 * The job summaries of the actions (Markdown for GITHUB_STEP_SUMMARY): what was generated, built, tested,
 * deployed or removed, from the same typed results the terminal tables come from. Pure functions: the CLI
 * decides when to write them (through src/github/actionsOutput.ts).
 */
import path from 'node:path';
import { formatSize, type BuildResult, type BuiltTask } from '../package/build.js';
import { PelatoError, UserInputError } from '../common/diagnostics.js';
import type { Env } from '../common/settings.js';
import type { DeployResult, RemoveResult } from '../deploy/deploy.js';
import type { Plan, PlannedTask } from '../model/plan.js';
import type { TestReport } from '../run/test.js';
import { codeBlock, mdCode, mdTable, mdText } from './markdown.js';

const secs = (ms: number | undefined) => (ms === undefined ? '–' : `${(ms / 1000).toFixed(1)} s`);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `sha256:` and the first 12 hex digits: enough to tell builds apart at a glance. */
export function shortHash(h: string | undefined): string {
  if (!h) return '–';
  const m = /^(sha256:)?([0-9a-f]{12})[0-9a-f]*$/.exec(h);
  return mdCode(m ? `${m[1] ?? ''}${m[2]}` : h);
}

function topics(t: PlannedTask): string {
  const from = t.http ? `HTTP ${mdText(t.http.path)}` : t.source_topic ? mdText(t.source_topic) : '–';
  return `${from} → ${t.dest_topic ? mdText(t.dest_topic) : '–'}`;
}

/** Paths as the user knows them: relative to the workspace (or the current folder). */
function shown(p: string, env: Env): string {
  const rel = path.relative(env.GITHUB_WORKSPACE || process.cwd(), path.resolve(p));
  return rel && !rel.startsWith('..') ? rel : p;
}

export function genSummary(plan: Plan, out: string, ms: number, env: Env): string {
  const rows = plan.tasks.map((t) => [
    mdText(t.app),
    mdText(t.type),
    t.targets.map(mdText).join(', '),
    topics(t),
    mdText(t.version),
    shortHash(t.content_hash),
  ]);
  return [
    `### PELATO gen: ${plural(plan.tasks.length, 'task')} of ${mdText(plan.project_name)}`,
    '',
    `Registry ${mdCode(plan.registry)}, lattice ${mdCode(plan.lattice)}; ` +
      `written to ${mdCode(shown(out, env))} in ${Math.round(ms)} ms.`,
    '',
    ...mdTable(['app', 'type', 'targets', 'source → dest', 'version', 'content hash'], rows),
  ].join('\n');
}

function buildTime(t: BuiltTask): string {
  const parts = (['compile', 'check', 'push'] as const)
    .filter((k) => t.timings_ms[k] !== undefined)
    .map((k) => `${k} ${secs(t.timings_ms[k])}`);
  return `${secs(t.timings_ms.total)}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

export function buildSummary(r: BuildResult): string {
  const counts = new Map<string, number>();
  for (const t of r.tasks) counts.set(t.status, (counts.get(t.status) ?? 0) + 1);
  const tally = [...counts].map(([s, n]) => `${n} ${s}`).join(', ');
  const rows = r.tasks.map((t) => [
    mdText(t.app),
    t.status === 'failed' ? '**failed**' : t.status,
    t.size === undefined ? '–' : formatSize(t.size),
    shortHash(t.digest),
    buildTime(t),
  ]);
  const lines = [
    `### PELATO build: ${plural(r.tasks.length, 'task')}${tally ? `, ${tally}` : ''}`,
    '',
    `${r.pushed ? 'Pushed to the registry' : 'Compiled and checked, not pushed'}; ${secs(r.ms)} in all. ` +
      'built = compiled now, cached = taken from the build cache, ' +
      'unchanged = already in the registry with this content.',
    '',
    ...mdTable(['app', 'result', 'size', 'digest', 'time'], rows),
  ];
  const failed = r.tasks.filter((t) => t.status === 'failed');
  if (failed.length)
    lines.push('', '**Failed:**', '', ...failed.map((t) => `- ${mdText(t.app)}: ${mdText(t.error ?? 'failed')}`));
  const pinned = r.tasks.filter((t) => t.pinned);
  if (pinned.length)
    lines.push(
      '',
      '<details><summary>Images (pinned by digest, as deploy uses them)</summary>',
      '',
      ...pinned.map((t) => `- ${mdCode(t.pinned!)}`),
      '',
      '</details>',
    );
  return lines.join('\n');
}

export function testSummary(r: TestReport): string {
  const perTask = new Map<string, { passed: number; failed: number; file: string }>();
  for (const c of r.results) {
    const row = perTask.get(c.task) ?? { passed: 0, failed: 0, file: c.file };
    if (c.failure) row.failed++;
    else row.passed++;
    perTask.set(c.task, row);
  }
  const rows = [...perTask].map(([task, x]) => [
    mdText(task),
    String(x.passed),
    x.failed ? `**${x.failed}**` : '0',
    mdCode(x.file),
  ]);
  const lines = [
    `### PELATO test: ${r.passed} passed, ${r.failed} failed`,
    '',
    ...mdTable(['task', 'passed', 'failed', 'cases'], rows),
  ];
  if (r.untested.length)
    lines.push('', `No tests for ${r.untested.map(mdText).join(', ')} (add ${mdCode('tasks/<name>.test.yaml')}).`);
  const failures = r.results.filter((c) => c.failure);
  for (const c of failures) {
    lines.push(
      '',
      `<details><summary>${mdText(c.task)}: ${mdText(c.name)} (${mdText(`${c.file}:${c.line}`)})</summary>`,
      '',
      codeBlock('', c.failure!),
      '',
      '</details>',
    );
  }
  return lines.join('\n');
}

export function deploySummary(r: DeployResult): string {
  const ok = r.apps.filter((a) => a.outcome === 'deployed').length;
  const rows = r.apps.map((a) => [
    mdText(a.app),
    mdText(a.version),
    a.action ?? '–',
    a.outcome === 'deployed' ? 'deployed' : `**${a.outcome}**`,
    secs(a.deployedMs),
    `${mdCode(a.manifest)}${a.pinned ? ' (pinned)' : ''}`,
  ]);
  const lines = [
    `### PELATO deploy: ${ok} of ${plural(r.apps.length, 'app')} deployed`,
    '',
    `Lattice ${mdCode(r.lattice)} on ${mdCode(r.server)}.`,
    '',
    ...mdTable(['app', 'version', 'action', 'state', 'time', 'manifest'], rows),
  ];
  const bad = r.apps.filter((a) => a.outcome !== 'deployed');
  if (bad.length)
    lines.push(
      '',
      '**Not deployed:**',
      '',
      ...bad.map((a) => `- ${mdText(a.app)} ${mdText(a.version)}: ${mdText(a.message ?? a.outcome)}`),
    );
  return lines.join('\n');
}

export function removeSummary(r: RemoveResult): string {
  const rows = r.apps.map((a) => [
    mdText(a.app),
    a.outcome === 'error' || a.outcome === 'timeout' ? `**${a.outcome}**` : a.outcome,
    a.versions.map(mdText).join(', ') || '–',
  ]);
  const lines = [
    `### PELATO remove: ${plural(r.apps.length, 'app')}`,
    '',
    `Lattice ${mdCode(r.lattice)} on ${mdCode(r.server)}.`,
    '',
    ...mdTable(['app', 'result', 'kept versions'], rows),
  ];
  const bad = r.apps.filter((a) => a.message);
  if (bad.length) lines.push('', ...bad.map((a) => `- ${mdText(a.app)}: ${mdText(a.message!)}`));
  return lines.join('\n');
}

/** A command that stopped: the problems with file and line (as the annotations show them), or the error. */
export function failureSummary(command: string, err: unknown, env: Env): string {
  const head = `### PELATO ${mdText(command)} failed`;
  if (err instanceof UserInputError) {
    const rows = err.diagnostics.map((d) => [
      mdCode(shown(d.file, env)),
      `${d.line}:${d.col}`,
      mdText(d.hint ? `${d.message} (${d.hint})` : d.message),
    ]);
    return [
      head,
      '',
      `${plural(err.diagnostics.length, 'problem')}; nothing was written.`,
      '',
      ...mdTable(['file', 'line', 'problem'], rows),
    ].join('\n');
  }
  if (err instanceof PelatoError)
    return [head, '', mdText(err.message), ...(err.hint ? ['', `Hint: ${mdText(err.hint)}`] : [])].join('\n');
  return [head, '', mdText(`internal error: ${(err as Error)?.message ?? String(err)}`)].join('\n');
}
