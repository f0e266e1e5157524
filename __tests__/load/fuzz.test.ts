/**
 * The loader never fails with an internal error: whatever workflow.yaml and task files hold, loading
 * either succeeds (and then generation succeeds too) or reports positioned problems with hints. The
 * inputs are built from the fields users write, with values drawn from the shapes that broke things
 * before (numbers, nulls, aliases, lists where scalars go, control characters, odd Unicode), plus
 * raw mutations of a valid file.
 */
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { PelatoError, UserInputError } from '../../src/common/diagnostics.js';
import { generate } from '../../src/generate/generate.js';
import { FIELDS, loadWorkflow } from '../../src/load/workflow.js';
import type { Workflow } from '../../src/model/workflow.js';
import { cleanupProjects, GOOD_TASK, makeProject, workflowWith } from '../helpers/project.js';

afterAll(cleanupProjects);

const tricky = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '~',
    'null',
    'true',
    '1.0',
    '0x10',
    '1e3',
    '-',
    '*',
    '>',
    'a.*',
    'a.>',
    '__proto__',
    'constructor',
    '0.0.0.0:8000',
    '[::]:80',
    ':08000',
    'localhost:99999',
    '\u0000',
    '\u2028',
    '\uFEFF',
    '\uD800',
    'ä',
    '😀',
    'a b',
    'x\ny',
    '../x.go',
    '/etc/passwd',
    'upper.go',
    'up.ts',
    'UP.GO',
    'x_test.go',
    'main.go',
    'pelato_main.js',
  ),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    tricky,
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(
      fc.oneof(fc.constantFrom('a', '1', 'x-y', '__proto__', '<<'), fc.string({ maxLength: 4 })),
      tie('v'),
      { maxKeys: 3 },
    ),
  ),
})).v;

// Every field the loader knows (so a new one is fuzzed too), and an extension key it must ignore.
const TASK_FIELDS = [...FIELDS.task, 'x-extra'];
const good: Record<string, unknown> = {
  name: 'T',
  type: 'processor_nats',
  code: 'upper.go',
  targets: ['edge'],
  source_topic: 'in',
  dest_topic: 'out',
  component_name: 'upper',
  version: '1.0.0',
};
const types = fc.constantFrom('processor_nats', 'producer_nats', 'http_producer_nats', 'dbsync_nats');
const taskArb = fc.record({
  over: fc.dictionary(fc.constantFrom(...TASK_FIELDS), value, { maxKeys: 4 }),
  drop: fc.subarray(Object.keys(good), { maxLength: 2 }),
  type: types,
});
const workflowArb = fc.record({
  project: fc.dictionary(fc.constantFrom('project_name', 'registry', 'lattice', 'providers', 'x-a', 'tasks_'), value, {
    maxKeys: 3,
  }),
  tasks: fc.array(taskArb, { minLength: 0, maxLength: 3 }),
});

const TASK_SOURCES = fc.oneof(
  fc.constant(GOOD_TASK),
  fc.constantFrom(
    '\uFEFF' + GOOD_TASK,
    'export function execTask(arg: string): string { return arg; }\n',
    'function run(a) { return a }\nexport { run as execTask };\n',
    'package main\nfunc exec_task(arg string) string {\n',
    'package main\n\nimport "C"\n',
  ),
  fc.string({ maxLength: 80 }).map((s) => GOOD_TASK.slice(0, 30) + s + GOOD_TASK.slice(30)),
);

function expectNoInternalError(dir: string): void {
  let wf: Workflow;
  try {
    wf = loadWorkflow(dir);
  } catch (e) {
    if (e instanceof UserInputError) {
      for (const d of e.diagnostics) {
        expect(d.line).toBeGreaterThanOrEqual(1);
        expect(d.col).toBeGreaterThanOrEqual(1);
        expect(typeof d.message).toBe('string');
      }
      return;
    }
    if (e instanceof PelatoError) return;
    throw e;
  }
  // What loads, generates.
  generate(wf);
}

describe('the loader never fails with an internal error', () => {
  test('structured workflows with hostile values', () => {
    fc.assert(
      fc.property(workflowArb, TASK_SOURCES, (w, taskSource) => {
        const tasks = w.tasks.map((t, i) => {
          const task: Record<string, unknown> = {
            ...good,
            type: t.type,
            component_name: `t${i}`,
            source_topic: `in${i}`,
            dest_topic: `out${i}`,
          };
          for (const k of t.drop) delete task[k];
          return Object.assign(task, t.over);
        });
        const doc = { project_name: 'Fuzz', ...w.project, tasks };
        const text = YAML.stringify(doc, { aliasDuplicateObjects: false });
        const dir = makeProject({
          'workflow.yaml': text,
          'tasks/upper.go': GOOD_TASK,
          'tasks/up.ts': 'export function execTask(arg: string): string { return arg; }\n',
          'tasks/x_test.go': taskSource,
          'tasks/main.go': taskSource,
          'tasks/pelato_main.js': 'export function execTask(a) { return a }\n',
        });
        expectNoInternalError(dir);
      }),
      { numRuns: 300 },
    );
  });

  test('raw mutations of a valid workflow.yaml', () => {
    const base = workflowWith('    config: { a: "1" }\n    instances: 2\n');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: base.length }),
        fc.integer({ min: 0, max: 8 }),
        fc.string({ maxLength: 6 }),
        (at, del, ins) => {
          const text = base.slice(0, at) + ins + base.slice(at + del);
          const dir = makeProject({ 'workflow.yaml': text, 'tasks/upper.go': GOOD_TASK });
          expectNoInternalError(dir);
        },
      ),
      { numRuns: 400 },
    );
  });

  test('arbitrary bytes as workflow.yaml and as the task file', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }), (wfBytes, taskBytes) => {
        const dir = makeProject({ 'workflow.yaml': Buffer.from(wfBytes), 'tasks/upper.go': GOOD_TASK });
        expectNoInternalError(dir);
        writeFileSync(path.join(dir, 'workflow.yaml'), workflowWith());
        writeFileSync(
          path.join(dir, 'tasks', 'upper.go'),
          Buffer.concat([Buffer.from('package main\n'), Buffer.from(taskBytes)]),
        );
        expectNoInternalError(dir);
      }),
      { numRuns: 200 },
    );
  });
});
