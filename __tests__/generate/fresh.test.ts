/**
 * Generating first (build, deploy, test, dev): gen/ is written when missing or stale and left alone when
 * up to date; the settings it was generated with are used again; the build outputs of unchanged tasks
 * survive a regeneration. Through the CLI: `pelato deploy` on a project without gen/ generates it and
 * deploys (real nats-server, the wadm stand-in).
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { main } from '../../src/cli/main.js';
import type { CommandContext } from '../../src/common/command.js';
import { resolveOptions, type Flags } from '../../src/common/settings.js';
import { ensureGenerated } from '../../src/generate/fresh.js';
import { startNatsServer } from '../deploy/helpers/natsServer.js';
import { WadmStandIn } from '../deploy/helpers/wadmStandIn.js';
import { cleanupProjects, copyExample, tempDir } from '../helpers/project.js';

afterAll(cleanupProjects);

function ctx(dir: string, flags: Flags = {}, env: Record<string, string> = {}): CommandContext {
  return {
    dir,
    genDir: path.join(dir, 'gen'),
    options: resolveOptions(['registry', 'lattice', 'builtinProviders', 'out'], flags, env),
    flags,
    env,
    r: { out: () => {}, err: () => {} },
  };
}

const planFile = (dir: string) => path.join(dir, 'gen', 'plan.json');
const plan = (dir: string) => JSON.parse(readFileSync(planFile(dir), 'utf8'));

describe('generate first', () => {
  test('missing: generated; up to date: nothing written; a task edited: regenerated, naming the app', async () => {
    const dir = copyExample('hello');
    expect((await ensureGenerated(ctx(dir))).state).toBe('generated');
    const ino = statSync(planFile(dir)).ino;
    const fresh = await ensureGenerated(ctx(dir));
    expect([fresh.state, fresh.changed]).toEqual(['fresh', []]);
    expect(statSync(planFile(dir)).ino).toBe(ino); // not rewritten (gen/ is swapped in by rename when it is)
    writeFileSync(
      path.join(dir, 'tasks', 'shout.js'),
      readFileSync(path.join(dir, 'tasks', 'shout.js'), 'utf8') + '\n// changed\n',
    );
    const again = await ensureGenerated(ctx(dir));
    expect([again.state, again.changed, again.removed]).toEqual(['regenerated', ['hello-shout'], []]);
    expect(statSync(planFile(dir)).ino).not.toBe(ino);
    // workflow.yaml: a config value only changes the manifest; a removed task is named as removed
    const wf = path.join(dir, 'workflow.yaml');
    writeFileSync(wf, readFileSync(wf, 'utf8').replace('greeting: Hello', 'greeting: Ciao'));
    expect((await ensureGenerated(ctx(dir))).changed).toEqual(['hello-greet']);
    writeFileSync(wf, readFileSync(wf, 'utf8').replace(/\n {2}- name: Measure[\s\S]*$/, '\n'));
    expect(await ensureGenerated(ctx(dir))).toMatchObject({
      state: 'regenerated',
      changed: [],
      removed: ['hello-measure'],
    });
  });

  test('the settings gen/ was generated with are used again, unless the command is given its own', async () => {
    const dir = copyExample('hello');
    expect(await main(['gen', dir, '--registry', 'ghcr.io/acme'], { out: () => {}, err: () => {} }, {})).toBe(0);
    expect((await ensureGenerated(ctx(dir))).state).toBe('fresh');
    expect(plan(dir).registry).toBe('ghcr.io/acme');
    const other = await ensureGenerated(ctx(dir, {}, { REGISTRY_URL: 'ghcr.io/other' }));
    expect(other.state).toBe('regenerated');
    expect(plan(dir).tasks[0].image).toBe('ghcr.io/other/hello-greet:1.0.0');
    expect(JSON.parse(readFileSync(path.join(dir, 'gen', 'overrides.json'), 'utf8'))).toEqual({
      registry: 'ghcr.io/other',
    });
    expect((await ensureGenerated(ctx(dir, { builtinProviders: true }))).state).toBe('regenerated');
    expect(readFileSync(path.join(dir, 'gen', 'hello-greet', 'wadm.yaml'), 'utf8')).toContain(
      'wasmcloud+builtin://messaging-nats',
    );
    expect(plan(dir).registry).toBe('ghcr.io/other'); // still the recorded one
  });

  test('regenerating keeps the build outputs of unchanged tasks, and only theirs', async () => {
    const dir = copyExample('hello');
    await ensureGenerated(ctx(dir));
    for (const app of ['hello-greet', 'hello-shout']) {
      mkdirSync(path.join(dir, 'gen', app, 'build'), { recursive: true });
      writeFileSync(path.join(dir, 'gen', app, 'build', 'component.wasm'), `wasm of ${app}`);
      writeFileSync(path.join(dir, 'gen', app, 'wadm.pinned.yaml'), `pinned ${app}`);
    }
    writeFileSync(
      path.join(dir, 'tasks', 'shout.js'),
      readFileSync(path.join(dir, 'tasks', 'shout.js'), 'utf8') + '\n// changed\n',
    );
    expect((await ensureGenerated(ctx(dir))).changed).toEqual(['hello-shout']);
    expect(readFileSync(path.join(dir, 'gen', 'hello-greet', 'build', 'component.wasm'), 'utf8')).toBe(
      'wasm of hello-greet',
    );
    expect(readFileSync(path.join(dir, 'gen', 'hello-greet', 'wadm.pinned.yaml'), 'utf8')).toBe('pinned hello-greet');
    expect(existsSync(path.join(dir, 'gen', 'hello-shout', 'build'))).toBe(false);
    expect(existsSync(path.join(dir, 'gen', 'hello-shout', 'wadm.pinned.yaml'))).toBe(false);
    // a new manifest (config) drops the pinned manifest too: it pinned the old one
    const wf = path.join(dir, 'workflow.yaml');
    writeFileSync(wf, readFileSync(wf, 'utf8').replace('greeting: Hello', 'greeting: Ciao'));
    await ensureGenerated(ctx(dir));
    expect(existsSync(path.join(dir, 'gen', 'hello-greet', 'wadm.pinned.yaml'))).toBe(false);
  });

  test(
    'gen/ without workflow.yaml (a deploy job that downloaded gen/) is used as it is; ' + 'neither is one message',
    async () => {
      const dir = copyExample('hello');
      await ensureGenerated(ctx(dir));
      const only = tempDir();
      const { cpSync } = await import('node:fs');
      cpSync(path.join(dir, 'gen'), path.join(only, 'gen'), { recursive: true });
      expect((await ensureGenerated(ctx(only))).state).toBe('as-is');
      const empty = tempDir();
      await expect(ensureGenerated(ctx(empty))).rejects.toThrow(
        `${path.join(empty, 'workflow.yaml')} not found, and nothing generated yet`,
      );
    },
  );
});

describe('pelato deploy generates first', () => {
  test('a project without gen/: generated, then deployed; a re-run finds it up to date', async () => {
    const nats = await startNatsServer();
    const wadm = await WadmStandIn.start({ servers: nats.url });
    try {
      const dir = copyExample('temperature');
      const out: string[] = [];
      const code = await main(
        ['deploy', dir],
        { out: (l) => out.push(l), err: (l) => out.push(`ERR ${l}`) },
        { NATS_URL: nats.url },
      );
      expect(out.filter((l) => l.startsWith('ERR'))).toEqual([]);
      expect(code).toBe(0);
      expect(out[0]).toMatch(
        new RegExp(`^generated ${path.join(dir, 'gen').replace(/[/.]/g, '\\$&')} \\(2 tasks\\) in \\d+ ms$`),
      );
      // the elapsed time follows once there is one (src/common/progress.ts: from 100 ms; the stand-in wadm is quicker)
      expect(out.some((l) => /^temp_filter: 1\.0\.2 deployed( \([\d.]+ s\))?$/.test(l))).toBe(true);
      const again: string[] = [];
      expect(
        await main(['deploy', dir], { out: (l) => again.push(l), err: (l) => again.push(l) }, { NATS_URL: nats.url }),
      ).toBe(0);
      expect(again.some((l) => l.startsWith('generated') || l.startsWith('regenerated'))).toBe(false);
    } finally {
      await wadm.stop();
      await nats.stop();
    }
  });
});
