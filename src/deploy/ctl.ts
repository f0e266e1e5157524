/**
 * Requests to wasmCloud's control interface (`{prefix}.v1.{lattice}.…`), which every host serves: the one
 * request function named config and the handover's lattice checks share, with one set of error messages.
 * Replies are wasmCloud's CtlResponse, `{ success, message, response }`.
 */
import type { Msg, NatsConnection } from '@nats-io/transport-node';
import { PelatoError } from '../common/diagnostics.js';
import { classifyRequestError, errorDetail } from '../nats/errors.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

export interface CtlResponse {
  success: boolean;
  message: string;
  response?: unknown;
}

export interface CtlTarget {
  nc: NatsConnection;
  lattice: string;
  /** The hosts' control-interface prefix (setting ctlPrefix, default wasmbus.ctl). */
  prefix: string;
  timeoutMs: number;
}

/** `what` names the request in messages ("config get x", "link list"); `tail` follows `v1.{lattice}.`. */
export async function ctlRequest(t: CtlTarget, tail: string, what: string, body?: unknown): Promise<CtlResponse> {
  const subject = `${t.prefix}.v1.${t.lattice}.${tail}`;
  let reply: Msg;
  try {
    reply = await t.nc.request(subject, body === undefined ? new Uint8Array() : enc.encode(JSON.stringify(body)), {
      timeout: t.timeoutMs,
    });
  } catch (e) {
    throw ctlError(t, e, what);
  }
  return parseCtl(reply, what);
}

export function parseCtl(reply: Msg, what: string): CtlResponse {
  try {
    const r = JSON.parse(dec.decode(reply.data)) as CtlResponse;
    return { success: r.success === true, message: String(r.message ?? ''), response: r.response };
  } catch {
    throw new PelatoError(`a host sent an unreadable reply to ${what}`);
  }
}

export function ctlError(t: CtlTarget, e: unknown, what: string): PelatoError {
  const detail = errorDetail(e);
  switch (classifyRequestError(e)) {
    case 'no-responders':
      return new PelatoError(
        `no wasmCloud host answers on lattice ${t.lattice} (${t.prefix}.v1.${t.lattice}.*), so ${what} failed`,
        'start a host on this lattice first',
      );
    case 'timeout':
      return new PelatoError(`no host of lattice ${t.lattice} answered ${what} within ${t.timeoutMs / 1000} s`);
    case 'permission':
      return new PelatoError(
        `NATS denied the ${what} request (${detail})`,
        `the user needs publish permission on ${t.prefix}.v1.${t.lattice}.> as well`,
        'nats-denied',
      );
    case 'closed':
      return new PelatoError(`the NATS connection closed during ${what}`, undefined, 'nats-closed');
    default:
      return new PelatoError(`${what} failed: ${detail}`);
  }
}
