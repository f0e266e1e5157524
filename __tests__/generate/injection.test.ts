/**
 * Property test: arbitrary strings in every user field never change the structure of the generated Go or
 * YAML. Each value is either rejected by validation, or it round-trips: it appears, unchanged, as the
 * value of a literal (Go) or a scalar (YAML), and everything around it is byte-for-byte the baseline.
 */
import fc from 'fast-check';
import YAML from 'yaml';
import { UserInputError } from '../../src/common/diagnostics.js';
import { generate } from '../../src/generate/generate.js';
import { loadWorkflow } from '../../src/load/workflow.js';
import { cleanupProjects, GOOD_TASK, makeProject } from '../helpers/project.js';

afterAll(cleanupProjects);

type Fields = {
  project_name: string;
  name: string;
  source_topic: string;
  dest_topic: string;
  config_key: string;
  config_value: string;
  http_path: string;
  table: string;
  column: string;
  target: string;
  component_name: string;
  version: string;
  registry: string;
  lattice: string;
};

const BASE: Fields = {
  project_name: 'P',
  name: 'T',
  source_topic: 'in',
  dest_topic: 'out',
  config_key: 'k',
  config_value: 'v',
  http_path: '/p',
  table: 'tbl',
  column: 'col',
  target: 'edge',
  component_name: 'comp',
  version: '1.0.0',
  registry: 'localhost:5000/x',
  lattice: 'default',
};

/** One task of each type, all fed from the same fields. */
function workflowText(f: Fields, code = 'task.go'): string {
  const common = (type: string, suffix: string) => ({
    name: f.name,
    type,
    code,
    targets: [f.target],
    component_name: `${f.component_name}${suffix}`,
    version: f.version,
    config: { [f.config_key]: f.config_value },
  });
  const doc = {
    project_name: f.project_name,
    registry: f.registry,
    lattice: f.lattice,
    tasks: [
      { ...common('processor_nats', ''), source_topic: f.source_topic, dest_topic: f.dest_topic },
      { ...common('producer_nats', '-p'), source_topic: f.source_topic, dest_topic: f.dest_topic },
      {
        ...common('http_producer_nats', '-h'),
        source_topic: f.source_topic,
        dest_topic: f.dest_topic,
        http: { path: f.http_path },
      },
      {
        ...common('dbsync_nats', '-d'),
        source_topic: f.source_topic,
        database: { table: f.table, columns: [f.column] },
      },
    ],
  };
  return YAML.stringify(doc);
}

const JS_TASK = 'export function execTask(arg) { return arg; }\n';

function tryGenerate(f: Fields, lang: 'go' | 'js' = 'go') {
  const dir = makeProject(
    lang === 'go'
      ? { 'workflow.yaml': workflowText(f), 'tasks/task.go': GOOD_TASK }
      : { 'workflow.yaml': workflowText(f, 'task.js'), 'tasks/task.js': JS_TASK },
  );
  try {
    return generate(loadWorkflow(dir));
  } catch (e) {
    if (e instanceof UserInputError) return undefined;
    throw e;
  }
}

const GO_LITERAL = /"(?:[^"\\\n]|\\.)*"/g;

/** Decodes a Go interpreted string literal (independent of the encoder under test). */
function goUnquote(lit: string): string {
  const body = lit.slice(1, -1);
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[abfnrtv\\"'])/g, (_, e: string) => {
    const simple: Record<string, string> = {
      a: '\x07',
      b: '\b',
      f: '\f',
      n: '\n',
      r: '\r',
      t: '\t',
      v: '\v',
      '\\': '\\',
      '"': '"',
      "'": "'",
    };
    if (e.length === 1) return simple[e]!;
    return String.fromCodePoint(parseInt(e.slice(1), 16));
  });
}

/** Source with every double-quoted literal replaced by "", and the literals' decoded values. */
function literalShape(src: string, lang: 'go' | 'js'): { shape: string; literals: string[] } {
  const literals: string[] = [];
  const shape = src.replace(GO_LITERAL, (m) => {
    literals.push(lang === 'go' ? goUnquote(m) : (JSON.parse(m) as string));
    return '""';
  });
  return { shape, literals };
}

const baselines = { go: tryGenerate(BASE, 'go')!, js: tryGenerate(BASE, 'js')! };

function checkStructure(f: Fields, lang: 'go' | 'js' = 'go'): void {
  const baseline = baselines[lang];
  const g = tryGenerate(f, lang);
  if (!g) return; // rejected: fine
  // What each baseline literal must have become: a field's value swapped for this run's value.
  const expected = (lit: string): string => {
    const key = (Object.keys(BASE) as Array<keyof Fields>).find((k) => BASE[k] === lit);
    if (key) return f[key];
    if (lit.startsWith('INSERT INTO')) return lit.replace('"tbl"', `"${f.table}"`).replace('"col"', `"${f.column}"`);
    return lit;
  };
  for (const [rel, data] of baseline.files) {
    if (!rel.endsWith(lang === 'go' ? '.go' : 'pelato_main.js')) continue;
    const mine = g.files.get(rel.replace(/^comp/, f.component_name));
    expect(mine).toBeDefined();
    const a = literalShape(data.toString(), lang);
    const b = literalShape(mine!.toString(), lang);
    expect(b.shape).toBe(a.shape);
    expect(b.literals).toEqual(a.literals.map(expected));
  }
  for (const t of g.plan.tasks) {
    const doc = YAML.parse(g.files.get(t.manifest)!.toString());
    expect(doc.metadata.name).toBe(t.app);
    expect(doc.metadata.annotations.description).toBe(f.name);
    expect(doc.metadata.annotations['pelato.dev/project']).toBe(f.project_name);
    expect(doc.metadata.annotations.version).toBe(f.version);
    const task = doc.spec.components[0];
    expect(task.properties.image).toBe(`${f.registry}/${t.component_name}:${f.version}`);
    expect(task.properties.config[0].properties).toEqual({ [f.config_key]: f.config_value });
    expect(task.traits[0].properties.spread[0].requirements).toEqual({ 'host-type': f.target });
    const sub = doc.spec.components[1].traits[1].properties.source.config[0].properties.subscriptions;
    expect(sub).toBe(`${f.source_topic}|${t.app}`);
    // The same shape as the baseline's manifest for the same task type.
    const base = YAML.parse(
      baseline.files.get(baseline.plan.tasks.find((b) => b.type === t.type)!.manifest)!.toString(),
    );
    expect(keysShape(doc, f.config_key)).toEqual(keysShape(base, BASE.config_key));
  }
}

/** The manifest's shape: its keys (the config key, a user value, stands as a placeholder) and value types. */
function keysShape(v: unknown, userKey: string): unknown {
  if (Array.isArray(v)) return v.map((x) => keysShape(x, userKey));
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v as object).map(([k, x]) => [k === userKey ? '<user key>' : k, keysShape(x, userKey)]),
    );
  }
  return typeof v;
}

// Strings that probe the quoting of both languages, mixed with arbitrary Unicode.
const nasty = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 24 }),
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.constantFrom(
    '"',
    '\\',
    '"; os.Exit(1); "',
    '`',
    '\n',
    '\u2028',
    '${x}',
    '{{ x }}',
    "' OR 1=1 --",
    '- a: b',
    '{a: 1}',
    '&anchor',
    '*alias',
    '!!python/object',
    '#',
    'null',
    'yes',
    '1.0',
    '0x1F',
    '...',
    '---',
    '\t',
    '\u0000',
    '\ud800',
    '%',
    ':',
    '|',
  ),
  fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/),
);

describe('user strings never change the structure of generated code', () => {
  test('baselines generate', () => {
    expect(baselines.go.plan.tasks).toHaveLength(4);
    expect(baselines.js.plan.tasks).toHaveLength(4);
  });

  for (const key of Object.keys(BASE) as Array<keyof Fields>) {
    test(`field ${key}`, () => {
      fc.assert(
        fc.property(nasty, (value) => {
          checkStructure({ ...BASE, [key]: value });
        }),
        { numRuns: 60, seed: 20261122 },
      );
    });
  }

  for (const key of ['dest_topic', 'http_path', 'table', 'column', 'name'] as const) {
    test(`field ${key} in JavaScript glue`, () => {
      fc.assert(
        fc.property(nasty, (value) => {
          checkStructure({ ...BASE, [key]: value }, 'js');
        }),
        { numRuns: 40, seed: 20261122 },
      );
    });
  }

  test('known-dangerous values are rejected or quoted', () => {
    for (const v of ['"; panic("x"); "', 'a\nb', '`rm -rf`', 'x\u0000y']) {
      for (const key of ['name', 'config_value', 'project_name'] as const) checkStructure({ ...BASE, [key]: v });
    }
  });
});
