// bench/deploy: time `pelato deploy` (the committed CLI bundle) for 1, 20 and 100 apps over one NATS
// connection, against a real nats-server on loopback and the wadm STAND-IN from __tests__/deploy/helpers
// (real wadm arrives with a later issue; the stand-in reconciles instantly, so "deployed" here measures
// PELATO's and NATS's overhead, not a host pulling images). Prints medians over several runs.
// Usage: node bench/deploy.mjs [runs=5]   (nats-server from PELATO_NATS_SERVER or $(go env GOPATH)/bin)
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { natsServerBinary } from '../scripts/lattice/lattice.mjs';
import { stringify } from 'yaml';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const cli = path.join(root, 'dist', 'cli', 'index.js');
const runs = Number(process.argv[2] ?? 5);

// The stand-in is TypeScript; transpile it next to node_modules so its imports resolve.
const cache = path.join(root, 'node_modules', '.cache', 'pelato-bench');
mkdirSync(cache, { recursive: true });
const src = readFileSync(path.join(root, '__tests__', 'deploy', 'helpers', 'wadmStandIn.ts'), 'utf8');
const js = ts.transpileModule(src, {
  compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
}).outputText;
writeFileSync(path.join(cache, 'wadmStandIn.mjs'), js);
const { WadmStandIn } = await import(path.join(cache, 'wadmStandIn.mjs'));

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

async function startNats() {
  const port = await freePort();
  const child = spawn(natsServerBinary(), ['-a', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise((resolve, reject) => {
    let log = '';
    child.stderr.on('data', (d) => {
      log += d;
      if (log.includes('Server is ready')) resolve();
    });
    child.on('exit', () => reject(new Error(`nats-server exited:\n${log}`)));
  });
  return { url: `127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

function gen(n, tag) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pelato-bench-deploy-'));
  const tasks = [];
  for (let i = 0; i < n; i++) {
    const app = `bench_${tag}_${i}`;
    mkdirSync(path.join(dir, 'gen', app), { recursive: true });
    const manifest = {
      apiVersion: 'core.oam.dev/v1beta1',
      kind: 'Application',
      metadata: { name: app, annotations: { version: '1.0.0', description: `bench ${i}` } },
      spec: {
        components: [
          {
            name: 'task',
            type: 'component',
            properties: { image: `localhost:5000/bench/${app}:1.0.0`, id: `${app}-task` },
            traits: [
              {
                type: 'spreadscaler',
                properties: {
                  instances: 1,
                  spread: [{ name: 'cloud', requirements: { 'host-type': 'cloud' }, weight: 100 }],
                },
              },
            ],
          },
        ],
      },
    };
    writeFileSync(path.join(dir, 'gen', app, 'wadm.yaml'), stringify(manifest));
    tasks.push({
      name: app,
      type: 'processor_nats',
      app,
      component_name: app,
      version: '1.0.0',
      image: manifest.spec.components[0].properties.image,
      targets: ['cloud'],
      instances: 1,
      language: 'go',
      code: 'x.go',
      dir: app,
      manifest: `${app}/wadm.yaml`,
      wit_package: 'pelato:task@0.1.0',
      world: 'processor-nats',
      exports: [],
      providers: ['messaging'],
      template_revision: 1,
      content_hash: 'sha256:00',
    });
  }
  writeFileSync(
    path.join(dir, 'gen', 'plan.json'),
    JSON.stringify({ schema: 1, project_name: 'bench', registry: 'localhost:5000/bench', lattice: 'default', tasks }),
  );
  return dir;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

if (!existsSync(cli)) throw new Error('dist/cli/index.js missing: run npm run build');
const nats = await startNats();
console.log(
  `pelato deploy, ${runs} runs each, nats-server on loopback, wadm STAND-IN (not real wadm: it reconciles instantly)`,
);
console.log('apps  all acknowledged  all deployed  whole command (incl. node start, connect)  per app');
try {
  for (const n of [1, 20, 100]) {
    const ack = [];
    const dep = [];
    const wall = [];
    for (let r = 0; r < runs; r++) {
      const wadm = await WadmStandIn.start({ servers: nats.url });
      const dir = gen(n, `${n}_${r}`);
      const t0 = performance.now();
      // Asynchronously: the stand-in answers from this process's event loop.
      const { stdout: out } = await promisify(execFile)('node', [cli, 'deploy', dir, '--json'], {
        env: { ...process.env, NATS_URL: nats.url },
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      });
      wall.push(performance.now() - t0);
      const res = JSON.parse(out);
      if (!res.ok || res.apps.length !== n) throw new Error(`deploy failed: ${out.slice(0, 500)}`);
      ack.push(Math.max(...res.apps.map((a) => a.ackMs)));
      dep.push(Math.max(...res.apps.map((a) => a.deployedMs)));
      await wadm.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    const f = (ms) => `${ms.toFixed(0)} ms`.padStart(8);
    console.log(
      `${String(n).padStart(4)}  ${f(median(ack)).padStart(16)}  ${f(median(dep)).padStart(12)}  ` +
        `${f(median(wall)).padStart(41)}  ${(median(wall) / n).toFixed(1)} ms`,
    );
  }
} finally {
  nats.stop();
}
console.log('(the earlier Python implementation: 0.2–0.5 s per task, 4–5.5 s for 20 tasks)');
