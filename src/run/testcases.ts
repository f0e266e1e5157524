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
 *   - input: '{"kelvin": 300}'
 *     pad_to: 1 MiB                      # spaces before the input's last character up to this size
 *     expect_size: 1 MiB                 # the published body's size in bytes
 *     status: 200                        # HTTP tasks: the response status (default: 200, 204 or 500
 *                                        # from the outcome)
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
  /** Size of the published body in bytes. */
  expectSize?: number;
  /** HTTP tasks: the response status. */
  status?: number;
  config: Record<string, string>;
  line: number;
}

const CASE_KEYS = ['name', 'input', 'pad_to', 'expect', 'expect_json', 'expect_size', 'error', 'status', 'config'];

/** A size: bytes as a number, or with a unit ("64 KiB", "1 MiB", "512 B"). */
export function parseSize(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? v : undefined;
  const m = typeof v === 'string' ? /^\s*(\d+)\s*(B|KiB|MiB)?\s*$/.exec(v) : null;
  return m ? Number(m[1]) * { B: 1, KiB: 1024, MiB: 1 << 20 }[(m[2] ?? 'B') as 'B' | 'KiB' | 'MiB'] : undefined;
}

/**
 * The input padded to `size` bytes (UTF-8) with spaces before its last character, so a JSON document
 * stays valid and means the same, and losing any byte of a large body shows (its last character goes).
 */
export function padInput(input: string, size: number): string {
  const missing = size - Buffer.byteLength(input, 'utf8');
  if (missing <= 0) return input;
  const chars = [...input];
  const last = chars.pop() ?? '';
  return `${chars.join('')}${' '.repeat(missing)}${last}`;
}

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
    throw new UserInputError([
      { file: display, line: p.line, col: p.col, message: `YAML syntax: ${doc.errors[0].message.split('\n')[0]}` },
    ]);
  }
  const root = doc.contents as Node | null;
  if (!isSeq(root)) {
    at(root, 'a test file is a list of cases', 'e.g. "- input: 21.5" and "expect: 294.65" below it');
    throw new UserInputError(diags);
  }
  const cases: TestCase[] = [];
  for (const [i, item] of root.items.entries()) {
    const node = item as Node;
    if (!isMap(node)) {
      at(node, `case #${i + 1} must be a mapping`);
      continue;
    }
    const raw = (node.toJSON() ?? {}) as Record<string, unknown>;
    for (const k of Object.keys(raw))
      if (!CASE_KEYS.includes(k)) at(node, `unknown field "${k}" in case #${i + 1}`, `fields: ${CASE_KEYS.join(', ')}`);
    const line = lc.linePos(node.range?.[0] ?? 0).line;
    const str = (v: unknown) =>
      v === undefined || v === null ? undefined : typeof v === 'string' ? v : JSON.stringify(v);
    const input = str(raw.input);
    if (input === undefined) at(node, `case #${i + 1} has no input`);
    const outcomes = ['expect', 'expect_json', 'error'].filter((k) => k in raw);
    if (outcomes.length > 1 || (outcomes.length === 0 && !('expect_size' in raw)))
      at(node, `case #${i + 1} needs exactly one of expect, expect_json, error`, 'expect_size may stand alone');
    const config = Object.fromEntries(
      Object.entries((raw.config ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
    );
    const size = (key: string) => {
      if (!(key in raw)) return undefined;
      const n = parseSize(raw[key]);
      if (n === undefined)
        at(node, `${key} of case #${i + 1} is not a size`, 'a number of bytes, or e.g. "64 KiB", "1 MiB"');
      return n;
    };
    const padTo = size('pad_to');
    const expectSize = size('expect_size');
    if (padTo !== undefined && input !== undefined && Buffer.byteLength(input, 'utf8') > padTo)
      at(node, `the input of case #${i + 1} is already longer than pad_to`);
    const status = raw.status;
    if (status !== undefined && !(Number.isInteger(status) && (status as number) >= 100 && (status as number) <= 599))
      at(node, `status of case #${i + 1} must be an HTTP status code`, 'e.g. 200, 204, 500');
    cases.push({
      name: str(raw.name) ?? `case ${i + 1}`,
      input: padTo === undefined ? (input ?? '') : padInput(input ?? '', padTo),
      expectSize,
      status: status as number | undefined,
      expect: 'expect' in raw ? (str(raw.expect) ?? '') : undefined,
      expectJson: raw.expect_json,
      error: str(raw.error),
      config,
      line,
    });
  }
  if (diags.length) throw new UserInputError(diags);
  return cases;
}

export interface CaseOutcome {
  /** Published bodies (to any subject). */
  published: string[];
  error?: string;
  /** HTTP tasks: the response to the POST. */
  http?: { status: number; body: string };
}

/** undefined when the case passes, else a readable explanation with a line diff. */
export function judge(c: TestCase, got: CaseOutcome): string | undefined {
  return judgeOutcome(c, got) ?? (got.http ? judgeHttp(c, got, got.http) : undefined);
}

/** The response must tell what happened: 200 with the result, 204 for nothing, 500 for an error. */
function judgeHttp(c: TestCase, got: CaseOutcome, res: { status: number; body: string }): string | undefined {
  const out = got.published[0] ?? '';
  const want = c.status ?? (got.error !== undefined ? 500 : out === '' ? 204 : 200);
  if (res.status !== want)
    return `expected HTTP ${want}, got ${res.status}${res.body ? ` ${JSON.stringify(short(res.body))}` : ''}`;
  if (res.status === 200 && res.body !== out)
    return `the HTTP response body differs from what was published:\n${diff(out, res.body)}`;
  return undefined;
}

function judgeOutcome(c: TestCase, got: CaseOutcome): string | undefined {
  if (c.expectSize !== undefined && got.error === undefined) {
    const n = Buffer.byteLength(got.published[0] ?? '', 'utf8');
    if (n !== c.expectSize) return `expected a published body of ${c.expectSize} bytes, got ${n} bytes`;
  }
  if (c.error !== undefined) {
    if (got.error === undefined)
      return (
        `expected an error containing ${JSON.stringify(c.error)}, got success` +
        `${got.published.length ? ` publishing ${JSON.stringify(short(got.published[0]!))}` : ''}`
      );
    return got.error.includes(c.error)
      ? undefined
      : `expected an error containing ${JSON.stringify(c.error)}, got error ${JSON.stringify(got.error)}`;
  }
  if (got.error !== undefined) return `expected success, got error ${JSON.stringify(got.error)}`;
  if (c.expect === undefined && c.expectJson === undefined) return undefined;
  const out = got.published[0] ?? '';
  if (got.published.length > 1 && c.expect !== undefined)
    return `expected one message, ${got.published.length} were published`;
  if (c.expectJson !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(out);
    } catch {
      return `expected JSON, got ${JSON.stringify(short(out))}`;
    }
    return deepEqual(parsed, c.expectJson) ? undefined : diff(stable(c.expectJson), stable(parsed));
  }
  return out === c.expect ? undefined : diff(c.expect ?? '', out);
}

function stable(v: unknown): string {
  const sort = (x: unknown): unknown =>
    Array.isArray(x)
      ? x.map(sort)
      : x && typeof x === 'object'
        ? Object.fromEntries(
            Object.entries(x)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, y]) => [k, sort(y)]),
          )
        : x;
  return JSON.stringify(sort(v), null, 2);
}

function deepEqual(a: unknown, b: unknown): boolean {
  return stable(a) === stable(b);
}

/** Long bodies (a 1 MiB case) shown by their ends and size, so a failure stays readable. */
function short(s: string, max = 200): string {
  return s.length <= max ? s : `${s.slice(0, max / 2)}… (${Buffer.byteLength(s, 'utf8')} bytes) …${s.slice(-max / 2)}`;
}

/** A small line diff: `- expected` / `+ actual`, with the lines both share shown plainly. */
export function diff(expected: string, actual: string): string {
  const show = (s: string) => (s === '' ? '(nothing published)' : short(s));
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
