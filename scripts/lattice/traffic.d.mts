import type { NatsConnection } from '@nats-io/transport-node';

export interface StreamResult<T = unknown> {
  sent: number;
  received: number;
  lost: number;
  lostSeqs: number[];
  duplicated: number;
  interruptionMs: number;
  actionStartMs?: number;
  actionMs?: number;
  actionResult?: T;
  medianLatencyMs?: number;
  seconds: number;
}

export function streamThrough<T = unknown>(
  nc: NatsConnection,
  o: {
    source: string;
    dest: string;
    rate?: number;
    durationMs?: number;
    actionAtMs?: number;
    action?: () => Promise<T>;
    settleMs?: number;
    tag?: string;
  },
): Promise<StreamResult<T>>;

export function firstThrough(
  nc: NatsConnection,
  source: string,
  dest: string,
  body: string,
  match: (text: string) => boolean,
  timeoutMs?: number,
  everyMs?: number,
): Promise<string | undefined>;
