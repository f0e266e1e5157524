// Steady traffic through a running pipeline, for the end-to-end tests and bench/e2e: publishes numbered
// messages on a source subject at a fixed rate, collects what comes out on a destination subject, and can
// run an action (kill a host, deploy a new version) part-way. The numbers survive any transform that keeps
// digits (the hello example uppercases, greets, or measures the text), so losses and duplicates are exact.

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * @param {import('@nats-io/transport-node').NatsConnection} nc
 * @param {{ source: string, dest: string, rate?: number, durationMs?: number, actionAtMs?: number,
 *           action?: () => Promise<unknown>, settleMs?: number, tag?: string }} o
 */
export async function streamThrough(nc, o) {
  const rate = o.rate ?? 50;
  const durationMs = o.durationMs ?? 6000;
  const settleMs = o.settleMs ?? 3000;
  const tag = o.tag ?? `t${Date.now().toString(36)}`;
  const pattern = new RegExp(`${tag.toUpperCase()}-(\\d+)|${tag}-(\\d+)`, 'i');
  const arrivals = new Map(); // seq -> [ms since start]
  const outputTimes = [];
  const sub = nc.subscribe(o.dest);
  const t0 = performance.now();
  const collecting = (async () => {
    for await (const m of sub) {
      const at = performance.now() - t0;
      const match = pattern.exec(new TextDecoder().decode(m.data));
      if (!match) continue;
      const seq = Number(match[1] ?? match[2]);
      outputTimes.push(at);
      const seen = arrivals.get(seq);
      if (seen) seen.push(at);
      else arrivals.set(seq, [at]);
    }
  })();
  await nc.flush();

  const sentAt = [];
  let action;
  let actionStart;
  let actionEnd;
  const interval = 1000 / rate;
  for (let i = 0; performance.now() - t0 < durationMs; i++) {
    const due = i * interval;
    const now = performance.now() - t0;
    if (due > now) await sleep(due - now);
    if (o.action && action === undefined && performance.now() - t0 >= (o.actionAtMs ?? durationMs / 3)) {
      actionStart = performance.now() - t0;
      action = o.action().then((v) => {
        actionEnd = performance.now() - t0;
        return v;
      });
    }
    sentAt.push(performance.now() - t0);
    nc.publish(o.source, new TextEncoder().encode(`${tag}-${i}`));
  }
  await nc.flush();
  const actionResult = action ? await action : undefined;
  await sleep(settleMs);
  sub.unsubscribe();
  await collecting;

  const sent = sentAt.length;
  const lost = [];
  let duplicated = 0;
  for (let i = 0; i < sent; i++) {
    const a = arrivals.get(i);
    if (!a) lost.push(i);
    else duplicated += a.length - 1;
  }
  // Interruption: the longest stretch without any output, from the action to the last message sent.
  const gaps = (from, to) => {
    const ts = [from, ...outputTimes.filter((t) => t > from && t < to), to];
    let max = 0;
    for (let i = 1; i < ts.length; i++) max = Math.max(max, ts[i] - ts[i - 1]);
    return max;
  };
  const lastSent = sentAt.at(-1) ?? 0;
  const latencies = [...arrivals.entries()].map(([seq, a]) => a[0] - sentAt[seq]).sort((x, y) => x - y);
  return {
    sent,
    received: arrivals.size,
    lost: lost.length,
    lostSeqs: lost,
    duplicated,
    interruptionMs: actionStart === undefined ? gaps(0, lastSent) : gaps(actionStart, lastSent),
    actionStartMs: actionStart,
    actionMs: actionStart === undefined ? undefined : actionEnd - actionStart,
    actionResult,
    medianLatencyMs: latencies[Math.floor(latencies.length / 2)],
    seconds: lastSent / 1000,
  };
}

/** Publishes `body` on `source` every `everyMs` until a message matching `match` arrives on `dest`. */
export async function firstThrough(nc, source, dest, body, match, timeoutMs = 30000, everyMs = 500) {
  const sub = nc.subscribe(dest);
  const deadline = Date.now() + timeoutMs;
  const got = (async () => {
    for await (const m of sub) {
      const text = new TextDecoder().decode(m.data);
      if (match(text)) return text;
    }
    return undefined;
  })();
  await nc.flush();
  const pump = setInterval(() => nc.publish(source, new TextEncoder().encode(body)), everyMs);
  nc.publish(source, new TextEncoder().encode(body));
  const timer = setTimeout(() => sub.unsubscribe(), Math.max(0, deadline - Date.now()));
  try {
    return await got;
  } finally {
    clearInterval(pump);
    clearTimeout(timer);
    sub.unsubscribe();
  }
}
