/** `pelato test` as users run it: builds what changed, runs the cases against the built components. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { main } from '../../src/cli/main.js';
import { cleanupProjects, copyExample, tempDir } from '../helpers/project.js';

afterAll(cleanupProjects);

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, { PARALLEL_BUILD: '2' });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('pelato test', () => {
  const dir = tempDir();
  copyExample('hello', dir);

  test('the example passes', async () => {
    const r = await run('test', dir);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/✓ greets with the configured greeting/);
    expect(r.out.split('\n').pop()).toBe('8 passed, 0 failed');
    expect(r.code).toBe(0);
  }, 600_000);

  test('a failing case exits 1 with a readable diff and its file:line', async () => {
    writeFileSync(
      path.join(dir, 'tasks', 'shout.test.yaml'),
      '- input: hi\n  expect: HI\n- name: wrong on purpose\n  input: hi\n  expect: "HI!"\n- input: x\n  error: anything\n',
    );
    const r = await run('test', dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain('✗ wrong on purpose');
    expect(r.out).toMatch(/shout\.test\.yaml:3\)/);
    expect(r.out).toContain('  - HI!');
    expect(r.out).toContain('  + HI');
    expect(r.out).toContain('expected an error containing "anything", got success publishing "X"');
    expect(r.out.split('\n').pop()).toBe('7 passed, 2 failed');
  }, 600_000);

  test('a broken test file is one positioned message', async () => {
    writeFileSync(path.join(dir, 'tasks', 'shout.test.yaml'), '- input: hi\n  expected: HI\n');
    const r = await run('test', dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/shout\.test\.yaml:1:3: unknown field "expected" in case #1 \(fields: name, input, expect, expect_json, error, config\)/);
  }, 600_000);
});
