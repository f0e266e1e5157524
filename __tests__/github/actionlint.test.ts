/** actionlint (scripts/install-test-tools.sh puts it in .tools/bin) on the workflows and the caller example. */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { cleanupProjects, ROOT, tempDir } from '../helpers/project.js';
import { WORKFLOW_FILES } from './actionFiles.js';

const ACTIONLINT = path.join(ROOT, '.tools', 'bin', 'actionlint');

afterAll(cleanupProjects);

function lint(cwd: string, files: string[]) {
  if (!existsSync(ACTIONLINT))
    throw new Error(
      `${ACTIONLINT} not found: run 'bash scripts/install-test-tools.sh' ` +
        '(it builds actionlint from the Go module proxy)',
    );
  const r = spawnSync(ACTIONLINT, ['-no-color', ...files], { cwd, encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

test('.github/workflows/*.yml pass actionlint', () => {
  const files = WORKFLOW_FILES.filter((f) => f.includes(`${path.sep}.github${path.sep}`)).map((f) =>
    path.relative(ROOT, f),
  );
  expect(files).toEqual(
    expect.arrayContaining([
      path.join('.github', 'workflows', 'ci.yml'),
      path.join('.github', 'workflows', 'pelato.yml'),
    ]),
  );
  expect(lint(ROOT, files)).toEqual({ code: 0, out: '' });
});

test('examples/github/caller.yml passes actionlint where a user puts it', () => {
  const repo = tempDir();
  mkdirSync(path.join(repo, '.github', 'workflows'), { recursive: true });
  copyFileSync(
    path.join(ROOT, 'examples', 'github', 'caller.yml'),
    path.join(repo, '.github', 'workflows', 'deploy.yml'),
  );
  execFileSync('git', ['init', '-q'], { cwd: repo });
  expect(lint(repo, [])).toEqual({ code: 0, out: '' });
});

test('actionlint does catch a broken workflow (the check is live)', () => {
  const repo = tempDir();
  mkdirSync(path.join(repo, '.github', 'workflows'), { recursive: true });
  copyFileSync(
    path.join(ROOT, 'examples', 'github', 'caller.yml'),
    path.join(repo, '.github', 'workflows', 'deploy.yml'),
  );
  execFileSync('git', ['init', '-q'], { cwd: repo });
  execFileSync('sed', [
    '-i',
    's/branches: \\[main\\]/branchez: [main]/',
    path.join(repo, '.github', 'workflows', 'deploy.yml'),
  ]);
  const r = lint(repo, []);
  expect(r.code).toBe(1);
  expect(r.out).toMatch(/branchez/);
});
