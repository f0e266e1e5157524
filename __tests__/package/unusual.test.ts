/**
 * What validates, builds (issue 12): unusual but valid projects — task files named like template files
 * or the way the Go tool skips, upper-case extensions, byte-order marks, CRLF, export lists, spaces
 * and accents in paths, dbsync without a database block and with confirmations, odd config keys, the
 * seed's own workflow — are generated, really compiled (componentize-js; TinyGo 0.39 for Go) and run
 * through `pelato test` against the built components.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { cleanupProjects, makeProject } from '../helpers/project.js';
import * as seed from '../helpers/seed.js';

afterAll(cleanupProjects);

// TinyGo and wasm-tools: on PATH (GitHub runners) or where this project's machines keep them.
const cache = path.join(os.homedir(), '.cache', 'pelato');
const extraPath = [path.join(cache, 'tinygo-0.39.0', 'bin'), path.join(cache, 'wasm-tools-1.240.0', 'bin')].filter(
  existsSync,
);
const PATH = [...extraPath, process.env.PATH].join(path.delimiter);
const onPath = (tool: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { env: { ...process.env, PATH }, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
// .ci/run installs both (scripts/install-go-tools.sh); without them the Go cases fail and say why.
const goTools = () => {
  for (const tool of ['tinygo', 'wasm-tools'])
    if (!onPath(tool)) throw new Error(`${tool} is not on PATH: run scripts/install-go-tools.sh`);
};

function pelatoTest(dir: string) {
  // The build runs go, tinygo and wasm-tools with the environment it is given (HOME, GOPATH, PATH).
  return runCli({ ...process.env, PARALLEL_BUILD: '2', PATH }, 'test', dir);
}

const cases = (...c: Array<Record<string, unknown>>) => JSON.stringify(c);

describe('unusual but valid projects build and run', () => {
  test('JavaScript and TypeScript', async () => {
    const dir = makeProject({
      'workflow.yaml':
        'project_name: Unusual JS\ntasks:\n' +
        '  - { name: Named like the template glue, type: processor_nats, code: pelato_main.js, targets: [edge], ' +
        'source_topic: a.in, dest_topic: a.out, component_name: glue-name, version: 1.0.0 }\n' +
        '  - { name: Upper-case TS, type: processor_nats, code: Upper.TS, targets: [edge], source_topic: b.in, ' +
        'dest_topic: b.out, component_name: upper-ts, version: 1.0.0 }\n' +
        '  - { name: Export list with a rename, type: processor_nats, code: alias.mjs, targets: [edge], ' +
        'source_topic: c.in, dest_topic: c.out, component_name: alias, version: 1.0.0 }\n' +
        '  - { name: Export list in MTS, type: producer_nats, code: sub dir/Count.MTS, targets: [edge], ' +
        'source_topic: d.in, dest_topic: d.out, component_name: count, version: 1.0.0 }\n' +
        '  - { name: BOM and CRLF, type: processor_nats, code: bom.js, targets: [edge], source_topic: e.in, ' +
        'dest_topic: e.out, component_name: bom, version: 1.0.0, config: { 1.50: one-fifty, "true": yes } }\n' +
        '  - { name: Rows with confirmations, type: dbsync_nats, code: store.ts, target: cloud, ' +
        'source_topic: f.in, dest_topic: f.stored, component_name: store-rows, version: 1.0.0 }\n' +
        '  - { name: HTTP on IPv6, type: http_producer_nats, code: web.js, targets: [edge], dest_topic: g.out, ' +
        'component_name: web6, version: 1.0.0, http: { address: "[::]:8081" } }\n' +
        '  - { name: HTTP on loopback, type: http_producer_nats, code: web.js, targets: [edge], dest_topic: h.out, ' +
        'component_name: web4, version: 1.0.0, http: { address: "127.0.0.1:8082" } }\n',
      'tasks/pelato_main.js': 'export function execTask(arg) {\n  return arg.split("").reverse().join("");\n}\n',
      'tasks/pelato_main.test.yaml': cases({ input: 'abc', expect: 'cba' }),
      'tasks/Upper.TS':
        'enum Mark { Bang = "!" }\ninterface Opts { mark: Mark }\n' +
        'const opts = { mark: Mark.Bang } satisfies Opts;\n' +
        'function up<T extends string>(s: T): string { return s.toUpperCase(); }\n' +
        'export function execTask(arg: string): string {\n  return up(arg) + opts.mark;\n}\n',
      'tasks/Upper.test.yaml': cases({ input: 'ada', expect: 'ADA!' }),
      'tasks/alias.mjs': 'function shout(arg) {\n  return `${arg}!!`;\n}\nexport { shout as execTask };\n',
      'tasks/alias.test.yaml': cases({ input: 'hi', expect: 'hi!!' }),
      'tasks/sub dir/Count.MTS':
        'function execTask(arg: string): string {\n  return String(arg.length);\n}\nexport { execTask };\n',
      'tasks/sub dir/Count.test.yaml': cases({ input: 'four', expect: '4' }),
      'tasks/bom.js':
        '\uFEFFexport function execTask(arg) {\r\n' +
        '  return `${arg}:${taskConfig("1.50")}:${taskConfig("true")}`;\r\n}\r\n',
      'tasks/bom.test.yaml': cases({ input: 'x', expect: 'x:one-fifty:yes' }),
      'tasks/store.ts': 'export function execTask(arg: string): string {\n  return arg.trim();\n}\n',
      'tasks/store.test.yaml': cases({ input: ' row ', expect: 'row' }),
      'tasks/web.js': 'export function execTask(arg) {\n  return `got ${arg}`;\n}\n',
      'tasks/web.test.yaml': cases({ input: 'it', expect: 'got it' }),
    });
    const r = await pelatoTest(dir);
    if (r.code !== 0) console.log(r.out, r.err);
    expect(r.out.split('\n').pop()).toBe('8 passed, 0 failed');
    expect(r.code).toBe(0);
    // the only things said on stderr are the dbsync defaults
    expect(r.err).toMatch(
      /^\S+workflow\.yaml:8:5: warning: no database block: rows go to column "payload" of table "store_rows"/,
    );
    expect(r.err.split('\n')).toHaveLength(1);
  }, 900_000);

  test('Go with TinyGo', async () => {
    goTools();
    const dir = makeProject({
      'workflow.yaml':
        'project_name: Unusual Go\ntasks:\n' +
        '  - { name: A test-file name with BOM and CRLF, type: processor_nats, code: convert_test.go, ' +
        'targets: [edge], source_topic: a.in, dest_topic: a.out, component_name: convert, version: 1.0.0, ' +
        'config: { 1.0: ten, "true": yes } }\n' +
        '  - { name: Upper-case extension in a folder with a space, type: producer_nats, code: sub dir/Filter.GO, ' +
        'targets: [cloud], source_topic: b.tick, dest_topic: b.out, component_name: filter, version: 1.0.0 }\n' +
        '  - { name: Named like the template main as a seed-style dbsync, type: dbsync_nats, code: main.go, ' +
        'target: cloud, source_topic: c.in, dest_topic: c.stored, component_name: db-sync, version: 1.0.0 }\n' +
        '  - { name: A GOOS suffix and an accent in the name, type: http_producer_nats, code: conversión_linux.go, ' +
        'targets: [edge], dest_topic: d.out, component_name: linux-named, version: 1.0.0, ' +
        'http: { address: "[::]:8090" } }\n',
      'tasks/convert_test.go':
        '\uFEFFpackage main\r\n\r\nimport "strings"\r\n\r\nfunc exec_task(\r\n\targ string,\r\n' +
        ') (out string) {\r\n\tten, _ := task_config("1.0")\r\n\tyes, _ := task_config("true")\r\n' +
        '\treturn strings.ToUpper(arg) + ":" + ten + ":" + yes\r\n}\r\n',
      'tasks/convert_test.test.yaml': cases({ input: 'go', expect: 'GO:ten:yes' }),
      'tasks/sub dir/Filter.GO': seed.SEED_TASK_JSON,
      'tasks/sub dir/Filter.test.yaml': cases({
        input: '{"Data": 21, "Name": "t"}',
        expect_json: { Data: 42, Name: 't' },
      }),
      'tasks/main.go': seed.SEED_TASK_MINIMAL,
      'tasks/main.test.yaml': cases({ input: 'row', expect: 'row' }),
      'tasks/conversión_linux.go':
        'package main\n\nimport "fmt"\n\nfunc exec_task(arg string) string { return fmt.Sprintf("%q", arg) }\n',
      'tasks/conversión_linux.test.yaml': cases({ input: 'é', expect: '"é"' }),
    });
    const r = await pelatoTest(dir);
    if (r.code !== 0) console.log(r.out, r.err);
    expect(r.out.split('\n').pop()).toBe('4 passed, 0 failed');
    expect(r.code).toBe(0);
  }, 1_800_000);

  test('the seed README example as it is, with the seed task format (TinyGo)', async () => {
    goTools();
    const dir = makeProject({
      'workflow.yaml': seed.SEED_README_WORKFLOW,
      'tasks/aggregate.go': seed.SEED_TASK_JSON,
      'tasks/aggregate.test.yaml': cases({ input: '{"Data": 2, "Name": "s"}', expect: '{"Data":4,"Name":"s"}' }),
    });
    const r = await pelatoTest(dir);
    if (r.code !== 0) console.log(r.out, r.err);
    expect(r.out.split('\n').pop()).toBe('1 passed, 0 failed');
    expect(r.code).toBe(0);
  }, 900_000);
});
