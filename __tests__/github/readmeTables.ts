/**
 * The README's inputs/outputs tables of every action.yml and of the reusable workflow, as they must be
 * (rendered from the files) and as they are (parsed from README.md), and the differences, row by row.
 */
import path from 'node:path';
import { ROOT } from '../helpers/project.js';
import { ACTION_DIRS, loadAction, loadYaml } from './actionFiles.js';

export interface Table {
  /** The first header cell: input, output or secret; rows are keyed by their first cell. */
  kind: string;
  head: string[];
  rows: string[][];
}

export interface Section {
  heading: string;
  tables: Table[];
}

/** A description as a cell: one line, `|` escaped. */
const cell = (s: string | undefined) =>
  (s ?? '')
    .replace(/\s*\n\s*/g, ' ')
    .trim()
    .replace(/\|/g, '\\|') || '–';
const code = (s: string) => `\`${s}\``;
const yes = (b: boolean | undefined) => (b ? 'yes' : 'no');
function defaultCell(v: unknown): string {
  if (v === undefined) return '–';
  if (v === '') return '(empty)';
  return code(String(v));
}

export const WORKFLOW_HEADING = 'Reusable workflow `.github/workflows/pelato.yml`';
export const actionHeading = (dir: string) =>
  dir === '.' ? 'Action `.` (the repository root: generate, build and deploy in one step)' : `Action \`${dir}\``;

/** The tables the files call for, in README order: the reusable workflow, then each action. */
export function expectedSections(): Section[] {
  const call = loadYaml(path.join(ROOT, '.github', 'workflows', 'pelato.yml')).doc.on.workflow_call!;
  const sections: Section[] = [
    {
      heading: WORKFLOW_HEADING,
      tables: [
        {
          kind: 'input',
          head: ['input', 'type', 'required', 'default', 'description'],
          rows: Object.entries(call.inputs).map(([k, v]) => [
            code(k),
            v.type,
            yes(v.required),
            defaultCell(v.default),
            cell(v.description),
          ]),
        },
        {
          kind: 'secret',
          head: ['secret', 'required', 'description'],
          rows: Object.entries(call.secrets).map(([k, v]) => [code(k), yes(v.required), cell(v.description)]),
        },
        {
          kind: 'output',
          head: ['output', 'description'],
          rows: Object.entries(call.outputs).map(([k, v]) => [code(k), cell(v.description)]),
        },
      ],
    },
  ];
  for (const dir of ['generate', 'build', 'test', 'deploy', 'preview', '.']) {
    if (!ACTION_DIRS.includes(dir)) throw new Error(`${dir} is not among ACTION_DIRS`);
    const a = loadAction(dir);
    sections.push({
      heading: actionHeading(dir),
      tables: [
        {
          kind: 'input',
          head: ['input', 'required', 'default', 'description'],
          rows: Object.entries(a.inputs).map(([k, v]) => [
            code(k),
            yes(v.required),
            defaultCell(v.default),
            cell(v.description),
          ]),
        },
        {
          kind: 'output',
          head: ['output', 'description'],
          rows: Object.entries(a.outputs ?? {}).map(([k, v]) => [code(k), cell(v.description)]),
        },
      ],
    });
  }
  return sections;
}

export function renderSection(s: Section): string {
  const lines = [`#### ${s.heading}`];
  for (const t of s.tables)
    lines.push(
      '',
      `| ${t.head.join(' | ')} |`,
      `| ${t.head.map(() => '---').join(' | ')} |`,
      ...t.rows.map((r) => `| ${r.join(' | ')} |`),
    );
  return lines.join('\n');
}

/** Splits a table line into cells (a `\|` stays inside its cell). */
function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

/** The tables under each `#### heading` of the README (up to the next heading of any level). */
export function readmeSections(text: string): Map<string, Table[]> {
  const out = new Map<string, Table[]>();
  let current: Table[] | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const h = /^(#{1,6}) (.*)$/.exec(line);
    if (h) {
      current = h[1] === '####' ? [] : undefined;
      if (current) out.set(h[2]!.trim(), current);
      continue;
    }
    if (current && line.startsWith('|') && /^\|(\s*-+\s*\|)+\s*$/.test(lines[i + 1] ?? '')) {
      const head = cells(line);
      const rows: string[][] = [];
      for (i += 2; i < lines.length && lines[i]!.startsWith('|'); i++) rows.push(cells(lines[i]!));
      i--;
      current.push({ kind: head[0]!, head, rows });
    }
  }
  return out;
}

/** Every difference between the README and the files, one readable line each (empty when in sync). */
export function readmeProblems(text: string, expected = expectedSections()): string[] {
  const problems: string[] = [];
  const found = readmeSections(text);
  for (const s of expected) {
    const tables = found.get(s.heading);
    if (!tables) {
      problems.push(`README.md has no section "#### ${s.heading}"; it should read:\n${renderSection(s)}`);
      continue;
    }
    for (const want of s.tables) {
      const where = `README.md "${s.heading}", ${want.kind}s`;
      const have = tables.filter((t) => t.kind === want.kind);
      if (have.length !== 1) {
        problems.push(`${where}: expected one table headed "${want.head.join(' | ')}", found ${have.length}`);
        continue;
      }
      const t = have[0]!;
      if (t.head.join('|') !== want.head.join('|'))
        problems.push(`${where}: header is "${t.head.join(' | ')}", expected "${want.head.join(' | ')}"`);
      const haveRows = new Map(t.rows.map((r) => [r[0]!, r]));
      const wantRows = new Map(want.rows.map((r) => [r[0]!, r]));
      for (const [key, row] of wantRows) {
        const got = haveRows.get(key);
        if (!got) problems.push(`${where}: missing row ${key}: | ${row.join(' | ')} |`);
        else {
          want.head.forEach((col, c) => {
            if ((got[c] ?? '') !== row[c])
              problems.push(`${where}: row ${key} has ${col} "${got[c] ?? ''}", the file says "${row[c]}"`);
          });
        }
      }
      for (const key of haveRows.keys())
        if (!wantRows.has(key)) problems.push(`${where}: extra row ${key}, which the file does not declare`);
      const order = t.rows.map((r) => r[0]).filter((k) => wantRows.has(k!));
      const wantOrder = want.rows.map((r) => r[0]).filter((k) => haveRows.has(k!));
      if (order.join() !== wantOrder.join())
        problems.push(`${where}: rows in the order ${order.join(', ')}; the file has ${wantOrder.join(', ')}`);
    }
  }
  return problems;
}
