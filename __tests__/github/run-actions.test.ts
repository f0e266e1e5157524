/** The composites' scripts run the way the GitHub runner runs them, against copies of the examples. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cleanupProjects, copyExample, ROOT, tempDir } from '../helpers/project.js';
import { runStep } from './actionFiles.js';

afterAll(cleanupProjects);

/** A workspace holding a copy of examples/<name> in the folder `project`. */
function workspace(name: string): string {
  const ws = tempDir();
  copyExample(name, path.join(ws, 'project'));
  return ws;
}

describe('generate/action.yml', () => {
  test('writes gen/ for the given registry and lattice and reports the plan and its languages', () => {
    const ws = workspace('temperature');
    const r = runStep('generate', 'gen', ws, { project: 'project', registry: 'ghcr.io/acme/temps', lattice: 'edge-eu' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.outputs).toEqual({ plan: 'project/gen/plan.json', languages: 'go', 'go-tasks': 'true', 'js-tasks': 'false' });
    const plan = JSON.parse(readFileSync(path.join(ws, r.outputs.plan!), 'utf8'));
    expect(plan.registry).toBe('ghcr.io/acme/temps');
    expect(plan.lattice).toBe('edge-eu');
    expect(r.summary).toMatch(/^### PELATO gen\n\n```\nGenerated 2 tasks/);
  });

  test('an input that looks like shell stays data', () => {
    const ws = workspace('temperature');
    const r = runStep('generate', 'gen', ws, { project: 'project', lattice: '$(touch pwned); `touch pwned`' });
    expect(existsSync(path.join(ws, 'pwned'))).toBe(false);
    expect(r.code).toBe(1); // not a valid lattice name: pelato says so
    expect(r.outputs).toEqual({});
  });

  test('an invalid workflow fails the step with pelato\'s message and no outputs', () => {
    const ws = workspace('temperature');
    writeFileSync(path.join(ws, 'project', 'workflow.yaml'), 'project_name: x\ntasks: 3\n');
    const r = runStep('generate', 'gen', ws, { project: 'project' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/workflow\.yaml/);
    expect(r.outputs).toEqual({});
  });
});

describe('build/action.yml plan step', () => {
  test('says what to install, and refuses a plan made for another registry', () => {
    const ws = workspace('hello');
    expect(runStep('generate', 'gen', ws, { project: 'project', registry: 'ghcr.io/acme/hello' }).code).toBe(0);
    const ok = runStep('build', 'plan', ws, { project: 'project', registry: 'ghcr.io/acme/hello' });
    expect(ok.code).toBe(0);
    expect(ok.outputs).toEqual({ plan: 'project/gen/plan.json', languages: 'js', 'go-tasks': 'false', 'js-tasks': 'true' });
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

describe('deploy/action.yml', () => {
  test('masks every credential line before anything else and rejects a non-boolean replace', () => {
    const ws = workspace('temperature');
    const creds = '-----BEGIN NATS USER JWT-----\neyJhbGciOi.secret\n------END NATS USER JWT------';
    const r = runStep('deploy', 'deploy', ws, { project: 'project', replace: 'yes' }, { NATS_CREDS_CONTENT: creds, NATS_TOKEN: 's3cret' });
    expect(r.code).toBe(1);
    const masks = r.stdout.split('\n').filter((l) => l.startsWith('::add-mask::'));
    expect(masks).toEqual(expect.arrayContaining(['::add-mask::s3cret', '::add-mask::eyJhbGciOi.secret']));
    expect(r.stderr).toMatch(/input replace must be true or false, got 'yes'/);
  });
});

const JS_TOOLCHAIN = path.join(ROOT, 'toolchains', 'js', 'node_modules', '@bytecodealliance', 'jco');

(existsSync(JS_TOOLCHAIN) ? describe : describe.skip)('test/action.yml (needs toolchains/js, installed by .ci/run)', () => {
  test('runs the example\'s cases, reports the counts and leaves gen/ as it was', () => {
    const ws = workspace('hello');
    expect(runStep('generate', 'gen', ws, { project: 'project', registry: 'ghcr.io/acme/hello' }).code).toBe(0);
    const before = readFileSync(path.join(ws, 'project', 'gen', 'plan.json'), 'utf8');
    const r = runStep('test', 'test', ws, { project: 'project', registry: 'ghcr.io/acme/hello' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(Number(r.outputs.passed)).toBeGreaterThan(0);
    expect(r.outputs.failed).toBe('0');
    expect(r.summary).toMatch(/### PELATO test[\s\S]*passed, 0 failed/);
    expect(readFileSync(path.join(ws, 'project', 'gen', 'plan.json'), 'utf8')).toBe(before);
  }, 300000);
});
