/**
 * `pelato build` end to end on this machine: the hello example (TypeScript and JavaScript) compiled for
 * real, checked, pushed to a real registry with the real oras, pulled back; incremental re-runs,
 * immutable tags, missing toolchains, metrics.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { build, type BuildOptions } from '../../src/package/build.js';
import { generateToDisk } from '../../src/generate/generate.js';
import { loadWorkflow } from '../../src/load/workflow.js';
import { GOOD_TASK, cleanupProjects, copyExample, tempDir } from '../helpers/project.js';
import { recordingOras, startRegistry, toolEnv, useTestOras, type TestRegistry } from './helpers/registry.js';

const HELLO = ['hello-greet', 'hello-shout', 'hello-measure'];
import { setting } from '../../src/common/settings.js';
import { atLeast, TINYGO_MINIMUMS } from '../../src/package/toolchain.js';

let registry: TestRegistry;
beforeAll(async () => {
  registry = await startRegistry();
}, 60_000);
afterAll(async () => {
  await registry?.stop();
  cleanupProjects();
});

async function project(name: string, edit?: (dir: string) => void) {
  const dir = tempDir();
  copyExample(name, dir);
  edit?.(dir);
  await generateToDisk(loadWorkflow(dir, { registry: `${registry.host}/pelato-test` }));
  return dir;
}

function options(dir: string, over: Partial<BuildOptions> = {}): BuildOptions & { lines: string[] } {
  const lines: string[] = [];
  return {
    genDir: path.join(dir, 'gen'),
    env: toolEnv(),
    push: true,
    allowOverwrite: false,
    parallel: 2,
    cacheDir: path.join(dir, '.pelato', 'cache'),
    metrics: true,
    onEvent: (e) => lines.push(`${e.task}: ${e.text ?? e.phase}`),
    lines,
    ...over,
  };
}

describe('pelato build (JavaScript/TypeScript tasks, real registry)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await project('hello');
  });

  /** The oras subcommands a build ran, counted ("manifest fetch" → 3). */
  const subcommands = (calls: string[]) => {
    const by: Record<string, number> = {};
    for (const c of calls) {
      const words = c.split(' ');
      const sub = ['manifest', 'blob'].includes(words[0]!) ? words.slice(0, 2).join(' ') : words[0]!;
      by[sub] = (by[sub] ?? 0) + 1;
    }
    return by;
  };

  test('cold build: every task compiled, checked, pushed; manifests pinned to digests; pull-back matches', async () => {
    const oras = recordingOras(tempDir());
    const o = options(dir, { env: toolEnv({ PELATO_ORAS: oras.binary }) });
    const r = await build(o);
    expect(r.ok).toBe(true);
    expect(r.tasks.map((t) => [t.component_name, t.status, t.pushed])).toEqual([
      ['hello-greet', 'built', true],
      ['hello-shout', 'built', true],
      ['hello-measure', 'built', true],
    ]);
    for (const t of r.tasks) {
      expect(t.pinned).toMatch(new RegExp(`^${registry.host}/pelato-test/${t.component_name}@sha256:[a-f0-9]{64}$`));
      const pinned = YAML.parse(readFileSync(path.join(dir, 'gen', t.component_name, 'wadm.pinned.yaml'), 'utf8'));
      expect(pinned.spec.components[0].properties.image).toBe(t.pinned);
      // What the registry holds is byte for byte what was built.
      const out = tempDir();
      execFileSync(useTestOras(), ['pull', '--plain-http', '-o', out, t.pinned!], { stdio: 'pipe' });
      const pulled = readFileSync(path.join(out, 'component.wasm'));
      expect(createHash('sha256').update(pulled).digest('hex')).toBe(t.sha256);
    }
    const metrics = JSON.parse(readFileSync(path.join(dir, 'gen', 'metrics.json'), 'utf8'));
    expect(metrics.tasks).toHaveLength(3);
    expect(metrics.tasks[0].compile).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(path.join(dir, 'gen', 'build.json'), 'utf8')).ok).toBe(true);
    // Per new task one oras process, the cp: the content-hash look-up and the immutability check right
    // before the push go to the registry's HTTP API from the CLI itself (publish/registryApi.ts).
    expect(subcommands(oras.calls())).toEqual({ cp: 3 });
  }, 600_000);

  test('no-change re-run compiles nothing and pushes nothing', async () => {
    const oras = recordingOras(tempDir());
    const o = options(dir, { env: toolEnv({ PELATO_ORAS: oras.binary }) });
    const r = await build(o);
    expect(r.tasks.map((t) => t.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(r.tasks.every((t) => t.timings_ms.compile === undefined && !t.pushed)).toBe(true);
    expect(o.lines.filter((l) => l.includes('compiling'))).toEqual([]);
    // One HTTP manifest look-up per task (the build hash is in the manifest's annotations), no oras at all.
    expect(subcommands(oras.calls())).toEqual({});
  }, 120_000);

  test('a no-change re-run leaves each pinned manifest as it is; one edited by hand is written again', async () => {
    const pinned = (app: string) => path.join(dir, 'gen', app, 'wadm.pinned.yaml');
    const before = Object.fromEntries(HELLO.map((a) => [a, readFileSync(pinned(a), 'utf8')]));
    const mtimes = HELLO.map((a) => statSync(pinned(a)).mtimeMs);
    writeFileSync(pinned('hello-shout'), before['hello-shout']!.replace('@sha256:', '@sha256:0'));
    const r = await build(options(dir, { env: toolEnv() }));
    expect(r.tasks.map((t) => t.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(HELLO.map((a) => readFileSync(pinned(a), 'utf8'))).toEqual(HELLO.map((a) => before[a]));
    expect(statSync(pinned('hello-greet')).mtimeMs).toBe(mtimes[0]);
    expect(statSync(pinned('hello-measure')).mtimeMs).toBe(mtimes[2]);
  }, 120_000);

  test('changed code under the same version: ' +
    'that task fails with "bump the version", the others are unaffected', async () => {
    const changed = await project('hello', (d) =>
      writeFileSync(
        path.join(d, 'tasks', 'shout.js'),
        'export function execTask(arg) { return arg.toUpperCase() + "!"; }\n',
      ),
    );
    const o = options(changed, { cacheDir: path.join(dir, '.pelato', 'cache') });
    const r = await build(o);
    expect(r.ok).toBe(false);
    const byName = Object.fromEntries(r.tasks.map((t) => [t.component_name, t]));
    expect(byName['hello-shout']!.status).toBe('failed');
    expect(byName['hello-shout']!.error).toMatch(
      /already exists with other content \(tags are immutable\) \(bump the version of hello-shout in workflow\.yaml\)/,
    );
    expect(byName['hello-greet']!.status).toBe('unchanged');
    expect(byName['hello-measure']!.status).toBe('unchanged');
    // An explicit override replaces the tag (development registries).
    const forced = await build(
      options(changed, { allowOverwrite: true, cacheDir: path.join(dir, '.pelato', 'cache') }),
    );
    expect(forced.tasks.find((t) => t.component_name === 'hello-shout')!.status).toBe('built');
  }, 600_000);

  test('without pushing, a re-run takes components from the local cache', async () => {
    const local = await project('hello');
    const cacheDir = path.join(dir, '.pelato', 'cache'); // filled by the runs above
    const r = await build(options(local, { push: false, cacheDir }));
    expect(r.tasks.map((t) => t.status)).toEqual(['cached', 'cached', 'cached']);
    expect(existsSync(path.join(local, 'gen', 'hello-greet', 'wadm.pinned.yaml'))).toBe(false);
  }, 120_000);
});

describe('pelato build: Go tasks need TinyGo', () => {
  test('a missing TinyGo is one clear message per task that names what to install; JS tasks still build', async () => {
    const dir = await project('hello', (d) => {
      writeFileSync(path.join(d, 'tasks', 'upper.go'), GOOD_TASK);
      const wf = readFileSync(path.join(d, 'workflow.yaml'), 'utf8');
      writeFileSync(
        path.join(d, 'workflow.yaml'),
        wf +
          '\n  - { name: Go, type: processor_nats, code: upper.go, targets: [cloud], source_topic: hello.measured, ' +
          'dest_topic: hello.go, component_name: hello-go, version: 1.0.0 }\n',
      );
    });
    // The same machine, with TinyGo taken off PATH.
    const PATH = (process.env.PATH ?? '')
      .split(path.delimiter)
      .filter((d) => !existsSync(path.join(d, 'tinygo')))
      .join(path.delimiter);
    const r = await build(options(dir, { push: false, cacheDir: tempDir(), env: toolEnv({ PATH }) }));
    const go = r.tasks.find((t) => t.component_name === 'hello-go')!;
    expect(go.status).toBe('failed');
    expect(go.error).toMatch(
      /the TinyGo toolchain is incomplete:[\s\S]*tinygo not found on PATH: install TinyGo 0\.34 or newer/,
    );
    expect(r.tasks.filter((t) => t.status === 'built')).toHaveLength(3);
  }, 600_000);
});

test('tool versions compare as semver, also as the tools print them', () => {
  expect(atLeast('0.39.0', TINYGO_MINIMUMS.tinygo)).toBe(true);
  expect(atLeast('0.9.0', '0.34.0')).toBe(false);
  expect(atLeast('1.10.0', '1.9.0')).toBe(true); // numeric parts, not text
  expect(atLeast('1.26', TINYGO_MINIMUMS.go)).toBe(true); // go version prints no patch for .0 releases
  expect(atLeast('1.23', TINYGO_MINIMUMS.go)).toBe(false);
  expect(atLeast('1.240.0', TINYGO_MINIMUMS['wasm-tools'])).toBe(true);
  expect(atLeast('not a version', '1.0.0')).toBe(false);
});

describe('PARALLEL_BUILD', () => {
  test('numbers, True and False as in the seed .env', () => {
    const parallel = (v: string) => setting({ PARALLEL_BUILD: v }, 'parallel');
    expect(parallel('3')).toBe(3);
    expect(parallel('False')).toBe(1);
    expect(parallel('0')).toBe(1);
    expect(parallel('True')).toBeGreaterThanOrEqual(1);
    expect(() => parallel('many')).toThrow(/PARALLEL_BUILD="many"/);
  });
});
