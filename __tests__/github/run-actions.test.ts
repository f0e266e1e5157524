/**
 * The composites' scripts run the way the GitHub runner runs them (inputs through the step's env,
 * GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_EVENT_PATH files, GITHUB_ACTIONS=true), against copies of
 * the examples and real servers: a docker-registry with oras for build, a nats-server for deploy (with
 * the wadm stand-in of __tests__/deploy, the one part that is not the real thing until issue 6).
 * Asserted: outputs, job summaries, log groups per task, annotations, and that no secret is printed.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startRegistry, TOOLS_BIN, type TestRegistry } from '../package/helpers/registry.js';
import { writeGen } from '../deploy/helpers/genDir.js';
import { startNatsServer, type NatsServer } from '../deploy/helpers/natsServer.js';
import { WadmStandIn } from '../deploy/helpers/wadmStandIn.js';
import { cleanupProjects, copyExample, tempDir } from '../helpers/project.js';
import { logGroups, runStep, runStepAsync, type StepRun } from './actionFiles.js';

afterAll(cleanupProjects);

/** A workspace holding a copy of examples/<name> in the folder `project`. */
function workspace(name: string): string {
  const ws = tempDir();
  copyExample(name, path.join(ws, 'project'));
  return ws;
}

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const size = (n: number) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : `${(n / 1024).toFixed(1)} KiB`);

/** Every line of every group is about the group's task (prefixed with its name, or an indented detail). */
function expectGroupsPerTask(r: StepRun, names: string[]) {
  const groups = logGroups(r.stdout);
  expect(groups.map((g) => g.title.split(':')[0]).sort()).toEqual([...names].sort());
  for (const g of groups) {
    const name = g.title.split(':')[0]!;
    for (const line of g.lines)
      expect({ group: name, line, ok: line.startsWith(`${name}:`) || line.startsWith('  ') }).toMatchObject({
        ok: true,
      });
  }
  return groups;
}

describe('generate/action.yml', () => {
  test('writes gen/ for the given registry and lattice, reports the plan and summarises every task', () => {
    const ws = workspace('temperature');
    const r = runStep('generate', 'gen', ws, {
      project: 'project',
      registry: 'ghcr.io/acme/temps',
      lattice: 'edge-eu',
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.outputs).toEqual({
      plan: 'project/gen/plan.json',
      languages: 'go',
      'go-tasks': 'true',
      'js-tasks': 'false',
    });
    const plan = readJson(path.join(ws, r.outputs.plan!));
    expect(plan.registry).toBe('ghcr.io/acme/temps');
    expect(plan.lattice).toBe('edge-eu');
    const hash = (app: string) =>
      plan.tasks.find((t: { app: string }) => t.app === app).content_hash.slice(0, 'sha256:'.length + 12);
    expect(r.summary.split('\n')).toEqual([
      '### PELATO gen: 2 tasks of Temperature data analysis',
      '',
      expect.stringMatching(
        /^Registry `ghcr.io\/acme\/temps`, lattice `edge-eu`; written to `project\/gen` in \d+ ms\.$/,
      ),
      '',
      '| app | type | targets | source → dest | version | content hash |',
      '| --- | --- | --- | --- | --- | --- |',
      '| celsius\\_to\\_kelvin\\_conversion | http\\_producer\\_nats | edge | ' +
        `HTTP /readings → living\\_room\\_kelvin\\_data | 1.0.0 | \`${hash('celsius_to_kelvin_conversion')}\` |`,
      '| temp\\_filter | processor\\_nats | cloud | living\\_room\\_kelvin\\_data → filtered\\_kelvin\\_data | ' +
        `1.0.2 | \`${hash('temp_filter')}\` |`,
      '',
      '',
    ]);
  });

  test('an input that looks like shell stays data', () => {
    const ws = workspace('temperature');
    const r = runStep('generate', 'gen', ws, { project: 'project', lattice: '$(touch pwned); `touch pwned`' });
    expect(existsSync(path.join(ws, 'pwned'))).toBe(false);
    expect(r.code).toBe(1); // not a valid lattice name: pelato says so
    expect(r.outputs).toEqual({});
  });

  test('a validation error is an annotation at its file and line, and a row of the summary', () => {
    const ws = workspace('temperature');
    const file = path.join(ws, 'project', 'workflow.yaml');
    const text = readFileSync(file, 'utf8').replace('version: 1.0.2', 'version: latest');
    writeFileSync(file, text);
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('version: latest')) + 1;
    const col = lines[line - 1]!.indexOf('latest') + 1;
    const r = runStep('generate', 'gen', ws, { project: 'project' });
    expect(r.code).toBe(1);
    expect(r.outputs).toEqual({});
    expect(r.stderr.split('\n')[0]).toBe(
      `::error file=project/workflow.yaml,line=${line},col=${col},title=pelato::version "latest" is not allowed ` +
        '(tags are immutable; use a semantic version such as 1.0.0)',
    );
    expect(r.summary).toContain('### PELATO gen failed\n\n1 problem; nothing was written.');
    expect(r.summary).toContain(
      `| \`project/workflow.yaml\` | ${line}:${col} | version "latest" is not allowed ` +
        '\\(tags are immutable; use a semantic version such as 1.0.0\\) |',
    );
  });
});

describe('action.yml (root) plan step', () => {
  test('runs generate.sh: the same outputs and summary as the generate action', () => {
    const ws = workspace('hello');
    const r = runStep('.', 'plan', ws, { project: 'project', registry: 'ghcr.io/acme/hello', lattice: 'edge' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.outputs).toEqual({
      plan: 'project/gen/plan.json',
      languages: 'js',
      'go-tasks': 'false',
      'js-tasks': 'true',
    });
    expect(r.summary).toMatch(
      /^### PELATO gen: 3 tasks of Hello pipeline\n\nRegistry `ghcr.io\/acme\/hello`, lattice `edge`;/,
    );
    for (const app of ['hello-greet', 'hello-shout', 'hello-measure'])
      expect(r.summary).toMatch(new RegExp(`^\\| ${app} \\| `, 'm'));
  });
});

describe('build/action.yml plan step', () => {
  test('says what to install, and refuses a plan made for another registry', () => {
    const ws = workspace('hello');
    expect(runStep('generate', 'gen', ws, { project: 'project', registry: 'ghcr.io/acme/hello' }).code).toBe(0);
    const ok = runStep('build', 'plan', ws, { project: 'project', registry: 'ghcr.io/acme/hello' });
    expect(ok.code).toBe(0);
    expect(ok.outputs).toEqual({
      plan: 'project/gen/plan.json',
      languages: 'js',
      'go-tasks': 'false',
      'js-tasks': 'true',
    });
    const other = runStep('build', 'plan', ws, { project: 'project', registry: 'ghcr.io/acme/other' });
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/generated for registry 'ghcr.io\/acme\/hello', not 'ghcr.io\/acme\/other'/);
  });

  test('without gen/ it says to run generate first', () => {
    const r = runStep('build', 'plan', workspace('hello'), { project: 'project' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/gen\/plan\.json not found: run the generate action first/);
  });
});

// These need toolchains/js (installed by .ci/run); without it the build step fails and its message says
// which npm command installs it: never skipped.
const HELLO = ['hello-greet', 'hello-shout', 'hello-measure'];

const BUILD_STEP =
  'build/action.yml build step against a real registry (docker-registry with basic auth, oras; needs toolchains/js)';
describe(BUILD_STEP, () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry({ auth: true });
  });
  afterAll(async () => registry?.stop());

  test('pushes every task: a group per task in the log, a table in the summary; ' +
    'then unchanged; then a refused tag', () => {
    const ws = workspace('hello');
    const repo = `${registry.host}/acme`;
    // oras from PATH, as oras-project/setup-oras leaves it; credentials in the step's env, as the workflow
    // passes them
    const env = {
      PATH: `${TOOLS_BIN}${path.delimiter}${process.env.PATH}`,
      REGISTRY_USER: registry.user!,
      REGISTRY_PASSWORD: registry.password!,
    };
    expect(runStep('generate', 'gen', ws, { project: 'project', registry: repo }).code).toBe(0);

    const first = runStep('build', 'build', ws, { project: 'project', registry: repo, push: 'true' }, env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.outputs.ok).toBe('true');
    const built = readJson(path.join(ws, 'project', 'gen', 'build.json'));
    expect(JSON.parse(first.outputs.results!)).toEqual(built);
    expect(built.tasks.map((t: { status: string }) => t.status)).toEqual(['built', 'built', 'built']);
    const groups = expectGroupsPerTask(first, HELLO);
    for (const t of built.tasks) {
      const g = groups.find((x) => x.title.startsWith(`${t.app}:`))!;
      expect(g.title).toMatch(new RegExp(`^${t.app}: built, [\\d.]+ (KiB|MiB) in [\\d.]+ s$`));
      // the task's progress, one line per phase with its elapsed time (src/common/progress.ts), then the details
      const phases = g.lines.slice(0, -3).map((l) => l.replace(/ \([\d.]+ s\)$/, ''));
      expect(phases.filter((l) => !l.startsWith(`${t.app}: still compiling`))).toEqual([
        `${t.app}: looking up ${t.image}`,
        `${t.app}: compiling (componentize-js)`,
        `${t.app}: checking the component`,
        `${t.app}: pushing to ${t.image}`,
        expect.stringMatching(new RegExp(`^${t.app}: built, `)),
      ]);
      expect(g.lines.slice(-3)).toEqual([
        `  digest: ${t.digest}`,
        `  image:  ${t.pinned}`,
        expect.stringMatching(/^ {2}time: {3}compile [\d.]+ s, check [\d.]+ s, push [\d.]+ s$/),
      ]);
      expect(first.summary).toContain(`| ${t.app} | built | ${size(t.size)} | \`${t.digest.slice(0, 19)}\` | `);
      expect(first.summary).toContain(`- \`${t.pinned}\``);
    }
    expect(first.summary).toMatch(/^### PELATO build: 3 tasks, 3 built\n\nPushed to the registry; [\d.]+ s in all\./);
    // the password: masked first, then never printed, summarised or output
    expect(first.stdout.split('\n')[0]).toBe(`::add-mask::${registry.password}`);
    for (const text of [
      first.stdout.split('\n').slice(1).join('\n'),
      first.stderr,
      first.summary,
      JSON.stringify(first.outputs),
    ])
      expect(text).not.toContain(registry.password!);

    const again = runStep('build', 'build', ws, { project: 'project', registry: repo, push: 'true' }, env);
    expect(again.code).toBe(0);
    expect(
      expectGroupsPerTask(again, HELLO)
        .map((g) => g.title.replace(/ in [\d.]+ s$/, ''))
        .sort(),
    ).toEqual(HELLO.map((a) => `${a}: unchanged`).sort());
    expect(again.summary).toMatch(/^### PELATO build: 3 tasks, 3 unchanged\n/);
    for (const t of built.tasks)
      expect(again.summary).toContain(`| ${t.app} | unchanged | – | \`${t.digest.slice(0, 19)}\` | `);

    // other code under the same version: the tag is immutable, so that task fails and says what to do
    const shout = path.join(ws, 'project', 'tasks', 'shout.js');
    writeFileSync(shout, readFileSync(shout, 'utf8').replace(/toUpperCase\(\)/, 'toUpperCase() + "!"'));
    expect(runStep('generate', 'gen', ws, { project: 'project', registry: repo }).code).toBe(0);
    const refused = runStep('build', 'build', ws, { project: 'project', registry: repo, push: 'true' }, env);
    expect(refused.code).toBe(1);
    expect(refused.outputs.ok).toBe('false');
    expect(refused.stderr).toContain(
      `error: hello-shout: ${repo}/hello-shout:1.0.0 already exists with other content (tags are immutable) ` +
        '(bump the version of hello-shout in workflow.yaml)',
    );
    expect(expectGroupsPerTask(refused, HELLO).find((g) => g.title.startsWith('hello-shout'))!.title).toMatch(
      /^hello-shout: failed in [\d.]+ s$/,
    );
    expect(refused.summary).toMatch(/^### PELATO build: 3 tasks, (1 failed, 2 unchanged|2 unchanged, 1 failed)\n/);
    expect(refused.summary).toContain('| hello-shout | **failed** | – | – | ');
    expect(refused.summary).toContain('**Failed:**\n\n- hello-shout: ');
    expect(refused.summary).toContain('bump the version of hello-shout in workflow.yaml');
  }, 600000);
});

describe('test/action.yml (needs toolchains/js, installed by .ci/run)', () => {
  test('runs the cases, reports the counts and a table, leaves gen/ as it was; ' +
    'a failing case is annotated at its line', () => {
    const ws = workspace('hello');
    expect(runStep('generate', 'gen', ws, { project: 'project', registry: 'ghcr.io/acme/hello' }).code).toBe(0);
    const before = readFileSync(path.join(ws, 'project', 'gen', 'plan.json'), 'utf8');
    const r = runStep('test', 'test', ws, { project: 'project', registry: 'ghcr.io/acme/hello' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const passed = Number(r.outputs.passed);
    expect(passed).toBeGreaterThan(0);
    expect(r.outputs.failed).toBe('0');
    expect(r.summary).toMatch(
      new RegExp(`^### PELATO test: ${passed} passed, 0 failed\n\n\\| task \\| passed \\| failed \\| cases \\|\n`),
    );
    expect(r.summary).toMatch(/\| hello-shout \| [1-9]\d* \| 0 \| `project\/tasks\/shout\.test\.yaml` \|/);
    expect(readFileSync(path.join(ws, 'project', 'gen', 'plan.json'), 'utf8')).toBe(before);

    const cases = path.join(ws, 'project', 'tasks', 'shout.test.yaml');
    const text = readFileSync(cases, 'utf8');
    writeFileSync(cases, `${text.replace(/\n*$/, '\n')}- name: wrong on purpose\n  input: quiet\n  expect: quiet\n`);
    const line = text.replace(/\n*$/, '\n').split('\n').length; // the `- name:` line just appended
    const failing = runStep('test', 'test', ws, { project: 'project', registry: 'ghcr.io/acme/hello' });
    expect(failing.code).toBe(1);
    expect(failing.outputs).toEqual({ passed: String(passed), failed: '1' });
    expect(failing.stderr).toMatch(
      new RegExp(
        `^::error file=project/tasks/shout\\.test\\.yaml,line=${line},col=1,title=pelato::` +
          'hello-shout: test case "wrong on purpose" failed%0A',
        'm',
      ),
    );
    expect(failing.summary).toContain(`### PELATO test: ${passed} passed, 1 failed`);
    expect(failing.summary).toMatch(/\| hello-shout \| \d+ \| \*\*1\*\* \|/);
    expect(failing.summary).toContain(
      `<details><summary>hello-shout: wrong on purpose (project/tasks/shout.test.yaml&#58;${line})</summary>`,
    );
  }, 300000);
});

describe('deploy/action.yml against a real nats-server with token auth (wadm stand-in)', () => {
  const token = 'tok-3f9a1c0e7b5d4a2e9c8b7a6f';
  let nats: NatsServer;
  let wadm: WadmStandIn;
  beforeAll(async () => {
    nats = await startNatsServer(`authorization { token: "${token}" }`);
    wadm = await WadmStandIn.start({ servers: nats.url, token });
  });
  afterAll(async () => {
    await wadm?.stop();
    await nats?.stop();
  });

  test('rejects a non-boolean replace after masking every credential line', () => {
    const ws = workspace('temperature');
    const creds = '-----BEGIN NATS USER JWT-----\neyJhbGciOi.secret\n------END NATS USER JWT------';
    const r = runStep(
      'deploy',
      'deploy',
      ws,
      { project: 'project', replace: 'yes' },
      { NATS_CREDS_CONTENT: creds, NATS_TOKEN: 's3cret' },
    );
    expect(r.code).toBe(1);
    const masks = r.stdout.split('\n').filter((l) => l.startsWith('::add-mask::'));
    expect(masks).toEqual(expect.arrayContaining(['::add-mask::s3cret', '::add-mask::eyJhbGciOi.secret']));
    expect(r.stderr).toMatch(/input replace must be true or false, got 'yes'/);
  });

  test('deploys every app: one group per app, states in the summary, results as output; ' +
    'then removes them', async () => {
    const ws = tempDir();
    writeGen(
      [
        { app: 'good_app', version: '1.0.0' },
        { app: 'bad_app', version: '2.0.0' },
      ],
      path.join(ws, 'project'),
    );
    wadm.behavior.set('good_app', { delayMs: 100 });
    wadm.behavior.set('bad_app', {
      delayMs: 50,
      final: 'failed',
      message: 'Failed to deploy',
      scalers: [{ name: 'task', status: 'failed', message: 'image not found' }],
    });
    const env = { NATS_URL: nats.url, NATS_TOKEN: token };
    const r = await runStepAsync('deploy', 'deploy', ws, { project: 'project', timeout: '20s' }, env);
    expect(r.code).toBe(1);
    const results = JSON.parse(r.outputs.results!);
    expect(results.apps.map((a: { app: string; outcome: string }) => [a.app, a.outcome])).toEqual([
      ['good_app', 'deployed'],
      ['bad_app', 'failed'],
    ]);
    const groups = expectGroupsPerTask(r, ['good_app', 'bad_app']);
    expect(groups.find((g) => g.title.startsWith('good_app'))).toEqual({
      title: 'good_app: 1.0.0 deployed',
      // each line with the app's elapsed time, once there is one (src/common/progress.ts)
      lines: expect.arrayContaining(
        [
          'good_app: 1.0.0 from good_app/wadm.yaml (not pinned: run pelato build to deploy by digest)',
          'good_app: deploy 1.0.0 acknowledged',
          'good_app: 1.0.0 deployed',
        ].map((l) =>
          expect.stringMatching(new RegExp(`^${l.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( \\([\\d.]+ s\\))?$`)),
        ),
      ),
    });
    expect(groups.find((g) => g.title.startsWith('bad_app'))!.title).toBe(
      'bad_app: failed (Failed to deploy) — scalers: task: image not found',
    );
    expect(r.summary).toContain(
      `### PELATO deploy: 1 of 2 apps deployed\n\nLattice \`default\` on \`${nats.url} (token from NATS_TOKEN)\`.`,
    );
    expect(r.summary).toMatch(
      /\| good\\_app \| 1\.0\.0 \| created \| deployed \| [\d.]+ s \| `good_app\/wadm\.yaml` \|/,
    );
    expect(r.summary).toContain('| bad\\_app | 2.0.0 | created | **failed** | – | `bad_app/wadm.yaml` |');
    expect(r.summary).toContain(
      '**Not deployed:**\n\n- bad\\_app 2.0.0: failed \\(Failed to deploy\\) — scalers&#58; task&#58; image not found',
    );
    expect(r.stderr).toContain('error: bad_app 2.0.0: failed: failed (Failed to deploy)');
    expect(r.stdout.split('\n')).toContain(`::add-mask::${token}`);
    for (const text of [r.stdout.replace(`::add-mask::${token}`, ''), r.stderr, r.summary, JSON.stringify(r.outputs)])
      expect(text).not.toContain(token);

    const removed = await runStepAsync('deploy', 'deploy', ws, { project: 'project', remove: 'true' }, env);
    expect(removed.stderr).toBe('');
    expect(removed.code).toBe(0);
    expect(
      expectGroupsPerTask(removed, ['good_app', 'bad_app'])
        .map((g) => g.title)
        .sort(),
    ).toEqual(['bad_app: undeployed and deleted 1 version', 'good_app: undeployed and deleted 1 version']);
    expect(removed.summary).toContain('### PELATO remove: 2 apps');
    expect(removed.summary).toContain('| good\\_app | removed | – |');
    expect(JSON.parse(removed.outputs.results!).apps.map((a: { outcome: string }) => a.outcome)).toEqual([
      'removed',
      'removed',
    ]);
    expect(wadm.apps.get('good_app')?.versions ?? []).toEqual([]);
  }, 120000);
});
