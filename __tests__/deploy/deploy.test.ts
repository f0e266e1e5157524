/**
 * `pelato deploy | remove | status` against a real nats-server on loopback and the wadm stand-in
 * (helpers/wadmStandIn.ts). The assertions are on what a user sees and on what wadm ends up holding.
 */
import { cpSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { StatusResult } from '../../src/deploy/deploy.js';
import { onlyWaitingForHosts } from '../../src/deploy/watch.js';
import { parseStatus } from '../../src/deploy/wadmReplies.js';
import { cleanupProjects, ROOT, tempDir } from '../helpers/project.js';
import { writeGen } from './helpers/genDir.js';
import { runCli } from '../helpers/cli.js';
import { freePort, startNatsServer, type NatsServer } from './helpers/natsServer.js';
import { WadmStandIn } from './helpers/wadmStandIn.js';

/** The parts of a manifest the stand-in stored that these tests read. */
interface StoredManifest {
  spec: {
    components: Array<{ properties: { image?: string; config?: Array<{ properties: Record<string, string> }> } }>;
  };
}

let nats: NatsServer;
let wadm: WadmStandIn;
let monitorPort: number;
let env: Record<string, string>;

beforeAll(async () => {
  monitorPort = await freePort();
  nats = await startNatsServer(`http: "127.0.0.1:${monitorPort}"`);
  env = { NATS_URL: nats.url };
});
beforeEach(async () => {
  wadm = await WadmStandIn.start({ servers: nats.url });
});
afterEach(async () => {
  await wadm.stop();
});
afterAll(async () => {
  await nats.stop();
  cleanupProjects();
});

const deploy = (dir: string, ...extra: string[]) => runCli(env, 'deploy', dir, ...extra);

describe('pelato deploy', () => {
  test('without gen/ it says which command to run', async () => {
    const dir = tempDir();
    const r = await deploy(dir);
    expect(r.code).toBe(1);
    // nothing to generate from either: deploy generates first when it can (src/generate/fresh.ts)
    expect(r.err).toBe(
      `error: ${path.join(dir, 'workflow.yaml')} not found, and nothing generated yet\n` +
        `  hint: run \`pelato init ${dir}\` to start a project, ` +
        'or give the folder that holds workflow.yaml and tasks/',
    );
  });

  test('generates and deploys the seed example, printing status transitions', async () => {
    const dir = tempDir();
    cpSync(path.join(ROOT, 'examples', 'temperature'), dir, {
      recursive: true,
      filter: (s) => !s.includes(`${path.sep}gen`),
    });
    expect((await runCli({}, 'gen', dir)).code).toBe(0);
    wadm.behavior.set('temp_filter', { delayMs: 150 });
    const r = await deploy(dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      'temp_filter: 1.0.2 from temp_filter/wadm.yaml (not pinned: run pelato build to deploy by digest)',
    );
    expect(r.out).toContain('temp_filter: deploy 1.0.2 acknowledged');
    // in order, each line with the app's elapsed time once it is 100 ms or more (progress,
    // src/common/progress.ts; how long the stand-in takes is not this test's business)
    expect(r.out).toMatch(
      new RegExp(
        String.raw`temp_filter: reconciling( \([\d.]+ s\))?\n(.*\n)*temp_filter: deployed( \([\d.]+ s\))?\n(.*\n)*` +
          String.raw`temp_filter: 1\.0\.2 deployed( \([\d.]+ s\))?`,
      ),
    );
    expect(r.out).toMatch(/celsius_to_kelvin_conversion\s+1\.0\.0\s+created\s+deployed/);
    // Put as JSON with a Content-Type, then deploy exactly that version.
    const puts = wadm.calls.filter((c) => c.op === 'put');
    expect(puts).toHaveLength(2);
    for (const p of puts) expect(p.contentType).toBe('application/json');
    expect(JSON.parse(puts.find((p) => p.body.includes('temp_filter'))!.body).metadata.name).toBe('temp_filter');
    expect(
      wadm.calls
        .filter((c) => c.op === 'deploy')
        .map((c) => [c.name, JSON.parse(c.body)])
        .sort(),
    ).toEqual([
      ['celsius_to_kelvin_conversion', { version: '1.0.0' }],
      ['temp_filter', { version: '1.0.2' }],
    ]);
    expect(wadm.apps.get('temp_filter')!.deployed).toBe('1.0.2');
  });

  test('the same version with the same manifest is a no-op', async () => {
    const dir = writeGen([{ app: 'noop_app', version: '1.0.0' }]);
    expect((await deploy(dir)).code).toBe(0);
    const before = wadm.calls.length;
    const r = await deploy(dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain('noop_app: 1.0.0 is already deployed with this manifest; nothing to change');
    expect(r.out).toMatch(/noop_app\s+1\.0\.0\s+unchanged\s+deployed/);
    const after = wadm.calls.slice(before).map((c) => c.op);
    expect(after).not.toContain('put');
    expect(after).not.toContain('deploy');
    expect(after).not.toContain('del');
  });

  test('the same version with a different manifest is an error, and is replaced with --replace', async () => {
    const dir = writeGen([{ app: 'changed_app', version: '1.0.0' }]);
    expect((await deploy(dir)).code).toBe(0);
    writeGen([{ app: 'changed_app', version: '1.0.0', minKelvin: '250' }], dir);
    const r = await deploy(dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      'error: changed_app 1.0.0: changed_app version 1.0.0 already exists on lattice default with a different ' +
        'manifest (bump the version in workflow.yaml, or pass --replace to overwrite that version)',
    );
    expect(r.err).toContain('1 of 1 app not deployed');
    const stored = () =>
      (wadm.apps.get('changed_app')!.versions[0]!.manifest as unknown as StoredManifest).spec.components[0]!.properties
        .config![0]!.properties.min_kelvin;
    expect(stored()).toBe('200');

    const rr = await deploy(dir, '--replace');
    expect(rr.err).toBe('');
    expect(rr.code).toBe(0);
    expect(rr.out).toContain('changed_app: deleted stored version 1.0.0 (--replace)');
    expect(rr.out).toMatch(/changed_app\s+1\.0\.0\s+replaced\s+deployed/);
    expect(JSON.parse(wadm.calls.filter((c) => c.op === 'del').pop()!.body)).toMatchObject({ version: '1.0.0' });
    expect(stored()).toBe('250');
    expect(wadm.apps.get('changed_app')!.deployed).toBe('1.0.0');
  });

  test('a new version is an in-place upgrade', async () => {
    const dir = writeGen([{ app: 'upgrade_app', version: '1.0.0' }]);
    expect((await deploy(dir)).code).toBe(0);
    writeGen([{ app: 'upgrade_app', version: '1.1.0' }], dir);
    const r = await deploy(dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain('upgrade_app: upgrade 1.0.0 → 1.1.0 acknowledged');
    expect(r.out).toMatch(/upgrade_app\s+1\.1\.0\s+upgraded\s+deployed/);
    const app = wadm.apps.get('upgrade_app')!;
    expect(app.versions.map((v) => v.version)).toEqual(['1.0.0', '1.1.0']);
    expect(app.deployed).toBe('1.1.0');
    expect(wadm.calls.map((c) => c.op)).not.toContain('undeploy');
  });

  test('prefers the pinned manifest and says so', async () => {
    const digest = 'sha256:' + 'ab'.repeat(32);
    const dir = writeGen([{ app: 'pinned_app', version: '2.0.0', pinnedDigest: digest }]);
    const r = await deploy(dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain('pinned_app: 2.0.0 from pinned_app/wadm.pinned.yaml (pinned to digests)');
    const stored = wadm.apps.get('pinned_app')!.versions[0]!.manifest as unknown as StoredManifest;
    expect(stored.spec.components[0]!.properties.image).toBe(`localhost:5000/pelato/pinned_app@${digest}`);
  });

  test("a failed app exits 1 with wadm's scaler messages; the others still deploy", async () => {
    const dir = writeGen([
      { app: 'good_app', version: '1.0.0' },
      { app: 'bad_app', version: '1.0.0' },
    ]);
    wadm.behavior.set('bad_app', {
      delayMs: 50,
      final: 'failed',
      message: 'Failed to deploy',
      scalers: [
        {
          name: 'task',
          status: 'failed',
          message: 'failed to fetch image localhost:5000/pelato/bad_app:1.0.0: 404 Not Found',
        },
      ],
    });
    const r = await deploy(dir);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/good_app\s+1\.0\.0\s+created\s+deployed/);
    expect(r.err).toBe(
      'error: bad_app 1.0.0: failed: failed (Failed to deploy) — scalers: task: failed to fetch image ' +
        'localhost:5000/pelato/bad_app:1.0.0: 404 Not Found\n' +
        '1 of 2 apps not deployed:\n' +
        '  bad_app  failed: failed (Failed to deploy) — scalers: task: failed to fetch image ' +
        'localhost:5000/pelato/bad_app:1.0.0: 404 Not Found',
    );
  });

  test('an unhealthy app exits 1', async () => {
    const dir = writeGen([{ app: 'sick_app', version: '1.0.0' }]);
    wadm.behavior.set('sick_app', {
      final: 'unhealthy',
      scalers: [{ name: 'task', status: 'unhealthy', message: 'component task is not responding on host NABC' }],
    });
    const r = await deploy(dir, '--json');
    expect(r.code).toBe(1);
    const res = JSON.parse(r.out);
    expect(res.ok).toBe(false);
    expect(res.apps[0]).toMatchObject({
      app: 'sick_app',
      outcome: 'unhealthy',
      message: 'unhealthy — scalers: task: component task is not responding on host NABC',
    });
  });

  test('a timeout reports the last known status', async () => {
    const dir = writeGen([{ app: 'slow_app', version: '1.0.0' }]);
    wadm.behavior.set('slow_app', {
      final: 'reconciling',
      message: 'waiting for hosts with host-type=cloud',
      scalers: [{ name: 'task', status: 'reconciling', message: 'No hosts match the spread requirements' }],
    });
    const r = await deploy(dir, '--timeout', '700ms');
    expect(r.code).toBe(1);
    // It gave up at its deadline while the app was still reconciling, not when wadm settled it.
    expect(wadm.apps.get('slow_app')!.status.type).toBe('reconciling');
    expect(r.err).toContain(
      'error: slow_app 1.0.0: timeout: not deployed after 0.7 s; last status: reconciling (waiting for hosts ' +
        'with host-type=cloud) — scalers: task: No hosts match the spread requirements',
    );
  });

  test(
    '"0 eligible hosts" is not final at once: ' + 'hosts may still be joining (wadm reconciles when they do)',
    async () => {
      const dir = writeGen([{ app: 'early_app', version: '1.0.0' }]);
      const noHosts =
        'Could not satisfy daemonscaler cloud for localhost:5000/pelato/early_app:1.0.0, 0 eligible hosts found.';
      wadm.behavior.set('early_app', {
        final: 'failed',
        message: noHosts,
        scalers: [{ name: 'task', status: 'failed', message: noHosts }],
      });
      const r = await deploy(dir, '--timeout', '1500ms');
      expect(r.code).toBe(1);
      // 'timeout', not 'failed': the failure did not end the wait, the deadline did.
      expect(r.err).toContain(
        `error: early_app 1.0.0: timeout: not deployed after 2 s; last status: failed — scalers: task: ${noHosts}`,
      );
      // Said once, in the manifest's terms, while it waits.
      expect(r.out.split('\n').filter((l) => l.includes('waiting:'))).toEqual([
        expect.stringMatching(
          new RegExp(
            '^early_app: waiting: no host labelled host-type=cloud is known to wadm yet ' +
              String.raw`\(a host is known from its first heartbeat; waiting until the deadline\)( \([\d.]+ s\))?$`,
          ),
        ),
      ]);
      // Any other failure ends the wait at once (the bad_app test above); a mixed one too:
      // (through parseStatus, where wadm's wording is classified, as the deploy sees it)
      const st = (...scalers: Array<[string, string]>) =>
        parseStatus({
          status: { type: 'failed', message: '' },
          scalers: scalers.map(([type, message]) => ({ id: 'x', kind: 'k', name: 'x', status: { type, message } })),
        });
      expect(onlyWaitingForHosts(st(['failed', noHosts], ['deployed', '']))).toBe(true);
      expect(onlyWaitingForHosts(st(['failed', 'No hosts match the spread requirements']))).toBe(true);
      expect(onlyWaitingForHosts(st(['failed', noHosts], ['failed', 'failed to fetch image: 404']))).toBe(false);
    },
  );

  test("wadm's rejection: component id already used by another app", async () => {
    const first = writeGen([{ app: 'owner_app', version: '1.0.0', id: 'shared-task' }]);
    expect((await deploy(first)).code).toBe(0);
    const dir = writeGen([{ app: 'thief_app', version: '1.0.0', id: 'shared-task' }]);
    const r = await deploy(dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      "error: thief_app 1.0.0: wadm rejected deploy of thief_app 1.0.0: Component identifier 'shared-task' is " +
        "already deployed in a different application 'owner_app' (another app (owner_app) uses the same component " +
        'id: rename component_name, or remove owner_app first)',
    );
  });

  test("wadm's rejection: a manifest it cannot parse", async () => {
    const dir = writeGen([{ app: 'odd_app', version: '1.0.0', extra: { status: { bogus: true } } }]);
    const r = await deploy(dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      'error: odd_app 1.0.0: wadm rejected put of odd_app 1.0.0: Unable to parse manifest: unknown field `status`',
    );
  });

  test(
    "one app's rejection is that app's result, " + "whatever wadm's words: the decision is on the error's kind",
    async () => {
      // wadm quotes the unknown field, so its message holds words that once meant "stop everything".
      const dir = writeGen([
        {
          app: 'worded_app',
          version: '1.0.0',
          extra: { 'no wadm is listening, connection closed, NATS denied': true },
        },
        { app: 'fine_app', version: '1.0.0' },
      ]);
      const r = await runCli(env, 'deploy', dir, '--json');
      expect(r.code).toBe(1);
      const res = JSON.parse(r.out) as { apps: Array<{ app: string; outcome: string; message?: string }> };
      const byApp = Object.fromEntries(res.apps.map((a) => [a.app, a]));
      expect(byApp.worded_app).toMatchObject({ outcome: 'error' });
      expect(byApp.worded_app!.message).toMatch(
        new RegExp(
          String.raw`^wadm rejected put of worded_app 1\.0\.0: Unable to parse manifest: ` +
            'unknown field `no wadm is listening, connection closed, NATS denied`',
        ),
      );
      expect(byApp.fine_app).toMatchObject({ outcome: 'deployed' });
      expect(wadm.apps.get('fine_app')!.deployed).toBe('1.0.0');
    },
  );

  test('no wadm on the lattice', async () => {
    const dir = writeGen([{ app: 'lonely_app', version: '1.0.0' }], tempDir(), 'nobody-home');
    const r = await deploy(dir);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'error: connected to NATS but no wadm is listening on lattice nobody-home\n' +
        '  hint: start wadm for this lattice, or pick another with --lattice / WASMCLOUD_LATTICE',
    );
  });

  test('--lattice and WASMCLOUD_LATTICE override plan.json', async () => {
    const dir = writeGen([{ app: 'lat_app', version: '1.0.0' }], tempDir(), 'default');
    const r1 = await runCli({ ...env, WASMCLOUD_LATTICE: 'elsewhere' }, 'deploy', dir);
    expect(r1.err).toContain('no wadm is listening on lattice elsewhere');
    const r2 = await runCli({ ...env, WASMCLOUD_LATTICE: 'elsewhere' }, 'deploy', dir, '--lattice', 'default');
    expect(r2.code).toBe(0);
  });

  test('NATS unreachable: bounded retries, then one line naming the server and the setting', async () => {
    const port = await freePort();
    const dir = writeGen([{ app: 'x_app', version: '1.0.0' }]);
    const r = await runCli({ NATS_URL: `nats://127.0.0.1:${port}` }, 'deploy', dir);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `error: cannot reach NATS at nats://127.0.0.1:${port}` +
        ` after 4 attempts: connection refused (connect ECONNREFUSED 127.0.0.1:${port})\n` +
        '  hint: check NATS_URL (servers came from NATS_URL) and that nats-server is running',
    );
  });

  test('NATS_HOST/NATS_PORT (the seed .env) and WASMCLOUD_CTL_HOST/PORT (wash) select the server', async () => {
    const dir = writeGen([{ app: 'hostport_app', version: '1.0.0' }]);
    expect((await runCli({ NATS_HOST: '127.0.0.1', NATS_PORT: String(nats.port) }, 'deploy', dir)).code).toBe(0);
    const r = await runCli({ WASMCLOUD_CTL_HOST: '127.0.0.1', WASMCLOUD_CTL_PORT: String(nats.port) }, 'status', dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/hostport_app\s+1\.0\.0\s+1\.0\.0\s+1\.0\.0\s+deployed/);
  });

  test('.env in DIR is read; the real environment wins', async () => {
    const dir = writeGen([{ app: 'dotenv_app', version: '1.0.0' }]);
    writeFileSync(
      path.join(dir, '.env'),
      `# from the template\nNATS_HOST=127.0.0.1\nNATS_PORT=${nats.port}\nWASMCLOUD_LATTICE="default"\n`,
    );
    expect((await runCli({}, 'deploy', dir)).code).toBe(0);
    const bad = await freePort();
    writeFileSync(path.join(dir, '.env'), `NATS_URL=127.0.0.1:${bad}\n`);
    const r = await runCli({ NATS_URL: nats.url }, 'status', dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Lattice default on ${nats.url} (no auth)`);
  });

  test('all apps go over one connection, concurrently', async () => {
    const apps = Array.from({ length: 12 }, (_, i) => ({ app: `many_${i}`, version: '1.0.0' }));
    const dir = writeGen(apps);
    for (const a of apps) wadm.behavior.set(a.app, { delayMs: 1000 });
    // At each deploy request: how many other apps are deployed but still reconciling, and how many
    // connections named "pelato" the server has (its monitoring endpoint), asked before wadm answers.
    const stillReconciling: number[] = [];
    const connections: Array<Promise<number>> = [];
    wadm.onRequest = (op) => {
      if (op !== 'deploy') return;
      stillReconciling.push([...wadm.apps.values()].filter((a) => a.deployed && a.status.type !== 'deployed').length);
      connections.push(
        fetch(`http://127.0.0.1:${monitorPort}/connz?limit=100`)
          .then((res) => res.json() as Promise<{ connections: { name?: string }[] }>)
          .then((j) => j.connections.filter((c) => c.name === 'pelato').length),
      );
    };
    const r = await deploy(dir);
    wadm.onRequest = undefined;
    expect(r.code).toBe(0);
    // One after the other, every app would be deployed before the next is asked for (0 each time);
    // together, the last request finds the eleven others still reconciling.
    expect(stillReconciling).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(new Set(await Promise.all(connections))).toEqual(new Set([1]));
  });
});

describe('pelato remove and status', () => {
  test('remove --keep-versions only undeploys; remove deletes; a second remove finds nothing', async () => {
    const dir = writeGen([
      { app: 'rm_a', version: '1.0.0' },
      { app: 'rm_b', version: '1.0.0' },
    ]);
    expect((await deploy(dir)).code).toBe(0);
    writeGen(
      [
        { app: 'rm_a', version: '1.1.0' },
        { app: 'rm_b', version: '1.0.0' },
      ],
      dir,
    );
    expect((await deploy(dir)).code).toBe(0);

    const k = await runCli(env, 'remove', dir, '--keep-versions');
    expect(k.code).toBe(0);
    expect(k.out).toContain('rm_a: undeployed; kept 2 versions');
    expect(k.out).toMatch(/rm_a\s+undeployed\s+1\.0\.0,1\.1\.0/);
    expect(wadm.apps.get('rm_a')!.deployed).toBeUndefined();
    expect(wadm.apps.get('rm_a')!.versions).toHaveLength(2);

    const st = await runCli(env, 'status', dir, '--json');
    expect(st.code).toBe(0);
    const rows = (JSON.parse(st.out) as StatusResult).apps;
    expect(rows.find((x) => x.app === 'rm_a')).toMatchObject({
      version: '1.1.0',
      latestVersion: '1.1.0',
      status: 'undeployed',
    });
    expect(rows.find((x) => x.app === 'rm_a')!.deployedVersion).toBeUndefined();

    const d = await runCli(env, 'remove', dir);
    expect(d.code).toBe(0);
    expect(d.out).toContain('rm_a: undeployed and deleted 2 versions');
    expect(d.out).toContain('rm_b: undeployed and deleted 1 version');
    expect(wadm.apps.has('rm_a')).toBe(false);
    expect(wadm.apps.has('rm_b')).toBe(false);

    const again = await runCli(env, 'remove', dir);
    expect(again.code).toBe(0);
    expect(again.out).toContain('rm_a: not on the lattice; nothing to remove');
  });

  test('status prints a table of apps, versions and states', async () => {
    const dir = writeGen([
      { app: 'st_ok', version: '1.0.0' },
      { app: 'st_failed', version: '3.0.0' },
      { app: 'st_absent', version: '0.1.0' },
    ]);
    wadm.behavior.set('st_failed', { final: 'failed', message: 'image pull failed' });
    const dep = writeGen([
      { app: 'st_ok', version: '1.0.0' },
      { app: 'st_failed', version: '3.0.0' },
    ]);
    expect((await deploy(dep)).code).toBe(1);
    const r = await runCli(env, 'status', dir);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe(`Lattice default on ${nats.url} (no auth):`);
    expect(lines[1]).toMatch(/^\s+app\s+gen version\s+deployed\s+latest stored\s+state\s+message$/);
    expect(r.out).toMatch(/st_ok\s+1\.0\.0\s+1\.0\.0\s+1\.0\.0\s+deployed/);
    expect(r.out).toMatch(/st_failed\s+3\.0\.0\s+3\.0\.0\s+3\.0\.0\s+failed\s+image pull failed/);
    expect(r.out).toMatch(/st_absent\s+0\.1\.0\s+-\s+-\s+undeployed\s+not on the lattice/);
  });
});

describe('older wadm reply shapes', () => {
  test('deploy, status and remove work against the legacy shapes', async () => {
    await wadm.stop();
    wadm = await WadmStandIn.start({ servers: nats.url }, { legacy: true });
    const dir = writeGen([{ app: 'legacy_app', version: '1.0.0' }]);
    wadm.behavior.set('legacy_app', { scalers: [{ name: 'task', status: 'deployed', message: '' }] });
    const r = await deploy(dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain('legacy_app: deployed'); // "ready" read as deployed
    const st = await runCli(env, 'status', dir);
    expect(st.out).toMatch(/legacy_app\s+1\.0\.0\s+1\.0\.0\s+1\.0\.0\s+deployed/);
    expect(wadm.count('list')).toBe(1); // fell back to the deprecated model.list
    expect((await runCli(env, 'remove', dir)).code).toBe(0);
    expect(existsSync(dir)).toBe(true);
    expect(wadm.apps.size).toBe(0);
  });
});
