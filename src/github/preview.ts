/**
 * The pull-request preview: what a PR changes in the generated plan and manifests, as the Markdown of
 * one PR comment (or a job summary). Both sides come from `generate()` in memory; nothing is written.
 *
 * Every user string (names, topics, targets, paths) reaches Markdown escaped, Mermaid only inside quoted
 * labels (`mermaidLabel`), and code blocks inside a fence longer than any backtick run they hold.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { generate, type Generated } from '../generate/generate.js';
import { loadWorkflow, WORKFLOW_FILE } from '../load/workflow.js';
import { WORKFLOW_FILE_ALT } from '../load/source.js';
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
  for (const b of base?.gen.plan.tasks ?? [])
    if (!headNames.has(b.component_name)) rows.push({ status: 'removed', task: b, reasons: [] });
  return rows;
}

// ---------------------------------------------------------------------------------------------------
// Escaping

/** U+2060 WORD JOINER: invisible and zero-width; splits a sequence Mermaid would otherwise interpret. */
const WJ = '\u2060';

/**
 * What a Mermaid quoted label (`"…"`) shows: the text with whitespace runs (line breaks, tabs, any control
 * character) as one space, `"` as `”` and bidirectional controls as `�`, so a name cannot reorder what
 * is shown. This is the text the rendered chart reads back, apart from invisible word joiners.
 */
export function mermaidLabelText(s: string): string {
  return s
    .replace(/[\s\p{Cc}]+/gu, ' ')
    .trim()
    .replace(/"/g, '\u201D')
    .replace(/[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, '\uFFFD');
}

/**
 * A Mermaid quoted label that renders as `mermaidLabelText(s)` with Mermaid 11's HTML labels (the
 * default) and its SVG text labels alike, and stays text. Plain text stays as it is; only what a quoted
 * label cannot hold changes. Entity codes (`#40;`) are not used: the SVG text renderer shows them raw.
 * - `&`, `<`, `>` become `&amp;` `&lt;` `&gt;`: HTML labels are HTML, SVG labels decode exactly these
 *   three, and nothing can open a tag (raw, `<b` is read as one and `>` dropped from SVG text).
 * - A word joiner splits what Mermaid interprets inside labels: `#name;` (its entity codes), `%%{`
 *   (a directive, e.g. `%%{init}%%`, read anywhere in the text), `$$` (KaTeX), `fa:fa-car` (an icon),
 *   a backslash before `n` (a line break), a leading backtick (a Markdown string), and `style`/`classDef`
 *   on a line with `:…#…;` (Mermaid drops that line's last `;` before parsing).
 */
export function mermaidLabel(s: string): string {
  let out = mermaidLabelText(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/#(?=\w+;)/g, `#${WJ}`)
    .replace(/%%(?=\{)/g, `%%${WJ}`)
    .replace(/\$(?=\$)/g, () => `$${WJ}`) // (a function: `$$` in a replacement string is one `$`)
    .replace(/(fa[bklrs]?):(?=fa-)/g, `$1:${WJ}`)
    .replace(/\\(?=n)/g, `\\${WJ}`)
    .replace(/^`/, `${WJ}\``);
  if (/(style|classDef).*:\S*#.*;/.test(out))
    out = out.replace(/style/g, `st${WJ}yle`).replace(/classDef/g, `class${WJ}Def`);
  // `""` is a parse error; `" "` renders as an empty label
  return `"${out || ' '}"`;
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

/** A box of the data-flow chart: a task, an HTTP input, a database table or a topic from or to outside. */
export type FlowShape = 'task' | 'http' | 'table' | 'topic';
export interface FlowNode {
  id: string;
  shape: FlowShape;
  /** The label as the user should read it (raw; escaped only when written as Mermaid). */
  text: string;
}
export interface FlowEdge {
  from: string;
  to: string;
  text?: string;
}
/** The data flow of a plan as typed data; `mermaidOf` writes it as Mermaid. */
export interface FlowGraph {
  nodes: FlowNode[];
  edges: FlowEdge[];
  /** Task node ids per status worth highlighting. */
  marked: { new: string[]; changed: string[] };
}

/** The head plan's data flow: tasks, topics as edges, HTTP inputs, database tables, outside topics. */
export function flowGraph(head: PreviewSide, statuses: Map<string, TaskStatus> = new Map()): FlowGraph {
  const tasks = head.gen.plan.tasks;
  const wfTasks = new Map(head.wf.tasks.map((t) => [t.component_name, t]));
  const nodes: FlowNode[] = [];
  const edges: FlowEdge[] = [];
  const ids = new Map<PlannedTask, string>();
  tasks.forEach((t, i) => {
    const id = nodeId('t', i);
    ids.set(t, id);
    nodes.push({ id, shape: 'task', text: `${t.component_name} (${t.targets.join(', ')})` });
  });
  let extra = 0;
  const external = new Map<string, string>();
  tasks.forEach((t) => {
    const id = ids.get(t)!;
    if (t.http) {
      const h = nodeId('h', extra++);
      nodes.push({ id: h, shape: 'http', text: `HTTP POST ${t.http.path}` });
      edges.push({ from: h, to: id });
    }
    const db = wfTasks.get(t.component_name)?.database;
    if (db) {
      const d = nodeId('db', extra++);
      nodes.push({ id: d, shape: 'table', text: `table ${db.table}` });
      edges.push({ from: id, to: d, text: 'INSERT' });
    }
    if (t.dest_topic) {
      const consumers = tasks.filter(
        (c) => c.source_topic !== undefined && c !== t && !c.http && natsMatch(c.source_topic, t.dest_topic!),
      );
      for (const c of consumers) edges.push({ from: id, to: ids.get(c)!, text: t.dest_topic });
      if (consumers.length === 0) {
        const o = nodeId('out', extra++);
        nodes.push({ id: o, shape: 'topic', text: t.dest_topic });
        edges.push({ from: id, to: o });
      }
    }
    // A subscription no task of the workflow publishes to comes from outside.
    if (
      t.source_topic &&
      !t.http &&
      !tasks.some((p) => p !== t && p.dest_topic !== undefined && natsMatch(t.source_topic!, p.dest_topic))
    ) {
      let e = external.get(t.source_topic);
      if (!e) {
        e = nodeId('in', extra++);
        external.set(t.source_topic, e);
        nodes.push({ id: e, shape: 'topic', text: t.source_topic });
      }
      edges.push({ from: e, to: id, text: t.source_topic });
    }
  });
  const byStatus = (s: TaskStatus) => tasks.filter((t) => statuses.get(t.component_name) === s).map((t) => ids.get(t)!);
  return { nodes, edges, marked: { new: byStatus('new'), changed: byStatus('changed') } };
}

const SHAPES: Record<FlowShape, [string, string]> = {
  task: ['[', ']'],
  http: ['([', '])'],
  table: ['[(', ')]'],
  topic: ['>', ']'],
};
const MARKS = { new: 'stroke:#2da44e,stroke-width:3px', changed: 'stroke:#bf8700,stroke-width:3px' };

/** A `flowchart LR`: the ids are ours, every user string is a quoted label (`mermaidLabel`). */
export function mermaidOf(g: FlowGraph): string {
  const lines = ['flowchart LR'];
  for (const n of g.nodes) lines.push(`  ${n.id}${SHAPES[n.shape][0]}${mermaidLabel(n.text)}${SHAPES[n.shape][1]}`);
  for (const e of g.edges)
    lines.push(`  ${e.from} -->${e.text === undefined ? '' : `|${mermaidLabel(e.text)}|`} ${e.to}`);
  for (const mark of ['new', 'changed'] as const) {
    if (g.marked[mark].length)
      lines.push(`  classDef ${mark} ${MARKS[mark]}`, `  class ${g.marked[mark].join(',')} ${mark}`);
  }
  return lines.join('\n');
}

/** The head plan's data flow as a Mermaid `flowchart LR`. */
export function mermaidFlow(head: PreviewSide, statuses: Map<string, TaskStatus> = new Map()): string {
  return mermaidOf(flowGraph(head, statuses));
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
    for (let i = n - 1; i >= 0; i--)
      for (let j = m - 1; j >= 0; j--)
        L[i]![j] = A[i] === B[j] ? L[i + 1]![j + 1]! + 1 : Math.max(L[i + 1]![j]!, L[i]![j + 1]!);
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (A[i] === B[j]) {
        mid.push({ kind: ' ', line: A[i++]! });
        j++;
      } else if (L[i + 1]![j]! >= L[i]![j + 1]!) mid.push({ kind: '-', line: A[i++]! });
      else mid.push({ kind: '+', line: B[j++]! });
    }
    while (i < n) mid.push({ kind: '-', line: A[i++]! });
    while (j < m) mid.push({ kind: '+', line: B[j++]! });
  }
  return [
    ...a.slice(0, pre).map((line) => ({ kind: ' ' as const, line })),
    ...mid,
    ...a.slice(a.length - suf).map((line) => ({ kind: ' ' as const, line })),
  ];
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

const STATUS_LABEL: Record<TaskStatus, string> = {
  new: '🆕 new',
  changed: '✏️ changed',
  unchanged: 'unchanged',
  removed: '🗑️ removed',
};

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
  const out = [
    '| status | component | type | targets | source → dest | version |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    const t = r.task;
    const status = STATUS_LABEL[r.status] + (r.status === 'changed' ? ` (${r.reasons.join(', ')})` : '');
    const topics =
      `${t.http ? `HTTP ${mdText(t.http.path)}` : t.source_topic ? mdText(t.source_topic) : '–'}` +
      ` → ${t.dest_topic ? mdText(t.dest_topic) : '–'}`;
    const version =
      r.base && r.base.version !== t.version ? `${mdText(r.base.version)} → ${mdText(t.version)}` : mdText(t.version);
    out.push(
      `| ${status} | ${mdText(t.component_name)} | ${mdText(t.type)} | ` +
        `${t.targets.map(mdText).join(', ')} | ${topics} | ${version} |`,
    );
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
    parts.push(
      row.status === 'removed' ? 'Removed manifest:' : `Diff of ${mdText(row.task.manifest)} against the base:`,
      '',
    );
    parts.push(codeBlock('diff', truncate(diff, after ? Math.floor(room / 2) : room, 'diff')), '');
  }
  if (after)
    parts.push(
      `${mdText(row.task.manifest)}:`,
      '',
      codeBlock('yaml', truncate(after, diff ? Math.floor(room / 2) : room, 'manifest')),
      '',
    );
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
    const warnings = stale.map(
      (r) =>
        `> ${mdText(r.task.component_name)} changes its code but keeps version ${mdText(r.task.version)}: ` +
        'images are immutable per version, so bump it.',
    );
    table += `\n> [!WARNING]\n${warnings.join('\n>\n')}\n`;
  }
  const statuses = new Map(rows.filter((r) => r.status !== 'removed').map((r) => [r.task.component_name, r.status]));
  let flow = `\n### Data flow\n\n${codeBlock('mermaid', mermaidFlow(head, statuses))}\n`;
  if (head1.length + table.length + flow.length > limit)
    flow = '\n_The data-flow diagram is left out: the comment would be too long._\n';
  if (head1.length + table.length + flow.length > limit)
    table = truncate(table, limit - head1.length - flow.length - 200, 'table');
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
  const manifests =
    blocks.length || omitted
      ? `\n### Manifests\n\n${blocks.join('\n\n')}\n` +
        `${omitted ? `\n_${omitted} app(s) left out: the comment would be too long._\n` : ''}`
      : '';
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
    return (
      `${PREVIEW_MARKER}\n## PELATO preview\n\nThe workflow of this pull request does not validate:\n\n` +
      `${codeBlock('', (e as Error).message)}\n`
    );
  }
  let base: PreviewSide | undefined;
  let baseNote: string | undefined;
  if (!baseDir) baseNote = 'No base checkout given: every task is shown as new.';
  else if (!existsSync(path.join(baseDir, WORKFLOW_FILE)) && !existsSync(path.join(baseDir, WORKFLOW_FILE_ALT)))
    baseNote = 'The base branch has no workflow.yaml here: every task is new.';
  else {
    try {
      base = previewSide(baseDir);
    } catch {
      baseNote = "The base branch's workflow does not validate: every task is shown as new.";
    }
  }
  return renderPreview(head, base, { subtitle, baseNote });
}
