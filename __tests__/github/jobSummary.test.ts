/**
 * The job-summary renderers and the log groups on their own: text that comes from outside PELATO (wadm's
 * messages, build errors, test names) stays inert Markdown, and groups never interleave.
 */
import { TaskGroups } from '../../src/github/actionsOutput.js';
import { buildSummary, deploySummary, failureSummary, shortHash, testSummary } from '../../src/github/jobSummary.js';
import { mdCode } from '../../src/github/markdown.js';
import { PelatoError, UserInputError } from '../../src/common/diagnostics.js';

const HOSTILE = 'x | y <img src=x onerror=alert(1)> @octocat [link](https://evil.example) `code`\nsecond line';

/** No raw HTML tag, no mention, no link, and table rows keep their number of cells. */
function expectInert(md: string) {
  expect(md).not.toMatch(/<img/);
  expect(md).not.toMatch(/@octocat/);
  expect(md).not.toMatch(/\]\(https/);
  for (const line of md.split('\n').filter((l) => l.startsWith('| '))) {
    const cells = line.split(/(?<!\\)\|/).length;
    expect({ line, cells }).toEqual({
      line,
      cells: md
        .split('\n')
        .find((l) => l.startsWith('| '))!
        .split(/(?<!\\)\|/).length,
    });
  }
}

test('a wadm message with Markdown, HTML, a mention and a table bar stays text', () => {
  const md = deploySummary({
    ok: false,
    lattice: 'default',
    server: 'nats://127.0.0.1:4222 (no auth)',
    apps: [
      {
        app: 'a',
        version: '1.0.0',
        manifest: 'a/wadm.yaml',
        pinned: true,
        outcome: 'failed',
        action: 'created',
        message: HOSTILE,
      },
    ],
  });
  expectInert(md);
  expect(md).toContain(
    '- a 1.0.0: x \\| y &lt;img src=x onerror=alert\\(1\\)&gt; &#64;octocat ' +
      '\\[link\\]\\(https&#58;//evil.example\\) \\`code\\` second line',
  );
});

test('a build error and a test case name are escaped, a failure diff is fenced', () => {
  const b = buildSummary({
    ok: false,
    pushed: false,
    ms: 1200,
    tasks: [
      {
        app: 'a',
        component_name: 'a',
        language: 'js',
        image: 'r/a:1.0.0',
        status: 'failed',
        error: HOSTILE,
        timings_ms: { total: 5 },
      },
    ],
  });
  expectInert(b);
  expect(b).toContain('| a | **failed** | – | – | 0.0 s |');
  const t = testSummary({
    passed: 0,
    failed: 1,
    untested: [],
    results: [{ task: 'a', name: HOSTILE, line: 3, file: 'tasks/a.test.yaml', failure: '```\n- a\n+ b' }],
  });
  expectInert(t);
  expect(t).toContain('````\n```\n- a\n+ b\n````');
});

test('a failed command lists its problems with file and line, or its message and hint', () => {
  const md = failureSummary(
    'gen',
    new UserInputError([
      { file: 'workflow.yaml', line: 4, col: 7, message: 'unknown field "x|y"', hint: 'did you mean "z"?' },
    ]),
    { GITHUB_WORKSPACE: process.cwd() },
  );
  expect(md).toBe(
    '### PELATO gen failed\n\n1 problem; nothing was written.\n\n| file | line | problem |\n| --- | --- | --- |\n' +
      '| `workflow.yaml` | 4:7 | unknown field "x\\|y" \\(did you mean "z"?\\) |',
  );
  expect(failureSummary('deploy', new PelatoError('no wadm is listening', 'start wadm'), {})).toBe(
    '### PELATO deploy failed\n\nno wadm is listening\n\nHint: start wadm',
  );
});

test('short hashes and code cells', () => {
  expect(shortHash('sha256:' + 'ab'.repeat(32))).toBe('`sha256:abababababab`');
  expect(shortHash(undefined)).toBe('–');
  expect(mdCode('a|b')).toBe('`a\\|b`');
  expect(mdCode('has `tick`')).toBe('`` has `tick` ``');
});

test('task groups: lines held per task, printed whole when it ends, late lines outside any group', () => {
  const out: string[] = [];
  const g = new TaskGroups((l) => out.push(l));
  g.line('a', 'a: compiling');
  g.line('b', 'b: compiling');
  g.line('a', 'a: built');
  g.end('b', 'b: failed\nwith ::error::injected');
  g.line('b', 'b: late');
  g.end('a', 'a: built 50%', ['  digest: sha256:1']);
  g.line('c', 'c: never ended');
  g.flush();
  expect(out).toEqual([
    '::group::b: failed%0Awith ::error::injected',
    'b: compiling',
    '::endgroup::',
    'b: late',
    '::group::a: built 50%25',
    'a: compiling',
    'a: built',
    '  digest: sha256:1',
    '::endgroup::',
    '::group::c',
    'c: never ended',
    '::endgroup::',
  ]);
});
