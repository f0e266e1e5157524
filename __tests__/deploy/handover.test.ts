/**
 * The handover's steps, planned from manifests pelato generates for two versions of one task: what each
 * step runs and links, that every step passes wadm's put-time checks, and when the versions cannot run
 * side by side (the upgrade is then wadm's in-place one, and says why). The steps running on a real
 * lattice are tested in __tests__/e2e/lattice.test.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { planHandover, type HandoverPlan, type Phase } from '../../src/deploy/handover.js';
import { generateToDisk } from '../../src/generate/generate.js';
import { wadmProblems } from '../../src/generate/wadmChecks.js';
import { loadWorkflow } from '../../src/load/workflow.js';
import { cleanupProjects, GOOD_TASK, makeProject } from '../helpers/project.js';

afterAll(cleanupProjects);

type Obj = Record<string, unknown>;
type Component = {
  name: string;
  type: string;
  properties: Obj;
  traits?: { type: string; properties: { name?: string; target?: { name: string } } }[];
};

const PROCESSOR = `    type: processor_nats
    source_topic: in
    dest_topic: out
`;
const HTTP = `    type: http_producer_nats
    dest_topic: out
    http:
      address: 127.0.0.1:8080
`;

async function manifest(version: string, kind = PROCESSOR, providers = ''): Promise<Obj> {
  const dir = makeProject({
    'workflow.yaml':
      `project_name: Test\n${providers}tasks:\n  - name: Upper\n    code: upper.go\n    targets: [edge, cloud]\n` +
      `    component_name: upper\n    version: ${version}\n${kind}`,
    'tasks/upper.go': GOOD_TASK,
  });
  await generateToDisk(loadWorkflow(dir));
  return YAML.parse(readFileSync(path.join(dir, 'gen', 'upper', 'wadm.yaml'), 'utf8')) as Obj;
}

const components = (p: Phase) => (p.manifest.spec as { components: Component[] }).components;
/** provider name → the task components it links to, in this step */
function links(p: Phase): Record<string, string[]> {
  return Object.fromEntries(
    components(p)
      .filter((c) => c.type === 'capability')
      .map((c) => [
        c.name,
        (c.traits ?? []).filter((t) => t.type === 'link').map((t) => `${t.properties.target!.name}`),
      ]),
  );
}
const tasks = (p: Phase) =>
  components(p)
    .filter((c) => c.type === 'component')
    .map((c) => c.name);

/** The plan of an HTTP producer's upgrade 1.0.0 → 1.1.0 with these providers. */
async function httpHandover(providers: string) {
  return handover(
    planHandover(
      'upper',
      await manifest('1.0.0', HTTP, providers),
      '1.0.0',
      await manifest('1.1.0', HTTP, providers),
      '1.1.0',
    ),
  );
}

function handover(plan: HandoverPlan) {
  if (plan.kind !== 'handover') throw new Error(`in place: ${plan.reason}`);
  return plan;
}

describe('handover plan', () => {
  test('a processor: start 1.0.1 beside 1.0.0, link it, unlink 1.0.0, each step a valid manifest', async () => {
    const plan = handover(planHandover('upper', await manifest('1.0.0'), '1.0.0', await manifest('1.0.1'), '1.0.1'));
    expect(plan.phases.map((p) => p.version)).toEqual(['1.0.1~handover.1', '1.0.1~handover.2', '1.0.1~handover.3']);
    for (const p of plan.phases) {
      expect(wadmProblems(p.manifest)).toEqual([]);
      // both versions run in every step; the final manifest (1.0.1 alone) is the generated one
      expect(tasks(p)).toEqual(['task-v1-0-0', 'task-v1-0-1']);
    }
    expect(plan.phases.map(links)).toEqual([
      { messaging: ['task-v1-0-0'] },
      { messaging: ['task-v1-0-0', 'task-v1-0-1'] },
      { messaging: ['task-v1-0-1'] },
    ]);
    // step 1 waits for 1.0.1 to run wherever the messaging provider will hand it messages
    expect(plan.phases[0]!.warm).toEqual([{ id: 'upper-task-v1-0-1', everyHost: true, feeders: ['upper-messaging'] }]);
    expect(plan.phases[2]!.linksAbsent).toEqual([
      {
        source: 'upper-messaging',
        target: 'upper-task-v1-0-0',
        namespace: 'wasmcloud',
        package: 'messaging',
        name: 'v1-0-0',
      },
    ]);
    expect(plan.retired).toEqual(['upper-task-v1-0-0']);
  });

  test('the provider is the same object in every step, so wadm keeps it running', async () => {
    const cur = await manifest('1.0.0');
    const plan = handover(planHandover('upper', cur, '1.0.0', await manifest('2.0.0'), '2.0.0'));
    const provider = (cs: Component[]) => {
      const { traits: _t, ...rest } = cs.find((c) => c.type === 'capability')!;
      return rest;
    };
    for (const p of plan.phases)
      expect(provider(components(p))).toEqual(provider((cur.spec as { components: Component[] }).components));
  });

  test('an HTTP producer behind a provider that shares its address: N keeps serving until it is unlinked', async () => {
    const providers =
      'providers:\n  http: localhost:5000/providers/http-server:0.27.1\n' +
      '  messaging: wasmcloud+builtin://messaging-nats\n';
    const plan = await httpHandover(providers);
    expect(plan.phases.map(links).map((l) => l.httpserver)).toEqual([
      ['task-v1-0-0'],
      ['task-v1-0-0', 'task-v1-1-0'],
      ['task-v1-1-0'],
    ]);
  });

  test("the hosts' builtin http-server binds a socket per link: no step links both versions", async () => {
    const providers =
      'providers:\n  http: wasmcloud+builtin://http-server\n  messaging: wasmcloud+builtin://messaging-nats\n';
    const plan = await httpHandover(providers);
    // No provider → task link except the HTTP one: step 2 would link nothing new, so there is none.
    expect(plan.phases.map((p) => p.version)).toEqual(['1.1.0~handover.1', '1.1.0~handover.3']);
    expect(plan.phases.map(links).map((l) => l.httpserver)).toEqual([['task-v1-0-0'], []]);
    // 1.1.0 must run wherever the http-server runs before 1.0.0 lets go of the address
    expect(plan.phases[0]!.warm[0]!.feeders).toEqual(['upper-httpserver']);
  });

  test('versions that cannot run side by side are upgraded in place, with the reason', async () => {
    const cur = await manifest('1.0.0');
    // the same version key: 1.0.0-rc.1 and 1.0.0-rc-1 name their parts alike (v1-0-0-rc-1)
    const rc = await manifest('1.0.0-rc.1');
    const same = planHandover('upper', rc, '1.0.0-rc.1', await manifest('1.0.0-rc-1'), '1.0.0-rc-1');
    expect(same).toEqual({ kind: 'in-place', reason: expect.stringContaining('both versions name their component') });
    // a different provider image restarts the provider anyway
    const other = await manifest('1.0.1', PROCESSOR, 'providers:\n  messaging: localhost:5000/p/messaging:2\n');
    expect(planHandover('upper', cur, '1.0.0', other, '1.0.1')).toEqual({
      kind: 'in-place',
      reason: 'provider messaging changes (image, id or config), so it restarts anyway',
    });
    // a manifest of an older pelato (component `task`, default link name) hands over to a new one
    const old = structuredClone(cur) as { spec: { components: Component[] } };
    for (const c of old.spec.components) {
      if (c.type === 'component') c.name = 'task';
      for (const t of c.traits ?? [])
        if (t.properties.target?.name === 'task-v1-0-0') {
          t.properties.target.name = 'task';
          delete t.properties.name;
        }
    }
    expect(planHandover('upper', old, '1.0.0', await manifest('1.0.1'), '1.0.1').kind).toBe('handover');
  });
});
