/** The composite actions and workflows, read as GitHub reads them: inputs, outputs, pins, no injection. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers/project.js';
import {
  ACTION_DIRS,
  loadAction,
  loadYaml,
  scriptOf,
  workflowSteps,
  WORKFLOW_FILES,
  type Step,
} from './actionFiles.js';

const PINNED = /^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/;

/** Every `uses:` that is not a local path must be owner/repo[/path]@<40 hex> with a `# vX.Y.Z` comment. */
function checkPins(text: string, steps: Step[], where: string) {
  for (const s of steps) {
    if (!s.uses || s.uses.startsWith('./')) continue;
    expect({ where, uses: s.uses, pinned: PINNED.test(s.uses) }).toEqual({ where, uses: s.uses, pinned: true });
    const line = text.split('\n').find((l) => l.includes(s.uses!));
    expect({ where, line, commented: /#\s*v\d+\.\d+\.\d+\b/.test(line ?? '') }).toMatchObject({ commented: true });
  }
}

function checkRunTexts(steps: Step[], where: string) {
  for (const s of steps) {
    if (s.run === undefined) continue;
    // Nothing from an expression is pasted into a script: inputs, secrets, event data go through env.
    expect({ where, step: s.id ?? s.name, run: s.run }).not.toMatchObject({ run: expect.stringMatching(/\$\{\{/) });
  }
}

describe.each(ACTION_DIRS)('%s/action.yml', (dir) => {
  const action = loadAction(dir);
  const steps = action.runs.steps;

  test('is a composite whose steps all have an id or a name and bash for run steps', () => {
    expect(action.runs.using).toBe('composite');
    for (const s of steps) {
      if (s.run !== undefined) expect(s.shell).toBe('bash');
      expect(s.id ?? s.name ?? s.uses).toBeTruthy();
    }
  });

  test('every input is used, and each one mapped into env reaches the script', () => {
    for (const name of Object.keys(action.inputs)) {
      const ref = new RegExp(`\\$\\{\\{\\s*inputs\\.${name}\\s*\\}\\}|inputs\\.${name}\\b`);
      const users = steps.filter((s) => ref.test(JSON.stringify([s.env, s.with, s.if])));
      expect({ input: name, used: users.length > 0 }).toEqual({ input: name, used: true });
    }
    for (const s of steps) {
      for (const [variable, expr] of Object.entries(s.env ?? {})) {
        if (!/inputs\./.test(String(expr))) continue;
        expect(String(expr)).toMatch(/^\$\{\{ inputs\.[\w-]+ \}\}$/);
        const script = scriptOf(s.run ?? '');
        const text = script?.text ?? s.run ?? '';
        expect({
          step: s.id,
          variable,
          reachesScript: new RegExp(`\\$\\{?${variable}\\b|env\\.${variable}\\b`).test(text),
        }).toMatchObject({ reachesScript: true });
      }
    }
  });

  test('no expression inside run: scripts', () => checkRunTexts(steps, dir));

  test('third-party actions are pinned by full commit SHA with a version comment', () =>
    checkPins(action.text, steps, dir));

  test('every declared output is written by the step it names', () => {
    for (const [name, out] of Object.entries(action.outputs ?? {})) {
      const m = /^\$\{\{ steps\.([\w-]+)\.outputs\.([\w-]+) \}\}$/.exec(out.value);
      expect({ output: name, value: out.value, ok: !!m }).toMatchObject({ ok: true });
      const step = steps.find((s) => s.id === m![1]);
      expect({ output: name, step: m![1], found: !!step?.run }).toMatchObject({ found: true });
      const script = scriptOf(step!.run!);
      expect(script).toBeDefined();
      // set_output in the scripts, @actions/core's setOutput in a bundle they run
      const written = new Set(
        [...script!.text.matchAll(/set_output ([\w-]+) |core\.setOutput\('([\w-]+)'/g)].map((x) => x[1] ?? x[2]),
      );
      expect({ output: name, written: written.has(m![2]!) }).toEqual({ output: name, written: true });
    }
  });

  test('scripts it runs exist, relative to the action folder', () => {
    for (const s of steps) {
      const m = /"\$GITHUB_ACTION_PATH\/([^"]+)"/.exec(s.run ?? '');
      if (m && !m[1]!.includes('toolchains/js')) expect(existsSync(path.join(ROOT, dir, m[1]!))).toBe(true);
      // a sub-folder action cannot `uses: ./sibling`: that path would resolve in the caller's workspace
      if (s.uses) expect(s.uses.startsWith('./')).toBe(false);
    }
  });
});

test('the build action installs toolchains only when the plan needs them', () => {
  const steps = loadAction('build').runs.steps;
  const by = (needle: string) => steps.find((s) => (s.uses ?? s.run ?? '').includes(needle));
  for (const needle of ['actions/setup-go', 'acifani/setup-tinygo', 'taiki-e/install-action'])
    expect(by(needle)?.if).toBe("steps.plan.outputs.go-tasks == 'true'");
  expect(by('toolchains/js')?.if).toBe("steps.plan.outputs.js-tasks == 'true'");
  expect(by('oras-project/setup-oras')?.if).toBe("inputs.push == 'true'");
  expect(by('taiki-e/install-action')?.with?.tool).toBe('wasm-tools@${{ inputs.wasm-tools-version }}');
  const defaults = loadAction('build').inputs;
  expect([
    defaults['go-version']?.default,
    defaults['tinygo-version']?.default,
    defaults['wasm-tools-version']?.default,
    defaults['oras-version']?.default,
  ]).toEqual(['1.24', '0.39.0', '1.240.0', '1.3.2']);
});

describe.each(WORKFLOW_FILES.map((f) => [path.relative(ROOT, f), f]))('%s', (_rel, file) => {
  const { text, doc } = loadYaml(file);
  const steps = workflowSteps(doc);
  test('no expression inside run: scripts', () => checkRunTexts(steps, file));
  test('third-party actions and reusable workflows are pinned by full commit SHA', () => {
    checkPins(text, steps, file);
    for (const job of Object.values(doc.jobs)) if (job.uses) expect(job.uses).toMatch(PINNED);
  });
  test('declares least-privilege permissions', () => expect(doc.permissions?.contents).toBe('read'));
});

describe('the reusable workflow', () => {
  const { doc } = loadYaml(path.join(ROOT, '.github', 'workflows', 'pelato.yml'));

  test('is called with typed inputs and the documented secrets', () => {
    expect(Object.keys(doc.on)).toEqual(['workflow_call']);
    const call = doc.on.workflow_call!;
    for (const i of [
      'project',
      'registry',
      'lattice',
      'environment',
      'go-version',
      'tinygo-version',
      'wasm-tools-version',
      'oras-version',
    ])
      expect(call.inputs[i]?.type).toBe('string');
    expect(Object.keys(call.secrets).sort()).toEqual([
      'NATS_CREDS_CONTENT',
      'NATS_URL',
      'PELATO_HTTP_TOKEN',
      'REGISTRY_PASSWORD',
      'REGISTRY_USER',
    ]);
  });

  test(
    'build → test → deploy: tests gate the deploy, ' + 'which is serialised per lattice and behind the environment',
    () => {
      const build = workflowSteps({ jobs: { b: doc.jobs.build! } }).map((s) => s.uses ?? s.run);
      const at = (x: string) => build.findIndex((u) => u?.includes(x));
      expect(at('/generate')).toBeLessThan(at('/build'));
      expect(at('/build')).toBeLessThan(at('/test'));
      expect(at('/test')).toBeLessThan(at('upload-artifact'));
      const deploy = doc.jobs.deploy!;
      expect(deploy.needs).toBe('build');
      expect(deploy.environment).toBe('${{ inputs.environment }}');
      expect(deploy.concurrency).toEqual({
        group: "pelato-deploy-${{ inputs.lattice || 'default' }}",
        'cancel-in-progress': false,
      });
      const uses = deploy.steps!.map((s) => s.uses ?? '');
      expect(uses.some((u) => u.startsWith('actions/download-artifact@'))).toBe(true);
      const step = deploy.steps!.find((s) => s.uses === './.pelato-action/deploy');
      expect(step!.env).toEqual({
        NATS_URL: '${{ secrets.NATS_URL }}',
        NATS_CREDS_CONTENT: '${{ secrets.NATS_CREDS_CONTENT }}',
        PELATO_HTTP_TOKEN: '${{ secrets.PELATO_HTTP_TOKEN }}',
      });
    },
  );

  test('the actions it uses exist in this repository', () => {
    for (const s of workflowSteps(doc)) {
      const m = /^\.\/\.pelato-action\/(.+)$/.exec(s.uses ?? '');
      if (m) expect(existsSync(path.join(ROOT, m[1]!, 'action.yml'))).toBe(true);
    }
  });

  test('the caller example names the reusable workflow and passes every secret it declares', () => {
    const caller = loadYaml(path.join(ROOT, 'examples', 'github', 'caller.yml')).doc;
    const job = Object.values(caller.jobs)[0]!;
    expect(job.uses).toMatch(/\/\.github\/workflows\/pelato\.yml@[0-9a-f]{40}$/);
    expect(Object.keys(job.secrets!).sort()).toEqual(Object.keys(doc.on.workflow_call!.secrets).sort());
    for (const k of Object.keys(job.with!)) expect(doc.on.workflow_call!.inputs).toHaveProperty(k);
    expect(caller.on.push!.branches).toEqual(['main']);
  });
});
