/**
 * Workflows written for the earlier implementation work as they are (issue 12): the seed documents'
 * examples validate and generate, with warnings for the defaults they rely on, and the flattened text
 * of the extracted seed gets a message that says what is wrong.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generate } from '../../src/generate/generate.js';
import { loadWorkflow } from '../../src/load/workflow.js';
import { cleanupProjects, makeProject, ROOT } from '../helpers/project.js';
import { runCli as cli } from '../helpers/cli.js';
import { diagnosticsOf } from '../helpers/diagnostics.js';
import * as seed from '../helpers/seed.js';

afterAll(cleanupProjects);

describe("the seed documents' workflows", () => {
  // The helpers re-indent the seed's examples (the extracted text lost its indentation); this holds them
  // to the seed files themselves, so a helper cannot drift into a workflow the seed never wrote.
  test("the workflows and task files used here are the seed documents' own lines, in order", () => {
    const seeds = path.join(ROOT, '..', 'shared', 'seeds');
    const lines = (file: string) =>
      readFileSync(path.join(seeds, file), 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
    const thesis = lines('000_7629888f82ebf4d8.txt');
    const readme = lines('001_d78f6177990a9fd0.txt');
    const inOrder = (text: string, doc: string[]) => {
      let at = 0;
      for (const l of text
        .split('\n')
        .map((x) => x.trim())
        .filter(Boolean)) {
        const found = doc.indexOf(l, at);
        if (found < 0) return `not in the seed after line ${at}: ${l}`;
        at = found + 1;
      }
      return 'ok';
    };
    expect(inOrder(seed.SEED_README_WORKFLOW, readme)).toBe('ok');
    expect(inOrder(seed.SEED_SETUP_WORKFLOW, thesis)).toBe('ok');
    expect(inOrder(seed.SEED_TEMPERATURE_WORKFLOW, thesis)).toBe('ok');
    // the placeholder lines are the only changes (see SEED_TASK_MINIMAL and SEED_TASK_JSON)
    expect(inOrder(seed.SEED_TASK_MINIMAL.replace('return arg', 'return response'), readme)).toBe('ok');
    expect(inOrder(seed.SEED_TASK_JSON.replace('req.Data = req.Data * 2\n', ''), thesis)).toBe('ok');
    // and the check can fail
    expect(inOrder('tasks:\n- name: Not in the seed\n', readme)).toMatch(/^not in the seed/);
  });

  test('the seed README example: no project_name (the folder name, with a warning), target:, "..."', async () => {
    const dir = makeProject({ 'workflow.yaml': seed.SEED_README_WORKFLOW, 'tasks/aggregate.go': seed.SEED_TASK_JSON });
    const wf = loadWorkflow(dir);
    expect(wf.project_name).toBe(path.basename(dir));
    expect(wf.tasks.map((t) => [t.component_name, t.type, t.targets, t.source_topic, t.dest_topic, t.version])).toEqual(
      [['data_aggregation', 'processor_nats', ['edge', 'cloud'], 'temp_sensor', 'aggregated_data', '1.0.0']],
    );
    expect(wf.warnings.map((w) => [w.line, w.message])).toEqual([
      [1, `project_name is missing; using the folder's name "${path.basename(dir)}"`],
    ]);
    const r = await cli({}, 'validate', dir);
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      `${path.join(dir, 'workflow.yaml')}:1:1: warning: project_name is missing; ` +
        `using the folder's name "${path.basename(dir)}" (add "project_name: <name>" at the top)`,
    );
    expect(r.out).toMatch(/ok — 1 task in ".*", 1 warning$/);
  });

  test('--strict (and PELATO_STRICT) turn the warning into an error; nothing is written', async () => {
    const dir = makeProject({ 'workflow.yaml': seed.SEED_README_WORKFLOW, 'tasks/aggregate.go': seed.SEED_TASK_JSON });
    for (const [env, args] of [
      [{}, ['--strict']],
      [{ PELATO_STRICT: 'true' }, []],
    ] as const) {
      const r = await cli(env, 'gen', dir, ...args);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(
        new RegExp(
          String.raw`workflow\.yaml:1:1: project_name is missing; using the folder's name ".*" ` +
            String.raw`\(add "project_name: <name>" at the top; a warning, an error with --strict\)\n` +
            String.raw`1 problem found; nothing was written\.`,
        ),
      );
    }
    expect(() => readFileSync(path.join(dir, 'gen', 'plan.json'))).toThrow();
    expect((await cli({ PELATO_STRICT: 'false' }, 'gen', dir)).code).toBe(0);
  });

  test("the thesis' examples, with the seed task file format", () => {
    const setup = makeProject({
      'workflow.yaml': seed.SEED_SETUP_WORKFLOW,
      'tasks/sensor_read.go': seed.SEED_TASK_MINIMAL,
    });
    const a = loadWorkflow(setup);
    expect([a.project_name, a.warnings]).toEqual(['Test_project', []]);
    expect(a.tasks[0]!.targets).toEqual(['cloud', 'edge']);
    const temp = makeProject({
      'workflow.yaml': seed.SEED_TEMPERATURE_WORKFLOW,
      'tasks/convert.go': seed.SEED_TASK_JSON,
      'tasks/filter.go': seed.SEED_TASK_MINIMAL,
    });
    const b = loadWorkflow(temp);
    expect(b.tasks.map((t) => [t.component_name, t.http?.path, t.http?.address])).toEqual([
      ['celsius_to_kelvin_conversion', '/', '0.0.0.0:8000'],
      ['temp_filter', undefined, undefined],
    ]);
    expect(b.warnings).toEqual([]);
    expect(generate(b).plan.tasks.map((t) => t.image)).toEqual([
      'localhost:5000/celsius_to_kelvin_conversion:1.0.0',
      'localhost:5000/temp_filter:1.0.2',
    ]);
  });

  test(
    'dbsync_nats without a database block: the documented defaults, ' + 'and its dest_topic gets the confirmations',
    () => {
      const dir = makeProject({
        'workflow.yaml': seed.SEED_DBSYNC_WORKFLOW,
        'tasks/db_sync.go': seed.SEED_TASK_MINIMAL,
      });
      const wf = loadWorkflow(dir);
      const t = wf.tasks[0]!;
      expect([t.dest_topic, t.database]).toEqual([
        'db_synced',
        { table: 'db_sync', columns: ['payload'], connection_config: 'pelato-postgres' },
      ]);
      expect(wf.warnings.map((w) => `${w.line}:${w.col} ${w.message} (${w.hint})`)).toEqual([
        `1:1 project_name is missing; using the folder's name "${path.basename(dir)}" ` +
          '(add "project_name: <name>" at the top)',
        '2:5 no database block: rows go to column "payload" of table "db_sync" ' +
          '(create it with CREATE TABLE db_sync (payload text), or add "database: { table: …, columns: […] }")',
      ]);
      const g = generate(wf);
      const manifest = g.files.get('db_sync/wadm.yaml')!.toString();
      // the component publishes through the messaging provider: a consumer link, besides the postgres one
      expect(manifest).toMatch(/interfaces:\n\s+- consumer/);
      expect(manifest).toMatch(/subscriptions: aggregated_data\|db_sync/);
      expect(g.files.get('db_sync/wit/world.wit')!.toString()).toContain('import wasmcloud:messaging/consumer@0.2.0;');
      expect(g.files.get('db_sync/main.go')!.toString()).toContain('const pelatoDestSubject = "db_synced"');
      expect(g.files.get('db_sync/main.go')!.toString()).toContain(
        'INSERT INTO \\"db_sync\\" (\\"payload\\") VALUES ($1)',
      );
    },
  );

  test('the extracted text, every line at column 0: each stray task field is named, with the fix', () => {
    const dir = makeProject({
      'workflow.yaml': seed.SEED_README_WORKFLOW_FLAT,
      'tasks/aggregate.go': seed.SEED_TASK_JSON,
    });
    const d = diagnosticsOf(() => loadWorkflow(dir));
    expect(d.length).toBeGreaterThan(0);
    expect(d[0]).toMatchObject({
      line: 3,
      col: 1,
      message: '"type" is a task field, but it is at the top level',
      hint: 'indent it under its task (the lines after "- name: …"), e.g. by 4 spaces',
    });
    expect(d.filter((x) => x.message.endsWith('is a task field, but it is at the top level')).length).toBe(7);
    expect(d).toHaveLength(7);
  });

  test("the seed's .env names keep working", async () => {
    const dir = makeProject({
      'workflow.yaml': seed.SEED_TEMPERATURE_WORKFLOW,
      'tasks/convert.go': seed.SEED_TASK_JSON,
      'tasks/filter.go': seed.SEED_TASK_MINIMAL,
      '.env':
        'REGISTRY_URL=registry.example:5000/seed\nREGISTRY_USER=\nREGISTRY_PASSWORD=\nPARALLEL_BUILD=True\n' +
        'NATS_HOST=localhost\nNATS_PORT=4222\nENABLE_METRICS=True\n',
    });
    const r = await cli({}, 'gen', dir, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).plan.tasks[0].image).toBe('registry.example:5000/seed/celsius_to_kelvin_conversion:1.0.0');
    // the seed's metric: code_gen.gen_time in seconds, as '%.3f'
    const metrics = JSON.parse(readFileSync(path.join(dir, 'gen', 'metrics.json'), 'utf8'));
    expect(metrics.code_gen.gen_time).toMatch(/^\d+\.\d{3}$/);
    const off = makeProject({
      'workflow.yaml': seed.SEED_SETUP_WORKFLOW,
      'tasks/sensor_read.go': seed.SEED_TASK_MINIMAL,
      '.env': 'ENABLE_METRICS=False\n',
    });
    expect((await cli({}, 'gen', off)).code).toBe(0);
    expect(() => readFileSync(path.join(off, 'gen', 'metrics.json'))).toThrow();
  });
});
