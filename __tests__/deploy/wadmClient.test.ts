/**
 * The wadm client against the documented API. Runs against the stand-in today; the assertions are on
 * wadm's documented replies, so the file can run against a real wadm unchanged (set up in a later issue).
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { stringify } from 'yaml';
import { describeStatus } from '../../src/deploy/deploy.js';
import { WadmClient } from '../../src/deploy/wadmClient.js';
import { classifyWadmMessage, parseList, parsePut, parseStatus } from '../../src/deploy/wadmReplies.js';
import { cleanupProjects, ROOT } from '../helpers/project.js';
import { manifestFor, writeGen } from './helpers/genDir.js';
import { runCli } from '../helpers/cli.js';
import { startNatsServer, type NatsServer } from './helpers/natsServer.js';
import { WadmStandIn } from './helpers/wadmStandIn.js';

let nats: NatsServer;
let wadm: WadmStandIn;
let nc: NatsConnection;
let client: WadmClient;

beforeAll(async () => {
  nats = await startNatsServer();
  wadm = await WadmStandIn.start({ servers: nats.url });
  nc = await connect({ servers: nats.url });
  client = new WadmClient(nc, { lattice: 'default' });
});
afterAll(async () => {
  await nc.close();
  await wadm.stop();
  await nats.stop();
  cleanupProjects();
});

describe('WadmClient', () => {
  test('put (JSON and YAML), versions, get, list, deploy, status, undeploy, delete', async () => {
    const v1 = manifestFor({ app: 'client_app', version: '1.0.0' });
    expect(await client.put(v1)).toMatchObject({
      result: 'created',
      name: 'client_app',
      currentVersion: '1.0.0',
      totalVersions: 1,
    });
    expect(await client.put(stringify(manifestFor({ app: 'client_app', version: '1.1.0' })))).toMatchObject({
      result: 'newversion',
      currentVersion: '1.1.0',
      totalVersions: 2,
    });
    expect(await client.versions('client_app')).toEqual([
      { version: '1.0.0', deployed: false },
      { version: '1.1.0', deployed: false },
    ]);
    expect((await client.get('client_app', '1.0.0')).manifest).toMatchObject({
      metadata: { name: 'client_app', annotations: { version: '1.0.0' } },
    });
    expect((await client.get('client_app')).manifest).toMatchObject({
      metadata: { annotations: { version: '1.1.0' } },
    });
    expect(await client.get('no_such_app')).toMatchObject({ result: 'notfound' });
    expect(await client.versions('no_such_app')).toEqual([]);

    // The status feed says when wadm got there: subscribed before asking, so no change is missed.
    const seen: string[] = [];
    const waiting = new Map<string, () => void>();
    const reached = (want: string) => new Promise<void>((resolve) => waiting.set(want, resolve));
    const sub = client.watchStatus('client_app', (s) => {
      seen.push(s.status);
      waiting.get(s.status)?.();
    });
    await nc.flush();
    const deployed = reached('deployed');
    expect(await client.deploy('client_app', '1.0.0')).toMatchObject({ result: 'acknowledged', name: 'client_app' });
    await deployed;
    expect((await client.status('client_app')).status).toBe('deployed');
    expect((await client.list()).find((m) => m.name === 'client_app')).toMatchObject({
      version: '1.1.0',
      deployedVersion: '1.0.0',
      status: 'deployed',
    });
    expect(await client.deploy('client_app', '9.9.9')).toMatchObject({ result: 'notfound' });

    const undeployed = reached('undeployed');
    expect(await client.undeploy('client_app')).toMatchObject({ result: 'acknowledged' });
    await undeployed;
    sub.unsubscribe();
    expect(seen).toEqual(['reconciling', 'deployed', 'undeployed']);
    expect((await client.status('client_app')).status).toBe('undeployed');
    expect(await client.delete('client_app', '1.0.0')).toMatchObject({ result: 'deleted' });
    expect((await client.versions('client_app')).map((v) => v.version)).toEqual(['1.1.0']);
    expect(await client.delete('client_app')).toMatchObject({ result: 'deleted' });
    expect(await client.versions('client_app')).toEqual([]);
    expect((await client.status('client_app')).status).toBe('undeployed'); // unknown apps answer ok/undeployed
  });

  test('put rejections: version exists, "latest", unparsable manifests', async () => {
    await client.put(manifestFor({ app: 'reject_app', version: '1.0.0' }));
    expect(await client.put(manifestFor({ app: 'reject_app', version: '1.0.0' }))).toMatchObject({
      result: 'error',
      message: 'Manifest version 1.0.0 already exists',
    });
    const latest = await client.put(manifestFor({ app: 'reject_app', version: 'latest' }));
    expect(latest.result).toBe('error');
    expect(latest.message).toMatch(/latest/);
    const bad = await client.put('apiVersion: [unclosed');
    expect(bad.result).toBe('error');
    expect(bad.message).toMatch(/^Unable to parse manifest/);
  });

  test('puts as JSON with a Content-Type header', async () => {
    await client.put(manifestFor({ app: 'ct_app', version: '1.0.0' }));
    const call = wadm.calls.filter((c) => c.op === 'put').pop()!;
    expect(call.contentType).toBe('application/json');
    expect(JSON.parse(call.body).metadata.name).toBe('ct_app');
  });

  test('names that would add subject tokens are refused before sending', () => {
    expect(() => client.subject('deploy', 'a.b')).toThrow('"a.b" is not a valid wadm application name');
    expect(() => new WadmClient(nc, { lattice: 'x.y' })).toThrow('lattice "x.y" is not a valid lattice name');
  });

  test('no responders on a lattice without wadm', async () => {
    const e = new WadmClient(nc, { lattice: 'empty' }).versions('x');
    await expect(e).rejects.toThrow('connected to NATS but no wadm is listening on lattice empty');
    await expect(e).rejects.toMatchObject({ kind: 'wadm-absent' });
  });

  test('a closed connection is its own kind, whatever nats.js says', async () => {
    const nc2 = await connect({ servers: nats.url });
    const c = new WadmClient(nc2, { lattice: 'default' });
    await nc2.close();
    await expect(c.versions('x')).rejects.toMatchObject({
      kind: 'nats-closed',
      message: 'the NATS connection closed during versions x',
    });
  });
});

describe("classifyWadmMessage: wadm's words are read once, where its replies are parsed", () => {
  test.each([
    [
      "Component identifier 'shared-task' is already deployed in a different application 'owner_app'",
      { reason: 'component-conflict', otherApp: 'owner_app' },
    ],
    ['Manifest version 1.0.0 already exists', { reason: 'version-exists' }],
    ['Unable to parse manifest: unknown field `status`', { reason: 'invalid-manifest' }],
    ['Could not satisfy daemonscaler edge for a-task, 0 eligible hosts found.', { reason: 'no-hosts', spread: 'edge' }],
    ['Could not satisfy spread cloud for a-task, 0/1 eligible hosts found.', { reason: 'no-hosts', spread: 'cloud' }],
    ['No hosts match the spread requirements', { reason: 'no-hosts' }],
    ['Model not found', { reason: 'not-found' }],
    ['Something else went wrong', { reason: 'other' }],
  ])('%s', (message, verdict) => {
    expect(classifyWadmMessage(message)).toEqual(verdict);
    // every parsed reply carries the verdict, so callers never look at the text
    expect(parsePut({ result: 'error', message })).toMatchObject(verdict);
  });
});

describe('reply shapes, old and new', () => {
  test('progress lines: real wadm repeats its scalers in the app message, printed once', () => {
    // As wadm 0.21.1 sent it on the loopback lattice (__tests__/e2e), shortened.
    const st = parseStatus({
      status: {
        type: 'reconciling',
        message: 'Scaling component on 1 host(s), Putting link definition between a-messaging and a-task',
      },
      scalers: [
        {
          id: 'a-task',
          kind: 'DaemonScaler',
          name: 'a-task',
          status: { type: 'reconciling', message: 'Scaling component on 1 host(s)' },
        },
        {
          id: 'l',
          kind: 'LinkScaler',
          name: 'a-messaging -(wasmcloud:messaging)-> a-task',
          status: { type: 'reconciling', message: 'Putting link definition between a-messaging and a-task' },
        },
        { id: 'p', kind: 'DaemonScaler', name: 'a-messaging', status: { type: 'deployed', message: '' } },
      ],
    });
    expect(describeStatus(st)).toBe(
      'reconciling — scalers: a-task: Scaling component on 1 host(s); a-messaging -(wasmcloud:messaging)-> ' +
        'a-task: Putting link definition between a-messaging and a-task',
    );
    expect(describeStatus({ ...st, message: 'waiting for hosts' })).toMatch(
      /^reconciling \(waiting for hosts\) — scalers: /,
    );
  });

  test('status: new {status:{type}, scalers} and old {version, status, components} with aliases', () => {
    expect(
      parseStatus({
        status: { type: 'failed', message: 'boom' },
        scalers: [{ id: 'i', kind: 'SpreadScaler', name: 'task', status: { type: 'failed', message: 'no image' } }],
      }),
    ).toEqual({
      status: 'failed',
      message: 'boom',
      reason: 'other',
      scalers: [
        { id: 'i', kind: 'SpreadScaler', name: 'task', status: 'failed', message: 'no image', reason: 'other' },
      ],
    });
    const old = parseStatus({
      version: '1.0.0',
      status: { type: 'compensating' },
      components: [
        {
          name: 'task',
          type: 'component',
          status: { type: 'ready' },
          traits: [{ type: 'spreadscaler', status: { type: 'compensating', message: 'waiting' } }],
        },
      ],
    });
    expect(old).toEqual({
      status: 'reconciling',
      message: '',
      reason: 'other',
      version: '1.0.0',
      scalers: [
        { id: 'task', kind: 'spreadscaler', name: 'task', status: 'reconciling', message: 'waiting', reason: 'other' },
      ],
    });
    expect(parseStatus({ status: { type: 'ready' } }).status).toBe('deployed');
    expect(parseStatus({ status: { type: 'unhealthy' } }).status).toBe('unhealthy');
  });

  test('list: {models} with detailed_status, and the deprecated bare array', () => {
    expect(
      parseList({
        result: 'success',
        models: [
          {
            name: 'a',
            version: '2',
            deployed_version: '1',
            detailed_status: { status: { type: 'deployed' } },
            status: 'deployed',
          },
        ],
      }).models,
    ).toEqual([{ name: 'a', version: '2', deployedVersion: '1', status: 'deployed', message: '' }]);
    expect(
      parseList([{ name: 'a', version: '2', deployed_version: null, status: 'compensating', status_message: 'x' }])
        .models,
    ).toEqual([{ name: 'a', version: '2', status: 'reconciling', message: 'x' }]);
  });
});

describe('.env', () => {
  // the parser itself: __tests__/cli/dotenv.test.ts
  test('.env.template, filled in with a port, works as a project .env', async () => {
    const dir = writeGen([{ app: 'template_app', version: '1.0.0' }]);
    copyFileSync(path.join(ROOT, '.env.template'), path.join(dir, '.env'));
    const text = readFileSync(path.join(dir, '.env'), 'utf8');
    for (const k of [
      'REGISTRY_URL',
      'REGISTRY_USER',
      'REGISTRY_PASSWORD',
      'PARALLEL_BUILD',
      'NATS_HOST',
      'NATS_PORT',
      'ENABLE_METRICS',
      'NATS_URL',
      'NATS_CREDS',
      'NATS_CREDS_CONTENT',
      'NATS_TLS_FIRST',
    ]) {
      expect(text).toMatch(new RegExp(`^${k}=`, 'm'));
    }
    writeFileSync(
      path.join(dir, '.env'),
      text.replace('NATS_HOST=localhost', 'NATS_HOST=127.0.0.1').replace('NATS_PORT=4222', `NATS_PORT=${nats.port}`),
    );
    const r = await runCli({}, 'deploy', dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });
});
