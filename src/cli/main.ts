/** The `pelato` command: parse, run one stage, report. */
import { performance } from 'node:perf_hooks';
import { generateToDisk } from '../generate/generate.js';
import { loadWorkflow } from '../load/workflow.js';
import { reportFailure, type Reporter } from '../common/report.js';
import { parseCli, USAGE, type CliArgs } from './args.js';
import { VERSION } from './version.js';

export async function main(argv: string[], r: Reporter, env = process.env): Promise<number> {
  try {
    const args = parseCli(argv, env);
    if ('help' in args) {
      r.out(USAGE);
      return 0;
    }
    if ('version' in args) {
      r.out(VERSION);
      return 0;
    }
    return await run(args, r);
  } catch (err) {
    return reportFailure(err, r);
  }
}

async function run(args: CliArgs, r: Reporter): Promise<number> {
  const started = performance.now();
  const wf = loadWorkflow(args.dir, { registry: args.registry, lattice: args.lattice });
  const loadMs = performance.now() - started;
  if (args.command === 'validate') {
    if (args.json) r.out(JSON.stringify({ ok: true, project_name: wf.project_name, tasks: wf.tasks.length }));
    else r.out(`${wf.file}: ok — ${wf.tasks.length} task${wf.tasks.length === 1 ? '' : 's'} in "${wf.project_name}"`);
    return 0;
  }
  const g = await generateToDisk(wf, args.out);
  const ms = performance.now() - started;
  if (args.json) {
    r.out(JSON.stringify({ out: g.out, plan: g.plan, ms: Math.round(ms), timings: { load_ms: Math.round(loadMs), ...g.timings } }));
    return 0;
  }
  r.out(`Generated ${g.plan.tasks.length} task${g.plan.tasks.length === 1 ? '' : 's'} of "${wf.project_name}" into ${g.out} in ${ms.toFixed(0)} ms`);
  const rows = g.plan.tasks.map((t) => [t.component_name, t.type, t.targets.join(','), t.image]);
  for (const line of table(['component', 'type', 'targets', 'image'], rows)) r.out(line);
  return 0;
}

export function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const fmt = (cells: string[]) => '  ' + cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [fmt(head), ...rows.map(fmt)];
}
