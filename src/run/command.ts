/** `pelato test` and `pelato dev`: generate, build what changed (never pushed), then run the components. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Runner } from '../common/command.js';
import { tempRoot } from '../common/process.js';
import { PelatoError } from '../common/diagnostics.js';
import { annotation } from '../common/report.js';
import { setting } from '../common/settings.js';
import { testSummary } from '../github/jobSummary.js';
import { openNats } from '../nats/connect.js';
import { describeSettings, resolveNatsSettings } from '../nats/settings.js';
import { scrub } from '../common/secrets.js';
import { httpTokens, tokenSecrets, type HttpToken } from '../deploy/httpTokens.js';
import { buildForRun, generateFirst } from '../package/command.js';
import { closingSummary, firstErrorLine, type TaskFailure } from '../common/failures.js';
import { withProgress } from '../common/openProgress.js';
import { InProcessBus, NatsBus, type Bus } from './bus.js';
import { startDev } from './dev.js';
import { testPlan, type CaseResult, type TestReport } from './test.js';
import { watchAndSwap } from './watch.js';

export const runTest: Runner = async (ctx) => {
  const { options: o, gh } = ctx;
  // Tests run what the current sources build to: generate if stale, then build what changed (cached, never pushed).
  const { plan } = await generateFirst(ctx);
  // One display for both steps: each task's line goes from compiling to testing to its result.
  const report = await withProgress(ctx, async (p, c) => {
    await buildForRun(c, 'they cannot be tested', p);
    return testPlan(plan, ctx.genDir, ctx.dir, o.json || o.quiet ? () => {} : (l) => c.r.out(l), p.onEvent);
  });
  const { r } = ctx;
  // --json-file: the typed result for a script (the test action's outputs) while the log stays readable
  if (o.jsonFile) writeFileSync(o.jsonFile, JSON.stringify(report) + '\n');
  if (o.json) r.out(JSON.stringify(report));
  else {
    if (report.untested.length && !o.quiet)
      r.out(`no tests for: ${report.untested.join(', ')} (add tasks/<name>.test.yaml)`);
    r.out(`${report.passed} passed, ${report.failed} failed`);
  }
  if (gh) {
    // each failing case annotated at its line of tasks/<name>.test.yaml, as validation errors are
    for (const c of report.results) {
      if (c.failure)
        r.err(
          annotation(
            { file: c.file, line: c.line, col: 1, message: `${c.task}: test case "${c.name}" failed\n${c.failure}` },
            ctx.env,
          ),
        );
    }
    gh.summary(testSummary(report));
  }
  for (const line of closingSummary(
    failedTasks(report),
    plan.tasks.length - report.untested.length,
    'tested task',
    'failed',
  ))
    r.err(line);
  return report.failed ? 1 : 0;
};

/** Per task with a failing case: how many failed, and the first one (name, file:line, first line of its diff). */
function failedTasks(report: TestReport): TaskFailure[] {
  const byTask = new Map<string, CaseResult[]>();
  for (const c of report.results) byTask.set(c.task, [...(byTask.get(c.task) ?? []), c]);
  const out: TaskFailure[] = [];
  for (const [task, cases] of byTask) {
    const failed = cases.filter((c) => c.failure);
    const first = failed[0];
    if (!first) continue;
    out.push({
      task,
      error:
        `${failed.length} of ${cases.length} cases failed; ` +
        `first: "${first.name}" (${first.file}:${first.line}): ${firstErrorLine(first.failure!)}`,
    });
  }
  return out;
}

/** `--send subject=body`: the first `=` separates them, so bodies may contain `=`. */
export function parseSend(values: readonly string[]): Array<{ subject: string; body: Uint8Array }> {
  return values.map((v) => {
    const i = v.indexOf('=');
    if (i <= 0) throw new PelatoError(`--send "${v}" is not subject=body`, 'e.g. --send hello.names=Ada', 'usage');
    return { subject: v.slice(0, i), body: new Uint8Array(Buffer.from(v.slice(i + 1), 'utf8')) };
  });
}

/** Runs every task locally until Ctrl-C (or, with --once, until no message is in flight); --watch swaps in changes. */
export const runDev: Runner = async (ctx) => {
  const { options: o, env } = ctx;
  const sends = parseSend(o.send);
  if (o.once && o.watch)
    throw new PelatoError(
      '--once and --watch do not go together',
      '--once stops when the messages are handled; --watch keeps running until Ctrl-C',
      'usage',
    );
  const { plan } = await generateFirst(ctx);
  // Before the build, so a missing token is reported at once rather than after minutes of compiling.
  let tokens: HttpToken[] = httpTokens(plan, env);
  // The session's log goes to whatever reporter is current, so that a progress display (the first
  // build, a rebuild under --watch) and the message log never draw over each other; tokens never show.
  let out = ctx.r;
  const log = (l: string) => out.out(scrub(l, tokenSecrets(tokens)));
  const session = await withProgress(ctx, async (p, c) => {
    out = c.r;
    try {
      await buildForRun(c, 'the workflow cannot run', p);
      let bus: Bus;
      if (o.natsUrl) {
        const handle = await openNats(resolveNatsSettings(env, ctx.flags), {
          name: 'pelato-dev',
          tmpDir: tempRoot(env),
        });
        c.r.out(
          `bus: NATS at ${describeSettings(handle.settings)} (queue groups named after each app, as on the lattice)`,
        );
        bus = new NatsBus(handle.nc, () => handle.close());
      } else {
        c.r.out('bus: in-process (set NATS_URL or --nats-url to use a NATS server)');
        bus = new InProcessBus();
      }
      return await startDev(plan, {
        genDir: ctx.genDir,
        bus,
        databaseUrl: setting(env, 'databaseUrl'),
        httpHost: '127.0.0.1',
        httpPortOffset: o.httpPortOffset,
        portsDir: path.join(tempRoot(env), 'pelato-dev-ports'),
        project: path.resolve(ctx.dir),
        tokens,
        log,
        onEvent: p.onEvent,
      });
    } finally {
      out = ctx.r;
    }
  });
  for (const m of sends) session.send(m);
  if (o.once) {
    await session.quiet();
  } else {
    const watcher = o.watch
      ? watchAndSwap(
          ctx,
          session,
          (r) => (out = r),
          (next) => (tokens = httpTokens(next, env)),
        )
      : undefined;
    ctx.r.out(
      o.watch ? 'running; watching workflow.yaml and tasks/ for changes; Ctrl-C stops' : 'running; Ctrl-C stops',
    );
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    watcher?.close();
  }
  await session.stop();
  ctx.r.out('stopped');
  return 0;
};
