/**
 * Named config through wasmCloud's control interface, `wasmbus.ctl.v1.{lattice}.config.{get|put|del}.{name}`:
 * every host of the lattice queue-subscribes to these and one of them answers, writing the lattice's
 * config bucket. Used for values that must not be part of a manifest (the HTTP producers' bearer tokens):
 * the manifest names the config, deploy puts its contents. Values are never put into an error message.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { PelatoError } from '../common/diagnostics.js';
import { ctlRequest, type CtlResponse, type CtlTarget } from './ctl.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

export class ConfigClient {
  private readonly target: CtlTarget;
  constructor(
    nc: NatsConnection,
    readonly lattice: string,
    /** The hosts' control-interface prefix (setting ctlPrefix, default wasmbus.ctl). */
    private readonly prefix = 'wasmbus.ctl',
    timeoutMs = 10_000,
  ) {
    this.target = { nc, lattice, prefix, timeoutMs };
  }
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
    return ctlRequest(
      this.target,
      subject.slice(`${this.prefix}.v1.${this.lattice}.`.length),
      `config ${op} ${name}`,
      body,
    );
  }
}
