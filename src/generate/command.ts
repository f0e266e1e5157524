/** `pelato validate` and `pelato gen`, and generating as the first step of test, dev and brush. */
import { performance } from 'node:perf_hooks';
import type { CommandContext, Runner } from '../common/command.js';
import { PelatoError, UserInputError, type Diagnostic } from '../common/diagnostics.js';
import { reportWarnings } from '../common/report.js';
import { table } from '../common/table.js';
import { genSummary } from '../github/jobSummary.js';
import { loadWorkflow } from '../load/workflow.js';
import type { Workflow } from '../model/workflow.js';
import { overridesFor } from './fresh.js';
import { generateToDisk } from './generate.js';

/** workflow.yaml and the task files, with the command's overrides (flags, environment). */
export function loadProject(ctx: CommandContext): Workflow {
  const o = ctx.options;
  const wf = loadWorkflow(ctx.dir, {
    registry: o.registry,
    lattice: o.lattice,
    builtinProviders: o.builtinProviders,
    strict: o.strict,
  });
  // Accepted with warnings: printed (annotations in Actions), never blocking.
  reportWarnings(wf.warnings, ctx.r, ctx.env);
  return wf;
}

/** Warnings in the same shape as problems. */
function jsonWarnings(warnings: Diagnostic[]) {
  return warnings.map((d) => ({ file: d.file, line: d.line, column: d.col, message: d.message, hint: d.hint ?? null }));
}

/** Problems as `validate --json` prints them: positioned where they can be, null where they cannot. */
export function jsonProblems(
  e: PelatoError,
): Array<{ file: string | null; line: number | null; column: number | null; message: string; hint: string | null }> {
  if (e instanceof UserInputError)
    return e.diagnostics.map((d) => ({
      file: d.file,
      line: d.line,
      column: d.col,
      message: d.message,
      hint: d.hint ?? null,
    }));
  return [{ file: null, line: null, column: null, message: e.message, hint: e.hint ?? null }];
}

export const runValidate: Runner = async (ctx) => {
  let wf: Workflow;
  try {
    wf = loadProject(ctx);
  } catch (e) {
    // With --json the answer is JSON either way, so a script reads one format.
    if (!ctx.options.json || !(e instanceof PelatoError)) throw e;
    const warnings = e instanceof UserInputError && e.warnings.length ? { warnings: jsonWarnings(e.warnings) } : {};
    ctx.r.out(JSON.stringify({ ok: false, problems: jsonProblems(e), ...warnings }));
    return 1;
  }
  // `warnings` only when there are some, so the answer for a clean project stays as it was.
  if (ctx.options.json)
    ctx.r.out(
      JSON.stringify({
        ok: true,
        project_name: wf.project_name,
        tasks: wf.tasks.length,
        ...(wf.warnings.length ? { warnings: jsonWarnings(wf.warnings) } : {}),
      }),
    );
  else
    ctx.r.out(
      `${wf.file}: ok — ${wf.tasks.length} task${wf.tasks.length === 1 ? '' : 's'} in "${wf.project_name}"` +
        `${wf.warnings.length ? `, ${wf.warnings.length} warning${wf.warnings.length === 1 ? '' : 's'}` : ''}`,
    );
  return 0;
};

/** `pelato gen`: validates and writes gen/ (other stages generate through ensureGenerated, src/generate/fresh.ts). */
export async function generateProject(ctx: CommandContext) {
  const started = performance.now();
  const wf = loadProject(ctx);
  const loadMs = performance.now() - started;
  const g = await generateToDisk(wf, ctx.genDir, { overrides: overridesFor(ctx), metrics: ctx.options.metrics });
  return { wf, ...g, loadMs, ms: performance.now() - started };
}

export const runGen: Runner = async (ctx) => {
  const { wf, out, plan, timings, loadMs, ms } = await generateProject(ctx);
  if (ctx.options.json) {
    ctx.r.out(JSON.stringify({ out, plan, ms: Math.round(ms), timings: { load_ms: Math.round(loadMs), ...timings } }));
    return 0;
  }
  ctx.r.out(
    `Generated ${plan.tasks.length} task${plan.tasks.length === 1 ? '' : 's'} of "${wf.project_name}" ` +
      `into ${out} in ${ms.toFixed(0)} ms`,
  );
  const rows = plan.tasks.map((t) => [t.component_name, t.type, t.targets.join(','), t.image]);
  if (!ctx.options.quiet) for (const line of table(['component', 'type', 'targets', 'image'], rows)) ctx.r.out(line);
  ctx.gh?.summary(genSummary(plan, out, ms, ctx.env));
  return 0;
};
