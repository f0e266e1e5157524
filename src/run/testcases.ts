/**
 * `pelato test`: input/expected pairs for a task, kept next to its code as `tasks/<name>.test.yaml`,
 * run against the BUILT component (the same bytes that get deployed), with a readable diff on failure.
 *
 *   - name: converts a bare number      # optional
 *     input: "21.5"                      # the message body (or HTTP body)
 *     expect: '{"kelvin":294.65}'        # what gets published; "" = nothing is published
 *   - input: '{"celsius": 20}'
 *     expect_json: { kelvin: 293.15 }    # compared as JSON, key order ignored
 *   - input: boom
 *     error: panicked                    # an error result whose text contains this
 *     config: { max_kelvin: "300" }      # per-case config values (merged over the task's config)
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { UserInputError, type Diagnostic } from '../common/diagnostics.js';

export interface TestCase {
  name: string;
  input: string;
  /** Exact published body; '' means nothing is published. */
  expect?: string;
  expectJson?: unknown;
  /** Substring of the expected error result. */
  error?: string;
  config: Record<string, string>;
  line: number;
}

const CASE_KEYS = ['name', 'input', 'expect', 'expect_json', 'error', 'config'];

/** `tasks/convert.go` → `tasks/convert.test.yaml`. */
export function testFileFor(tasksDir: string, code: string): string {
  const rel = code.replace(/\.[^./]+$/, '');
  return path.join(tasksDir, `${rel}.test.yaml`);
}

export function readTestCases(file: string, display = file): TestCase[] | undefined {
  if (!existsSync(file)) return undefined;
  const lc = new LineCounter();
  const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lc, prettyErrors: false });
  const diags: Diagnostic[] = [];
  const at = (n: Node | null | undefined, message: string, hint?: string) => {
    const p = lc.linePos(n?.range?.[0] ?? 0);
    diags.push({ file: display, line: p.line, col: p.col, message, hint });
  };
  if (doc.errors[0]) {
    const p = lc.linePos(doc.errors[0].pos[0]);
    throw new UserInputError([{ file: display, line: p.line, col: p.col, message: `YAML syntax: ${doc.errors[0].message.split('\n')[0]}` }]);
  }
  const root = doc.contents as Node | null;
  if (!isSeq(root)) {
    at(root, 'a test file is a list of cases', 'e.g. "- input: 21.5" and "expect: 294.65" below it');
    throw new UserInputError(diags);
  }
  const cases: TestCase[] = [];
  root.items.forEach((item, i) => {
    const node = item as Node;
    if (!isMap(node)) return at(node, `case #${i + 1} must be a mapping`);
    const raw = (node.toJSON() ?? {}) as Record<string, unknown>;
    for (const k of Object.keys(raw)) if (!CASE_KEYS.includes(k)) at(node, `unknown field "${k}" in case #${i + 1}`, `fields: ${CASE_KEYS.join(', ')}`);
    const line = lc.linePos(node.range?.[0] ?? 0).line;
    const str = (v: unknown) => (v === undefined || v === null ? undefined : typeof v === 'string' ? v : JSON.stringify(v));
    const input = str(raw.input);
    if (input === undefined) at(node, `case #${i + 1} has no input`);
    const outcomes = ['expect', 'expect_json', 'error'].filter((k) => k in raw);
    if (outcomes.length !== 1) at(node, `case #${i + 1} needs exactly one of expect, expect_json, error`);
    const config = Object.fromEntries(Object.entries((raw.config ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
    cases.push({
      name: str(raw.name) ?? `case ${i + 1}`,
      input: input ?? '',
      expect: 'expect' in raw ? (str(raw.expect) ?? '') : undefined,
      expectJson: raw.expect_json,
      error: str(raw.error),
      config,
      line,
    });
  });
  if (diags.length) throw new UserInputError(diags);
  return cases;
}

export interface CaseOutcome {
  /** Published bodies (to any subject). */
  published: string[];
  error?: string;
}

/** undefined when the case passes, else a readable explanation with a line diff. */
export function judge(c: TestCase, got: CaseOutcome): string | undefined {
  if (c.error !== undefined) {
    if (got.error === undefined) return `expected an error containing ${JSON.stringify(c.error)}, got success${got.published.length ? ` publishing ${JSON.stringify(got.published[0])}` : ''}`;
    return got.error.includes(c.error) ? undefined : `expected an error containing ${JSON.stringify(c.error)}, got error ${JSON.stringify(got.error)}`;
  }
  if (got.error !== undefined) return `expected success, got error ${JSON.stringify(got.error)}`;
  const out = got.published[0] ?? '';
  if (got.published.length > 1 && c.expect !== undefined) return `expected one message, ${got.published.length} were published`;
  if (c.expectJson !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(out);
    } catch {
      return `expected JSON, got ${JSON.stringify(out)}`;
    }
    return deepEqual(parsed, c.expectJson) ? undefined : diff(stable(c.expectJson), stable(parsed));
  }
  return out === c.expect ? undefined : diff(c.expect ?? '', out);
}

function stable(v: unknown): string {
  const sort = (x: unknown): unknown =>
    Array.isArray(x) ? x.map(sort) : x && typeof x === 'object' ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b)).map(([k, y]) => [k, sort(y)])) : x;
  return JSON.stringify(sort(v), null, 2);
}

function deepEqual(a: unknown, b: unknown): boolean {
  return stable(a) === stable(b);
}

/** A small line diff: `- expected` / `+ actual`, with the lines both share shown plainly. */
export function diff(expected: string, actual: string): string {
  const show = (s: string) => (s === '' ? '(nothing published)' : s);
  const e = show(expected).split('\n');
  const a = show(actual).split('\n');
  const lines: string[] = [];
  const n = Math.max(e.length, a.length);
  for (let i = 0; i < n; i++) {
    if (e[i] === a[i]) lines.push(`    ${e[i]}`);
    else {
      if (e[i] !== undefined) lines.push(`  - ${e[i]}`);
      if (a[i] !== undefined) lines.push(`  + ${a[i]}`);
    }
  }
  return `output differs (- expected, + actual):\n${lines.join('\n')}`;
}
