/**
 * `pelato dev --watch`: when workflow.yaml or a file under tasks/ changes, regenerate (only what is stale
 * is written), rebuild the apps that changed and swap them into the running session (dev.ts `update`);
 * the bus, the other tasks and the HTTP ports stay. A change that does not validate or build is reported
 * and the running version is kept, as `wash dev` and `spin watch` do.
 */
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { CommandContext } from '../common/command.js';
import { withProgress } from '../common/openProgress.js';
import { reportFailure } from '../common/report.js';
import { ensureGenerated } from '../generate/fresh.js';
import { WORKFLOW_FILE } from '../load/workflow.js';
import { buildForRun } from '../package/command.js';
import type { HttpToken } from '../deploy/httpTokens.js';
import type { Plan } from '../model/plan.js';
import type { DevSession } from './dev.js';

/** Saves come in bursts (an editor writes, renames, touches): wait this long after the last event. */
const SETTLE_MS = 200;

/** Which changes matter: workflow.yaml, and task files (not their test cases, not editors' temporary files). */
export function relevant(rel: string): boolean {
  const base = path.basename(rel);
  if (rel === WORKFLOW_FILE) return true;
  if (!rel.startsWith(`tasks${path.sep}`) && !rel.startsWith('tasks/')) return false;
  return (
    !/\.test\.ya?ml$/.test(base) &&
    !base.startsWith('.') &&
    !base.endsWith('~') &&
    !/^\d+$/.test(base) &&
    !/\.(swp|swx|tmp)$/.test(base)
  );
}

/** Watches DIR's workflow.yaml and tasks/ (recursively); `onChange` gets the changed paths, relative to DIR. */
export function watchProject(dir: string, onChange: (files: string[]) => void): { close(): void } {
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const note = (rel: string) => {
    if (!relevant(rel)) return;
    changed.add(rel);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const files = [...changed].sort();
      changed.clear();
      onChange(files);
    }, SETTLE_MS);
  };
  const watchers: FSWatcher[] = [
    // The folder, not the file: editors replace a file by renaming a new one over it.
    watch(dir, (_e, name) => name && note(String(name))),
    watch(path.join(dir, 'tasks'), { recursive: true }, (_e, name) => name && note(path.join('tasks', String(name)))),
  ];
  return {
    close: () => {
      clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}

/**
 * Runs one rebuild per burst of changes, one at a time (changes during a rebuild start the next one
 * after it). `out` is where the session's log goes, so that a live progress display and the message
 * log never draw over each other.
 */
export function watchAndSwap(
  ctx: CommandContext,
  session: DevSession,
  setOut: (r: CommandContext['r']) => void,
  tokensFor: (plan: Plan) => HttpToken[],
): { close(): void } {
  let running: Promise<void> = Promise.resolve();
  let closed = false;
  let waiting: string[] | undefined;
  const clock = () => new Date().toISOString().slice(11, 23);
  const cycle = async (files: string[]) => {
    const r = ctx.r;
    r.out(`${clock()}  ↻ ${files.join(', ')} changed: rebuilding`);
    try {
      const f = await ensureGenerated(ctx);
      if (!f.changed.length && !f.removed.length) {
        r.out(`${clock()}  ↻ nothing to rebuild (the generated projects are the same)`);
        return;
      }
      // A new http.auth needs its token before anything is built (as at start).
      const tokens = tokensFor(f.plan);
      const started = Date.now();
      await withProgress(ctx, async (p, c) => {
        setOut(c.r);
        try {
          await buildForRun(c, 'the running version is kept', p, f.changed);
        } finally {
          setOut(ctx.r);
        }
      });
      // Ctrl-C during a rebuild: the session is being stopped, nothing to swap into.
      if (closed) return;
      const lines = await session.update(f.plan, f.changed, f.removed, tokens);
      r.out(
        `${clock()}  ↻ ` +
          (lines.length
            ? `swapped in ${f.changed.length} of ${f.plan.tasks.length} task${f.plan.tasks.length === 1 ? '' : 's'}`
            : 'nothing to swap') +
          ` in ${((Date.now() - started) / 1000).toFixed(1)} s; watching`,
      );
    } catch (e) {
      reportFailure(e, r, ctx.env);
      r.out(`${clock()}  ↻ the running version is kept; fix it and save again`);
    }
  };
  const watcher = watchProject(ctx.dir, (files) => {
    if (waiting) {
      waiting.push(...files);
      return;
    }
    waiting = files;
    running = running.then(async () => {
      if (closed) return;
      const batch = [...new Set(waiting)];
      waiting = undefined;
      await cycle(batch);
    });
  });
  return {
    // Does not wait for a rebuild in progress: Ctrl-C should stop at once.
    close: () => {
      closed = true;
      watcher.close();
    },
  };
}
