/** `pelato test` as users run it: builds what changed, runs the cases against the built components. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { cleanupProjects, copyExample, tempDir } from '../helpers/project.js';

afterAll(cleanupProjects);

const run = (...argv: string[]) => runCli({ PARALLEL_BUILD: '2' }, ...argv);

describe('pelato test', () => {
  test('examples/secure-ingest passes: a made-up token, its TLS files not needed, 413 past http.max_body', async () => {
    const si = tempDir();
    copyExample('secure-ingest', si);
    const r = await run('test', si);
    expect(r.err).toBe('');
    expect(r.out).toContain('✓ one byte more is refused before it is read (HTTP 413)');
    expect(r.out.split('\n').pop()).toBe('6 passed, 0 failed');
    expect(r.code).toBe(0);
  }, 600_000);

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
      '- input: hi\n  expect: HI\n- name: wrong on purpose\n  input: hi\n  expect: "HI!"\n- input: x\n' +
        '  error: anything\n',
    );
    const json = path.join(tempDir(), 'test.json');
    const r = await run('test', dir, '--json-file', json);
    expect(r.code).toBe(1);
    // the same counts, typed, for scripts (the test action's outputs), while the log stays readable
    expect(JSON.parse(readFileSync(json, 'utf8'))).toMatchObject({ passed: 7, failed: 2 });
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
    expect(r.err).toMatch(
      new RegExp(
        String.raw`shout\.test\.yaml:1:3: unknown field "expected" in case #1 ` +
          String.raw`\(fields: name, input, pad_to, expect, expect_json, expect_size, error, status, config\)`,
      ),
    );
  }, 600_000);
});
