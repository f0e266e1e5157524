/**
 * Every action.yml and workflow read by @actions/workflow-parser, the parser (and JSON schemas) of GitHub's
 * own Actions language services: unknown keys, wrong types, missing required properties and malformed
 * expressions are reported with line and column, as GitHub would reject them. This is next to the yaml
 * checks in actions.test.ts and actionlint (actionlint.test.ts), which check workflows only: actionlint
 * does not read action.yml files, so this parser is the only schema check the composites get.
 *
 * The package ships ES modules that import their JSON schemas without import attributes, which plain
 * Node 20/22 refuse; jest's module loader accepts them, so it is used here, in the tests, only.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  convertWorkflowTemplate,
  NoOperationTraceWriter,
  parseWorkflow,
  type TemplateParseResult,
} from '@actions/workflow-parser';
import { convertActionTemplate, parseAction } from '@actions/workflow-parser/actions/index';
import { ROOT } from '../helpers/project.js';
import { ACTION_DIRS, loadAction, loadYaml, WORKFLOW_FILES } from './actionFiles.js';

function errorsOf(r: TemplateParseResult): string[] {
  return r.context.errors.getErrors().map((e) => e.message);
}

function readWorkflow(file: string, content = readFileSync(file, 'utf8')) {
  return parseWorkflow({ name: path.relative(ROOT, file), content }, new NoOperationTraceWriter());
}

function readAction(file: string, content = readFileSync(file, 'utf8')) {
  return parseAction({ name: path.relative(ROOT, file), content }, new NoOperationTraceWriter());
}

describe.each(WORKFLOW_FILES.map((f) => [path.relative(ROOT, f), f]))('%s (workflow template)', (_rel, file) => {
  test('parses and converts without errors', async () => {
    const r = readWorkflow(file);
    expect(errorsOf(r)).toEqual([]);
    const t = await convertWorkflowTemplate(r.context, r.value!);
    expect(t.errors ?? []).toEqual([]);
    expect(t.jobs.length).toBeGreaterThan(0);
  });
});

test('the reusable workflow converts to workflow_call with the inputs and secrets the yaml has', async () => {
  const file = path.join(ROOT, '.github', 'workflows', 'pelato.yml');
  const r = readWorkflow(file);
  const t = await convertWorkflowTemplate(r.context, r.value!);
  const call = t.events.workflow_call!;
  const raw = loadYaml(file).doc.on.workflow_call!;
  expect(Object.keys(call.inputs!)).toEqual(Object.keys(raw.inputs));
  expect(Object.keys(call.secrets!)).toEqual(Object.keys(raw.secrets));
  // (0.3.61 converts no workflow_call outputs, a TODO in its converter; they are checked by the schema above)
  expect(call.inputs!['pelato-ref']).toMatchObject({ type: 'string', required: true });
});

describe.each(ACTION_DIRS)('%s/action.yml (action schema)', (dir) => {
  const file = path.join(ROOT, dir, 'action.yml');

  test('parses without errors and converts to a composite with the inputs and outputs the yaml has', () => {
    const r = readAction(file);
    expect(errorsOf(r)).toEqual([]);
    const t = convertActionTemplate(r.context, r.value!);
    expect(t.runs.using).toBe('composite');
    const yaml = loadAction(dir);
    expect(t.inputs?.map((i) => i.id)).toEqual(Object.keys(yaml.inputs));
    expect(t.outputs?.map((o) => o.id)).toEqual(Object.keys(yaml.outputs ?? {}));
    for (const i of t.inputs ?? []) {
      // what the parser reads as the default is what the README and the runner stand-in use
      expect({ input: i.id, default: i.default?.toString() }).toEqual({
        input: i.id,
        default: yaml.inputs[i.id]!.default,
      });
    }
    expect('steps' in t.runs ? t.runs.steps.length : 0).toBe(yaml.runs.steps.length);
  });
});

describe('the parser is live: it rejects what GitHub rejects, with the line', () => {
  test('a workflow with an unknown key', () => {
    const text = readFileSync(path.join(ROOT, 'examples', 'github', 'caller.yml'), 'utf8').replace(
      'branches: [main]',
      'branchez: [main]',
    );
    const errors = errorsOf(readWorkflow(path.join(ROOT, 'examples', 'github', 'caller.yml'), text));
    expect(errors).toEqual([expect.stringMatching(/caller\.yml \(Line: \d+, Col: \d+\): Unexpected value 'branchez'/)]);
  });

  // (input definitions are loose mappings in the action schema, as on GitHub: a typo there is not caught)
  test('a composite run step without shell, and a step with an unknown key', () => {
    const original = readFileSync(path.join(ROOT, 'deploy', 'action.yml'), 'utf8');
    const text = original.replace('      shell: bash\n', '      working-dir: .\n');
    expect(text).not.toBe(original);
    const errors = errorsOf(readAction(path.join(ROOT, 'deploy', 'action.yml'), text));
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/deploy\/action\.yml \(Line: \d+, Col: \d+\): Required property is missing: shell/),
        expect.stringMatching(/deploy\/action\.yml \(Line: \d+, Col: \d+\): Unexpected value 'working-dir'/),
      ]),
    );
  });

  test('a broken expression in an action output', () => {
    const text = readFileSync(path.join(ROOT, 'build', 'action.yml'), 'utf8').replace(
      '${{ steps.build.outputs.ok }}',
      '${{ steps.build.outputs.ok ) }}',
    );
    expect(errorsOf(readAction(path.join(ROOT, 'build', 'action.yml'), text))).toEqual([
      expect.stringMatching(/build\/action\.yml \(Line: \d+, Col: \d+\): Unexpected symbol/),
    ]);
  });
});
