/** Runs every task's test cases against its built component and reports pass/fail with diffs. */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import type { OnTaskEvent } from '../common/progress.js';
import { HTTP_TOKEN_KEY, type Plan, type PlannedTask } from '../model/plan.js';
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
    spec: {
      components: Array<{ type: string; properties: { config?: Array<{ properties?: Record<string, string> }> } }>;
    };
  };
  const c = doc.spec.components.find((x) => x.type === 'component');
  return Object.assign({}, ...(c?.properties.config ?? []).map((x) => x.properties ?? {}));
}

/** `onEvent`: per-task progress (testing, then passed or failed), next to the per-case lines of `log`. */
export async function testPlan(
  plan: Plan,
  genDir: string,
  projectDir: string,
  log: (l: string) => void,
  onEvent: OnTaskEvent = () => {},
): Promise<TestReport> {
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
    onEvent({
      task: task.component_name,
      phase: 'testing',
      text: `testing ${cases.length} case${cases.length === 1 ? '' : 's'}`,
    });
    const failedBefore = report.failed;
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
    const failed = report.failed - failedBefore;
    onEvent(
      failed
        ? {
            task: task.component_name,
            phase: 'failed',
            text: `${failed} of ${cases.length} case${cases.length === 1 ? '' : 's'} failed`,
          }
        : {
            task: task.component_name,
            phase: 'passed',
            text: `${cases.length} case${cases.length === 1 ? '' : 's'} passed`,
          },
    );
  }
  return report;
}

async function runCase(
  loaded: LoadedComponent,
  task: PlannedTask,
  c: TestCase,
  base: Record<string, string>,
): Promise<CaseOutcome> {
  const published: string[] = [];
  const decode = (b: Uint8Array) => Buffer.from(b).toString('utf8');
  // http.auth: cases test the task, not the door, so each run makes up its own token and sends it
  // (no secret is needed where tests run); the refusals are tested by PELATO itself.
  const token = task.http?.auth ? randomBytes(24).toString('hex') : undefined;
  const component = await loaded.instantiate(
    {
      // A dbsync task's output is its row (below); what it publishes is the confirmation of that row.
      publish: (m) => {
        if (!task.providers.includes('postgres')) published.push(decode(m.body));
      },
      config: { ...base, ...c.config, ...(token ? { [HTTP_TOKEN_KEY]: token } : {}) },
      // dbsync tasks: the row they would write is their output (one column: its value; several: a JSON object).
      query: (sql, params) => {
        const columns = [...(/\(([^)]*)\)\s*VALUES/i.exec(sql)?.[1] ?? '').matchAll(/"((?:[^"]|"")*)"/g)].map((m) =>
          m[1]!.replace(/""/g, '"'),
        );
        published.push(
          params.length === 1
            ? String(params[0]!.val ?? '')
            : JSON.stringify(Object.fromEntries(params.map((p, i) => [columns[i] ?? String(i), p.val ?? null]))),
        );
        return [];
      },
    },
    { spare: false },
  );
  try {
    // HTTP producers are tested the way their users reach them: a real POST to the served component.
    if (component.serveHttp && isHttpTask(task)) {
      const server = component.serveHttp(0);
      try {
        const res = await fetch(`${server.url}${task.http?.path ?? '/'}`, {
          method: 'POST',
          body: c.input,
          ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
        });
        const body = await res.text();
        // The component logs the error it answers 500 with; the body carries the same text.
        return { published, http: { status: res.status, body }, ...(res.status >= 500 ? { error: body.trim() } : {}) };
      } finally {
        server.close();
      }
    }
    const r = component.handleMessage({
      subject: task.source_topic ?? 'pelato.test',
      body: new Uint8Array(Buffer.from(c.input, 'utf8')),
    });
    return r.ok ? { published } : { published, error: r.error };
  } finally {
    await component.dispose();
  }
}

function isHttpTask(task: PlannedTask): boolean {
  return task.exports.some((e) => e.startsWith('wasi:http/incoming-handler'));
}
