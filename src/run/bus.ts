/**
 * The message bus `pelato dev` wires tasks through: NATS itself when a server is given, else an
 * in-process bus with the same rules — subjects with `*` and `>` wildcards, and queue groups, so each app
 * handles a message once while every app subscribed to the subject gets its own copy.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { Message } from './component.js';

export interface Bus {
  /** Returns what ends this subscription (`pelato dev --watch` moves a task to another subject). */
  subscribe(subject: string, queue: string, handler: (msg: Message) => void): () => void;
  publish(msg: Message): void;
  /** Resolves once every message published so far has been delivered and handled. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** NATS subject matching: `*` one token, `>` one or more trailing tokens. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

export class InProcessBus implements Bus {
  private readonly groups = new Map<string, { subject: string; members: Array<(m: Message) => void>; next: number }>();
  private pending = 0;
  private waiters: Array<() => void> = [];

  subscribe(subject: string, queue: string, handler: (msg: Message) => void): () => void {
    const key = `${subject}|${queue}`;
    const g = this.groups.get(key) ?? { subject, members: [], next: 0 };
    const member = (m: Message) => handler(m);
    g.members.push(member);
    this.groups.set(key, g);
    return () => {
      g.members = g.members.filter((h) => h !== member);
      if (!g.members.length && this.groups.get(key) === g) this.groups.delete(key);
    };
  }

  publish(msg: Message): void {
    for (const g of this.groups.values()) {
      if (!subjectMatches(g.subject, msg.subject)) continue;
      const handler = g.members[g.next++ % g.members.length]!;
      this.pending++;
      // Delivered on a later turn, as over a network: a chain of tasks never recurses.
      setImmediate(() => {
        try {
          handler(msg);
        } finally {
          if (--this.pending === 0) for (const w of this.waiters.splice(0)) w();
        }
      });
    }
  }

  settled(): Promise<void> {
    return this.pending === 0 ? Promise.resolve() : new Promise((r) => this.waiters.push(r));
  }

  async close(): Promise<void> {
    this.groups.clear();
  }
}

/** The same bus over a real NATS connection (queue subscriptions named after each app, as on the lattice). */
export class NatsBus implements Bus {
  private inFlight = 0;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly nc: NatsConnection,
    private readonly onClose: () => Promise<void>,
  ) {}

  subscribe(subject: string, queue: string, handler: (msg: Message) => void): () => void {
    const sub = this.nc.subscribe(subject, {
      queue,
      callback: (err, m) => {
        if (err) return;
        this.inFlight++;
        try {
          handler({ subject: m.subject, body: m.data, replyTo: m.reply || undefined });
        } finally {
          if (--this.inFlight === 0) for (const w of this.waiters.splice(0)) w();
        }
      },
    });
    return () => sub.unsubscribe();
  }

  publish(msg: Message): void {
    this.nc.publish(msg.subject, msg.body, msg.replyTo ? { reply: msg.replyTo } : undefined);
  }

  async settled(): Promise<void> {
    // A round trip to the server: everything published before it has reached the server and, for our
    // own subscriptions, been delivered back before the flush answers.
    await this.nc.flush();
    if (this.inFlight) await new Promise<void>((r) => this.waiters.push(r));
  }

  close(): Promise<void> {
    return this.onClose();
  }
}
