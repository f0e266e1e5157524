// Bundles each entry point with ncc into dist/<entry>/index.js (ES modules, dependencies inlined), so
// the CLI and the actions run from a checkout with no npm install.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const entries = { cli: 'src/cli/index.ts' };
for (const [name, src] of Object.entries(entries)) {
  rmSync(`dist/${name}`, { recursive: true, force: true });
  execFileSync('npx', ['ncc', 'build', src, '-o', `dist/${name}`, '--target', 'es2022', '--no-source-map-register', '--license', 'licenses.txt', '-q'], { stdio: 'inherit' });
}
