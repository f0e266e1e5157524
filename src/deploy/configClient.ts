/**
 * Named config through wasmCloud's control interface, `wasmbus.ctl.v1.{lattice}.config.{get|put|del}.{name}`:
 * every host of the lattice queue-subscribes to these and one of them answers, writing the lattice's
 * config bucket. Used for values that must not be part of a manifest (the HTTP producers' bearer tokens):
 * the manifest names the config, deploy puts its contents. Values are never put into an error message.
 */
import type { Msg, NatsConnection } from '@nats-io/transport-node';
import { PelatoError } from '../common/diagnostics.js';
import { classifyRequestError, errorDetail } from '../nats/errors.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const enc = new TextEncoder();
const dec = new TextDecoder();

/** wasmCloud's CtlResponse: `{ success, message, response }`. */
interface CtlResponse {
  success: boolean;
  message: string;
  response?: unknown;
}

export class ConfigClient {
  constructor(
    private readonly nc: NatsConnection,
    readonly lattice: string,
    /** The hosts' control-interface prefix (setting ctlPrefix, default wasmbus.ctl). */
    private readonly prefix = 'wasmbus.ctl',
    private readonly timeoutMs = 10_000,
  ) {}

  subject(op: 'get' | 'put' | 'del', name: string): string {
    if (!NAME.test(name)) throw new PelatoError(`"${name}" is not a valid config name`);
    return `${this.prefix}.v1.${this.lattice}.config.${op}.${name}`;
  }

  /** The config's values, or undefined when the lattice has no config of that name. */
  async get(name: string): Promise<Record<string, string> | undefined> {
    const r = await this.request('get', name);
    if (!r.success) return undefined;
    const v = r.response;
    return v && typeof v === 'object' && Object.keys(v).length ? (v as Record<string, string>) : undefined;
  }

  async put(name: string, values: Record<string, string>): Promise<void> {
    const r = await this.request('put', name, values);
    if (!r.success) throw new PelatoError(`the lattice refused to store config ${name}: ${r.message}`);
  }

  async delete(name: string): Promise<void> {
    const r = await this.request('del', name);
    if (!r.success) throw new PelatoError(`the lattice refused to delete config ${name}: ${r.message}`);
  }

  private async request(op: 'get' | 'put' | 'del', name: string, body?: unknown): Promise<CtlResponse> {
    const subject = this.subject(op, name);
    let reply: Msg;
    try {
      reply = await this.nc.request(subject, body === undefined ? new Uint8Array() : enc.encode(JSON.stringify(body)), {
        timeout: this.timeoutMs,
      });
    } catch (e) {
      const detail = errorDetail(e);
      switch (classifyRequestError(e)) {
        case 'no-responders':
          throw new PelatoError(
            `no wasmCloud host answers on lattice ${this.lattice} (${this.prefix}.v1.${this.lattice}.config.*), ` +
              `so config ${name} cannot be ${op === 'get' ? 'read' : op === 'put' ? 'stored' : 'deleted'}`,
            'start a host on this lattice first (named config lives in its config bucket)',
          );
        case 'timeout':
          throw new PelatoError(
            `no host of lattice ${this.lattice} answered config ${op} ${name} within ${this.timeoutMs / 1000} s`,
          );
        case 'permission':
          throw new PelatoError(
            `NATS denied the config ${op} request (${detail})`,
            `the user needs publish permission on ${this.prefix}.v1.${this.lattice}.config.> as well`,
            'nats-denied',
          );
        case 'closed':
          throw new PelatoError(`the NATS connection closed during config ${op} ${name}`, undefined, 'nats-closed');
        default:
          throw new PelatoError(`config ${op} ${name} failed: ${detail}`);
      }
    }
    try {
      const r = JSON.parse(dec.decode(reply.data)) as CtlResponse;
      return { success: r.success === true, message: String(r.message ?? ''), response: r.response };
    } catch {
      throw new PelatoError(`a host sent an unreadable reply to config ${op} ${name}`);
    }
  }
}
