/**
 * A corpus of broken workflows. Each must fail validation with every expected message at the expected
 * line, and nothing else may be reported that is not expected.
 */
import { symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserInputError } from '../../src/common/diagnostics.js';
import { loadWorkflow } from '../../src/load/workflow.js';
import { cleanupProjects, GOOD_TASK, makeProject, tempDir, workflowWith } from '../helpers/project.js';

interface Case {
  name: string;
  yaml: string;
  files?: Record<string, string>;
  setup?: (dir: string) => void;
  /** [file suffix or 'w' for workflow.yaml, line, substring of the message (or hint)] */
  expect: Array<[string, number, string]>;
}

const task = (fields: Record<string, string>) => {
  const base: Record<string, string> = {
    name: 'Upper', type: 'processor_nats', code: 'upper.go', targets: '[edge]', source_topic: 'in', dest_topic: 'out', component_name: 'upper', version: '1.0.0',
  };
  const merged = { ...base, ...fields };
  return Object.entries(merged)
    .filter(([, v]) => v !== '<omit>')
    .map(([k, v], i) => `${i === 0 ? '  - ' : '    '}${k}: ${v}`)
    .join('\n');
};
const wf = (...tasks: string[]) => `project_name: Test\ntasks:\n${tasks.join('\n')}\n`;

const cases: Case[] = [
  { name: 'yaml syntax: unclosed flow list', yaml: wf(task({ targets: '[edge' })), expect: [['w', 7, 'YAML syntax']] },
  { name: 'yaml syntax: tab indentation', yaml: 'project_name: T\ntasks:\n\t- name: x\n', expect: [['w', 3, 'YAML syntax']] },
  { name: 'duplicate key', yaml: wf(task({})) + '    version: 2.0.0\n', expect: [['w', 11, 'YAML syntax']] },
  { name: 'empty file', yaml: '', expect: [['w', 1, 'workflow.yaml is empty']] },
  { name: 'top level is a list', yaml: '- a\n- b\n', expect: [['w', 1, 'must be a mapping']] },
  { name: 'missing project_name', yaml: `tasks:\n${task({})}\n`, expect: [['w', 1, 'missing project_name']] },
  { name: 'missing tasks', yaml: 'project_name: T\n', expect: [['w', 1, 'missing tasks']] },
  { name: 'empty tasks', yaml: 'project_name: T\ntasks: []\n', expect: [['w', 2, 'tasks is empty']] },
  { name: 'tasks not a list', yaml: 'project_name: T\ntasks:\n  name: x\n', expect: [['w', 3, 'tasks must be a list']] },
  { name: 'unknown project field with did-you-mean', yaml: 'project_nme: T\n' + `tasks:\n${task({})}\n`, expect: [['w', 1, 'did you mean "project_name"'], ['w', 1, 'missing project_name']] },
  { name: 'unknown task field with did-you-mean', yaml: wf(task({})) + '    dest_topc: x\n', expect: [['w', 11, 'did you mean "dest_topic"']] },
  { name: 'unknown type with did-you-mean', yaml: wf(task({ type: 'procesor_nats' })), expect: [['w', 4, 'did you mean "processor_nats"']] },
  { name: 'unknown type without a close match', yaml: wf(task({ type: 'kafka_stream' })), expect: [['w', 4, 'known types: dbsync_nats']] },
  { name: 'missing name', yaml: wf(task({ name: '<omit>', type: 'processor_nats' }).replace('    type', '  - type')), expect: [['w', 3, 'missing name']] },
  { name: 'missing code', yaml: wf(task({ code: '<omit>' })), expect: [['w', 3, 'missing code']] },
  { name: 'code file does not exist', yaml: wf(task({ code: 'nope.go' })), expect: [['w', 5, 'does not exist']] },
  { name: 'absolute code path', yaml: wf(task({ code: '/etc/passwd.go' })), expect: [['w', 5, 'absolute path']] },
  { name: 'code escapes with ..', yaml: wf(task({ code: '../secret.go' })), expect: [['w', 5, 'leaves the tasks/ folder']] },
  {
    name: 'code is a link escaping tasks/',
    yaml: wf(task({ code: 'link.go' })),
    setup: (dir) => {
      const outside = tempDir();
      writeFileSync(path.join(outside, 'x.go'), GOOD_TASK);
      symlinkSync(path.join(outside, 'x.go'), path.join(dir, 'tasks', 'link.go'));
    },
    expect: [['w', 5, 'link that leads outside tasks/']],
  },
  { name: 'unsupported extension', yaml: wf(task({ code: 'upper.py' })), files: { 'tasks/upper.py': 'print(1)' }, expect: [['w', 5, 'unsupported extension ".py"']] },
  { name: 'task file in another package', yaml: wf(task({})), files: { 'tasks/upper.go': 'package tasks\n\nfunc exec_task(arg string) string { return arg }\n' }, expect: [['tasks/upper.go', 1, 'package "tasks"']] },
  { name: 'task file lacks exec_task', yaml: wf(task({})), files: { 'tasks/upper.go': 'package main\n\nfunc run(arg string) string { return arg }\n' }, expect: [['tasks/upper.go', 1, 'does not define func exec_task']] },
  { name: 'exec_task with a wrong signature', yaml: wf(task({})), files: { 'tasks/upper.go': 'package main\n\n// doc\nfunc exec_task(arg []byte) []byte { return arg }\n' }, expect: [['tasks/upper.go', 4, 'signature (arg []byte) []byte']] },
  { name: 'exec_task only in a comment', yaml: wf(task({})), files: { 'tasks/upper.go': 'package main\n\n/*\nfunc exec_task(arg string) string { return arg }\n*/\n' }, expect: [['tasks/upper.go', 1, 'does not define func exec_task']] },
  { name: 'task file defines main', yaml: wf(task({})), files: { 'tasks/upper.go': GOOD_TASK + '\nfunc main() {}\n' }, expect: [['tasks/upper.go', 9, 'defines func main']] },
  { name: 'code written with the tasks/ prefix', yaml: wf(task({ code: 'tasks/upper.go' })), expect: [['w', 5, 'code is relative to tasks/: write "upper.go"']] },
  { name: 'task file imports a third-party module', yaml: wf(task({})), files: { 'tasks/upper.go': 'package main\n\nimport (\n\t"strings"\n\t"github.com/tidwall/gjson"\n)\n\nfunc exec_task(arg string) string { return strings.ToUpper(gjson.Get(arg, "a").String()) }\n' }, expect: [['tasks/upper.go', 5, 'outside the standard library']] },
  { name: 'registry with capitals', yaml: `project_name: T\nregistry: Ghcr.io/Acme\ntasks:\n${task({})}\n`, expect: [['w', 2, 'lowercase: ghcr.io/acme']] },
  { name: 'merge key pointing at a scalar', yaml: `project_name: T\nx: &s str\ntasks:\n${task({})}\n    <<: *s\n`, expect: [['w', 2, 'unknown project field "x"'], ['w', 12, 'merge key must refer to a mapping']] },
  { name: 'task file uses a reserved name', yaml: wf(task({})), files: { 'tasks/upper.go': GOOD_TASK + '\nfunc pelatoRun() {}\n' }, expect: [['tasks/upper.go', 9, 'reserved']] },
  { name: 'component_name with spaces and capitals', yaml: wf(task({ component_name: 'My Component' })), expect: [['w', 9, 'e.g. "my_component"']] },
  { name: 'component_name with a dot', yaml: wf(task({ component_name: 'a.b' })), expect: [['w', 9, 'not a valid OCI repository and wadm app name']] },
  { name: 'duplicate component_name', yaml: wf(task({}), task({ name: 'Other' })), expect: [['w', 11, 'already used by task "Upper" (line 3)']] },
  { name: 'version latest', yaml: wf(task({ version: 'latest' })), expect: [['w', 10, 'version "latest" is not allowed']] },
  { name: 'version not semver', yaml: wf(task({ version: '1.0' })), expect: [['w', 10, 'must be a string']] },
  { name: 'version with leading v', yaml: wf(task({ version: 'v1.2.3' })), expect: [['w', 10, 'write 1.2.3']] },
  { name: 'version with build metadata', yaml: wf(task({ version: '1.0.0+abc' })), expect: [['w', 10, 'build metadata']] },
  { name: 'topic with a quote', yaml: wf(task({ source_topic: `'in"put'` })), expect: [['w', 7, 'contains a quote']] },
  { name: 'topic with a newline', yaml: wf(task({ dest_topic: '"out\\nx"' })), expect: [['w', 8, 'whitespace or a control character']] },
  { name: 'topic with a space', yaml: wf(task({ source_topic: '"a b"' })), expect: [['w', 7, 'whitespace']] },
  { name: 'wildcard in dest_topic', yaml: wf(task({ dest_topic: 'sensors.*' })), expect: [['w', 8, 'concrete subject']] },
  { name: 'empty token in topic', yaml: wf(task({ source_topic: 'a..b' })), expect: [['w', 7, 'empty token']] },
  { name: 'queue separator in topic', yaml: wf(task({ source_topic: 'a|q' })), expect: [['w', 7, 'contains "," or "|"']] },
  { name: 'dest equals source', yaml: wf(task({ dest_topic: 'in' })), expect: [['w', 8, 'consume its own output']] },
  { name: 'missing source_topic for processor', yaml: wf(task({ source_topic: '<omit>' })), expect: [['w', 3, 'missing source_topic']] },
  { name: 'dest_topic on dbsync', yaml: wf(task({ type: 'dbsync_nats' }) + '\n    database: { table: t }'), expect: [['w', 8, 'dest_topic is not used by type dbsync_nats']] },
  { name: 'dbsync without database', yaml: wf(task({ type: 'dbsync_nats', dest_topic: '<omit>' })), expect: [['w', 3, 'needs a "database:" block']] },
  { name: 'bad SQL table name', yaml: wf(task({ type: 'dbsync_nats', dest_topic: '<omit>' }) + '\n    database: { table: "x; drop table y" }'), expect: [['w', 10, 'not a plain SQL identifier']] },
  { name: 'http block on processor', yaml: wf(task({}) + '\n    http: { path: /x }'), expect: [['w', 11, 'http is not used by type processor_nats']] },
  { name: 'bad http address', yaml: wf(task({ type: 'http_producer_nats' }) + '\n    http: { address: "localhost" }'), expect: [['w', 11, 'not IP:PORT']] },
  { name: 'two http tasks on one address', yaml: wf(task({ type: 'http_producer_nats' }), task({ type: 'http_producer_nats', name: 'B', component_name: 'b', source_topic: 'x', dest_topic: 'y' })), expect: [['w', 11, 'both serve HTTP on 0.0.0.0:8000']] },
  { name: 'both target and targets', yaml: wf(task({}) + '\n    target: [cloud]'), expect: [['w', 11, 'both "targets" and "target"']] },
  { name: 'missing targets', yaml: wf(task({ targets: '<omit>' })), expect: [['w', 3, 'missing targets']] },
  { name: 'empty targets', yaml: wf(task({ targets: '[]' })), expect: [['w', 6, 'targets is empty']] },
  { name: 'unsafe target label', yaml: wf(task({ targets: '["edge; rm"]' })), expect: [['w', 6, 'not a valid host label']] },
  { name: 'duplicate target', yaml: wf(task({ targets: '[edge, edge]' })), expect: [['w', 6, 'listed twice']] },
  { name: 'instances zero', yaml: wf(task({}) + '\n    instances: 0'), expect: [['w', 11, 'whole number from 1 to 1000']] },
  { name: 'placement misspelt', yaml: wf(task({}) + '\n    placement: every-host'), expect: [['w', 11, 'placement must be "every_host" or "spread", got every-host did you mean "every_host"?']] },
  { name: 'placement not a string', yaml: wf(task({}) + '\n    placement: [spread]'), expect: [['w', 11, 'placement must be "every_host" or "spread"']] },
  { name: 'config not a mapping', yaml: wf(task({}) + '\n    config: [a, b]'), expect: [['w', 11, 'config must be a mapping']] },
  { name: 'config key with a space', yaml: wf(task({}) + '\n    config: { "a b": x }'), expect: [['w', 11, 'config key "a b" is not allowed']] },
  { name: 'bad registry', yaml: `project_name: T\nregistry: https://Ghcr.io/X\ntasks:\n${task({})}\n`, expect: [['w', 2, 'must not include a scheme']] },
  { name: 'bad lattice', yaml: `project_name: T\nlattice: a.b\ntasks:\n${task({})}\n`, expect: [['w', 2, 'not a valid lattice name']] },
  { name: 'provider image tagged latest', yaml: `project_name: T\nproviders:\n  messaging: ghcr.io/wasmcloud/messaging-nats:latest\ntasks:\n${task({})}\n`, expect: [['w', 3, 'uses the tag "latest"']] },
  {
    name: 'several problems are all reported, in order',
    yaml: wf(task({ type: 'procesor_nats', version: 'latest', dest_topic: 'a.>' })),
    expect: [['w', 4, 'did you mean'], ['w', 8, 'concrete subject'], ['w', 10, 'latest']],
  },
];

afterAll(cleanupProjects);

describe('malformed workflows', () => {
  test('the corpus is large enough', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const dir = makeProject({ 'workflow.yaml': c.yaml, 'tasks/upper.go': GOOD_TASK, ...c.files });
    c.setup?.(dir);
    let err: unknown;
    try {
      loadWorkflow(dir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserInputError);
    const diags = (err as UserInputError).diagnostics;
    const rendered = diags.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message} ${d.hint ?? ''}`);
    for (const [file, line, text] of c.expect) {
      const suffix = file === 'w' ? 'workflow.yaml' : file;
      const hit = diags.find((d) => d.file.endsWith(suffix) && d.line === line && `${d.message} ${d.hint ?? ''}`.includes(text));
      if (!hit) throw new Error(`expected "${text}" at ${suffix}:${line}, got:\n${rendered.join('\n')}`);
    }
    // Every problem is positioned, and there is no noise beyond what the case expects.
    for (const d of diags) {
      expect(d.line).toBeGreaterThanOrEqual(1);
      expect(d.col).toBeGreaterThanOrEqual(1);
    }
    if (diags.length > c.expect.length) {
      throw new Error(`unexpected extra problems:\n${rendered.join('\n')}`);
    }
  });

  test('the minimal workflow used by the corpus is itself valid', () => {
    const dir = makeProject({ 'workflow.yaml': wf(task({})), 'tasks/upper.go': GOOD_TASK });
    expect(loadWorkflow(dir).tasks).toHaveLength(1);
    const dir2 = makeProject({ 'workflow.yaml': workflowWith(), 'tasks/upper.go': GOOD_TASK });
    expect(loadWorkflow(dir2).tasks[0]!.component_name).toBe('upper');
  });
});
