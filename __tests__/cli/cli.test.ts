/** The `pelato` command as users run it: exit codes, messages, and what is (not) written. */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { main } from '../../src/cli/main.js';
import { VERSION } from '../../src/cli/version.js';
import { listFiles } from '../../src/generate/render.js';
import { cleanupProjects, GOOD_TASK, makeProject, tempDir, workflowWith, ROOT } from '../helpers/project.js';

const EXAMPLE = path.join(ROOT, 'examples', 'temperature');

afterAll(cleanupProjects);

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, {});
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function snapshot(dir: string): Map<string, string> {
  return new Map(listFiles(dir).map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));
}

function copyExample(): string {
  const dir = tempDir();
  cpSync(EXAMPLE, dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}gen`) });
  return dir;
}

describe('pelato validate', () => {
  test('accepts the seed example', async () => {
    const r = await run('validate', EXAMPLE);
    expect(r.code).toBe(0);
    expect(r.out).toContain('2 tasks in "Temperature data analysis"');
  });

  test('prints every problem as file:line:col and exits 1', async () => {
    const dir = makeProject({
      'workflow.yaml': workflowWith('    instances: -1\n').replace('processor_nats', 'processer_nats').replace('1.0.0', 'latest'),
      'tasks/upper.go': GOOD_TASK,
    });
    const r = await run('validate', dir);
    expect(r.code).toBe(1);
    const lines = r.err.split('\n');
    expect(lines[0]).toBe(`${path.join(dir, 'workflow.yaml')}:4:11: unknown task type "processer_nats" (did you mean "processor_nats"?)`);
    expect(lines[1]).toMatch(/workflow\.yaml:10:14: version "latest" is not allowed/);
    expect(lines[2]).toMatch(/workflow\.yaml:11:16: instances must be a whole number/);
    expect(lines[3]).toBe('3 problems found; nothing was written.');
    expect(r.err).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
  });

  test('a missing project directory is one readable line', async () => {
    const r = await run('validate', '/nonexistent/project');
    expect(r.code).toBe(1);
    expect(r.err).toBe('error: /nonexistent/project: no such project directory\n  hint: pass the folder that holds workflow.yaml and tasks/');
  });

  test('a missing workflow.yaml says what to create', async () => {
    const r = await run('validate', tempDir());
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/workflow\.yaml: file not found\n  hint: create workflow\.yaml/);
  });

  test('usage errors', async () => {
    expect((await run('frobnicate', '.')).err).toMatch(/unknown command "frobnicate"/);
    expect((await run('gen', '--bogus')).err).toMatch(/Unknown option '--bogus'/);
    expect((await run('--version')).out).toBe(VERSION);
    expect((await run()).out).toMatch(/^usage: pelato/);
  });

  test('annotations in GitHub Actions', async () => {
    const dir = makeProject({ 'workflow.yaml': workflowWith().replace('1.0.0', 'latest'), 'tasks/upper.go': GOOD_TASK });
    const err: string[] = [];
    process.env.GITHUB_ACTIONS = 'true';
    process.env.GITHUB_WORKSPACE = dir;
    try {
      await main(['validate', dir], { out: () => {}, err: (l) => err.push(l) }, {});
    } finally {
      delete process.env.GITHUB_ACTIONS;
      delete process.env.GITHUB_WORKSPACE;
    }
    expect(err[0]).toBe('::error file=workflow.yaml,line=10,col=14,title=pelato::version "latest" is not allowed (tags are immutable; use a semantic version such as 1.0.0)');
  });
});

describe('pelato gen', () => {
  test('writes one project and manifest per task plus plan.json, byte-identical on a re-run', async () => {
    const dir = copyExample();
    const r = await run('gen', dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Generated 2 tasks of "Temperature data analysis"/);
    expect(r.out).toMatch(/celsius_to_kelvin_conversion\s+http_producer_nats\s+edge\s+localhost:5000\/pelato\/celsius_to_kelvin_conversion:1\.0\.0/);
    const gen = path.join(dir, 'gen');
    const first = snapshot(gen);
    for (const f of ['plan.json', 'temp_filter/wadm.yaml', 'temp_filter/main.go', 'temp_filter/go.mod', 'temp_filter/filter.go', 'temp_filter/wit/world.wit', 'temp_filter/wasmcloud.toml']) {
      expect(first.has(f)).toBe(true);
    }
    expect((await run('gen', dir)).code).toBe(0);
    expect(snapshot(gen)).toEqual(first);
  });

  test('--registry and REGISTRY_URL override workflow.yaml', async () => {
    const dir = copyExample();
    const out: string[] = [];
    await main(['gen', dir, '--json'], { out: (l) => out.push(l), err: () => {} }, { REGISTRY_URL: 'ghcr.io/acme/iot' });
    expect(JSON.parse(out[0]!).plan.tasks[0].image).toBe('ghcr.io/acme/iot/celsius_to_kelvin_conversion:1.0.0');
    const r = await run('gen', dir, '--registry', 'Bad Registry');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/registry "Bad Registry" is not a valid registry reference \(given on the command line or in the environment\)/);
  });

  test('--builtin-providers and PELATO_BUILTIN_PROVIDERS point the manifests at the hosts\' builtin providers', async () => {
    const dir = copyExample();
    const images = () => {
      const m = readFileSync(path.join(dir, 'gen', 'celsius_to_kelvin_conversion', 'wadm.yaml'), 'utf8');
      return [...m.matchAll(/image: (\S+)/g)].map((x) => x[1]).slice(1);
    };
    expect((await run('gen', dir)).code).toBe(0);
    expect(images()).toEqual(['ghcr.io/wasmcloud/messaging-nats:0.27.0', 'ghcr.io/wasmcloud/http-server:0.27.0']);
    expect((await run('gen', dir, '--builtin-providers')).code).toBe(0);
    expect(images()).toEqual(['wasmcloud+builtin://messaging-nats', 'wasmcloud+builtin://http-server']);
    expect(await main(['gen', dir], { out: () => {}, err: () => {} }, { PELATO_BUILTIN_PROVIDERS: 'false' })).toBe(0);
    expect(images()[0]).toBe('ghcr.io/wasmcloud/messaging-nats:0.27.0');
    expect(await main(['gen', dir], { out: () => {}, err: () => {} }, { PELATO_BUILTIN_PROVIDERS: 'true' })).toBe(0);
    expect(images()[0]).toBe('wasmcloud+builtin://messaging-nats');
  });

  test('a failing run leaves an existing gen/ untouched and writes nothing new', async () => {
    const dir = copyExample();
    expect((await run('gen', dir)).code).toBe(0);
    const before = snapshot(path.join(dir, 'gen'));
    writeFileSync(path.join(dir, 'workflow.yaml'), readFileSync(path.join(dir, 'workflow.yaml'), 'utf8').replace('version: 1.0.2', 'version: latest'));
    const r = await run('gen', dir);
    expect(r.code).toBe(1);
    expect(snapshot(path.join(dir, 'gen'))).toEqual(before);
    expect(listFiles(dir).filter((f) => f.includes('.tmp-') || f.includes('.old-'))).toEqual([]);
  });

  test('no gen/ appears when validation fails on a fresh project', async () => {
    const dir = makeProject({ 'workflow.yaml': workflowWith().replace('upper.go', 'missing.go'), 'tasks/upper.go': GOOD_TASK });
    expect((await run('gen', dir)).code).toBe(1);
    expect(existsSync(path.join(dir, 'gen'))).toBe(false);
  });

  test('refuses to replace a gen/ folder pelato did not write', async () => {
    const dir = copyExample();
    mkdirSync(path.join(dir, 'gen'));
    writeFileSync(path.join(dir, 'gen', 'notes.txt'), 'mine');
    const r = await run('gen', dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/gen exists and was not written by pelato/);
    expect(readFileSync(path.join(dir, 'gen', 'notes.txt'), 'utf8')).toBe('mine');
  });
});

describe('the bundled CLI (dist/)', () => {
  test('runs from the committed bundle', () => {
    const dir = copyExample();
    const out = execFileSync(process.execPath, [path.join(ROOT, 'dist', 'cli', 'index.js'), 'gen', dir], { encoding: 'utf8' });
    expect(out).toMatch(/Generated 2 tasks/);
    const bad = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli', 'index.js'), 'validate', '/nonexistent'], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/no such project directory/);
  });

  test('package.json version matches the CLI', () => {
    expect(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version).toBe(VERSION);
  });
});
