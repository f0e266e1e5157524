/**
 * `pelato dev`: every task of the workflow running locally, wired topic to topic, with a live log of the
 * messages travelling between them. The components are the built ones, run in Node (see component.ts);
 * HTTP producers are served on loopback, each port held by the session (httpPort.ts);
 * dbsync tasks write to the PostgreSQL given by DATABASE_URL.
 *
 * Each task runs in a slot: its subscription and its HTTP port belong to the slot, the component in it
 * can be replaced (`update`, for `pelato dev --watch`) between two messages, so the bus, the
 * subscriptions of the other tasks and every HTTP port stay as they are.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { PelatoError } from '../common/diagnostics.js';
import type { OnTaskEvent } from '../common/progress.js';
import type { HttpToken } from '../deploy/httpTokens.js';
import type { Plan, PlannedTask } from '../model/plan.js';
import type { Bus } from './bus.js';
import { runComponent, type Message, type RunningComponent } from './component.js';
import { openHttpPort, type HttpPort } from './httpPort.js';
import { taskConfig } from './test.js';

export interface DevOptions {
  genDir: string;
  bus: Bus;
  /** PostgreSQL connection string for dbsync tasks. */
  databaseUrl?: string;
  /** Host the HTTP producers listen on (their own port from http.address). */
  httpHost: string;
  /** Added to every HTTP port, so several dev sessions can run side by side. */
  httpPortOffset: number;
  /** Bearer tokens of the tasks with http.auth (httpTokens), handed to the components as on the lattice. */
  tokens?: HttpToken[];
  /** Where the session notes the HTTP ports it holds, so a second session can say who has a port. */
  portsDir?: string;
  /** The project folder, for that note. */
  project?: string;
  log(line: string): void;
  /** Per-task progress while the components start (starting, running). */
  onEvent?: OnTaskEvent;
}

export interface DevSession {
  /** HTTP endpoints by app. */
  http: Record<string, string>;
  /** Resolves when no message is in flight and no row is being written (for --once and tests). */
  quiet(idleMs?: number): Promise<void>;
  send(msg: Message): void;
  /**
   * Brings the running tasks in line with `plan`, whose apps in `changed` were rebuilt: a new build or
   * config is swapped in between two messages, a moved subject or port is moved, new apps start and
   * removed ones stop. `tokens`: those of the new plan. Returns one line per change (also logged).
   */
  update(plan: Plan, changed: readonly string[], removed: readonly string[], tokens?: HttpToken[]): Promise<string[]>;
  stop(): Promise<void>;
}

const clock = () => new Date().toISOString().slice(11, 23);

/** A body as a short, printable preview. */
export function preview(body: Uint8Array): string {
  const text = Buffer.from(body).toString('utf8');
  const shown = text.length > 100 ? `${text.slice(0, 100)}…` : text;
  return `${JSON.stringify(shown)}${text.length > 100 ? ` (${body.length} bytes)` : ''}`;
}

interface Running {
  component: RunningComponent;
  wasmSha: string;
  config: Record<string, string>;
}

interface Slot extends Running {
  task: PlannedTask;
  unsubscribe?: () => void;
  subscribed?: string;
  /** The task's HTTP port: its server hands each request to the slot's current component. */
  server?: HttpPort;
  /** What the server listens for: the port, and whether it speaks TLS (http.tls), as a key. */
  serverKey?: string;
}

/** How long a replaced component keeps running for requests that reached it just before the swap. */
const RETIRE_MS = 1000;

export async function startDev(plan: Plan, opts: DevOptions): Promise<DevSession> {
  const slots = new Map<string, Slot>();
  const http: Record<string, string> = {};
  const retiring = new Set<Promise<void>>();
  let writes = 0;
  let sent = 0; // messages and rows produced by tasks, to tell when a task published nothing
  let lastActivity = Date.now();
  const touch = () => (lastActivity = Date.now());
  let pool: pg.Pool | undefined;
  // Opened before any dbsync instance runs (see run), so its queries always find it.
  const openPool = async () => {
    pool ??= openDatabase(await loadPg(), opts.databaseUrl);
  };
  if (plan.tasks.some(usesDatabase)) await openPool();
  let tokens = opts.tokens ?? [];
  // The write of the message being handled (dbsync): the component's calls are synchronous, the
  // database's are not, so a dbsync task's confirmation is held until its row is really written.
  let writing: Promise<boolean> | undefined;

  async function run(slot: { task: PlannedTask }, task: PlannedTask): Promise<Running> {
    if (usesDatabase(task)) await openPool();
    const wasm = await readFile(path.join(opts.genDir, task.dir, 'build', 'component.wasm'));
    const config = { ...(await taskConfig(opts.genDir, task)), ...tokens.find((t) => t.app === task.app)?.values };
    const name = () => slot.task.component_name;
    const publish = (m: Message) => {
      sent++;
      touch();
      opts.log(`${clock()}  ${name()} → ${m.subject}  ${preview(m.body)}`);
      opts.bus.publish(m);
    };
    const component = await runComponent(wasm, {
      publish: (m) => {
        if (!writing) return publish(m);
        writes++;
        void writing
          .then((ok) =>
            ok ? publish(m) : opts.log(`${clock()}  ${name()} → ${m.subject} not sent: the row was not written`),
          )
          .finally(() => {
            writes--;
            touch();
          });
      },
      config,
      log: (level, _ctx, msg) => opts.log(`${clock()}  ${name()} [${level}] ${msg}`),
      query: usesDatabase(task)
        ? (sql, params) => {
            sent++;
            writes++;
            touch();
            const values = params.map((p) => (p.tag === 'null' ? null : p.val));
            writing = pool!
              .query(sql, values)
              .then(() => {
                opts.log(`${clock()}  ${name()} → row in PostgreSQL  ${JSON.stringify(values)}`);
                return true;
              })
              .catch((e: Error) => {
                opts.log(`${clock()}  ${name()} ✗ insert failed: ${e.message}${missingTable(e)}`);
                return false;
              })
              .finally(() => {
                writes--;
                touch();
              });
            return [];
          }
        : undefined,
    });
    return { component, wasmSha: createHash('sha256').update(wasm).digest('hex'), config };
  }

  /** The slot's subscription as its task asks; lines for what moved. */
  function wireBus(slot: Slot, quietly: boolean): string[] {
    const notes: string[] = [];
    const { task } = slot;
    if (slot.subscribed !== task.source_topic) {
      slot.unsubscribe?.();
      slot.unsubscribe = undefined;
      if (task.source_topic) {
        slot.unsubscribe = opts.bus.subscribe(task.source_topic, task.app, (m) => deliver(slot, m));
        if (slot.subscribed !== undefined) notes.push(`now listens on ${task.source_topic} (was ${slot.subscribed})`);
      }
      slot.subscribed = task.source_topic;
    }
    if (!quietly && task.source_topic)
      opts.log(
        `${task.component_name.padEnd(24)} listens on ${task.source_topic}` +
          `${task.dest_topic ? `, publishes to ${task.dest_topic}` : ''}`,
      );
    return notes;
  }

  /**
   * The slot's HTTP port as its task asks (opened before any component starts, so a taken port is
   * reported at once); its server hands each request to the slot's component of the moment. With
   * http.tls and its files on this machine it speaks HTTPS, as on the lattice; without them plain HTTP.
   * Lines for what moved.
   */
  async function wireHttp(slot: Slot): Promise<string[]> {
    const notes: string[] = [];
    const { task } = slot;
    const address = httpAddress(task);
    const port = address ? Number(address.split(':').pop()) + opts.httpPortOffset : undefined;
    const pem = port !== undefined && task.http?.tls ? await readTls(task.http.tls) : undefined;
    const key = port === undefined ? undefined : `${port}${pem ? ' tls' : ''}`;
    if (key !== slot.serverKey) {
      const who =
        `${task.component_name} (http.address ${address}` +
        `${opts.httpPortOffset ? ` + offset ${opts.httpPortOffset}` : ''})`;
      const previous = slot.server;
      // the same port: the old server must let go of it first
      if (previous && previous.port === port) await previous.close();
      const next =
        port === undefined
          ? undefined
          : await openHttpPort(
              port,
              opts.httpHost,
              {
                app: task.app,
                who,
                ...(pem ? { tls: pem } : {}),
                ...(opts.portsDir ? { portsDir: opts.portsDir } : {}),
                ...(opts.project ? { project: opts.project } : {}),
              },
              (req, out) => handleHttp(slot, req, out),
            );
      if (previous && previous.port !== port) await previous.close();
      if (slot.serverKey !== undefined)
        notes.push(next ? `now serves on ${next.url} (was port ${previous?.port})` : 'no longer serves HTTP');
      slot.server = next;
      slot.serverKey = key;
    }
    if (slot.server) http[task.app] = `${slot.server.url}${task.http?.path ?? '/'}`;
    else delete http[task.app];
    return notes;
  }

  /** One request on a task's port: to the component the slot holds now. */
  function handleHttp(slot: Slot, req: unknown, out: unknown): void {
    touch();
    const r = req as { method?: () => { tag: string; val?: string }; pathWithQuery?: () => string | undefined };
    try {
      const m = r.method?.();
      opts.log(
        `${clock()}  HTTP ${(m?.tag === 'other' ? m.val : m?.tag)?.toUpperCase()} ` +
          `${r.pathWithQuery?.() ?? '/'} → ${slot.task.component_name}`,
      );
    } catch {
      /* the log line is not worth failing the request */
    }
    slot.component.handleHttp?.(req, out);
  }

  /** What the log says next to an HTTP task's address. */
  const serveNotes = (task: PlannedTask, tlsServed: boolean) =>
    [
      task.http?.auth ? `bearer token from ${task.http.auth.token_env}` : '',
      task.http?.tls && !tlsServed ? 'http.tls files not on this machine: plain HTTP here, HTTPS on the lattice' : '',
    ].filter(Boolean);

  async function start(slot: Slot, quietly = false): Promise<void> {
    const { task } = slot;
    opts.onEvent?.({ task: task.component_name, phase: 'starting', text: 'starting (jco)' });
    Object.assign(slot, await run(slot, task));
    wireBus(slot, quietly);
    await wireHttp(slot);
    if (!quietly && slot.server) {
      const notes = serveNotes(task, slot.server.url.startsWith('https:'));
      opts.log(
        `${task.component_name.padEnd(24)} serves POST ${http[task.app]}` +
          `${notes.length ? `  (${notes.join('; ')})` : ''}`,
      );
    }
    opts.onEvent?.({ task: task.component_name, phase: 'running' });
  }

  /**
   * A replaced component goes a little later: every call into a component is synchronous, so none is
   * under way at the swap, but its spare instance may still be in the making.
   */
  function retire(old: Running): void {
    const done = new Promise<void>((resolve) => setTimeout(resolve, RETIRE_MS).unref())
      .then(async () => {
        await old.component.dispose();
      })
      .finally(() => retiring.delete(done));
    retiring.add(done);
  }

  async function stopSlot(slot: Slot): Promise<void> {
    slot.unsubscribe?.();
    await slot.server?.close();
    await slot.component?.dispose();
    slots.delete(slot.task.app);
    delete http[slot.task.app];
  }

  try {
    for (const task of plan.tasks) slots.set(task.app, { task } as Slot);
    for (const slot of slots.values()) await wireHttp(slot);
    for (const slot of slots.values()) await start(slot);
  } catch (e) {
    await Promise.all([...slots.values()].map(stopSlot));
    await pool?.end();
    throw e;
  }

  function deliver(slot: Slot, m: Message): void {
    touch();
    const name = slot.task.component_name;
    opts.log(`${clock()}  ${m.subject} → ${name}  ${preview(m.body)}`);
    const before = sent;
    writing = undefined;
    const r = slot.component.handleMessage(m);
    writing = undefined;
    if (!r.ok) opts.log(`${clock()}  ${name} ✗ ${r.error}`);
    else if (sent === before) opts.log(`${clock()}  ${name} → (nothing published)`);
  }

  return {
    http,
    send(m) {
      touch();
      opts.log(`${clock()}  send → ${m.subject}  ${preview(m.body)}`);
      opts.bus.publish(m);
    },
    async quiet(idleMs = 300) {
      for (;;) {
        await opts.bus.settled();
        if (writes === 0 && Date.now() - lastActivity >= idleMs) return;
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async update(next, changed, removed, nextTokens) {
      if (nextTokens) tokens = nextTokens;
      const lines: string[] = [];
      const say = (app: string, what: string) => {
        lines.push(`${app}: ${what}`);
        opts.log(`${clock()}  ↻ ${app}: ${what}`);
      };
      for (const app of removed) {
        const slot = slots.get(app);
        if (!slot) continue;
        await stopSlot(slot);
        say(app, 'stopped (no longer in workflow.yaml)');
      }
      for (const task of next.tasks) {
        const slot = slots.get(task.app);
        if (!slot) {
          const added = { task } as Slot;
          slots.set(task.app, added);
          try {
            await start(added, true);
          } catch (e) {
            await stopSlot(added);
            throw e;
          }
          say(
            task.app,
            `started${task.source_topic ? `, listens on ${task.source_topic}` : ''}` +
              `${http[task.app] ? `, serves POST ${http[task.app]}` : ''}`,
          );
          continue;
        }
        if (!changed.includes(task.app)) {
          slot.task = task;
          continue;
        }
        const fresh = await run(slot, task);
        const what: string[] = [];
        if (fresh.wasmSha !== slot.wasmSha || JSON.stringify(fresh.config) !== JSON.stringify(slot.config)) {
          const old: Running = { component: slot.component, wasmSha: slot.wasmSha, config: slot.config };
          what.push(
            fresh.wasmSha !== slot.wasmSha
              ? `new build swapped in (${task.version}, ${fresh.wasmSha.slice(0, 12)})`
              : 'new config swapped in',
          );
          // The swap itself: synchronous, between two messages; the next one goes to the new component.
          Object.assign(slot, fresh, { task });
          retire(old);
        } else {
          await fresh.component.dispose();
          slot.task = task;
        }
        what.push(...wireBus(slot, true), ...(await wireHttp(slot)));
        if (what.length) say(task.app, what.join('; '));
      }
      return lines;
    },
    async stop() {
      await Promise.all([...slots.values()].map(stopSlot));
      await Promise.all([...retiring]);
      await opts.bus.close();
      await pool?.end();
    },
  };
}

function usesDatabase(task: PlannedTask): boolean {
  return task.providers.includes('postgres');
}

function httpAddress(task: PlannedTask): string | undefined {
  return task.exports.some((e) => e.startsWith('wasi:http/incoming-handler'))
    ? (task.http?.address ?? '0.0.0.0:8000')
    : undefined;
}

/** PostgreSQL's "relation … does not exist" (42P01): say how to create the table. */
function missingTable(e: Error): string {
  return (e as { code?: string }).code === '42P01'
    ? ' (create the table first, e.g. CREATE TABLE <table> (payload text) for a task without a database: block)'
    : '';
}

// pg is loaded only for projects with dbsync tasks: evaluating it cost every other command ~25 ms of
// start-up (its module set-up probes for a Cloudflare runtime).
async function loadPg(): Promise<typeof pg.Pool> {
  return (await import('pg')).default.Pool;
}

function openDatabase(Pool: typeof pg.Pool, url: string | undefined): pg.Pool {
  if (!url)
    throw new PelatoError(
      'this workflow has dbsync tasks, and DATABASE_URL is not set',
      'e.g. DATABASE_URL=postgres://user:password@127.0.0.1:5432/db',
    );
  return new Pool({ connectionString: url, max: 4 });
}

/** The certificate and key of http.tls when both are readable here, else undefined. */
async function readTls(files: {
  cert_file: string;
  key_file: string;
}): Promise<{ cert: Buffer; key: Buffer } | undefined> {
  try {
    return { cert: await readFile(files.cert_file), key: await readFile(files.key_file) };
  } catch {
    return undefined;
  }
}
