/**
 * What the hosts themselves say, for the handover's checks (src/deploy/upgrade.ts): the links the lattice
 * holds and which host runs which component and provider. wadm's status is a summary that can lag a
 * manifest change; these are the facts the next handover step depends on.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { PelatoError } from '../common/diagnostics.js';
import { ctlError, ctlRequest, parseCtl, type CtlTarget } from './ctl.js';
import type { LinkKey } from './handover.js';

export interface HostRuns {
  host: string;
  components: string[];
  providers: string[];
}

interface WireLink {
  source_id?: string;
  target?: string;
  name?: string;
  wit_namespace?: string;
  wit_package?: string;
}

export class LatticeClient {
  private readonly target: CtlTarget;
  constructor(nc: NatsConnection, lattice: string, prefix = 'wasmbus.ctl', timeoutMs = 10_000) {
    this.target = { nc, lattice, prefix, timeoutMs };
  }

  /** Every link of the lattice (`link.get`). */
  async links(): Promise<LinkKey[]> {
    const r = await ctlRequest(this.target, 'link.get', 'link list');
    if (!r.success) throw new PelatoError(`the lattice refused to list its links: ${r.message}`);
    return ((r.response as WireLink[] | undefined) ?? []).map((l) => ({
      source: String(l.source_id ?? ''),
      target: String(l.target ?? ''),
      name: String(l.name ?? 'default'),
      namespace: String(l.wit_namespace ?? ''),
      package: String(l.wit_package ?? ''),
    }));
  }

  /**
   * The hosts that answer a ping within `waitMs`, each with what it runs. A host too busy to answer its
   * inventory request (compiling a component on a small machine) is left out of this round.
   */
  async hosts(waitMs = 750): Promise<HostRuns[]> {
    const ids: string[] = [];
    try {
      const replies = await this.target.nc.requestMany(
        `${this.target.prefix}.v1.${this.target.lattice}.host.ping`,
        '',
        {
          strategy: 'timer',
          maxWait: waitMs,
        },
      );
      for await (const m of replies) {
        const r = parseCtl(m, 'host ping');
        const id = (r.response as { id?: string } | undefined)?.id;
        if (id) ids.push(id);
      }
    } catch (e) {
      throw ctlError(this.target, e, 'host ping');
    }
    const out: HostRuns[] = [];
    await Promise.all(
      ids.map(async (id) => {
        try {
          const r = await ctlRequest(this.target, `host.get.${id}`, `inventory of host ${id}`);
          const inv = r.response as { components?: { id?: string }[]; providers?: { id?: string }[] } | undefined;
          if (!r.success || !inv) return;
          out.push({
            host: id,
            components: (inv.components ?? []).map((c) => String(c.id)),
            providers: (inv.providers ?? []).map((p) => String(p.id)),
          });
        } catch (e) {
          if (e instanceof PelatoError && e.kind !== 'failed') throw e;
        }
      }),
    );
    return out;
  }
}
