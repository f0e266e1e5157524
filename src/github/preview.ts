/**
 * The pull-request preview: what a PR changes in the generated plan and manifests, as the Markdown of
 * one PR comment (or a job summary). Both sides come from `generate()` in memory; nothing is written.
 *
 * Every user string (names, topics, targets, paths) reaches Markdown escaped, Mermaid only as entity
 * codes inside quoted labels, and code blocks inside a fence longer than any backtick run they hold.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { generate, type Generated } from '../generate/generate.js';
import { loadWorkflow, WORKFLOW_FILE } from '../load/workflow.js';
import type { PlannedTask } from '../model/plan.js';
import type { Workflow } from '../model/workflow.js';
import { codeBlock, mdText } from './markdown.js';

export const PREVIEW_MARKER = '<!-- pelato-preview -->';
/** GitHub rejects comment bodies over 65536 characters; keep a margin. */
export const COMMENT_LIMIT = 65536;
const BUDGET = COMMENT_LIMIT - 1536;

export type TaskStatus = 'new' | 'changed' | 'unchanged' | 'removed';

/** One side of the comparison: the workflow (for fields the plan does not carry) and what it generates. */
export interface PreviewSide {
  wf: Workflow;
  gen: Generated;
}

export interface TaskRow {
  status: TaskStatus;
  task: PlannedTask;
  base?: PlannedTask;
  /** What differs from the base: `code` (content hash), `version`, `manifest`. */
  reasons: string[];
}

export interface PreviewOptions {
  /** Shown under the title, e.g. "PR #5 against main". */
  subtitle?: string;
  /** Why there is no base (project missing or invalid on the base branch). */
  baseNote?: string;
  limit?: number;
}

function manifestText(side: PreviewSide | undefined, t: PlannedTask | undefined): string {
  if (!side || !t) return '';
  const b = side.gen.files.get(t.manifest);
  return b ? b.toString('utf8') : '';
}

/** Rows of the head plan, then the tasks only the base has; keyed by component_name (= wadm app). */
export function compareTasks(head: PreviewSide, base: PreviewSide | undefined): TaskRow[] {
  const baseTasks = new Map((base?.gen.plan.tasks ?? []).map((t) => [t.component_name, t]));
  const rows: TaskRow[] = [];
  for (const t of head.gen.plan.tasks) {
    const b = baseTasks.get(t.component_name);
    if (!b) {
      rows.push({ status: 'new', task: t, reasons: [] });
      continue;
    }
    const reasons: string[] = [];
    if (b.content_hash !== t.content_hash) reasons.push('code');
    if (b.version !== t.version) reasons.push('version');
    if (manifestText(base, b) !== manifestText(head, t)) reasons.push('manifest');
    rows.push({ status: reasons.length ? 'changed' : 'unchanged', task: t, base: b, reasons });
  }
  const headNames = new Set(head.gen.plan.tasks.map((t) => t.component_name));
  for (const b of base?.gen.plan.tasks ?? []) if (!headNames.has(b.component_name)) rows.push({ status: 'removed', task: b, reasons: [] });
  return rows;
}

// ---------------------------------------------------------------------------------------------------
// Escaping

/** A Mermaid quoted label: only letters, digits, space and `._/-` stay; everything else is `#code;`. */
export function mermaidLabel(s: string): string {
  let out = '';
  for (const ch of s.replace(/[\r\n\t]+/g, ' ')) out += /[A-Za-z0-9 ._/-]/.test(ch) ? ch : `#${ch.codePointAt(0)};`;
  return `"${out}"`;
}

/** A Mermaid node id from a prefix and an index: never a user string. */
function nodeId(prefix: string, i: number): string {
  return `${prefix}${i}`;
}

// ---------------------------------------------------------------------------------------------------
// Data flow

/** NATS subject matching: `*` is one token, a trailing `>` one or more. `subject` is taken literally. */
export function natsMatch(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return i === p.length - 1 && s.length > i;
    if (i >= s.length) return false;
    if (p[i] !== '*' && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}

/** A `flowchart LR` of the head plan (tasks, topics as edges, HTTP inputs, database tables). */
export function mermaidFlow(head: PreviewSide, statuses: Map<string, TaskStatus> = new Map()): string {
  const tasks = head.gen.plan.tasks;
  const wfTasks = new Map(head.wf.tasks.map((t) => [t.component_name, t]));
  const lines = ['flowchart LR'];
  const edges: string[] = [];
  const ids = new Map<PlannedTask, string>();
  tasks.forEach((t, i) => {
    const id = nodeId('t', i);
    ids.set(t, id);
    lines.push(`  ${id}[${mermaidLabel(`${t.component_name} (${t.targets.join(', ')})`)}]`);
  });
  let extra = 0;
  const external = new Map<string, string>();
  tasks.forEach((t) => {
    const id = ids.get(t)!;
    if (t.http) {
      const h = nodeId('h', extra++);
      lines.push(`  ${h}([${mermaidLabel(`HTTP POST ${t.http.path}`)}])`);
      edges.push(`  ${h} --> ${id}`);
    }
    const db = wfTasks.get(t.component_name)?.database;
    if (db) {
      const d = nodeId('db', extra++);
      lines.push(`  ${d}[(${mermaidLabel(`table ${db.table}`)})]`);
      edges.push(`  ${id} -->|${mermaidLabel('INSERT')}| ${d}`);
    }
    if (t.dest_topic) {
      const consumers = tasks.filter((c) => c.source_topic !== undefined && c !== t && !c.http && natsMatch(c.source_topic, t.dest_topic!));
      for (const c of consumers) edges.push(`  ${id} -->|${mermaidLabel(t.dest_topic)}| ${ids.get(c)}`);
      if (consumers.length === 0) {
        const o = nodeId('out', extra++);
        lines.push(`  ${o}>${mermaidLabel(t.dest_topic)}]`);
        edges.push(`  ${id} --> ${o}`);
      }
    }
    // A subscription no task of the workflow publishes to comes from outside.
    if (t.source_topic && !t.http && !tasks.some((p) => p !== t && p.dest_topic !== undefined && natsMatch(t.source_topic!, p.dest_topic))) {
      let e = external.get(t.source_topic);
      if (!e) {
        e = nodeId('in', extra++);
        external.set(t.source_topic, e);
        lines.push(`  ${e}>${mermaidLabel(t.source_topic)}]`);
      }
      edges.push(`  ${e} -->|${mermaidLabel(t.source_topic)}| ${id}`);
    }
  });
  lines.push(...edges);
  const byStatus = (s: TaskStatus) => tasks.filter((t) => statuses.get(t.component_name) === s).map((t) => ids.get(t)!);
  const isNew = byStatus('new');
  const changed = byStatus('changed');
  if (isNew.length) lines.push('  classDef new stroke:#2da44e,stroke-width:3px', `  class ${isNew.join(',')} new`);
  if (changed.length) lines.push('  classDef changed stroke:#bf8700,stroke-width:3px', `  class ${changed.join(',')} changed`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------
// Line diff

type Op = { kind: ' ' | '-' | '+'; line: string };

/** LCS line diff; falls back to "all removed, all added" past a size where the table would be too big. */
export function diffLines(a: string[], b: string[]): Op[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const A = a.slice(pre, a.length - suf);
  const B = b.slice(pre, b.length - suf);
  const mid: Op[] = [];
  if (A.length * B.length > 4_000_000) {
    mid.push(...A.map((line) => ({ kind: '-' as const, line })), ...B.map((line) => ({ kind: '+' as const, line })));
  } else {
    const n = A.length;
    const m = B.length;
    const L = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) L[i]![j] = A[i] === B[j] ? L[i + 1]![j + 1]! + 1 : Math.max(L[i + 1]![j]!, L[i]![j + 1]!);
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (A[i] === B[j]) mid.push({ kind: ' ', line: A[i++]! }), j++;
      else if (L[i + 1]![j]! >= L[i]![j + 1]!) mid.push({ kind: '-', line: A[i++]! });
      else mid.push({ kind: '+', line: B[j++]! });
    }
    while (i < n) mid.push({ kind: '-', line: A[i++]! });
    while (j < m) mid.push({ kind: '+', line: B[j++]! });
  }
  return [...a.slice(0, pre).map((line) => ({ kind: ' ' as const, line })), ...mid, ...a.slice(a.length - suf).map((line) => ({ kind: ' ' as const, line }))];
}

/** Unified-style hunks (`@@ -a,b +c,d @@`) with `context` lines around each change; '' when equal. */
export function unifiedDiff(before: string, after: string, context = 3): string {
  const split = (s: string) => (s === '' ? [] : s.replace(/\n$/, '').split('\n'));
  const ops = diffLines(split(before), split(after));
  const changes = ops.map((o, i) => (o.kind === ' ' ? -1 : i)).filter((i) => i >= 0);
  if (changes.length === 0) return '';
  // Group changes whose context overlaps into one hunk.
  const hunks: [number, number][] = [];
  for (const c of changes) {
    const last = hunks[hunks.length - 1];
    if (last && c - last[1] <= 2 * context + 1) last[1] = c;
    else hunks.push([c, c]);
  }
  // Line numbers before each op.
  const aNo: number[] = [];
  const bNo: number[] = [];
  let x = 1;
  let y = 1;
  for (const o of ops) {
    aNo.push(x);
    bNo.push(y);
    if (o.kind !== '+') x++;
    if (o.kind !== '-') y++;
  }
  const out: string[] = [];
  for (const [first, last] of hunks) {
    const s = Math.max(0, first - context);
    const e = Math.min(ops.length - 1, last + context);
    const slice = ops.slice(s, e + 1);
    const aLen = slice.filter((o) => o.kind !== '+').length;
    const bLen = slice.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${aLen ? aNo[s] : aNo[s]! - 1},${aLen} +${bLen ? bNo[s] : bNo[s]! - 1},${bLen} @@`);
    for (const o of slice) out.push(`${o.kind}${o.line}`);
  }
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------------
// The comment

const STATUS_LABEL: Record<TaskStatus, string> = { new: '🆕 new', changed: '✏️ changed', unchanged: 'unchanged', removed: '🗑️ removed' };

/** Keeps at most `max` characters of `text`, cut at a line end, with a note of what was left out. */
function truncate(text: string, max: number, what: string): string {
  if (text.length <= max) return text;
  const lines = text.split('\n');
  let kept = '';
  let n = 0;
  while (n < lines.length && kept.length + lines[n]!.length + 1 <= max) kept += lines[n++]! + '\n';
  return `${kept}… ${what} truncated: ${lines.length - n} more line(s) not shown (see gen/ in the job's workspace)\n`;
}

function tableOf(rows: TaskRow[]): string[] {
  const out = ['| status | component | type | targets | source → dest | version |', '| --- | --- | --- | --- | --- | --- |'];
  for (const r of rows) {
    const t = r.task;
    const status = STATUS_LABEL[r.status] + (r.status === 'changed' ? ` (${r.reasons.join(', ')})` : '');
    const topics = `${t.http ? `HTTP ${mdText(t.http.path)}` : t.source_topic ? mdText(t.source_topic) : '–'} → ${t.dest_topic ? mdText(t.dest_topic) : '–'}`;
    const version = r.base && r.base.version !== t.version ? `${mdText(r.base.version)} → ${mdText(t.version)}` : mdText(t.version);
    out.push(`| ${status} | ${mdText(t.component_name)} | ${mdText(t.type)} | ${t.targets.map(mdText).join(', ')} | ${topics} | ${version} |`);
  }
  return out;
}

function detailsOf(row: TaskRow, head: PreviewSide, base: PreviewSide | undefined, budget: number): string {
  const after = row.status === 'removed' ? '' : manifestText(head, row.task);
  const before = manifestText(base, row.base ?? (row.status === 'removed' ? row.task : undefined));
  const diff = row.status === 'unchanged' ? '' : unifiedDiff(before, after);
  const parts = [`<details><summary>${mdText(row.task.component_name)}: ${STATUS_LABEL[row.status]}</summary>`, ''];
  const room = Math.max(200, budget - 200);
  if (diff) {
    parts.push(row.status === 'removed' ? 'Removed manifest:' : `Diff of ${mdText(row.task.manifest)} against the base:`, '');
    parts.push(codeBlock('diff', truncate(diff, after ? Math.floor(room / 2) : room, 'diff')), '');
  }
  if (after) parts.push(`${mdText(row.task.manifest)}:`, '', codeBlock('yaml', truncate(after, diff ? Math.floor(room / 2) : room, 'manifest')), '');
  parts.push('</details>');
  return parts.join('\n');
}

/** The whole comment: marker, title, table, data flow, one collapsed block per app; under the limit. */
export function renderPreview(head: PreviewSide, base: PreviewSide | undefined, opts: PreviewOptions = {}): string {
  const limit = Math.min(opts.limit ?? BUDGET, BUDGET);
  const rows = compareTasks(head, base);
  const count = (s: TaskStatus) => rows.filter((r) => r.status === s).length;
  const head1 = [
    PREVIEW_MARKER,
    `## PELATO preview: ${mdText(head.wf.project_name)}`,
    '',
    ...(opts.subtitle ? [mdText(opts.subtitle), ''] : []),
    ...(opts.baseNote ? [`> ${mdText(opts.baseNote)}`, ''] : []),
    `${count('new')} new, ${count('changed')} changed, ${count('removed')} removed, ${count('unchanged')} unchanged ` +
      `(registry ${mdText(head.gen.plan.registry)}, lattice ${mdText(head.gen.plan.lattice)}).`,
    '',
  ].join('\n');
  const stale = rows.filter((r) => r.reasons.includes('code') && !r.reasons.includes('version'));
  let table = tableOf(rows).join('\n') + '\n';
  if (stale.length) {
    table += `\n> [!WARNING]\n${stale.map((r) => `> ${mdText(r.task.component_name)} changes its code but keeps version ${mdText(r.task.version)}: images are immutable per version, so bump it.`).join('\n>\n')}\n`;
  }
  const statuses = new Map(rows.filter((r) => r.status !== 'removed').map((r) => [r.task.component_name, r.status]));
  let flow = `\n### Data flow\n\n${codeBlock('mermaid', mermaidFlow(head, statuses))}\n`;
  if (head1.length + table.length + flow.length > limit) flow = '\n_The data-flow diagram is left out: the comment would be too long._\n';
  if (head1.length + table.length + flow.length > limit) table = truncate(table, limit - head1.length - flow.length - 200, 'table');
  const shown = rows.filter((r) => r.status !== 'unchanged');
  const unchanged = rows.filter((r) => r.status === 'unchanged');
  const fixed = head1.length + table.length + flow.length + 200;
  const blocks: string[] = [];
  const all = [...shown, ...unchanged];
  let left = limit - fixed;
  all.forEach((r, i) => {
    const share = Math.floor(left / (all.length - i));
    if (share < 300) return;
    const block = detailsOf(r, head, base, share);
    blocks.push(block);
    left -= block.length + 2;
  });
  const omitted = all.length - blocks.length;
  const manifests = blocks.length || omitted ? `\n### Manifests\n\n${blocks.join('\n\n')}\n${omitted ? `\n_${omitted} app(s) left out: the comment would be too long._\n` : ''}` : '';
  return `${head1}${table}${flow}${manifests}`;
}

// ---------------------------------------------------------------------------------------------------
// From folders

/** Loads and generates one project folder in memory. */
export function previewSide(dir: string): PreviewSide {
  const wf = loadWorkflow(dir);
  return { wf, gen: generate(wf) };
}

/** The preview of the project in `projectDir` against the same project in `baseDir` (a base-branch checkout). */
export function previewMarkdown(projectDir: string, baseDir: string | undefined, subtitle?: string): string {
  let head: PreviewSide;
  try {
    head = previewSide(projectDir);
  } catch (e) {
    return `${PREVIEW_MARKER}\n## PELATO preview\n\nThe workflow of this pull request does not validate:\n\n${codeBlock('', (e as Error).message)}\n`;
  }
  let base: PreviewSide | undefined;
  let baseNote: string | undefined;
  if (!baseDir) baseNote = 'No base checkout given: every task is shown as new.';
  else if (!existsSync(path.join(baseDir, WORKFLOW_FILE))) baseNote = 'The base branch has no workflow.yaml here: every task is new.';
  else {
    try {
      base = previewSide(baseDir);
    } catch {
      baseNote = "The base branch's workflow does not validate: every task is shown as new.";
    }
  }
  return renderPreview(head, base, { subtitle, baseNote });
}

