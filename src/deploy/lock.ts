/**
 * One deploy per app at a time. Two deploys of one app racing (a terminal user and CI) would interleave
 * their handover steps and could leave both versions running, so each deploy takes a lock first: a key in
 * a JetStream key-value bucket, created only if absent (wadm already needs JetStream on the lattice). The
 * second deploy waits for the first to finish, then does its own work on what the first left.
 * A lock outlives a deploy that was killed only until its own deadline has passed (`expires`); the next
 * deploy then takes it over, atomically (an update at the revision it read).
 */
import os from 'node:os';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { PelatoError } from '../common/diagnostics.js';
import { errorDetail } from '../nats/errors.js';

export const LOCK_BUCKET = 'pelato_deploys';

interface Holder {
  holder: string;
  since: number;
  expires: number;
}

export interface DeployLock {
  release(): Promise<void>;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** KV keys allow letters, digits and `-_=./`; a lattice name may hold more. */
export function lockKey(lattice: string, app: string): string {
  return `${lattice}.${app}`.replace(/[^-\w=./]/g, '_');
}

function read(data: Uint8Array): Holder | undefined {
  try {
    const h = JSON.parse(dec.decode(data)) as Holder;
    return typeof h.expires === 'number' ? h : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the app's lock, waiting for another holder until `deadline`. `holdMs` is how long this deploy
 * may hold it at most (its own deadline). Without JetStream (or the right to use it) deploys are not
 * serialised: `onUnlocked` says why, and the deploy goes on.
 */
export async function takeLock(
  nc: NatsConnection,
  lattice: string,
  app: string,
  o: { holdMs: number; deadline: number; onWait: (h: Holder) => void; onUnlocked: (why: string) => void },
): Promise<DeployLock> {
  let kv: KV;
  try {
    kv = await new Kvm(nc).create(LOCK_BUCKET, { history: 1, ttl: 24 * 3600_000, timeout: 5000 });
  } catch (e) {
    o.onUnlocked(errorDetail(e));
    return { release: async () => {} };
  }
  const key = lockKey(lattice, app);
  const mine = (): Uint8Array =>
    enc.encode(
      JSON.stringify({
        holder: `pelato on ${os.hostname()} (pid ${process.pid})`,
        since: Date.now(),
        expires: Date.now() + o.holdMs,
      } satisfies Holder),
    );
  let told = '';
  for (;;) {
    let revision: number | undefined;
    try {
      revision = await kv.create(key, mine());
    } catch {
      const e = await kv.get(key).catch(() => null);
      const h = e && e.operation === 'PUT' ? read(e.value) : undefined;
      if (e && (!h || h.expires < Date.now())) {
        // Unreadable, or its holder's deadline has passed: the holder is gone.
        revision = await kv.update(key, mine(), e.revision).catch(() => undefined);
      } else if (!h) {
        // The create failed and nothing can be read: the bucket is unreachable for now.
        if (Date.now() + 500 > o.deadline)
          throw new PelatoError(`the deploy lock of ${app} (bucket ${LOCK_BUCKET}) could not be taken by the deadline`);
        await sleep(500);
      } else {
        if (Date.now() + 500 > o.deadline)
          throw new PelatoError(
            `another deploy of ${app} (${h.holder}, since ${new Date(h.since).toISOString()}) ` +
              'still runs; this one gave up waiting for it',
            'run the deploy again when the other one has ended (or raise --timeout)',
          );
        if (h.holder !== told) o.onWait(h);
        told = h.holder;
        await sleep(500);
      }
    }
    if (revision !== undefined) {
      const rev = revision;
      return {
        release: async () => {
          await kv.delete(key, { previousSeq: rev }).catch(() => {});
        },
      };
    }
  }
}
