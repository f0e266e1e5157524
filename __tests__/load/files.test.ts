/**
 * The project's files in the wrong shape, through the `pelato` command as users run it: always exit 1
 * with one message that says what to do, never an internal error (exit 70), and nothing written.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { cleanupProjects, GOOD_TASK, makeProject, workflowWith } from '../helpers/project.js';

afterAll(cleanupProjects);

async function run(...argv: string[]) {
  return runCli({}, ...argv);
}

const project = () => makeProject({ 'workflow.yaml': workflowWith(), 'tasks/upper.go': GOOD_TASK });

describe('files and folders in the wrong place', () => {
  test.each([
    [
      'workflow.yaml is a folder',
      (d: string) => {
        renameSync(path.join(d, 'workflow.yaml'), path.join(d, 'w'));
        mkdirSync(path.join(d, 'workflow.yaml'));
      },
      'workflow.yaml: is a folder, not a file\n  hint: workflow.yaml must be a YAML file',
    ],
    [
      '.env is a folder',
      (d: string) => mkdirSync(path.join(d, '.env')),
      '.env is a folder, not a settings file\n  hint: it must be a file of KEY=VALUE lines',
    ],
    [
      'gen is a file',
      (d: string) => writeFileSync(path.join(d, 'gen'), 'x'),
      'gen is a file, not a folder\n  hint: move it away',
    ],
    [
      'tasks is a file',
      (d: string) => {
        renameSync(path.join(d, 'tasks'), path.join(d, 't'));
        writeFileSync(path.join(d, 'tasks'), 'x');
      },
      /workflow\.yaml:5:11: tasks is a file, not a folder/,
    ],
    [
      '.env is not UTF-8',
      (d: string) => writeFileSync(path.join(d, '.env'), Buffer.from([0x41, 0x3d, 0xe9, 0x0a])),
      /\.env:1:3: \.env is not UTF-8 \(byte 0xe9\)/,
    ],
    [
      'workflow.yaml is spelt with capitals',
      (d: string) => renameSync(path.join(d, 'workflow.yaml'), path.join(d, 'Workflow.yaml')),
      'file not found\n  hint: found "Workflow.yaml": name it workflow.yaml',
    ],
  ])('%s: exit 1, one message, nothing written', async (_name, spoil, message) => {
    const dir = project();
    spoil(dir);
    const before = readdirSync(dir).sort();
    // validate writes nothing, so a file named gen is no problem for it
    for (const cmd of _name === 'gen is a file' ? ['gen'] : ['validate', 'gen']) {
      const r = await run(cmd, dir);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/internal error/);
    }
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  test('the project folder is a file', async () => {
    const dir = project();
    const r = await run('validate', path.join(dir, 'workflow.yaml'));
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      'workflow.yaml: is a file, not a project directory\n  hint: pass the folder that holds workflow.yaml',
    );
  });

  test('--out inside a file', async () => {
    const dir = project();
    const r = await run('gen', dir, '--out', path.join(dir, 'tasks', 'upper.go', 'gen'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/upper\.go is a file, not a folder/);
  });

  test('workflow.yml is read, with a warning that names the usual file name; --strict refuses it', async () => {
    const dir = project();
    renameSync(path.join(dir, 'workflow.yaml'), path.join(dir, 'workflow.yml'));
    const r = await run('gen', dir);
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      `${path.join(dir, 'workflow.yml')}:1:1: warning: reading workflow.yml: ` +
        "PELATO's file is named workflow.yaml (rename it to workflow.yaml)",
    );
    expect(existsSync(path.join(dir, 'gen', 'plan.json'))).toBe(true);
    const strict = await run('validate', dir, '--strict');
    expect(strict.code).toBe(1);
    expect(strict.err).toMatch(/workflow\.yml:1:1: reading workflow\.yml/);
  });

  test('both workflow.yaml and workflow.yml: the .yaml is read, the other named as ignored', async () => {
    const dir = project();
    writeFileSync(path.join(dir, 'workflow.yml'), 'project_name: Other\n');
    const r = await run('validate', dir);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/workflow\.yml:1:1: warning: workflow\.yml is ignored: workflow\.yaml is read/);
    expect(r.out).toMatch(/ok — 1 task in "Test", 1 warning/);
  });

  test('validate --json lists the warnings', async () => {
    const dir = makeProject({
      'workflow.yaml': workflowWith().replace('project_name: Test\n', ''),
      'tasks/upper.go': GOOD_TASK,
    });
    const r = await run('validate', dir, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.warnings).toEqual([
      expect.objectContaining({ line: 1, column: 1, message: expect.stringMatching(/^project_name is missing/) }),
    ]);
  });

  test('in GitHub Actions a warning is a ::warning annotation at its file and line', async () => {
    const dir = makeProject({
      'workflow.yaml': workflowWith().replace('project_name: Test\n', ''),
      'tasks/upper.go': GOOD_TASK,
    });
    const r = await runCli({ GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: path.dirname(dir) }, 'validate', dir);
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      `::warning file=${path.basename(dir)}/workflow.yaml,line=1,col=1,title=pelato::project_name is missing; ` +
        `using the folder's name "${path.basename(dir)}" (add "project_name: <name>" at the top)`,
    );
  });
});
