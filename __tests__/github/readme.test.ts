/** README.md's inputs/outputs/secrets tables match the action.yml files and the reusable workflow. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers/project.js';
import { actionHeading, expectedSections, readmeProblems, WORKFLOW_HEADING } from './readmeTables.js';

const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

test('every action and the reusable workflow have their tables in the README, row for row', () => {
  // on failure: each missing, extra or changed row is named (a missing section is printed whole)
  expect(readmeProblems(README)).toEqual([]);
});

test('the tables cover every input, output and secret', () => {
  const sections = expectedSections();
  expect(sections.map((s) => s.heading)).toEqual([
    WORKFLOW_HEADING,
    ...['generate', 'build', 'test', 'deploy', 'preview', '.'].map(actionHeading),
  ]);
  const rows = sections.flatMap((s) => s.tables.flatMap((t) => t.rows));
  expect(rows.length).toBeGreaterThan(50);
});

describe('the check is live: it names what drifted', () => {
  test('a missing row, a changed default and an extra row', () => {
    const drifted = README.replace(/^\| `parallel` \|.*\n/m, '') // the first one: the build action's
      .replace('| `push` | no | `true` |', '| `push` | no | `false` |')
      .replace(/^(\| `ok` \|.*\n)/m, '$1| `digest` | the component digest |\n');
    expect(drifted).not.toBe(README);
    expect(readmeProblems(drifted)).toEqual([
      'README.md "Action `build`", inputs: row `push` has default "`false`", the file says "`true`"',
      'README.md "Action `build`", inputs: missing row `parallel`: ' +
        '| `parallel` | no | (empty) | Tasks built at once (a number; default one per CPU). |',
      'README.md "Action `build`", outputs: extra row `digest`, which the file does not declare',
    ]);
  });

  test('a section that is gone is printed whole, ready to paste', () => {
    const gone = README.replace('#### Action `deploy`', '#### Action `deploy-old`');
    const problems = readmeProblems(gone);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      new RegExp(
        '^README\\.md has no section "#### Action `deploy`"; it should read:\\n#### Action `deploy`\\n\\n' +
          '\\| input \\| required \\| default \\| description \\|\\n',
      ),
    );
  });
});
