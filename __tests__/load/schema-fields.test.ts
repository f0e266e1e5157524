/**
 * schema/workflow.schema.json and the loader agree field by field, on documents generated from the
 * loader's own tables (FIELDS in src/load/workflow.ts, the template catalog's per-type field rules): the
 * schema names exactly the fields the loader reads, at every level; and for every field, a document
 * without it, with it where its type forbids it, with a stray key beside it or with a value of the wrong
 * shape is accepted or refused by both alike. (schema.test.ts covers the examples and seed workflows.)
 */
import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { FIELDS, loadWorkflow, PLACEMENTS } from '../../src/load/workflow.js';
import { loadCatalog } from '../../src/templates/catalog.js';
import { cleanupProjects, GOOD_TASK, makeProject, ROOT } from '../helpers/project.js';
import { diagnosticsOf } from '../helpers/diagnostics.js';

afterAll(cleanupProjects);

/** A YAML mapping these tests build and then spoil: any key may be removed, added or given a wrong value. */
interface Mapping {
  [key: string]: unknown;
}
interface HttpDoc extends Mapping {
  auth?: Mapping;
  tls?: Mapping;
}
interface TaskDoc extends Mapping {
  type: string;
  http?: HttpDoc;
  database?: Mapping;
}
interface WorkflowDoc extends Mapping {
  providers: Mapping;
  tasks: TaskDoc[];
}

const schema = JSON.parse(readFileSync(path.join(ROOT, 'schema', 'workflow.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const catalog = loadCatalog();

const taskSchema = schema.definitions.task;
const httpSchema = taskSchema.properties.http;
/** Where each of the loader's tables stands in the schema. */
const SCHEMA_OBJECTS: Record<keyof typeof FIELDS, { properties: Record<string, unknown> }> = {
  project: schema,
  providers: schema.properties.providers,
  task: taskSchema,
  http: httpSchema,
  'http.auth': httpSchema.properties.auth.oneOf.find((s: { type?: string }) => s.type === 'object'),
  'http.tls': httpSchema.properties.tls,
  database: taskSchema.properties.database,
};

/** A valid value for every field the loader reads (the task-level ones are set per type below). */
const SAMPLES = {
  project: {
    project_name: 'P',
    registry: 'localhost:5000/p',
    lattice: 'default',
    providers: {} as Mapping,
    tasks: [] as TaskDoc[],
  },
  providers: {
    messaging: 'ghcr.io/wasmcloud/messaging-nats:0.27.0',
    http: 'ghcr.io/wasmcloud/http-server:0.27.0',
    postgres: 'ghcr.io/wasmcloud/sqldb-postgres:0.10.0',
  },
  task: {
    name: 'T',
    code: 'upper.go',
    targets: ['edge'],
    source_topic: 'in.x',
    dest_topic: 'out.x',
    version: '1.0.0',
    placement: 'spread',
    instances: 2,
    config: { k: 'v' },
  },
  http: {
    path: '/p',
    address: '0.0.0.0:8000',
    max_body: '1MiB',
    timeout: '10s',
    auth: {} as Mapping,
    tls: {} as Mapping,
  },
  'http.auth': { type: 'bearer', token_env: 'SENSOR_TOKEN' },
  'http.tls': { cert_file: '/etc/pelato/cert.pem', key_file: '/etc/pelato/key.pem' },
  database: { table: 'readings', columns: ['a', 'b'], connection_config: 'pg' },
};

/** One task of `type` with every field its template allows, each set to a valid value. */
function fullTask(type: string, i: number): TaskDoc {
  const rules = catalog.get(type)!.fields as Record<string, string>;
  const t: TaskDoc = {
    ...SAMPLES.task,
    type,
    component_name: `c${i}`,
    source_topic: `in.${i}`,
    dest_topic: `out.${i}`,
  };
  for (const [field, rule] of Object.entries(rules)) if (rule === 'forbidden') delete t[field];
  if (rules.http !== 'forbidden')
    t.http = {
      ...SAMPLES.http,
      address: `0.0.0.0:${8000 + i}`,
      auth: { ...SAMPLES['http.auth'] },
      tls: { ...SAMPLES['http.tls'] },
    };
  if (rules.database !== 'forbidden') t.database = { ...SAMPLES.database, table: `t${i}` };
  return t;
}

/** A workflow with every field of every table: every project field and one full task of each type. */
function fullDocument(): WorkflowDoc {
  const types = [...catalog.keys()].sort();
  return { ...SAMPLES.project, providers: { ...SAMPLES.providers }, tasks: types.map((t, i) => fullTask(t, i)) };
}

/** The mapping a table's fields live in, inside `doc` (for tasks: the task of `type`). */
function objectOf(doc: WorkflowDoc, table: keyof typeof FIELDS, type: string): Mapping | undefined {
  const task = doc.tasks.find((t) => t.type === type);
  switch (table) {
    case 'project':
      return doc;
    case 'providers':
      return doc.providers;
    case 'task':
      return task;
    case 'http':
      return task!.http;
    case 'http.auth':
      return task!.http?.auth;
    case 'http.tls':
      return task!.http?.tls;
    case 'database':
      return task!.database;
  }
}

/** The types whose full task holds the table (http only where the template allows it, and so on). */
function typesWith(table: keyof typeof FIELDS): string[] {
  const doc = fullDocument();
  return doc.tasks.filter((t) => objectOf(doc, table, t.type) !== undefined).map((t) => t.type);
}

function verdicts(doc: WorkflowDoc): { loader: string; schema: string } {
  const dir = makeProject({ 'workflow.yaml': YAML.stringify(doc), 'tasks/upper.go': GOOD_TASK });
  const problems = diagnosticsOf(() => loadWorkflow(dir));
  const loader = problems.length
    ? `refuses: ${problems
        .slice(0, 3)
        .map((d) => `${d.line}:${d.col} ${d.message}`)
        .join(' | ')}`
    : 'accepts';
  const schemaOk = validate(doc);
  const schemaVerdict = schemaOk
    ? 'accepts'
    : `refuses: ${(validate.errors ?? [])
        .map((e) => `${e.instancePath} ${e.message}`)
        .slice(0, 3)
        .join(' | ')}`;
  return { loader, schema: schemaVerdict };
}

/** Both accept, or both refuse (the reasons may differ in words); and, when given, which of the two. */
function expectAgreement(doc: WorkflowDoc, want?: 'accepts' | 'refuses') {
  const v = verdicts(doc);
  const agree = v.loader.startsWith('accepts') === v.schema.startsWith('accepts');
  expect({ ...v, agree }).toMatchObject({ agree: true });
  if (want) expect({ ...v, want }).toMatchObject({ loader: expect.stringMatching(new RegExp(`^${want}`)) });
}

const TABLES = Object.keys(FIELDS) as Array<keyof typeof FIELDS>;

describe('the schema names exactly the fields the loader reads', () => {
  test.each(TABLES)('%s', (table) => {
    expect(Object.keys(SCHEMA_OBJECTS[table].properties).sort()).toEqual([...FIELDS[table]].sort());
  });

  test("each task type's required and forbidden fields, as its template.yaml says", () => {
    const expected = [...catalog].map(([type, spec]) => {
      const rules = Object.entries(spec.fields as Record<string, string>);
      const required = rules.filter(([, r]) => r === 'required').map(([f]) => f);
      const forbidden = rules.filter(([, r]) => r === 'forbidden').map(([f]) => f);
      return { type, required, forbidden };
    });
    const inSchema = (
      taskSchema.allOf as Array<{
        if: { properties: { type: { const: string } } };
        then: { required?: string[]; properties?: Record<string, false> };
      }>
    ).map((c) => ({
      type: c.if.properties.type.const,
      required: c.then.required ?? [],
      forbidden: Object.keys(c.then.properties ?? {}),
    }));
    expect(inSchema.sort((a, b) => a.type.localeCompare(b.type))).toEqual(
      expected.sort((a, b) => a.type.localeCompare(b.type)),
    );
  });

  test('task types and placements', () => {
    expect([...taskSchema.properties.type.enum].sort()).toEqual([...catalog.keys()].sort());
    expect([...taskSchema.properties.placement.enum].sort()).toEqual([...PLACEMENTS].sort());
  });
});

describe('generated documents: the loader and the schema accept and refuse the same ones', () => {
  test('every field of every table, each task type once: both accept', () => {
    expectAgreement(fullDocument(), 'accepts');
  });

  // Each field left out, in each place it stands: required by both, or by neither.
  const drops = TABLES.flatMap((table) =>
    (table === 'project' || table === 'providers' ? ['processor_nats'] : typesWith(table)).flatMap((type) =>
      FIELDS[table].map((field) => [table, type, field] as const),
    ),
  );
  test.each(drops)('%s in a %s task without %s', (table, type, field) => {
    const doc = fullDocument();
    const obj = objectOf(doc, table, type)!;
    delete obj[field];
    // (the alias: a task without "targets" still has one when "target" is given instead)
    if (table === 'task' && field === 'targets') obj.target = ['edge'];
    expectAgreement(doc);
  });

  // Each task-level field its template forbids, added: both refuse.
  const forbidden = [...catalog].flatMap(([type, spec]) =>
    Object.entries(spec.fields as Record<string, string>)
      .filter(([, rule]) => rule === 'forbidden')
      .map(([field]) => [type, field] as const),
  );
  test.each(forbidden)('a %s task with %s: both refuse', (type, field) => {
    const doc = fullDocument();
    const donor = doc.tasks.find((t) => t[field] !== undefined);
    const task = objectOf(doc, 'task', type)!;
    task[field] = structuredClone(donor![field]);
    expectAgreement(doc, 'refuses');
  });

  // A key neither knows, beside the known ones: both refuse (x- keys are the exception where allowed).
  const strays = TABLES.map(
    (table) => [table, table === 'project' || table === 'providers' ? 'processor_nats' : typesWith(table)[0]!] as const,
  );
  test.each(strays)('a stray key in %s: both refuse', (table, type) => {
    const doc = fullDocument();
    objectOf(doc, table, type)!.stray_key = 'x';
    expectAgreement(doc, 'refuses');
  });

  // A value of the wrong shape in each field: a list where the loader wants a scalar or a mapping, and
  // a mapping where it wants a scalar or a list (config and tasks take mappings/lists of their own).
  const typeFor = (table: keyof typeof FIELDS) =>
    table === 'project' || table === 'providers' ? 'processor_nats' : typesWith(table)[0]!;
  // (every field of the full document; "target" is not in it, "targets" stands for it)
  const shapes = TABLES.flatMap((table) =>
    FIELDS[table]
      .filter((f) => objectOf(fullDocument(), table, typeFor(table))![f] !== undefined)
      .map((field) => [table, field] as const),
  );
  test.each(shapes)('%s.%s with a value of the wrong shape: both refuse', (table, field) => {
    const doc = fullDocument();
    const obj = objectOf(doc, table, typeFor(table))!;
    const current = obj[field];
    obj[field] = Array.isArray(current)
      ? { wrong: 'shape' }
      : typeof current === 'object'
        ? ['wrong', 'shape']
        : { wrong: 'shape' };
    expectAgreement(doc, 'refuses');
  });

  test('"target" alone is the alias of "targets"; both together are refused by both', () => {
    const doc = fullDocument();
    const task = doc.tasks[0]!;
    task.target = task.targets;
    expectAgreement(doc, 'refuses');
    delete task.targets;
    expectAgreement(doc, 'accepts');
  });
});

test('the generated document is written as workflow.yaml files are (a sanity check of the generator)', () => {
  const dir = makeProject({ 'workflow.yaml': YAML.stringify(fullDocument()), 'tasks/upper.go': GOOD_TASK });
  const wf = loadWorkflow(dir);
  expect(wf.tasks.map((t) => t.type).sort()).toEqual([...catalog.keys()].sort());
});
