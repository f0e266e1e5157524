/**
 * `pelato brush` — the whole pipeline as the seed named it: gen → build (real componentize-js, real
 * registry, real oras) → deploy (real nats-server; wadm is the documented stand-in until a real lattice
 * exists). What wadm receives is the digest-pinned manifest of what was built.
 */
import { runCli } from '../helpers/cli.js';
import { startRegistry, toolEnv, type TestRegistry } from '../package/helpers/registry.js';
import { startNatsServer, type NatsServer } from '../deploy/helpers/natsServer.js';
import { WadmStandIn } from '../deploy/helpers/wadmStandIn.js';
import { cleanupProjects, copyExample } from '../helpers/project.js';

let registry: TestRegistry;
let nats: NatsServer;
let wadm: WadmStandIn;

beforeAll(async () => {
  registry = await startRegistry();
  nats = await startNatsServer();
  wadm = await WadmStandIn.start({ servers: nats.url });
}, 60_000);

afterAll(async () => {
  await wadm?.stop();
  await nats?.stop();
  await registry?.stop();
  cleanupProjects();
});

const run = (env: Record<string, string>, ...argv: string[]) =>
  runCli(toolEnv({ PARALLEL_BUILD: '2', ...env }), ...argv);

describe('pelato brush', () => {
  test('gen → build → deploy: the lattice gets manifests pinned to the pushed digests; ' +
    'a re-run changes nothing', async () => {
    const dir = copyExample('hello');
    const env = { REGISTRY_URL: `${registry.host}/brush`, NATS_URL: nats.url };
    const r = await run(env, 'brush', dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/== gen[\s\S]*== build[\s\S]*== deploy/);
    for (const app of ['hello-greet', 'hello-shout', 'hello-measure']) {
      const stored = wadm.apps.get(app)!;
      expect(stored).toBeDefined();
      const manifest = stored.versions.at(-1)!.manifest as {
        spec: { components: Array<{ properties: { image: string } }> };
      };
      expect(manifest.spec.components[0]!.properties.image).toMatch(
        new RegExp(`^${registry.host}/brush/${app}@sha256:[a-f0-9]{64}$`),
      );
    }
    const again = await run(env, 'brush', dir);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/hello-shout: unchanged in the registry/);
    expect(again.out).not.toMatch(/compiling/);
  }, 600_000);

  test('a failing stage stops the pipeline with its name', async () => {
    const dir = copyExample('hello');
    const r = await run(
      { REGISTRY_URL: `${registry.host}/brush2`, NATS_URL: 'nats://127.0.0.1:1', NATS_CONNECT_TIMEOUT: '1' },
      'brush',
      dir,
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot reach NATS at nats:\/\/127\.0\.0\.1:1/);
    expect(r.err.split('\n').pop()).toBe('brush stopped: deploy failed');
  }, 600_000);
});
