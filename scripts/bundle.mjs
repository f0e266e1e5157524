// Bundles each entry point with ncc into dist/<entry>/index.js (ES modules, dependencies inlined; what is
// imported on demand, like pg for pelato dev, becomes a chunk beside it), so the CLI and the actions run
// from a checkout with no npm install. A failed bundle leaves dist/ as it was.
import { execFileSync } from 'node:child_process';
import { renameSync, rmSync } from 'node:fs';

const entries = { cli: 'src/cli/index.ts', preview: 'src/github/previewMain.ts' };
for (const [name, src] of Object.entries(entries)) {
  const tmp = `dist/.${name}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  execFileSync(
    'npx',
    [
      'ncc',
      'build',
      src,
      '-o',
      tmp,
      '--target',
      'es2022',
      '--no-source-map-register',
      '--license',
      'licenses.txt',
      '-q',
    ],
    { stdio: 'inherit' },
  );
  rmSync(`dist/${name}`, { recursive: true, force: true });
  renameSync(tmp, `dist/${name}`);
}
