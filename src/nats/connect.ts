/**
 * One NATS connection for a whole deploy: credentials from the settings, bounded retries with backoff
 * while the server cannot be reached, and failures turned into one line the user can act on.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import {
  connect,
  credsAuthenticator,
  jwtAuthenticator,
  nkeyAuthenticator,
  type NatsConnection,
  type NodeConnectionOptions,
} from '@nats-io/transport-node';
import { PelatoError } from '../common/diagnostics.js';
import { privateFile } from '../common/secrets.js';
import { classifyConnectError, errorDetail } from './errors.js';
import { envName } from '../common/settings.js';
import { redactUrl, type NatsSettings } from './settings.js';
import { scrub } from '../common/secrets.js';

export interface ConnectOptions {
  /** Connection attempts before giving up on an unreachable server (default 4). */
  attempts?: number;
  /** First delay between attempts in ms, doubled each time (default 250). */
  backoffMs?: number;
  /** Handshake timeout per attempt in ms (default 5000). */
  handshakeMs?: number;
  /** Where NATS_CREDS_CONTENT is written for the connection's lifetime (default the OS temp dir). */
  tmpDir?: string;
  name?: string;
}

export interface NatsHandle {
  nc: NatsConnection;
  settings: NatsSettings;
  /** Drains and closes the connection and removes any temporary credentials file. */
  close(): Promise<void>;
}

/** Writes creds contents to a 0600 file in a fresh 0700 folder; `remove` deletes both. */
export function materializeCreds(content: string, tmpDir = os.tmpdir()): { file: string; remove: () => void } {
  const f = privateFile(tmpDir, 'pelato-creds-', 'nats.creds', content.endsWith('\n') ? content : content + '\n');
  return { file: f.file, remove: f.dispose };
}

const enc = new TextEncoder();

function authOptions(s: NatsSettings, credsFile: string | undefined): Partial<NodeConnectionOptions> {
  const a = s.auth;
  switch (a.kind) {
    case 'none':
      return {};
    case 'creds-file':
    case 'creds-content': {
      const file = a.kind === 'creds-file' ? a.path : credsFile!;
      let data: Uint8Array;
      try {
        data = readFileSync(file);
      } catch (e) {
        throw new PelatoError(
          `${a.from}: cannot read ${a.kind === 'creds-file' ? file : 'the credentials'} ` +
            `(${(e as NodeJS.ErrnoException).code})`,
          'check the path and its permissions',
        );
      }
      return { authenticator: credsAuthenticator(data) };
    }
    case 'nkey':
      if (!/^SU[A-Z2-7]{50,}$/.test(a.seed))
        throw new PelatoError(
          `${a.from} is not a user NKEY seed`,
          'a user seed starts with SU (the value is not shown)',
        );
      return { authenticator: nkeyAuthenticator(enc.encode(a.seed)) };
    case 'jwt':
      if (!/^SU[A-Z2-7]{50,}$/.test(a.seed))
        throw new PelatoError(
          `the seed in ${a.from} is not a user NKEY seed`,
          'a user seed starts with SU (the value is not shown)',
        );
      return { authenticator: jwtAuthenticator(a.jwt, enc.encode(a.seed)) };
    case 'user-password':
      return { user: a.user, pass: a.password };
    case 'token':
      return { token: a.token };
  }
}

function hintFor(s: NatsSettings): string {
  const a = s.auth;
  if (a.kind === 'none')
    return (
      `the server wants credentials: set ${envName('natsCreds')}, ${envName('natsUser')}/${envName('natsPassword')}, ` +
      `${envName('natsToken')}, ${envName('natsNkeySeed')} or ${envName('natsJwt')}/${envName('natsSeed')}`
    );
  return `check ${a.from}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Connects or throws a PelatoError that names the server (redacted) and the setting to check. */
export async function openNats(settings: NatsSettings, opts: ConnectOptions = {}): Promise<NatsHandle> {
  const attempts = Math.max(1, opts.attempts ?? 4);
  const backoff = opts.backoffMs ?? 250;
  const where = settings.servers.map(redactUrl).join(', ');
  const clean = (m: string) => scrub(m, settings.secrets);
  const creds =
    settings.auth.kind === 'creds-content' ? materializeCreds(settings.auth.content, opts.tmpDir) : undefined;
  try {
    const options: NodeConnectionOptions = {
      servers: settings.servers,
      name: opts.name ?? 'pelato',
      timeout: opts.handshakeMs ?? 5000,
      // A deploy outlives a NATS server restarting under it (about 30 s of attempts): wadm and the hosts
      // reconnect too, and a handover step in flight goes on (src/deploy/upgrade.ts retries).
      maxReconnectAttempts: 60,
      reconnectTimeWait: 500,
      ...authOptions(settings, creds?.file),
    };
    if (settings.tls) {
      options.tls = {
        ...(settings.tls.caFile ? { caFile: settings.tls.caFile } : {}),
        ...(settings.tls.certFile ? { certFile: settings.tls.certFile, keyFile: settings.tls.keyFile } : {}),
        ...(settings.tls.handshakeFirst ? { handshakeFirst: true } : {}),
      };
    }
    let last: unknown;
    let timeouts = 0;
    let tried = 0;
    for (let i = 0; i < attempts; i++) {
      tried = i + 1;
      if (i > 0) await sleep(Math.min(backoff * 2 ** (i - 1), 4000));
      try {
        const nc = await connect(options);
        let closed = false;
        return {
          nc,
          settings,
          close: async () => {
            if (closed) return;
            closed = true;
            try {
              await nc.drain();
            } catch {
              await nc.close().catch(() => undefined);
            } finally {
              creds?.remove();
            }
          },
        };
      } catch (e) {
        last = e;
        const failure = classifyConnectError(e);
        if (failure === 'auth')
          throw new PelatoError(
            `NATS at ${where} refused the credentials (${clean(String((e as Error)?.message ?? e))})`,
            hintFor(settings),
            'nats-auth',
          );
        if (failure === 'expired')
          throw new PelatoError(
            `NATS at ${where} says the user credentials have expired`,
            hintFor(settings),
            'nats-auth',
          );
        if (failure === 'tls')
          throw new PelatoError(
            `TLS with NATS at ${where} failed: ${clean(errorDetail(e))}`,
            tlsHint(settings),
            'nats-tls',
          );
        // A server that accepts TCP but never finishes the NATS handshake: one more try, then say why it may be.
        if (failure === 'timeout' && ++timeouts >= 2) {
          throw new PelatoError(
            `NATS at ${where} accepted the connection but did not complete the handshake ` +
              `within ${(options.timeout ?? 0) / 1000} s`,
            `the server may want TLS (${envName('natsTlsCa')}), ` +
              `a client certificate (${envName('natsTlsCert')}/${envName('natsTlsKey')}) ` +
              `or TLS first (${envName('natsTlsFirst')}), or refused the account (limits); see its log`,
            'nats-handshake',
          );
        }
        // Unreachable or refused: retry with backoff.
      }
    }
    const cause = (last as { cause?: Error })?.cause;
    const detail = `${String((last as Error)?.message ?? last)}${cause?.message ? ` (${cause.message})` : ''}`;
    throw new PelatoError(
      `cannot reach NATS at ${where} after ${tried} attempt${tried === 1 ? '' : 's'}: ${clean(detail)}`,
      `check ${envName('natsUrl')} (servers came from ${settings.serversFrom}) and that nats-server is running`,
      'nats-unreachable',
    );
  } catch (e) {
    creds?.remove();
    throw e;
  }
}

function tlsHint(s: NatsSettings): string {
  if (!s.tls)
    return (
      `the server requires TLS: set ${envName('natsTlsCa')} ` +
      `(and ${envName('natsTlsFirst')}=true if it wants TLS first), or use a tls:// URL`
    );
  if (!s.tls.caFile) return `set ${envName('natsTlsCa')} to the CA that signed the server's certificate`;
  return (
    `check ${envName('natsTlsCa')}, ${envName('natsTlsCert')}/${envName('natsTlsKey')} ` +
    `and ${envName('natsTlsFirst')}`
  );
}
