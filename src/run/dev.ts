/**
 * `pelato dev`: every task of the workflow running locally, wired topic to topic, with a live log of the
 * messages travelling between them. The components are the built ones, run in Node (see component.ts);
 * HTTP producers are served on loopback; dbsync tasks write to the PostgreSQL given by DATABASE_URL.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { PelatoError } from '../common/diagnostics.js';
import type { Plan, PlannedTask } from '../model/plan.js';
import type { Bus } from './bus.js';
import { runComponent, type Message, type RunningComponent } from './component.js';
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
  log(line: string): void;
}

export interface DevSession {
  /** HTTP endpoints by app. */
  http: Record<string, string>;
  /** Resolves when no message is in flight and no row is being written (for --once and tests). */
  quiet(idleMs?: number): Promise<void>;
  send(msg: Message): void;
  stop(): Promise<void>;
}

const clock = () => new Date().toISOString().slice(11, 23);

/** A body as a short, printable preview. */
export function preview(body: Uint8Array): string {
  const text = Buffer.from(body).toString('utf8');
  const shown = text.length > 100 ? `${text.slice(0, 100)}…` : text;
  return `${JSON.stringify(shown)}${text.length > 100 ? ` (${body.length} bytes)` : ''}`;
}

export async function startDev(plan: Plan, opts: DevOptions): Promise<DevSession> {
  const components: RunningComponent[] = [];
  const closers: Array<() => void> = [];
  const http: Record<string, string> = {};
  let writes = 0;
  let sent = 0; // messages and rows produced by tasks, to tell when a task published nothing
  let lastActivity = Date.now();
  const touch = () => (lastActivity = Date.now());
  const pool = plan.tasks.some((t) => t.providers.includes('postgres')) ? openDatabase(opts.databaseUrl) : undefined;

  try {
    for (const task of plan.tasks) {
      const wasm = await readFile(path.join(opts.genDir, task.dir, 'build', 'component.wasm'));
      const c = await runComponent(wasm, {
        publish: (m) => {
          sent++;
          touch();
          opts.log(`${clock()}  ${task.component_name} → ${m.subject}  ${preview(m.body)}`);
          opts.bus.publish(m);
        },
        config: await taskConfig(opts.genDir, task),
        log: (level, _ctx, msg) => opts.log(`${clock()}  ${task.component_name} [${level}] ${msg}`),
        query: pool
          ? (sql, params) => {
              sent++;
              writes++;
              touch();
              const values = params.map((p) => (p.tag === 'null' ? null : p.val));
              pool
                .query(sql, values)
                .then(() => opts.log(`${clock()}  ${task.component_name} → row in PostgreSQL  ${JSON.stringify(values)}`))
                .catch((e: Error) => opts.log(`${clock()}  ${task.component_name} ✗ insert failed: ${e.message}`))
                .finally(() => (writes--, touch()));
              return [];
            }
          : undefined,
      });
      components.push(c);
      if (task.source_topic) {
        opts.bus.subscribe(task.source_topic, task.app, (m) => deliver(task, c, m));
        opts.log(`${task.component_name.padEnd(24)} listens on ${task.source_topic}${task.dest_topic ? `, publishes to ${task.dest_topic}` : ''}`);
      }
      const address = httpAddress(task);
      if (address && c.serveHttp) {
        const port = Number(address.split(':').pop()) + opts.httpPortOffset;
        const server = c.serveHttp(port, opts.httpHost);
        closers.push(() => server.close());
        http[task.app] = `${server.url}${task.http?.path ?? '/'}`;
        opts.log(`${task.component_name.padEnd(24)} serves POST ${http[task.app]}`);
      }
    }
  } catch (e) {
    for (const close of closers) close();
    await Promise.all(components.map((c) => c.dispose()));
    await pool?.end();
    throw e;
  }

  function deliver(task: PlannedTask, c: RunningComponent, m: Message): void {
    touch();
    opts.log(`${clock()}  ${m.subject} → ${task.component_name}  ${preview(m.body)}`);
    const before = sent;
    const r = c.handleMessage(m);
    if (!r.ok) opts.log(`${clock()}  ${task.component_name} ✗ ${r.error}`);
    else if (sent === before) opts.log(`${clock()}  ${task.component_name} → (nothing published)`);
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
    async stop() {
      for (const close of closers) close();
      await opts.bus.close();
      await Promise.all(components.map((c) => c.dispose()));
      await pool?.end();
    },
  };
}

function httpAddress(task: PlannedTask): string | undefined {
  return task.exports.some((e) => e.startsWith('wasi:http/incoming-handler')) ? (task.http?.address ?? '0.0.0.0:8000') : undefined;
}

function openDatabase(url: string | undefined): pg.Pool {
  if (!url) throw new PelatoError('this workflow has dbsync tasks, and DATABASE_URL is not set', 'e.g. DATABASE_URL=postgres://user:password@127.0.0.1:5432/db');
  return new pg.Pool({ connectionString: url, max: 4 });
}
