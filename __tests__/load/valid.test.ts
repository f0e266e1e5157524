/** Valid workflows written the many ways users write YAML and Go: all must load, normalized the same way. */
import { loadWorkflow } from '../../src/load/workflow.js';
import { cleanupProjects, GOOD_TASK, makeProject } from '../helpers/project.js';

afterAll(cleanupProjects);

describe('valid workflows', () => {
  test('x- extension fields hold anchors; merge keys and aliases fill tasks', () => {
    const dir = makeProject({
      'workflow.yaml': `project_name: Shared fields
x-defaults: &defaults
  type: processor_nats
  code: upper.go
  targets: &both [edge, cloud]
  version: 2.0.0
tasks:
  - <<: *defaults
    name: First
    source_topic: a
    dest_topic: b
    component_name: first
  - <<: *defaults
    name: Second
    target: cloud
    source_topic: b
    dest_topic: c
    component_name: second
    version: 2.1.0
`,
      'tasks/upper.go': GOOD_TASK,
    });
    const wf = loadWorkflow(dir);
    expect(wf.tasks.map((t) => [t.component_name, t.type, t.targets, t.version])).toEqual([
      ['first', 'processor_nats', ['edge', 'cloud'], '2.0.0'],
      ['second', 'processor_nats', ['cloud'], '2.1.0'],
    ]);
  });

  test('merge keys from an anchored task', () => {
    const dir = makeProject({
      'workflow.yaml': `project_name: Shared fields
tasks:
  - &first
    name: First
    type: processor_nats
    code: upper.go
    targets: [edge, cloud]
    source_topic: a
    dest_topic: b
    component_name: first
    version: 2.0.0
  - <<: *first
    name: Second
    targets: cloud
    source_topic: b
    dest_topic: c
    component_name: second
    version: 2.1.0
`,
      'tasks/upper.go': GOOD_TASK,
    });
    const wf = loadWorkflow(dir);
    expect(
      wf.tasks.map((t) => [t.name, t.component_name, t.targets, t.version, t.placement, t.instances, t.code]),
    ).toEqual([
      ['First', 'first', ['edge', 'cloud'], '2.0.0', 'every_host', 1, 'upper.go'],
      ['Second', 'second', ['cloud'], '2.1.0', 'every_host', 1, 'upper.go'],
    ]);
  });

  test('CRLF line endings, a sub-folder, a multi-line signature and a named result', () => {
    const src =
      'package main\r\n\r\nimport "strings"\r\n\r\n// doc\r\nfunc exec_task(\r\n\targ string,\r\n) (out string) {\r\n' +
      '\treturn strings.TrimSpace(arg)\r\n}\r\n';
    const dir = makeProject({
      'workflow.yaml':
        'project_name: CRLF\r\ntasks:\r\n  - name: T\r\n    type: producer_nats\r\n    code: sub/dir/trim.go\r\n' +
        '    targets: edge\r\n    source_topic: tick\r\n    dest_topic: out.trimmed\r\n    component_name: trim\r\n' +
        '    version: 0.1.0-rc.1\r\n',
      'tasks/sub/dir/trim.go': src,
    });
    const t = loadWorkflow(dir).tasks[0]!;
    expect([t.code, t.targets, t.version]).toEqual(['sub/dir/trim.go', ['edge'], '0.1.0-rc.1']);
  });

  test('defaults: registry, lattice, providers, http settings, database columns, config spelling', () => {
    const dir = makeProject({
      'workflow.yaml': `project_name: Defaults
tasks:
  - name: H
    type: http_producer_nats
    code: upper.go
    targets: [edge]
    dest_topic: out
    component_name: h
    version: 1.0.0
    config: { ratio: 1.50, enabled: true, name: x }
  - name: D
    type: dbsync_nats
    code: upper.go
    targets: [cloud]
    source_topic: out
    component_name: d
    version: 1.0.0
    database: { table: rows }
`,
      'tasks/upper.go': GOOD_TASK,
    });
    const wf = loadWorkflow(dir, { lattice: 'edge-lab' });
    expect(wf.registry).toBe('localhost:5000');
    expect(wf.lattice).toBe('edge-lab');
    expect(wf.providers.messaging).toBe('ghcr.io/wasmcloud/messaging-nats:0.27.0');
    expect(wf.tasks[0]!.http).toEqual({ path: '/', address: '0.0.0.0:8000', max_body: 1048576, timeout_ms: 10000 });
    expect(wf.tasks[0]!.config).toEqual({ ratio: '1.50', enabled: 'true', name: 'x' });
    expect(wf.tasks[1]!.database).toEqual({
      table: 'rows',
      columns: ['payload'],
      connection_config: 'pelato-postgres',
    });
    expect(wf.tasks[1]!.http).toBeUndefined();
  });
});
