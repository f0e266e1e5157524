/**
 * The set-up leaves `git status` clean: both lock files are complete, so `npm ci` (which never writes a
 * lock file) accepts them without asking the registry anything, and every place that installs the
 * JavaScript toolchain uses `npm ci`.
 *
 * Why: a lock file that lacks some optional platform packages (written while the registry served no
 * metadata for them) is "out of sync" for `npm ci` once the registry serves them, and `npm install`
 * then rewrites the tracked lock file. A lock that lists every optional dependency needs no metadata.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT, cleanupProjects, tempDir } from '../helpers/project.js';

const run = promisify(execFile);

/** `npm ci` as a fresh machine runs it, but offline and with an empty cache: it may use nothing but the lock. */
const offlineCi = (work: string) =>
  run(
    'npm',
    [
      'ci',
      '--dry-run',
      '--offline',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--cache',
      path.join(work, 'cache'),
    ],
    { cwd: work },
  );
const LOCKED = ['.', 'toolchains/js'];

interface LockPackage {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** The optional dependencies a lock's packages declare that the lock does not hold (resolved as Node does). */
function missingOptional(lock: { packages: Record<string, LockPackage> }): string[] {
  const pkgs = lock.packages;
  const missing: string[] = [];
  for (const [where, p] of Object.entries(pkgs)) {
    for (const dep of Object.keys(p.optionalDependencies ?? {})) {
      let dir = where;
      for (;;) {
        if (pkgs[`${dir ? `${dir}/` : ''}node_modules/${dep}`]) break;
        if (!dir) {
          missing.push(`${where || '(root)'} -> ${dep}`);
          break;
        }
        const up = dir.lastIndexOf('/node_modules/');
        dir = up < 0 ? '' : dir.slice(0, up);
      }
    }
  }
  return missing;
}

afterAll(cleanupProjects);

describe.each(LOCKED)('%s/package-lock.json', (dir) => {
  const lockPath = path.join(ROOT, dir, 'package-lock.json');

  test('lists every optional platform package its packages declare', () => {
    expect(missingOptional(JSON.parse(readFileSync(lockPath, 'utf8')))).toEqual([]);
  });

  test('npm ci accepts it offline, with an empty cache (no registry metadata), and leaves it as it is', async () => {
    const work = tempDir();
    copyFileSync(path.join(ROOT, dir, 'package.json'), path.join(work, 'package.json'));
    copyFileSync(lockPath, path.join(work, 'package-lock.json'));
    // on failure: npm's EUSAGE names each package "Missing ... from lock file"
    await offlineCi(work);
    expect(readFileSync(path.join(work, 'package-lock.json'), 'utf8')).toBe(readFileSync(lockPath, 'utf8'));
  });
});

test('the check is live: a lock missing one optional platform package is named, and npm ci refuses it', async () => {
  const lock = JSON.parse(readFileSync(path.join(ROOT, 'toolchains/js/package-lock.json'), 'utf8'));
  const victim = Object.keys(lock.packages).find((k) => k.endsWith('-win32-x64-msvc'))!;
  expect(victim).toBeDefined();
  delete lock.packages[victim];
  expect(missingOptional(lock).map((m) => m.split(' -> ')[1])).toEqual([victim.replace(/^.*node_modules\//, '')]);
  const work = tempDir();
  copyFileSync(path.join(ROOT, 'toolchains/js/package.json'), path.join(work, 'package.json'));
  writeFileSync(path.join(work, 'package-lock.json'), JSON.stringify(lock, null, 2));
  await expect(offlineCi(work)).rejects.toMatchObject({
    stderr: expect.stringContaining('Missing:'),
  });
});

test('the README, .ci/run and the actions install the toolchain with npm ci, never npm install', () => {
  const files = [
    'README.md',
    '.ci/run',
    'action.yml',
    'build/action.yml',
    'test/action.yml',
    'src/package/toolchain.ts',
  ];
  const installs = files.flatMap((f) =>
    readFileSync(path.join(ROOT, f), 'utf8')
      .split('\n')
      .filter(
        (l) => /npm (install|i|ci)\b.*toolchains\/js|--prefix\b.*toolchains\/js/.test(l) || /--prefix \$\{path/.test(l),
      )
      .map((l) => `${f}: ${l.trim()}`),
  );
  expect(installs.length).toBeGreaterThanOrEqual(files.length);
  expect(installs.filter((l) => !/npm ci\b/.test(l))).toEqual([]);
});
