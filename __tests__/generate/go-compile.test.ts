/**
 * The generated Go is real Go: for every template, `go generate` (wit-bindgen-go through `go tool`, from
 * the Go module proxy), `go vet`, gofmt, and a `GOOS=wasip1 GOARCH=wasm` build of a Wasm module.
 *
 * Mainline Go rejects the pointer types wit-bindgen-go puts in //go:wasmimport signatures, so the
 * wasip1 build runs tools/wasip1fix over the bindings first (TinyGo, the toolchain runners use, needs no
 * such step). This is a compile check of our templates; it does not make mainline Go a supported way to
 * build components (see README, "Toolchains").
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generate, generateToDisk } from '../../src/generate/generate.js';
import { loadWorkflow } from '../../src/load/workflow.js';
import { ROOT, cleanupProjects, copyExample, tempDir } from '../helpers/project.js';

afterAll(cleanupProjects);

function sh(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): string {
  try {
    return execFileSync(cmd, args, {
      cwd,
      env: { ...process.env, ...env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
}

describe('generated Go compiles against the real modules', () => {
  const work = tempDir();
  const fixer = path.join(work, 'wasip1fix');
  const project = path.join(work, 'greenhouse');
  copyExample('greenhouse', project);
  const wf = loadWorkflow(project);
  const plan = generate(wf).plan;
  const out = path.join(project, 'gen');

  beforeAll(async () => {
    await generateToDisk(wf);
    sh('go', ['build', '-o', fixer, '.'], path.join(ROOT, 'tools', 'wasip1fix'));
  }, 300_000);

  test('the example covers every template', () => {
    expect(new Set(plan.tasks.map((t) => t.type))).toEqual(
      new Set(['processor_nats', 'producer_nats', 'http_producer_nats', 'dbsync_nats']),
    );
  });

  test.each(plan.tasks.map((t) => [t.type, t.dir] as const))(
    '%s',
    (_type, dir) => {
      const cwd = path.join(out, dir);
      sh('go', ['generate', './...'], cwd);
      expect(
        sh('gofmt', ['-l', '.'], cwd)
          .split('\n')
          .filter((f) => f && !f.startsWith('gen/')),
      ).toEqual([]);
      sh('go', ['vet', './...'], cwd);
      sh(fixer, ['gen'], cwd);
      const wasm = { GOOS: 'wasip1', GOARCH: 'wasm' };
      sh('go', ['vet', './...'], cwd, wasm);
      sh('go', ['build', '-buildmode=c-shared', '-o', 'module.wasm', '.'], cwd, wasm);
      expect(readFileSync(path.join(cwd, 'module.wasm')).subarray(0, 4)).toEqual(Buffer.from('\0asm'));
    },
    600_000,
  );

  test('a compile error in a task file points at tasks/<file>', async () => {
    const broken = path.join(work, 'broken');
    copyExample('temperature', broken);
    const file = path.join(broken, 'tasks', 'filter.go');
    const src = readFileSync(file, 'utf8').replace('return arg\n}', 'return undefinedThing\n}');
    execFileSync('sh', ['-c', `cat > "${file}"`], { input: src });
    const g = await generateToDisk(loadWorkflow(broken));
    const cwd = path.join(g.out, 'temp_filter');
    sh('go', ['generate', './...'], cwd);
    expect(() => sh('go', ['vet', './...'], cwd)).toThrow(/tasks\/filter\.go:24(:\d+)?: undefined: undefinedThing/);
  }, 300_000);
});
