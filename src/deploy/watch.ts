/**
 * Waiting for the truth about an app: the status feed (`wadm.status.{lattice}.{app}`, published only on
 * change) plus a periodic `model.status` request, so a missed or never-sent feed message cannot hang a
 * deploy. Observations older than the deploy request are not trusted: right after an upgrade wadm may
 * still report the previous version's state.
 */
import type { Subscription } from '@nats-io/transport-node';
import type { WadmClient } from './wadmClient.js';
import type { AppStatus, StatusType } from './wadmReplies.js';

export interface Observation {
  status: AppStatus;
  /** When the information was current: receipt time for feed messages, send time for polls. */
  at: number;
  source: 'feed' | 'poll';
}

export type WaitOutcome = 'reached' | 'failed' | 'unhealthy' | 'timeout';

export interface StatusWatcher {
  readonly last: Observation | undefined;
  /**
   * Resolves when the app reaches `want` (or, when waiting for `deployed`, fails or turns unhealthy),
   * counting only observations made at or after `trustFrom` (ms timestamp), or the deadline passes.
   * Until `hostsGraceUntil`, a failure that only says no host matches yet is not final (see
   * onlyWaitingForHosts); Infinity waits for hosts to the deadline, which then ends as 'timeout'.
   */
  waitFor(
    want: StatusType,
    deadline: number,
    trustFrom: number,
    hostsGraceUntil?: number,
    /** Called once when the wait starts being a wait for hosts (and again if what it waits for changes). */
    onWaitingForHosts?: (st: AppStatus) => void,
  ): Promise<{ outcome: WaitOutcome; last?: Observation }>;
  stop(): void;
}

/**
 * wadm marks an app `failed` when no host matches a spread ("Could not satisfy daemonscaler edge for …,
 * 0 eligible hosts found", "No hosts match the spread requirements"), also while hosts are still joining
 * (seen on the loopback lattice right after it started: wadm learns of a host from its heartbeat) and it
 * reconciles once one arrives. Such a failure is waited out; any other is final. (wadm's wording is read
 * once, by classifyWadmMessage.)
 */
export function onlyWaitingForHosts(st: AppStatus): boolean {
  const failed = st.scalers.filter((x) => x.status === 'failed');
  return failed.length > 0 ? failed.every((x) => x.reason === 'no-hosts') : st.reason === 'no-hosts';
}

export function watchApp(
  client: WadmClient,
  app: string,
  onChange: (s: AppStatus) => void,
  pollMs = 1000,
): StatusWatcher {
  let last: Observation | undefined;
  let lastKey = '';
  let stopped = false;
  let wake: (() => void) | undefined;
  const observe = (o: Observation) => {
    if (last && o.at < last.at) return; // an older poll answer that arrived late
    last = o;
    const key = `${o.status.status}|${o.status.message}`;
    if (key !== lastKey) {
      lastKey = key;
      onChange(o.status);
    }
    wake?.();
  };
  const sub: Subscription = client.watchStatus(app, (status) => observe({ status, at: Date.now(), source: 'feed' }));
  let polling: Promise<void> | undefined;
  const poll = async () => {
    const sentAt = Date.now();
    try {
      const s = await client.status(app);
      observe({ status: s, at: sentAt, source: 'poll' });
    } catch {
      // Transient: the next poll or the feed will tell. A dead connection ends in the deadline.
    }
  };

  return {
    get last() {
      return last;
    },
    async waitFor(want, deadline, trustFrom, hostsGraceUntil = 0, onWaitingForHosts) {
      let told: string | undefined;
      const verdict = (): WaitOutcome | undefined => {
        if (!last || last.at < trustFrom) return undefined;
        const s = last.status.status;
        if (s === want) return 'reached';
        if (s === 'failed' && Date.now() < hostsGraceUntil && onlyWaitingForHosts(last.status)) {
          const key = last.status.scalers.map((x) => x.spread ?? '').join(',');
          if (key !== told) {
            told = key;
            onWaitingForHosts?.(last.status);
          }
          return undefined;
        }
        if (want === 'deployed' && (s === 'failed' || s === 'unhealthy')) return s;
        return undefined;
      };
      let nextPoll = 0;
      while (!stopped) {
        const v = verdict();
        if (v) return { outcome: v, last };
        const now = Date.now();
        if (now >= deadline) return { outcome: 'timeout', last };
        if (now >= nextPoll && now >= trustFrom && !polling) {
          nextPoll = now + pollMs;
          polling = poll().finally(() => {
            polling = undefined;
          });
        }
        const waitMs = Math.max(
          1,
          Math.min(deadline, nextPoll > now ? nextPoll : now + pollMs, trustFrom > now ? trustFrom : Infinity) - now,
        );
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, waitMs);
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        wake = undefined;
      }
      return { outcome: 'timeout', last };
    },
    stop() {
      stopped = true;
      wake?.();
      sub.unsubscribe();
    },
  };
}
