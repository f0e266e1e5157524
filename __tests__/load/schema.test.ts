/**
 * schema/workflow.schema.json agrees with the loader: every workflow the loader accepts (the examples,
 * the seed's workflows, unusual valid ones) validates against the schema, and values the loader refuses
 * for their shape alone are refused by the schema too. (The loader checks more: task files, topics that
 * loop, sockets, uniqueness.)
 */
import { Ajv } from 'ajv';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { loadWorkflow } from '../../src/load/workflow.js';
import { cleanupProjects, GOOD_TASK, makeProject, ROOT, workflowWith } from '../helpers/project.js';
import * as seed from '../helpers/seed.js';

afterAll(cleanupProjects);

const schema = JSON.parse(readFileSync(path.join(ROOT, 'schema', 'workflow.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const check = (text: string) =>
  validate(YAML.parse(text, { merge: true }))
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);

const JS = 'export function execTask(arg: string): string { return arg; }\n';

describe('the workflow schema agrees with the loader', () => {
  const accepted: Array<[string, string, Record<string, string>]> = [
    ...['temperature', 'temperature-ts', 'greenhouse', 'hello', 'secure-ingest'].map(
      (e) =>
        [`examples/${e}`, readFileSync(path.join(ROOT, 'examples', e, 'workflow.yaml'), 'utf8'), {}] as [
          string,
          string,
          Record<string, string>,
        ],
    ),
    ['seed README', seed.SEED_README_WORKFLOW, { 'tasks/aggregate.go': seed.SEED_TASK_JSON }],
    ['seed setup', seed.SEED_SETUP_WORKFLOW, { 'tasks/sensor_read.go': seed.SEED_TASK_MINIMAL }],
    ['seed dbsync', seed.SEED_DBSYNC_WORKFLOW, { 'tasks/db_sync.go': seed.SEED_TASK_MINIMAL }],
    [
      'x- fields, upper-case extension, odd config keys, IPv6',
      'project_name: X\nx-d: &d { targets: [edge] }\ntasks:\n  - <<: *d\n    x-note: hi\n    name: A\n' +
        '    type: http_producer_nats\n    code: Up.TS\n    dest_topic: out\n    component_name: a\n' +
        '    version: 1.0.0\n    config: { 1.50: x, "true": y }\n    http: { address: "[::]:8080" }\n' +
        '  - { name: D, type: dbsync_nats, code: Up.TS, target: cloud, source_topic: in, dest_topic: done, ' +
        'component_name: d, version: 1.0.0, database: { columns: [a, b] } }\n',
      { 'tasks/Up.TS': JS },
    ],
  ];

  test.each(accepted)('%s: loads and validates against the schema', (_name, text, files) => {
    const dir = _name.startsWith('examples/')
      ? path.join(ROOT, _name)
      : makeProject({ 'workflow.yaml': text, ...files });
    expect(loadWorkflow(dir).tasks.length).toBeGreaterThan(0);
    expect(check(text)).toEqual([]);
  });

  const base = (extra: string) =>
    makeProject({ 'workflow.yaml': workflowWith(extra), 'tasks/upper.go': GOOD_TASK, 'tasks/upper.py': 'x' });
  test.each([
    ['an unsupported extension', (t: string) => t.replace('code: upper.go', 'code: upper.py')],
    ['__proto__ as a config key', (t: string) => t + '    config: { __proto__: x }\n'],
    [
      'a host name as http address',
      (t: string) => t.replace('processor_nats', 'http_producer_nats') + '    http: { address: "localhost:8000" }\n',
    ],
    [
      'an octet above 255',
      (t: string) => t.replace('processor_nats', 'http_producer_nats') + '    http: { address: "10.0.0.256:8000" }\n',
    ],
    ['a wildcard dest_topic', (t: string) => t.replace('dest_topic: out', 'dest_topic: out.*')],
    ['no tasks', () => 'project_name: T\ntasks: []\n'],
  ])('%s: refused by both', (_name, spoil) => {
    const text = spoil(workflowWith());
    const dir = base('');
    refused(dir, text);
    expect(check(text)).not.toEqual([]);
  });
});

function refused(dir: string, text: string): void {
  writeFileSync(path.join(dir, 'workflow.yaml'), text);
  expect(() => loadWorkflow(dir)).toThrow();
}
