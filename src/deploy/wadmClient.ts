/**
 * A client for wadm's control API over core NATS request/reply (see shared/reference/wadm-api.md):
 * `wadm.api.{lattice}.model.{op}[.{name}]`, and the status feed `wadm.status.{lattice}.{name}`.
 * Transport failures become PelatoErrors; wadm's own answers (including `error`) are returned normalized.
 */
import { headers as natsHeaders, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { PelatoError } from '../common/diagnostics.js';
import { classifyRequestError } from '../nats/errors.js';
import { envName, flagName, SETTINGS } from '../common/settings.js';
import {
  parseDelete,
  parseDeploy,
  parseGet,
  parseList,
  parsePut,
  parseStatus,
  parseStatusReply,
  parseVersions,
  type AppStatus,
  type DeleteReply,
  type DeployReply,
  type ModelSummary,
  type PutReply,
  type VersionInfo,
} from './wadmReplies.js';

export interface WadmClientOptions {
  lattice: string;
  /** API subject prefix (wadm's WADM_API_PREFIX), default `wadm.api`. */
  prefix?: string;
  /** Per-request timeout in ms (default 10000). */
  requestTimeoutMs?: number;
}

const APP_NAME = /^[-\w]+$/;
const enc = new TextEncoder();
const dec = new TextDecoder();

export class WadmClient {
  readonly lattice: string;
  private readonly prefix: string;
  private readonly timeout: number;

  constructor(
    private readonly nc: NatsConnection,
    opts: WadmClientOptions,
  ) {
    if (!APP_NAME.test(opts.lattice))
      throw new PelatoError(
        `lattice "${opts.lattice}" is not a valid lattice name`,
        `use letters, digits, _ and - (${flagName('lattice')} or ${envName('lattice')})`,
      );
    this.lattice = opts.lattice;
    this.prefix = opts.prefix ?? SETTINGS.wadmPrefix.default;
    this.timeout = opts.requestTimeoutMs ?? 10000;
  }

  subject(op: string, name?: string): string {
    if (name !== undefined && !APP_NAME.test(name))
      throw new PelatoError(
        `"${name}" is not a valid wadm application name`,
        'names may hold letters, digits, _ and - only',
      );
    return `${this.prefix}.${this.lattice}.model.${op}${name === undefined ? '' : `.${name}`}`;
  }

  statusSubject(name: string): string {
    return `wadm.status.${this.lattice}.${name}`;
  }

  private async request(op: string, name: string | undefined, body?: unknown, contentType?: string): Promise<unknown> {
    const subject = this.subject(op, name);
    const data =
      body === undefined
        ? new Uint8Array()
        : typeof body === 'string'
          ? enc.encode(body)
          : enc.encode(JSON.stringify(body));
    const h = contentType ? natsHeaders() : undefined;
    if (h && contentType) h.set('Content-Type', contentType);
    let reply: Msg;
    try {
      reply = await this.nc.request(subject, data, { timeout: this.timeout, ...(h ? { headers: h } : {}) });
    } catch (e) {
      throw this.transportError(e, op, name);
    }
    const text = dec.decode(reply.data);
    try {
      return JSON.parse(text);
    } catch {
      throw new PelatoError(
        `wadm sent an unreadable reply to ${op}${name ? ` ${name}` : ''}: ${text.slice(0, 200)}`,
        'is something other than wadm answering on this lattice?',
        'wadm-unreadable',
      );
    }
  }

  /** nats.js's failure, sorted by classifyRequestError, as one message with its kind. */
  private transportError(e: unknown, op: string, name?: string): PelatoError {
    const what = `${op}${name ? ` ${name}` : ''}`;
    switch (classifyRequestError(e)) {
      case 'no-responders':
        return new PelatoError(
          `connected to NATS but no wadm is listening on lattice ${this.lattice}`,
          `start wadm for this lattice, or pick another with ${flagName('lattice')} / ${envName('lattice')}`,
          'wadm-absent',
        );
      case 'timeout':
        return new PelatoError(
          `wadm on lattice ${this.lattice} did not answer ${what} within ${this.timeout / 1000} s`,
          'wadm may be overloaded or stuck; check its logs',
          'wadm-timeout',
        );
      case 'permission':
        return new PelatoError(
          `NATS denied the request to wadm (${(e as Error).message})`,
          `the user needs publish permission on ${this.prefix}.${this.lattice}.> and subscribe permission on _INBOX.>`,
          'nats-denied',
        );
      case 'closed':
        return new PelatoError(
          `the NATS connection closed during ${what}`,
          `check ${envName('natsUrl')} and the server's logs`,
          'nats-closed',
        );
      case 'other':
        return new PelatoError(`request ${what} to wadm failed: ${(e as Error)?.message ?? String(e)}`);
    }
  }

  /** Stores a manifest (a JSON object, sent with Content-Type application/json, or YAML text). */
  async put(manifest: object | string): Promise<PutReply> {
    if (typeof manifest === 'string')
      return parsePut(await this.request('put', undefined, manifest, 'application/yaml'));
    return parsePut(await this.request('put', undefined, manifest, 'application/json'));
  }

  async get(name: string, version?: string) {
    return parseGet(await this.request('get', name, version === undefined ? undefined : { version }));
  }

  /** Every app on the lattice: `model.get` without a name; falls back to the deprecated `model.list`. */
  async list(): Promise<ModelSummary[]> {
    const reply = parseList(await this.request('get', undefined));
    if (reply.result === 'success') return reply.models;
    const old = parseList(await this.request('list', undefined));
    if (old.result === 'success') return old.models;
    throw new PelatoError(
      `wadm could not list the apps on lattice ${this.lattice}: ${reply.message || old.message}`,
      undefined,
      'wadm-rejected',
    );
  }

  /** Stored versions of an app, oldest first; empty when wadm does not know the app. */
  async versions(name: string): Promise<VersionInfo[]> {
    const r = parseVersions(await this.request('versions', name));
    if (r.result === 'error') {
      if (r.reason === 'not-found') return [];
      throw new PelatoError(`wadm could not list the versions of ${name}: ${r.message}`, undefined, 'wadm-rejected');
    }
    return r.versions;
  }

  async deploy(name: string, version?: string): Promise<DeployReply> {
    return parseDeploy(await this.request('deploy', name, version === undefined ? undefined : { version }));
  }

  async undeploy(name: string): Promise<DeployReply> {
    // `{non_destructive: false}` is what wadm ≤ 0.11 expected; newer wadm ignores it.
    return parseDeploy(await this.request('undeploy', name, { non_destructive: false }));
  }

  /** Deletes one version, or every version (and undeploys) when none is given. */
  async delete(name: string, version?: string): Promise<DeleteReply> {
    const body = version === undefined ? { delete_all: true } : { version, delete_all: false };
    return parseDelete(await this.request('del', name, body));
  }

  async status(name: string): Promise<AppStatus & { result: 'ok' | 'notfound' | 'error'; replyMessage: string }> {
    const r = parseStatusReply(await this.request('status', name));
    return { ...r.status, result: r.result, replyMessage: r.message };
  }

  /** Subscribes to status changes of an app (published by wadm only on change). */
  watchStatus(name: string, onStatus: (s: AppStatus) => void): Subscription {
    const subject = this.statusSubject(name);
    return this.nc.subscribe(subject, {
      callback: (err, msg) => {
        if (err) return;
        try {
          onStatus(parseStatus(JSON.parse(dec.decode(msg.data))));
        } catch {
          // A message that is not a status: ignore it, polling still reports the truth.
        }
      },
    });
  }
}
