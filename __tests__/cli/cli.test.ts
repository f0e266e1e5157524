/** The `pelato` command as users run it: exit codes, messages, and what is (not) written. */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { COMMANDS } from '../../src/cli/main.js';
import { runCli } from '../helpers/cli.js';
import { SETTINGS, type SettingSpec } from '../../src/common/settings.js';
import { VERSION } from '../../src/cli/version.js';
import { listFiles } from '../../src/generate/render.js';
import { cliEntry } from '../helpers/cliProcess.js';
import { cleanupProjects, GOOD_TASK, makeProject, tempDir, workflowWith, ROOT } from '../helpers/project.js';

const EXAMPLE = path.join(ROOT, 'examples', 'temperature');

afterAll(cleanupProjects);

const run = (...argv: string[]) => runCli({}, ...argv);

/** gen/ as files and contents; metrics.json holds timings (ENABLE_METRICS) and is left out. */
function snapshot(dir: string): Map<string, string> {
  return new Map(
    listFiles(dir)
      .filter((f) => f !== 'metrics.json')
      .map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]),
  );
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
      'workflow.yaml': workflowWith('    instances: -1\n')
        .replace('processor_nats', 'processer_nats')
        .replace('1.0.0', 'latest'),
      'tasks/upper.go': GOOD_TASK,
    });
    const r = await run('validate', dir);
    expect(r.code).toBe(1);
    const lines = r.err.split('\n');
    expect(lines[0]).toBe(
      `${path.join(dir, 'workflow.yaml')}:4:11: unknown task type "processer_nats" (did you mean "processor_nats"?)`,
    );
    expect(lines[1]).toMatch(/workflow\.yaml:10:14: version "latest" is not allowed/);
    expect(lines[2]).toMatch(/workflow\.yaml:11:16: instances must be a whole number/);
    expect(lines[3]).toBe('3 problems found; nothing was written.');
    expect(r.err).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
  });

  test('a missing project directory is one readable line', async () => {
    const r = await run('validate', '/nonexistent/project');
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'error: /nonexistent/project: no such project directory\n' +
        '  hint: pass the folder that holds workflow.yaml and tasks/',
    );
  });

  test('a missing workflow.yaml says what to create', async () => {
    const r = await run('validate', tempDir());
    expect(r.code).toBe(1);
    expect(r.err).toContain('workflow.yaml: file not found\n  hint: create workflow.yaml');
  });

  test('usage errors', async () => {
    expect((await run('frobnicate', '.')).err).toMatch(/unknown command "frobnicate"/);
    expect((await run('deploi', '.')).err).toBe(
      'error: unknown command "deploi"\n' +
        '  hint: did you mean deploy? (commands: init, validate, gen, build, test, dev, deploy, remove, status, brush)',
    );
    expect((await run('gen', '--bogus')).err).toMatch(/unknown option '--bogus'/);
    expect((await run('--version')).out).toBe(VERSION);
    expect((await run()).out).toMatch(/^usage: pelato/);
    const r = await run('deploy', '.', '--timeout');
    expect(r.code).toBe(1);
    expect(r.err).toBe('error: --timeout needs a value\n  hint: e.g. --timeout T');
    expect((await run('gen', '.', '--json=yes')).err).toMatch(/^error: --json takes no value/);
    expect((await run('gen', '.', 'other')).err).toMatch(/^error: unexpected argument "other"/);
  });

  test('a misspelt option gets "did you mean", among the options of that command', async () => {
    const r = await run('gen', '.', '--registy', 'ghcr.io/x');
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      "error: unknown option '--registy'\n  hint: did you mean --registry? pelato gen --help lists its options",
    );
    expect((await run('deploy', '.', '--replce')).err).toMatch(/did you mean --replace\?/);
    expect((await run('build', '.', '--no-psh')).err).toMatch(/did you mean --no-push\?/);
    expect((await run('build', '.', '--frobnicate')).err).toBe(
      "error: unknown option '--frobnicate'\n  hint: pelato build --help lists its options",
    );
    // An option of another command says whose it is, rather than being silently ignored.
    const other = await run('build', '.', '--send', 'a=b');
    expect(other.code).toBe(1);
    expect(other.err).toBe(
      'error: pelato build has no option --send\n' +
        '  hint: it is an option of dev; pelato build --help lists the options of build',
    );
  });

  test('pelato <command> --help describes that command, from the settings table', async () => {
    for (const [name, spec] of Object.entries(COMMANDS)) {
      const r = await run(name, '--help');
      expect(r.code).toBe(0);
      expect(r.out.split('\n')[0]).toBe(`usage: pelato ${name} [DIR] [options]`);
      expect(r.out).toContain(spec.summary.slice(1));
      // exactly its own options
      const listed = [...r.out.matchAll(/^ {2}--([a-z-]+)/gm)].map((m) => m[1]).filter((f) => f !== 'help');
      const own = spec.settings.map((k) => (SETTINGS[k] as SettingSpec).flag).filter(Boolean);
      expect(listed.sort()).toEqual([...own].sort());
      expect((await run('help', name)).out).toBe(r.out);
      expect((await run(name, '-h')).out).toBe(r.out);
    }
    const deploy = (await run('deploy', '--help')).out;
    expect(deploy).toMatch(
      /--timeout T +how long to wait for each app, e\.g\. 90s, 2m \(env PELATO_DEPLOY_TIMEOUT; default 120s\)/,
    );
    expect(deploy).toMatch(/\nenvironment \(or \.env in DIR or the current directory; see \.env\.template\):\n/);
    for (const name of ['NATS_CREDS', 'WASH_CTL_CREDS', 'NATS_TLS_FIRST', 'WADM_API_PREFIX'])
      expect(deploy).toContain(name);
    expect(deploy).not.toContain('--send');
    expect((await run('gen', '--help')).out).toMatch(
      /--registry R +OCI registry and namespace images go to \(env REGISTRY_URL; overrides workflow\.yaml's registry\)/,
    );
    expect((await run()).out).toContain('pelato <command> --help shows the options of a command');
  });

  test('validate --json prints JSON on errors too: file, line, column, message, hint of each problem', async () => {
    const dir = makeProject({
      'workflow.yaml': workflowWith('    instances: -1\n').replace('processor_nats', 'processer_nats'),
      'tasks/upper.go': GOOD_TASK,
    });
    const r = await run('validate', dir, '--json');
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
    const res = JSON.parse(r.out) as { ok: boolean; problems: Array<Record<string, unknown>> };
    expect(res.ok).toBe(false);
    expect(res.problems[0]).toEqual({
      file: path.join(dir, 'workflow.yaml'),
      line: 4,
      column: 11,
      message: 'unknown task type "processer_nats"',
      hint: 'did you mean "processor_nats"?',
    });
    expect(res.problems[1]).toMatchObject({
      file: path.join(dir, 'workflow.yaml'),
      line: 11,
      column: 16,
      message: expect.stringMatching(/^instances must be a whole number/),
    });
    expect(res.problems).toHaveLength(2);
    // a problem that has no position still comes as JSON, with null where a position would be
    const missing = await run('validate', '/nonexistent/project', '--json');
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.out)).toEqual({
      ok: false,
      problems: [
        {
          file: null,
          line: null,
          column: null,
          message: '/nonexistent/project: no such project directory',
          hint: 'pass the folder that holds workflow.yaml and tasks/',
        },
      ],
    });
    expect(JSON.parse((await run('validate', EXAMPLE, '--json')).out)).toEqual({
      ok: true,
      project_name: 'Temperature data analysis',
      tasks: 2,
    });
  });

  test('annotations in GitHub Actions', async () => {
    const dir = makeProject({
      'workflow.yaml': workflowWith().replace('1.0.0', 'latest'),
      'tasks/upper.go': GOOD_TASK,
    });
    const r = await runCli({ GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: dir }, 'validate', dir);
    expect(r.err.split('\n')[0]).toBe(
      '::error file=workflow.yaml,line=10,col=14,title=pelato::version "latest" is not allowed ' +
        '(tags are immutable; use a semantic version such as 1.0.0)',
    );
  });
});

describe('pelato gen', () => {
  test('writes one project and manifest per task plus plan.json, byte-identical on a re-run', async () => {
    const dir = copyExample();
    const r = await run('gen', dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Generated 2 tasks of "Temperature data analysis"/);
    expect(r.out).toMatch(
      new RegExp(
        String.raw`celsius_to_kelvin_conversion\s+http_producer_nats\s+edge\s+` +
          String.raw`localhost:5000\/pelato\/celsius_to_kelvin_conversion:1\.0\.0`,
      ),
    );
    const gen = path.join(dir, 'gen');
    const first = snapshot(gen);
    for (const f of [
      'plan.json',
      'temp_filter/wadm.yaml',
      'temp_filter/main.go',
      'temp_filter/go.mod',
      'temp_filter/filter.go',
      'temp_filter/wit/world.wit',
      'temp_filter/wasmcloud.toml',
    ]) {
      expect(first.has(f)).toBe(true);
    }
    expect((await run('gen', dir)).code).toBe(0);
    expect(snapshot(gen)).toEqual(first);
  });

  test('--registry and REGISTRY_URL override workflow.yaml', async () => {
    const dir = copyExample();
    const json = (await runCli({ REGISTRY_URL: 'ghcr.io/acme/iot' }, 'gen', dir, '--json')).out;
    expect(JSON.parse(json).plan.tasks[0].image).toBe('ghcr.io/acme/iot/celsius_to_kelvin_conversion:1.0.0');
    const r = await run('gen', dir, '--registry', 'Bad Registry');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /registry "Bad Registry" is not a valid registry reference \(given on the command line or in the environment\)/,
    );
  });

  test(
    '--builtin-providers and PELATO_BUILTIN_PROVIDERS ' + "point the manifests at the hosts' builtin providers",
    async () => {
      const dir = copyExample();
      const images = () => {
        const m = readFileSync(path.join(dir, 'gen', 'celsius_to_kelvin_conversion', 'wadm.yaml'), 'utf8');
        return [...m.matchAll(/image: (\S+)/g)].map((x) => x[1]).slice(1);
      };
      expect((await run('gen', dir)).code).toBe(0);
      expect(images()).toEqual(['ghcr.io/wasmcloud/messaging-nats:0.27.0', 'ghcr.io/wasmcloud/http-server:0.27.0']);
      expect((await run('gen', dir, '--builtin-providers')).code).toBe(0);
      expect(images()).toEqual(['wasmcloud+builtin://messaging-nats', 'wasmcloud+builtin://http-server']);
      expect((await runCli({ PELATO_BUILTIN_PROVIDERS: 'false' }, 'gen', dir)).code).toBe(0);
      expect(images()[0]).toBe('ghcr.io/wasmcloud/messaging-nats:0.27.0');
      expect((await runCli({ PELATO_BUILTIN_PROVIDERS: 'true' }, 'gen', dir)).code).toBe(0);
      expect(images()[0]).toBe('wasmcloud+builtin://messaging-nats');
    },
  );

  test('a failing run leaves an existing gen/ untouched and writes nothing new', async () => {
    const dir = copyExample();
    expect((await run('gen', dir)).code).toBe(0);
    const before = snapshot(path.join(dir, 'gen'));
    writeFileSync(
      path.join(dir, 'workflow.yaml'),
      readFileSync(path.join(dir, 'workflow.yaml'), 'utf8').replace('version: 1.0.2', 'version: latest'),
    );
    const r = await run('gen', dir);
    expect(r.code).toBe(1);
    expect(snapshot(path.join(dir, 'gen'))).toEqual(before);
    expect(listFiles(dir).filter((f) => f.includes('.tmp-') || f.includes('.old-'))).toEqual([]);
  });

  test('no gen/ appears when validation fails on a fresh project', async () => {
    const dir = makeProject({
      'workflow.yaml': workflowWith().replace('upper.go', 'missing.go'),
      'tasks/upper.go': GOOD_TASK,
    });
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

describe('the CLI as a process of its own', () => {
  test('a reader that stops early (`| true`, `| head -1`): quiet, no EPIPE stack trace', () => {
    const dir = copyExample();
    // `true` exits before node has written a line, so every write meets a closed pipe
    const r = spawnSync('bash', ['-c', 'node "$0" gen "$1" | true; exit "${PIPESTATUS[0]}"', cliEntry(), dir], {
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('the bundled CLI (dist/)', () => {
  test('runs from the committed bundle', () => {
    const dir = copyExample();
    const out = execFileSync(process.execPath, [path.join(ROOT, 'dist', 'cli', 'index.js'), 'gen', dir], {
      encoding: 'utf8',
    });
    expect(out).toMatch(/Generated 2 tasks/);
    const bad = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli', 'index.js'), 'validate', '/nonexistent'], {
      encoding: 'utf8',
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/no such project directory/);
  });

  test('package.json version matches the CLI', () => {
    expect(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version).toBe(VERSION);
  });
});
