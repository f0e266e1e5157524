/**
 * Placement: how the generated manifest asks wadm to place a task's component. The default (every_host)
 * puts it on every host of its targets, where its providers run too; the real-lattice test
 * (__tests__/e2e) and bench/e2e show why: with the builtin providers a host that runs the provider but
 * not the component drops the messages it receives.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { generateToDisk } from '../../src/generate/generate.js';
import { loadWorkflow } from '../../src/load/workflow.js';
import { cleanupProjects, GOOD_TASK, makeProject, workflowWith } from '../helpers/project.js';

afterAll(cleanupProjects);

type Trait = {
  type: string;
  properties: { instances?: number; spread?: Array<{ requirements: Record<string, string> }> };
};
type Component = { name: string; type: string; traits: Trait[] };

async function scalers(extra: string) {
  const dir = makeProject({
    'workflow.yaml': workflowWith(extra).replace('targets: [edge]', 'targets: [edge, cloud]'),
    'tasks/upper.go': GOOD_TASK,
  });
  await generateToDisk(loadWorkflow(dir));
  const m = YAML.parse(readFileSync(path.join(dir, 'gen', 'upper', 'wadm.yaml'), 'utf8')) as {
    spec: { components: Component[] };
  };
  return m.spec.components.map((c) => {
    const s = c.traits.find((t) => t.type.endsWith('scaler'))!;
    // The task's component name carries its version (task-v1-0-0: see versionKey); placement does not.
    return [
      c.name.replace(/^task-v[-a-z0-9]+$/, 'task'),
      s.type,
      s.properties.instances,
      s.properties.spread!.map((x) => x.requirements['host-type']),
    ];
  });
}

describe('placement', () => {
  test(
    'default: the component runs on every host of its targets, like its providers, ' + 'one at a time per host',
    async () => {
      expect(await scalers('')).toEqual([
        ['task', 'daemonscaler', 1, ['edge', 'cloud']],
        ['messaging', 'daemonscaler', 1, ['edge', 'cloud']],
      ]);
    },
  );

  test('every_host with instances: that many concurrent instances on each host', async () => {
    expect((await scalers('    instances: 4\n'))[0]).toEqual(['task', 'daemonscaler', 4, ['edge', 'cloud']]);
  });

  test('spread: instances in total, one per target by default, spread over the targets', async () => {
    expect((await scalers('    placement: spread\n'))[0]).toEqual(['task', 'spreadscaler', 2, ['edge', 'cloud']]);
    expect((await scalers('    placement: spread\n    instances: 6\n'))[0]).toEqual([
      'task',
      'spreadscaler',
      6,
      ['edge', 'cloud'],
    ]);
  });
});
