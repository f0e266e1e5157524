/**
 * After a failure of several tasks, the last lines name every failed task with its first error line:
 * build (two tasks that do not compile, one that does), test (failing cases in two tasks).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { main } from '../../src/cli/main.js';
import { cleanupProjects, tempDir } from '../helpers/project.js';
import { toolEnv } from '../package/helpers/registry.js';

afterAll(cleanupProjects);

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, toolEnv({ PARALLEL_BUILD: '2' }));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function project(types: string, lang = 'ts'): Promise<string> {
  const dir = path.join(tempDir(), 'fails');
  expect(await main(['init', dir, '--type', types, '--lang', lang], { out: () => {}, err: () => {} }, {})).toBe(0);
  return dir;
}

describe('the closing summary', () => {
  test('build: every task that did not build, with its first error line, after all the detail', async () => {
    // Go, with errors only the compiler finds (what does not parse is refused by validate already)
    const dir = await project('http_producer_nats,producer_nats,processor_nats', 'go');
    writeFileSync(
      path.join(dir, 'tasks', 'ingest.go'),
      'package main\n\nfunc exec_task(arg string) string {\n\treturn arg + 1\n}\n',
    );
    writeFileSync(
      path.join(dir, 'tasks', 'tick.go'),
      'package main\n\nfunc exec_task(arg string) string {\n\treturn undefinedName\n}\n',
    );
    const r = await run('build', dir, '--no-push');
    expect(r.code).toBe(1);
    const err = r.err.split('\n');
    const ingest = 'tasks/ingest.go:4: invalid operation: arg + 1 (mismatched types string and untyped int)';
    expect(err.slice(-3)).toEqual([
      '2 of 3 tasks did not build:',
      `  fails-ingest  ${ingest}`,
      '  fails-tick    tasks/tick.go:4: undefined: undefinedName',
    ]);
    // the detail came first, and the task that built is in the table
    expect(err).toContain('error: fails-ingest: tinygo build failed for fails-ingest:');
    expect(err).toContain(`  ${ingest}`);
    expect(r.out).toMatch(/fails-process +built/);
    expect(r.out.split('\n')).toContainEqual(
      expect.stringMatching(
        new RegExp(`^fails-ingest: failed: ${ingest.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\([\\d.]+ s\\)$`),
      ),
    );
  }, 600_000);

  test('test: every task with failing cases, how many, and the first one', async () => {
    const dir = await project('http_producer_nats,processor_nats');
    for (const name of ['ingest', 'process']) {
      const f = path.join(dir, 'tasks', `${name}.test.yaml`);
      writeFileSync(
        f,
        readFileSync(f, 'utf8').replace(/expect_json: \{ text: (hello|HELLO)/, 'expect_json: { text: nope'),
      );
    }
    const r = await run('test', dir);
    expect(r.code).toBe(1);
    expect(r.out.split('\n').pop()).toBe('4 passed, 2 failed');
    const err = r.err.split('\n');
    expect(err.slice(-3)).toEqual([
      '2 of 2 tested tasks failed:',
      expect.stringMatching(
        /^ {2}fails-ingest {3}1 of 3 cases failed; first: "wraps the posted text" \(.*tasks\/ingest\.test\.yaml:2\): /,
      ),
      expect.stringMatching(
        new RegExp(
          '^ {2}fails-process {2}1 of 3 cases failed; ' +
            String.raw`first: "the text field of a JSON message, in upper case" \(.*tasks\/process\.test\.yaml:2\): `,
        ),
      ),
    ]);
  }, 600_000);
});
