// Source lines are at most 120 characters. Biome formats code to that width (biome.json) but does not split
// string literals, comments or regular expressions, and does not read shell or YAML: this catches what it leaves.
// Run by `npm run lint` after `biome check`; prints file:line for each long line and exits 1 if there is one.
// Checked: every tracked .ts/.mjs/.cjs/.js/.sh file, the workflows (also examples/github's) and the action.yml
// files. Not checked: built output (dist/), lockfiles, golden trees and fixtures (kept as generated or as found),
// JSON schemas, Markdown, and templates/ (copied or rendered into gen/: their lines are the generated code, which
// __tests__/golden compares).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const MAX = 120;
const CHECKED = /\.(ts|mjs|cjs|js|sh)$|^\.github\/.*\.ya?ml$|^examples\/github\/.*\.ya?ml$|(^|\/)action\.yml$/;
const SKIPPED = /^dist\/|^templates\/|(^|\/)package-lock\.json$|(^|\/)golden\/|(^|\/)fixtures\//;

const files = execFileSync('git', ['ls-files', '-z'], { encoding: 'utf8', maxBuffer: 64 << 20 })
  .split('\0')
  .filter((f) => f && CHECKED.test(f) && !SKIPPED.test(f) && existsSync(f));
let long = 0;
for (const file of files) {
  readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .forEach((line, i) => {
      const n = [...line].length; // characters (code points), not UTF-16 units or bytes
      if (n > MAX) {
        console.log(`${file}:${i + 1}: ${n} characters`);
        long++;
      }
    });
}
if (long) {
  console.error(`${long} line${long === 1 ? '' : 's'} longer than ${MAX} characters: split the string or comment`);
  process.exit(1);
}
