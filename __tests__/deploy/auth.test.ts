/**
 * Every way of authenticating to NATS, each against a nats-server configured for it for real, plus the
 * failures a user can act on. Secrets must never reach stdout or stderr.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  credsAuthenticator,
  jwtAuthenticator,
  nkeyAuthenticator,
  type NodeConnectionOptions,
} from '@nats-io/transport-node';
import { encodeAccount, encodeOperator, encodeUser, fmtCreds } from '@nats-io/jwt';
import { createAccount, createOperator, createUser } from '@nats-io/nkeys';
import { materializeCreds } from '../../src/nats/connect.js';
import { resolveNatsSettings } from '../../src/nats/settings.js';
import { cleanupProjects } from '../helpers/project.js';
import { writeGen } from './helpers/genDir.js';
import { runCli } from '../helpers/cli.js';
import { startNatsServer, type NatsServer } from './helpers/natsServer.js';
import { WadmStandIn } from './helpers/wadmStandIn.js';

const dec = new TextDecoder();
const started: (NatsServer | WadmStandIn)[] = [];
const dirs: string[] = [];

afterAll(async () => {
  for (const s of started.reverse()) await s.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  cleanupProjects();
});

async function world(config: string, standIn: NodeConnectionOptions, files: Record<string, string> = {}) {
  const nats = await startNatsServer(config, files);
  started.push(nats);
  const wadm = await WadmStandIn.start({ servers: nats.url, ...standIn });
  started.push(wadm);
  return { nats, wadm };
}

/** Deploys one app with `env`, checks it was deployed and that no secret text was printed. */
async function deployWith(env: Record<string, string>, secrets: string[], app: string) {
  const dir = writeGen([{ app, version: '1.0.0' }]);
  const r = await runCli(env, 'deploy', dir);
  expectNoSecrets(r.all, secrets);
  return r;
}

function expectNoSecrets(text: string, secrets: string[]) {
  for (const s of secrets) expect(text).not.toContain(s);
}

describe('token', () => {
  const token = 's3cr3t-token-value-0123456789';
  let nats: NatsServer;
  beforeAll(async () => ({ nats } = await world(`authorization { token: "${token}" }`, { token })));

  test('deploys with NATS_TOKEN', async () => {
    const r = await deployWith({ NATS_URL: nats.url, NATS_TOKEN: token }, [token], 'token_app');
    expect(r.err).toBe('');
    expect(r.out).toContain(`Lattice default on ${nats.url} (token from NATS_TOKEN)`);
  });

  test('a wrong token is refused, and neither token is printed', async () => {
    const wrong = 'wrong-token-abcdefghijkl';
    const r = await deployWith({ NATS_URL: nats.url, NATS_TOKEN: wrong }, [token, wrong], 'token_bad');
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `error: NATS at ${nats.url} refused the credentials (Authorization Violation)\n  hint: check NATS_TOKEN`,
    );
  });

  test('no credentials at all: the hint lists the settings', async () => {
    const r = await deployWith({ NATS_URL: nats.url }, [token], 'token_none');
    expect(r.code).toBe(1);
    expect(r.err).toContain('refused the credentials');
    expect(r.err).toContain(
      'hint: the server wants credentials: set NATS_CREDS, NATS_USER/NATS_PASSWORD, NATS_TOKEN, ' +
        'NATS_NKEY_SEED or NATS_JWT/NATS_SEED',
    );
  });
});

describe('user and password', () => {
  const password = 'pa55-w0rd-not-to-print';
  let nats: NatsServer;
  beforeAll(
    async () =>
      ({ nats } = await world(`authorization { user: deployer, password: "${password}" }`, {
        user: 'deployer',
        pass: password,
      })),
  );

  test('deploys with NATS_USER/NATS_PASSWORD', async () => {
    const r = await deployWith(
      { NATS_URL: nats.url, NATS_USER: 'deployer', NATS_PASSWORD: password },
      [password],
      'userpass_app',
    );
    expect(r.code).toBe(0);
  });

  test('a wrong password is refused without printing it', async () => {
    const wrong = 'wrong-pa55word-xyz';
    const r = await deployWith(
      { NATS_URL: nats.url, NATS_USER: 'deployer', NATS_PASSWORD: wrong },
      [password, wrong],
      'userpass_bad',
    );
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `error: NATS at ${nats.url} refused the credentials (Authorization Violation)\n` +
        '  hint: check NATS_USER/NATS_PASSWORD',
    );
  });

  test('a password inside the URL is redacted everywhere', async () => {
    const wrong = 'url-pa55word-xyz';
    const r = await deployWith({ NATS_URL: `nats://deployer:${wrong}@${nats.url}` }, [wrong], 'userpass_url');
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `error: NATS at nats://${nats.url} refused the credentials (Authorization Violation)\n` +
        '  hint: check the user info in NATS_URL',
    );
    const ok = await deployWith({ NATS_URL: `nats://deployer:${password}@${nats.url}` }, [password], 'userpass_url_ok');
    expect(ok.err).toBe('');
    expect(ok.out).toContain(`Lattice default on nats://${nats.url} (user-password from the user info in NATS_URL)`);
  });

  test('two authentications at once is a mistake, named without values', async () => {
    const r = await deployWith(
      { NATS_URL: nats.url, NATS_USER: 'deployer', NATS_PASSWORD: password, NATS_TOKEN: 'tok-tok-tok-1234' },
      [password, 'tok-tok-tok-1234'],
      'userpass_two',
    );
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'error: more than one NATS authentication is set: NATS_USER/NATS_PASSWORD, NATS_TOKEN\n' +
        '  hint: keep exactly one of them (the values are not shown)',
    );
  });
});

describe('NKEY', () => {
  const user = createUser();
  const seed = dec.decode(user.getSeed());
  let nats: NatsServer;
  beforeAll(
    async () =>
      ({ nats } = await world(`authorization { users: [ { nkey: ${user.getPublicKey()} } ] }`, {
        authenticator: nkeyAuthenticator(user.getSeed()),
      })),
  );

  test('deploys with NATS_NKEY_SEED', async () => {
    const r = await deployWith({ NATS_URL: nats.url, NATS_NKEY_SEED: seed }, [seed], 'nkey_app');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });

  test("another user's seed is refused", async () => {
    const other = dec.decode(createUser().getSeed());
    const r = await deployWith({ NATS_URL: nats.url, NATS_NKEY_SEED: other }, [seed, other], 'nkey_bad');
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `error: NATS at ${nats.url} refused the credentials (Authorization Violation)\n  hint: check NATS_NKEY_SEED`,
    );
  });

  test('something that is not a seed is named, not printed', async () => {
    const r = await deployWith(
      { NATS_URL: nats.url, NATS_NKEY_SEED: 'not-a-seed-at-all-xyz' },
      ['not-a-seed-at-all-xyz'],
      'nkey_garbage',
    );
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'error: NATS_NKEY_SEED is not a user NKEY seed\n  hint: a user seed starts with SU (the value is not shown)',
    );
  });
});

describe('JWT: creds file, creds contents, JWT + seed (operator mode, memory resolver)', () => {
  let nats: NatsServer;
  let creds: Uint8Array;
  let userJwt: string;
  let userSeed: string;
  let credsFile: string;
  let tmp: string;

  beforeAll(async () => {
    const op = createOperator();
    const acct = createAccount();
    const user = createUser();
    const opJwt = await encodeOperator('pelato-op', op);
    const acctJwt = await encodeAccount(
      'pelato-acct',
      acct,
      { limits: { conn: -1, subs: -1, data: -1, payload: -1, imports: -1, exports: -1, leaf: -1, wildcards: true } },
      { signer: op },
    );
    userJwt = await encodeUser('deployer', user, acct);
    userSeed = dec.decode(user.getSeed());
    creds = fmtCreds(userJwt, user);
    tmp = mkdtempSync(path.join(os.tmpdir(), 'pelato-auth-'));
    dirs.push(tmp);
    credsFile = path.join(tmp, 'user.creds');
    writeFileSync(credsFile, creds, { mode: 0o600 });
    ({ nats } = await world(
      `operator: ${opJwt}\nresolver: MEMORY\nresolver_preload: { ${acct.getPublicKey()}: ${acctJwt} }`,
      { authenticator: credsAuthenticator(creds) },
    ));
  });

  test("deploys with a creds file (NATS_CREDS) and with wash's WASH_CTL_CREDS", async () => {
    const r = await deployWith({ NATS_URL: nats.url, NATS_CREDS: credsFile }, [userSeed, userJwt], 'creds_app');
    expect(r.err).toBe('');
    expect(r.out).toContain('(creds-file from NATS_CREDS)');
    const w = await deployWith(
      { WASMCLOUD_CTL_HOST: '127.0.0.1', WASMCLOUD_CTL_PORT: String(nats.port), WASH_CTL_CREDS: credsFile },
      [userSeed],
      'creds_wash',
    );
    expect(w.code).toBe(0);
    expect(w.out).toContain('(creds-file from WASH_CTL_CREDS)');
  });

  test("deploys with JWT + seed (NATS_JWT/NATS_SEED, and wash's WASMCLOUD_CTL_JWT/SEED)", async () => {
    expect(
      (await deployWith({ NATS_URL: nats.url, NATS_JWT: userJwt, NATS_SEED: userSeed }, [userSeed, userJwt], 'jwt_app'))
        .code,
    ).toBe(0);
    expect(
      (
        await deployWith(
          { NATS_URL: nats.url, WASMCLOUD_CTL_JWT: userJwt, WASMCLOUD_CTL_SEED: userSeed },
          [userSeed, userJwt],
          'jwt_wash',
        )
      ).code,
    ).toBe(0);
  });

  test('creds contents from a secret go to a 0600 temp file that is removed afterwards', async () => {
    const tmpdir = mkdtempSync(path.join(os.tmpdir(), 'pelato-tmpdir-'));
    dirs.push(tmpdir);
    const wadm = started.find(
      (s): s is WadmStandIn => s instanceof WadmStandIn && s.nc.getServer().includes(String(nats.port)),
    )!;
    const seen: { file: string; mode: number; dirMode: number }[] = [];
    wadm.onRequest = (op) => {
      if (op !== 'put') return;
      for (const d of readdirSync(tmpdir)) {
        const dir = path.join(tmpdir, d);
        for (const f of readdirSync(dir))
          seen.push({
            file: path.join(d, f),
            mode: statSync(path.join(dir, f)).mode & 0o777,
            dirMode: statSync(dir).mode & 0o777,
          });
      }
    };
    const r = await deployWith(
      { NATS_URL: nats.url, NATS_CREDS_CONTENT: dec.decode(creds), TMPDIR: tmpdir },
      [userSeed, userJwt],
      'creds_content_app',
    );
    wadm.onRequest = undefined;
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.file).toMatch(/^pelato-creds-\w+\/nats\.creds$/);
    expect(seen[0]!.mode).toBe(0o600);
    expect(seen[0]!.dirMode).toBe(0o700);
    expect(readdirSync(tmpdir)).toEqual([]);
  });

  test('the temp creds file is removed when the connection fails too', async () => {
    const tmpdir = mkdtempSync(path.join(os.tmpdir(), 'pelato-tmpdir-'));
    dirs.push(tmpdir);
    const other = createUser();
    const bad = dec.decode(fmtCreds(await encodeUser('stranger', other, createAccount()), other));
    const r = await deployWith(
      { NATS_URL: nats.url, NATS_CREDS_CONTENT: bad, TMPDIR: tmpdir },
      [dec.decode(other.getSeed())],
      'creds_content_bad',
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain(`error: NATS at ${nats.url} refused the credentials`);
    expect(r.err).toContain('hint: check NATS_CREDS_CONTENT');
    expect(readdirSync(tmpdir)).toEqual([]);
  });

  test('materializeCreds writes 0600 in a 0700 folder and removes both', () => {
    const m = materializeCreds('-----BEGIN NATS USER JWT-----\nx\n');
    expect(statSync(m.file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(m.file)).mode & 0o777).toBe(0o700);
    m.remove();
    expect(() => statSync(path.dirname(m.file))).toThrow();
  });

  test('a missing creds file is named with the setting', async () => {
    const r = await deployWith({ NATS_URL: nats.url, NATS_CREDS: '/nonexistent/user.creds' }, [], 'creds_missing');
    expect(r.err).toBe(
      'error: NATS_CREDS: /nonexistent/user.creds does not exist\n' +
        '  hint: NATS_CREDS takes the path of a .creds file; or put its contents in NATS_CREDS_CONTENT',
    );
  });

  test('a JWT without its seed is named', () => {
    expect(() => resolveNatsSettings({ NATS_JWT: userJwt })).toThrow('NATS_JWT is set but NATS_SEED is not');
  });
});

describe('TLS', () => {
  let pki: string;
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: pki, stdio: 'pipe' });

  beforeAll(() => {
    pki = mkdtempSync(path.join(os.tmpdir(), 'pelato-pki-'));
    dirs.push(pki);
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '1',
      '-subj',
      '/CN=pelato test CA',
    );
    writeFileSync(
      path.join(pki, 'server.ext'),
      'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n',
    );
    writeFileSync(path.join(pki, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
    for (const who of ['server', 'client']) {
      openssl(
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        `${who}.key`,
        '-out',
        `${who}.csr`,
        '-subj',
        `/CN=${who}`,
      );
      openssl(
        'x509',
        '-req',
        '-in',
        `${who}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        `${who}.pem`,
        '-days',
        '1',
        '-extfile',
        `${who}.ext`,
      );
    }
  });
  const f = (n: string) => path.join(pki, n);

  test("server TLS with a private CA (NATS_TLS_CA), and wash's WASH_CTL_TLS_CA_FILE", async () => {
    const { nats } = await world(`tls { cert_file: "${f('server.pem')}", key_file: "${f('server.key')}" }`, {
      tls: { caFile: f('ca.pem') },
    });
    const r = await deployWith({ NATS_URL: nats.url, NATS_TLS_CA: f('ca.pem') }, [], 'tls_app');
    expect(r.err).toBe('');
    expect(r.out).toContain('(no auth, TLS)');
    expect((await deployWith({ NATS_URL: nats.url, WASH_CTL_TLS_CA_FILE: f('ca.pem') }, [], 'tls_wash')).code).toBe(0);
    const noCa = await deployWith({ NATS_URL: nats.url }, [], 'tls_noca');
    expect(noCa.code).toBe(1);
    expect(noCa.err).toMatch(
      new RegExp(`^error: TLS with NATS at ${nats.url} failed: .*(self.signed|unable to verify|certificate)`, 'i'),
    );
  });

  test('mutual TLS: client certificate and key (NATS_TLS_CERT/NATS_TLS_KEY)', async () => {
    const { nats } = await world(
      `tls { cert_file: "${f('server.pem')}", key_file: "${f('server.key')}", ca_file: "${f('ca.pem')}", ` +
        'verify: true }',
      {
        tls: { caFile: f('ca.pem'), certFile: f('client.pem'), keyFile: f('client.key') },
      },
    );
    const r = await deployWith(
      { NATS_URL: nats.url, NATS_TLS_CA: f('ca.pem'), NATS_TLS_CERT: f('client.pem'), NATS_TLS_KEY: f('client.key') },
      [],
      'mtls_app',
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const noCert = await deployWith(
      { NATS_URL: nats.url, NATS_TLS_CA: f('ca.pem'), NATS_CONNECT_TIMEOUT: '2' },
      [],
      'mtls_nocert',
    );
    expect(noCert.code).toBe(1);
    expect(noCert.err).toBe(
      `error: NATS at ${nats.url} accepted the connection but did not complete the handshake within 2 s\n` +
        '  hint: the server may want TLS (NATS_TLS_CA), ' +
        'a client certificate (NATS_TLS_CERT/NATS_TLS_KEY) or TLS first (NATS_TLS_FIRST), ' +
        'or refused the account (limits); see its log',
    );
    const half = await deployWith({ NATS_URL: nats.url, NATS_TLS_CERT: f('client.pem') }, [], 'mtls_half');
    expect(half.err).toBe(
      'error: NATS_TLS_CERT is set but NATS_TLS_KEY is not\n' +
        '  hint: a client certificate needs its key, and the key its certificate',
    );
  });

  test("TLS first (NATS_TLS_FIRST=true, and wash's WASH_CTL_TLS_FIRST)", async () => {
    const { nats } = await world(
      `tls { cert_file: "${f('server.pem')}", key_file: "${f('server.key')}", handshake_first: true }`,
      { tls: { caFile: f('ca.pem'), handshakeFirst: true } },
    );
    const r = await deployWith(
      { NATS_URL: nats.url, NATS_TLS_CA: f('ca.pem'), NATS_TLS_FIRST: 'true' },
      [],
      'tlsfirst_app',
    );
    expect(r.err).toBe('');
    expect(r.out).toContain('(no auth, TLS first)');
    expect(
      (
        await deployWith(
          { NATS_URL: nats.url, WASH_CTL_TLS_CA_FILE: f('ca.pem'), WASH_CTL_TLS_FIRST: 'true' },
          [],
          'tlsfirst_wash',
        )
      ).code,
    ).toBe(0);
  });
});

// Used in the JWT block through the stand-in's own connection options.
void jwtAuthenticator;
