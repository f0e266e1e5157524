/**
 * The names a task file may not declare are exactly the template's: every package-level and imported
 * name of the rendered Go files, and every top-level name of the JS runtime and glue, is in the
 * reserved lists (or starts with "pelato"), for every template and with and without optional fields.
 */
import { Parser } from 'acorn';
import path from 'node:path';
import { generate } from '../../src/generate/generate.js';
import { lexGo, readGoFile } from '../../src/load/goSource.js';
import { GO_TEMPLATE_NAMES } from '../../src/load/goTask.js';
import { JS_TEMPLATE_NAMES } from '../../src/load/jsTask.js';
import { loadWorkflow } from '../../src/load/workflow.js';
import { cleanupProjects, GOOD_TASK, makeProject } from '../helpers/project.js';

afterAll(cleanupProjects);

const JS = 'export function execTask(arg) { return arg; }\n';
const tasks = (code: string) =>
  'project_name: Reserved\ntasks:\n' +
  `  - { name: P, type: processor_nats, code: ${code}, targets: [edge], source_topic: a, dest_topic: b, ` +
  'component_name: p, version: 1.0.0 }\n' +
  `  - { name: R, type: producer_nats, code: ${code}, targets: [edge], source_topic: c, dest_topic: d, ` +
  'component_name: r, version: 1.0.0 }\n' +
  `  - { name: H, type: http_producer_nats, code: ${code}, targets: [edge], source_topic: e, dest_topic: f, ` +
  'component_name: h, version: 1.0.0 }\n' +
  `  - { name: H2, type: http_producer_nats, code: ${code}, targets: [cloud], dest_topic: g, ` +
  'component_name: h2, version: 1.0.0 }\n' +
  `  - { name: D, type: dbsync_nats, code: ${code}, targets: [edge], source_topic: i, ` +
  'component_name: d, version: 1.0.0 }\n' +
  `  - { name: D2, type: dbsync_nats, code: ${code}, targets: [edge], source_topic: j, dest_topic: k, ` +
  'component_name: d2, version: 1.0.0, database: { columns: [a, b] } }\n';

test('Go: every name of the template files is reserved', () => {
  const dir = makeProject({ 'workflow.yaml': tasks('upper.go'), 'tasks/upper.go': GOOD_TASK });
  const g = generate(loadWorkflow(dir));
  const names = new Set<string>();
  for (const [rel, data] of g.files) {
    if (!rel.endsWith('.go') || path.posix.basename(rel) === 'upper.go') continue;
    const lexed = lexGo(data.toString());
    expect(lexed.error).toBeUndefined();
    const f = readGoFile(lexed.tokens);
    for (const d of f.decls) names.add(d.name);
    for (const i of f.imports) names.add(i.name ?? i.path.split('/').pop()!);
  }
  const unreserved = [...names].filter(
    (n) =>
      n !== 'init' && n !== '_' && !n.startsWith('pelato') && !(GO_TEMPLATE_NAMES as readonly string[]).includes(n),
  );
  expect(unreserved).toEqual([]);
  // and nothing is reserved that the templates do not use
  expect(GO_TEMPLATE_NAMES.filter((n) => !names.has(n))).toEqual([]);
});

test('JavaScript: every top-level name of the runtime and the glue is reserved', () => {
  const dir = makeProject({ 'workflow.yaml': tasks('upper.js'), 'tasks/upper.js': JS });
  const g = generate(loadWorkflow(dir));
  const names = new Set<string>();
  for (const [rel, data] of g.files) {
    if (!/pelato_(runtime|main)\.js$/.test(rel)) continue;
    const ast = Parser.parse(data.toString(), { ecmaVersion: 'latest', sourceType: 'module' });
    for (const n of ast.body) {
      if (n.type === 'ImportDeclaration') for (const s of n.specifiers) names.add(s.local.name);
      const d = n.type === 'ExportNamedDeclaration' ? n.declaration : n;
      if (d?.type === 'FunctionDeclaration' || d?.type === 'ClassDeclaration') names.add(d.id.name);
      if (d?.type === 'VariableDeclaration') {
        for (const v of d.declarations) {
          if (v.id.type !== 'Identifier')
            throw new Error(`${rel}: a destructuring declaration at the top level; this test reads plain names only`);
          names.add(v.id.name);
        }
      }
    }
  }
  const unreserved = [...names].filter(
    (n) => !n.startsWith('pelato') && !(JS_TEMPLATE_NAMES as readonly string[]).includes(n),
  );
  expect(unreserved).toEqual([]);
  expect(JS_TEMPLATE_NAMES.filter((n) => !names.has(n))).toEqual([]);
});
