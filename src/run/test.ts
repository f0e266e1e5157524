/** Runs every task's test cases against its built component and reports pass/fail with diffs. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import type { Plan, PlannedTask } from '../model/plan.js';
import { loadComponent, type LoadedComponent } from './component.js';
import { judge, readTestCases, testFileFor, type CaseOutcome, type TestCase } from './testcases.js';

export interface CaseResult {
  task: string;
  name: string;
  line: number;
  file: string;
  failure?: string;
}

export interface TestReport {
  passed: number;
  failed: number;
  /** Tasks without a test file. */
  untested: string[];
  results: CaseResult[];
}

/** The task's `config:` values as deployed: the config of the component in its manifest. */
export async function taskConfig(genDir: string, task: PlannedTask): Promise<Record<string, string>> {
  const doc = YAML.parse(await readFile(path.join(genDir, task.manifest), 'utf8')) as {
    spec: { components: Array<{ type: string; properties: { config?: Array<{ properties?: Record<string, string> }> } }> };
  };
  const c = doc.spec.components.find((x) => x.type === 'component');
  return Object.assign({}, ...(c?.properties.config ?? []).map((x) => x.properties ?? {}));
}

export async function testPlan(plan: Plan, genDir: string, projectDir: string, log: (l: string) => void): Promise<TestReport> {
  const report: TestReport = { passed: 0, failed: 0, untested: [], results: [] };
  const tasksDir = path.join(projectDir, 'tasks');
  for (const task of plan.tasks) {
    const file = testFileFor(tasksDir, task.code);
    const display = path.relative(process.cwd(), file) || file;
    const cases = readTestCases(file, display);
    if (!cases) {
      report.untested.push(task.component_name);
      continue;
    }
    // Transpiled once per task; every case gets a fresh instance, so no state leaks between cases.
    const component = await loadComponent(await readFile(path.join(genDir, task.dir, 'build', 'component.wasm')));
    const base = await taskConfig(genDir, task);
    log(`${task.component_name} (${display})`);
    try {
      for (const c of cases) {
        const failure = judge(c, await runCase(component, task, c, base));
        report.results.push({ task: task.component_name, name: c.name, line: c.line, file: display, failure });
        if (failure) {
          report.failed++;
          log(`  ✗ ${c.name}  (${display}:${c.line})\n${failure.replace(/^/gm, '      ')}`);
        } else {
          report.passed++;
          log(`  ✓ ${c.name}`);
        }
      }
    } finally {
      await component.dispose();
    }
  }
  return report;
}

async function runCase(loaded: LoadedComponent, task: PlannedTask, c: TestCase, base: Record<string, string>): Promise<CaseOutcome> {
  const published: string[] = [];
  const decode = (b: Uint8Array) => Buffer.from(b).toString('utf8');
  const component = await loaded.instantiate({
    publish: (m) => published.push(decode(m.body)),
    config: { ...base, ...c.config },
    // dbsync tasks: the row they would write is their output (one column: its value; several: a JSON object).
    query: (sql, params) => {
      const columns = [...(/\(([^)]*)\)\s*VALUES/i.exec(sql)?.[1] ?? '').matchAll(/"((?:[^"]|"")*)"/g)].map((m) => m[1]!.replace(/""/g, '"'));
      published.push(params.length === 1 ? String(params[0]!.val ?? '') : JSON.stringify(Object.fromEntries(params.map((p, i) => [columns[i] ?? String(i), p.val ?? null]))));
      return [];
    },
  });
  const r = component.handleMessage({ subject: task.source_topic ?? 'pelato.test', body: new Uint8Array(Buffer.from(c.input, 'utf8')) });
  return r.ok ? { published } : { published, error: r.error };
}
