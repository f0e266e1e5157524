/**
 * A corpus of broken workflows. Each must fail validation with every expected message at the expected
 * line, and nothing else may be reported that is not expected.
 */
import { rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadWorkflow } from '../../src/load/workflow.js';
import { cleanupProjects, GOOD_TASK, makeProject, tempDir, workflowWith } from '../helpers/project.js';
import { diagnosticsOf } from '../helpers/diagnostics.js';

interface Case {
  name: string;
  yaml: string;
  files?: Record<string, string | Buffer>;
  setup?: (dir: string) => void;
  /** [file suffix or 'w' for workflow.yaml, line, substring of the message (or hint), column if it matters] */
  expect: Array<[string, number, string] | [string, number, string, number]>;
}

const task = (fields: Record<string, string>) => {
  const base: Record<string, string> = {
    name: 'Upper',
    type: 'processor_nats',
    code: 'upper.go',
    targets: '[edge]',
    source_topic: 'in',
    dest_topic: 'out',
    component_name: 'upper',
    version: '1.0.0',
  };
  const merged = { ...base, ...fields };
  return Object.entries(merged)
    .filter(([, v]) => v !== '<omit>')
    .map(([k, v], i) => `${i === 0 ? '  - ' : '    '}${k}: ${v}`)
    .join('\n');
};
const wf = (...tasks: string[]) => `project_name: Test\ntasks:\n${tasks.join('\n')}\n`;

const cases: Case[] = [
  { name: 'yaml syntax: unclosed flow list', yaml: wf(task({ targets: '[edge' })), expect: [['w', 7, 'YAML syntax']] },
  {
    name: 'yaml syntax: tab indentation',
    yaml: 'project_name: T\ntasks:\n\t- name: x\n',
    expect: [['w', 3, 'YAML syntax']],
  },
  { name: 'duplicate key', yaml: wf(task({})) + '    version: 2.0.0\n', expect: [['w', 11, 'YAML syntax']] },
  { name: 'empty file', yaml: '', expect: [['w', 1, 'workflow.yaml is empty']] },
  { name: 'top level is a list', yaml: '- a\n- b\n', expect: [['w', 1, 'must be a mapping']] },
  { name: 'missing tasks', yaml: 'project_name: T\n', expect: [['w', 1, 'missing tasks']] },
  { name: 'empty tasks', yaml: 'project_name: T\ntasks: []\n', expect: [['w', 2, 'tasks is empty']] },
  {
    name: 'tasks not a list',
    yaml: 'project_name: T\ntasks:\n  name: x\n',
    expect: [['w', 3, 'tasks must be a list']],
  },
  {
    name: 'unknown project field with did-you-mean',
    yaml: 'project_nme: T\n' + `tasks:\n${task({})}\n`,
    expect: [['w', 1, 'did you mean "project_name"']],
  },
  {
    name: 'unknown task field with did-you-mean',
    yaml: wf(task({})) + '    dest_topc: x\n',
    expect: [['w', 11, 'did you mean "dest_topic"']],
  },
  {
    name: 'unknown type with did-you-mean',
    yaml: wf(task({ type: 'procesor_nats' })),
    expect: [['w', 4, 'did you mean "processor_nats"']],
  },
  {
    name: 'unknown type without a close match',
    yaml: wf(task({ type: 'kafka_stream' })),
    expect: [['w', 4, 'known types: dbsync_nats']],
  },
  {
    name: 'missing name',
    yaml: wf(task({ name: '<omit>', type: 'processor_nats' }).replace('    type', '  - type')),
    expect: [['w', 3, 'missing name']],
  },
  { name: 'missing code', yaml: wf(task({ code: '<omit>' })), expect: [['w', 3, 'missing code']] },
  { name: 'code file does not exist', yaml: wf(task({ code: 'nope.go' })), expect: [['w', 5, 'does not exist']] },
  { name: 'absolute code path', yaml: wf(task({ code: '/etc/passwd.go' })), expect: [['w', 5, 'absolute path']] },
  {
    name: 'code escapes with ..',
    yaml: wf(task({ code: '../secret.go' })),
    expect: [['w', 5, 'leaves the tasks/ folder']],
  },
  {
    name: 'code is a link escaping tasks/',
    yaml: wf(task({ code: 'link.go' })),
    setup: (dir) => {
      const outside = tempDir();
      writeFileSync(path.join(outside, 'x.go'), GOOD_TASK);
      symlinkSync(path.join(outside, 'x.go'), path.join(dir, 'tasks', 'link.go'));
    },
    expect: [['w', 5, 'link that leads outside tasks/']],
  },
  {
    name: 'unsupported extension',
    yaml: wf(task({ code: 'upper.py' })),
    files: { 'tasks/upper.py': 'print(1)' },
    expect: [['w', 5, 'unsupported extension ".py"']],
  },
  {
    name: 'task file in another package',
    yaml: wf(task({})),
    files: { 'tasks/upper.go': 'package tasks\n\nfunc exec_task(arg string) string { return arg }\n' },
    expect: [['tasks/upper.go', 1, 'package "tasks"']],
  },
  {
    name: 'task file lacks exec_task',
    yaml: wf(task({})),
    files: { 'tasks/upper.go': 'package main\n\nfunc run(arg string) string { return arg }\n' },
    expect: [['tasks/upper.go', 1, 'does not define func exec_task']],
  },
  {
    name: 'exec_task with a wrong signature',
    yaml: wf(task({})),
    files: { 'tasks/upper.go': 'package main\n\n// doc\nfunc exec_task(arg []byte) []byte { return arg }\n' },
    expect: [['tasks/upper.go', 4, 'signature (arg []byte) []byte']],
  },
  {
    name: 'exec_task only in a comment',
    yaml: wf(task({})),
    files: { 'tasks/upper.go': 'package main\n\n/*\nfunc exec_task(arg string) string { return arg }\n*/\n' },
    expect: [['tasks/upper.go', 1, 'does not define func exec_task']],
  },
  {
    name: 'task file defines main',
    yaml: wf(task({})),
    files: { 'tasks/upper.go': GOOD_TASK + '\nfunc main() {}\n' },
    expect: [['tasks/upper.go', 9, 'defines func main']],
  },
  {
    name: 'code written with the tasks/ prefix',
    yaml: wf(task({ code: 'tasks/upper.go' })),
    expect: [['w', 5, 'code is relative to tasks/: write "upper.go"']],
  },
  {
    name: 'task file imports a third-party module',
    yaml: wf(task({})),
    files: {
      'tasks/upper.go':
        'package main\n\nimport (\n\t"strings"\n\t"github.com/tidwall/gjson"\n)\n\n' +
        'func exec_task(arg string) string { return strings.ToUpper(gjson.Get(arg, "a").String()) }\n',
    },
    expect: [['tasks/upper.go', 5, 'outside the standard library']],
  },
  {
    name: 'registry with capitals',
    yaml: `project_name: T\nregistry: Ghcr.io/Acme\ntasks:\n${task({})}\n`,
    expect: [['w', 2, 'lowercase: ghcr.io/acme']],
  },
  {
    name: 'merge key pointing at a scalar',
    yaml: `project_name: T\nx: &s str\ntasks:\n${task({})}\n    <<: *s\n`,
    expect: [
      ['w', 2, 'unknown project field "x"'],
      ['w', 12, 'merge key must refer to a mapping'],
    ],
  },
  {
    name: 'task file uses a reserved name',
    yaml: wf(task({})),
    files: { 'tasks/upper.go': GOOD_TASK + '\nfunc pelatoRun() {}\n' },
    expect: [['tasks/upper.go', 9, 'reserved']],
  },
  {
    name: 'component_name with spaces and capitals',
    yaml: wf(task({ component_name: 'My Component' })),
    expect: [['w', 9, 'e.g. "my_component"']],
  },
  {
    name: 'component_name with a dot',
    yaml: wf(task({ component_name: 'a.b' })),
    expect: [['w', 9, 'not a valid OCI repository and wadm app name']],
  },
  {
    name: 'duplicate component_name',
    yaml: wf(task({}), task({ name: 'Other' })),
    expect: [['w', 17, 'already used by task "Upper" (line 9)']],
  },
  {
    name: 'version latest',
    yaml: wf(task({ version: 'latest' })),
    expect: [['w', 10, 'version "latest" is not allowed']],
  },
  { name: 'version not semver', yaml: wf(task({ version: '1.0' })), expect: [['w', 10, 'must be a string']] },
  { name: 'version with leading v', yaml: wf(task({ version: 'v1.2.3' })), expect: [['w', 10, 'write 1.2.3']] },
  {
    name: 'version with build metadata',
    yaml: wf(task({ version: '1.0.0+abc' })),
    expect: [['w', 10, 'build metadata']],
  },
  { name: 'topic with a quote', yaml: wf(task({ source_topic: `'in"put'` })), expect: [['w', 7, 'contains a quote']] },
  {
    name: 'topic with a newline',
    yaml: wf(task({ dest_topic: '"out\\nx"' })),
    expect: [['w', 8, 'whitespace or a control character']],
  },
  { name: 'topic with a space', yaml: wf(task({ source_topic: '"a b"' })), expect: [['w', 7, 'whitespace']] },
  {
    name: 'wildcard in dest_topic',
    yaml: wf(task({ dest_topic: 'sensors.*' })),
    expect: [['w', 8, 'concrete subject']],
  },
  { name: 'empty token in topic', yaml: wf(task({ source_topic: 'a..b' })), expect: [['w', 7, 'empty token']] },
  {
    name: 'queue separator in topic',
    yaml: wf(task({ source_topic: 'a|q' })),
    expect: [['w', 7, 'contains "," or "|"']],
  },
  { name: 'dest equals source', yaml: wf(task({ dest_topic: 'in' })), expect: [['w', 8, 'consume its own output']] },
  {
    name: 'missing source_topic for processor',
    yaml: wf(task({ source_topic: '<omit>' })),
    expect: [['w', 3, 'missing source_topic']],
  },
  {
    name: 'bad SQL table name',
    yaml: wf(task({ type: 'dbsync_nats', dest_topic: '<omit>' }) + '\n    database: { table: "x; drop table y" }'),
    expect: [['w', 10, 'not a plain SQL identifier']],
  },
  {
    name: 'http block on processor',
    yaml: wf(task({}) + '\n    http: { path: /x }'),
    expect: [['w', 11, 'http is not used by type processor_nats']],
  },
  {
    name: 'bad http address',
    yaml: wf(task({ type: 'http_producer_nats' }) + '\n    http: { address: "localhost" }'),
    expect: [['w', 11, 'has no port']],
  },
  {
    name: 'two http tasks on one address',
    yaml: wf(
      task({ type: 'http_producer_nats' }),
      task({ type: 'http_producer_nats', name: 'B', component_name: 'b', source_topic: 'x', dest_topic: 'y' }),
    ),
    expect: [['w', 11, 'both serve HTTP on 0.0.0.0:8000']],
  },
  {
    name: 'both target and targets',
    yaml: wf(task({}) + '\n    target: [cloud]'),
    expect: [['w', 11, 'both "targets" and "target"']],
  },
  { name: 'missing targets', yaml: wf(task({ targets: '<omit>' })), expect: [['w', 3, 'missing targets']] },
  { name: 'empty targets', yaml: wf(task({ targets: '[]' })), expect: [['w', 6, 'targets is empty']] },
  {
    name: 'unsafe target label',
    yaml: wf(task({ targets: '["edge; rm"]' })),
    expect: [['w', 6, 'not a valid host label']],
  },
  { name: 'duplicate target', yaml: wf(task({ targets: '[edge, edge]' })), expect: [['w', 6, 'listed twice']] },
  {
    name: 'instances zero',
    yaml: wf(task({}) + '\n    instances: 0'),
    expect: [['w', 11, 'whole number from 1 to 1000']],
  },
  {
    name: 'placement misspelt',
    yaml: wf(task({}) + '\n    placement: every-host'),
    expect: [['w', 11, 'placement must be "every_host" or "spread", got every-host did you mean "every_host"?']],
  },
  {
    name: 'placement not a string',
    yaml: wf(task({}) + '\n    placement: [spread]'),
    expect: [['w', 11, 'placement must be "every_host" or "spread"']],
  },
  {
    name: 'config not a mapping',
    yaml: wf(task({}) + '\n    config: [a, b]'),
    expect: [['w', 11, 'config must be a mapping']],
  },
  {
    name: 'config key with a space',
    yaml: wf(task({}) + '\n    config: { "a b": x }'),
    expect: [['w', 11, 'config key "a b" is not allowed']],
  },
  {
    name: 'bad registry',
    yaml: `project_name: T\nregistry: https://Ghcr.io/X\ntasks:\n${task({})}\n`,
    expect: [['w', 2, 'must not include a scheme']],
  },
  {
    name: 'bad lattice',
    yaml: `project_name: T\nlattice: a.b\ntasks:\n${task({})}\n`,
    expect: [['w', 2, 'not a valid lattice name']],
  },
  {
    name: 'provider image tagged latest',
    yaml: `project_name: T\nproviders:\n  messaging: ghcr.io/wasmcloud/messaging-nats:latest\ntasks:\n${task({})}\n`,
    expect: [['w', 3, 'uses the tag "latest"']],
  },

  // ---- Go task files the Go build would ignore or could not parse ------------------------------------
  {
    name: 'go: //go:build constraint in the header',
    yaml: wf(task({})),
    files: { 'tasks/upper.go': '//go:build linux\n\n' + GOOD_TASK },
    expect: [['tasks/upper.go', 1, 'build constraint']],
  },
  {
    name: 'go: legacy // +build line',
    yaml: wf(task({})),
    files: { 'tasks/upper.go': '// +build ignore\n\n' + GOOD_TASK },
    expect: [['tasks/upper.go', 1, 'build constraint']],
  },
  {
    name: 'go: //go:embed is refused with what to do instead',
    yaml: wf(task({})),
    files: {
      'tasks/upper.go': GOOD_TASK + '\nimport _ "embed"\n\n//go:embed data.txt\nvar data string\n',
      'tasks/data.txt': 'x',
    },
    expect: [['tasks/upper.go', 11, '//go:embed']],
  },
  {
    name: 'go: //go:generate',
    yaml: wf(task({})),
    files: { 'tasks/upper.go': '//go:generate stringer -type=Kind\n' + GOOD_TASK },
    expect: [['tasks/upper.go', 1, '//go:generate']],
  },
  {
    name: 'go: //go:wasmimport',
    yaml: wf(task({})),
    files: { 'tasks/upper.go': GOOD_TASK + '\n//go:wasmimport env hostf\nfunc hostf() int32\n' },
    expect: [['tasks/upper.go', 9, '//go:wasmimport']],
  },
  {
    name: 'go: //export',
    yaml: wf(task({})),
    files: { 'tasks/upper.go': GOOD_TASK + '\n//export extra\nfunc extra() {}\n' },
    expect: [['tasks/upper.go', 9, '//export']],
  },
  {
    name: 'go: cgo',
    yaml: wf(task({})),
    files: { 'tasks/upper.go': 'package main\n\nimport "C"\n\nfunc exec_task(arg string) string { return arg }\n' },
    expect: [['tasks/upper.go', 3, 'cgo']],
  },
  {
    name: 'go: import without a dot that is not std',
    yaml: wf(task({})),
    files: {
      'tasks/upper.go':
        'package main\n\nimport "mylib/strutil"\n\nfunc exec_task(arg string) string { return strutil.Up(arg) }\n',
    },
    expect: [['tasks/upper.go', 3, 'not a package of the Go standard library']],
  },
  {
    name: 'go: syscall/js (GOOS=js only)',
    yaml: wf(task({})),
    files: {
      'tasks/upper.go':
        'package main\n\nimport "syscall/js"\n\nfunc exec_task(arg string) string { _ = js.Global(); return arg }\n',
    },
    expect: [['tasks/upper.go', 3, 'exists only for GOOS=js']],
  },
  {
    name: 'go: relative import',
    yaml: wf(task({})),
    files: {
      'tasks/upper.go': 'package main\n\nimport "./util"\n\nfunc exec_task(arg string) string { return util.X(arg) }\n',
    },
    expect: [['tasks/upper.go', 3, 'not a package of the Go standard library']],
  },
  {
    name: 'go: internal package of the standard library',
    yaml: wf(task({})),
    files: {
      'tasks/upper.go': 'package main\n\nimport _ "internal/abi"\n\nfunc exec_task(arg string) string { return arg }\n',
    },
    expect: [['tasks/upper.go', 3, 'not a package of the Go standard library']],
  },
  {
    name: 'go: named import of a module',
    yaml: wf(task({})),
    files: {
      'tasks/upper.go':
        'package main\n\nimport (\n\tj "github.com/goccy/go-json"\n)\n\n' +
        'func exec_task(arg string) string { _ = j.Marshal; return arg }\n',
    },
    expect: [['tasks/upper.go', 4, 'outside the standard library']],
  },
  {
    name: 'go: a std package TinyGo does not build for components',
    yaml: wf(task({})),
    files: {
      'tasks/upper.go':
        'package main\n\nimport "net/smtp"\n\nvar _ = smtp.Dial\n\nfunc exec_task(arg string) string { return arg }\n',
    },
    expect: [['tasks/upper.go', 3, 'TinyGo cannot compile']],
  },
  {
    name: 'go: unterminated string',
    yaml: wf(task({})),
    files: { 'tasks/upper.go': 'package main\n\nfunc exec_task(arg string) string {\n\treturn "oops\n}\n' },
    expect: [['tasks/upper.go', 4, 'string literal not terminated']],
  },
  {
    name: 'go: unterminated raw string',
    yaml: wf(task({})),
    files: {
      'tasks/upper.go': 'package main\n\nvar t = `never closed\n\nfunc exec_task(arg string) string { return arg }\n',
    },
    expect: [['tasks/upper.go', 3, 'raw string literal not terminated']],
  },
  {
    name: 'go: unterminated comment',
    yaml: wf(task({})),
    files: { 'tasks/upper.go': GOOD_TASK + '\n/* trailing\n' },
    expect: [['tasks/upper.go', 9, 'comment not terminated']],
  },
  {
    name: 'go: unterminated rune',
    yaml: wf(task({})),
    files: { 'tasks/upper.go': "package main\n\nvar r = 'x\n\nfunc exec_task(arg string) string { return arg }\n" },
    expect: [['tasks/upper.go', 3, 'rune literal not terminated']],
  },
  {
    name: 'go: a brace never closed',
    yaml: wf(task({})),
    files: { 'tasks/upper.go': 'package main\n\nfunc exec_task(arg string) string {\n\treturn arg\n' },
    expect: [['tasks/upper.go', 3, 'is never closed']],
  },
  {
    name: 'go: a stray closing parenthesis',
    yaml: wf(task({})),
    files: { 'tasks/upper.go': 'package main\n\nfunc exec_task(arg string) string {\n\treturn arg)\n}\n' },
    expect: [['tasks/upper.go', 4, 'closes the "{"']],
  },
  {
    name: 'go: a character Go does not have',
    yaml: wf(task({})),
    files: {
      'tasks/upper.go': '#include <stdio.h>\npackage main\n\nfunc exec_task(arg string) string { return arg }\n',
    },
    expect: [['tasks/upper.go', 1, 'invalid character U+0023']],
  },
  {
    name: 'go: brace of exec_task on the next line',
    yaml: wf(task({})),
    files: { 'tasks/upper.go': 'package main\n\nfunc exec_task(arg string) string\n{\n\treturn arg\n}\n' },
    expect: [['tasks/upper.go', 4, 'not on the line of its signature']],
  },
  {
    name: 'go: generic exec_task',
    yaml: wf(task({})),
    files: { 'tasks/upper.go': 'package main\n\nfunc exec_task[T any](arg string) string { return arg }\n' },
    expect: [['tasks/upper.go', 3, 'signature [T any](arg string) string']],
  },
  {
    name: 'go: exec_task as a variable',
    yaml: wf(task({})),
    files: { 'tasks/upper.go': 'package main\n\nvar exec_task = func(arg string) string { return arg }\n' },
    expect: [['tasks/upper.go', 3, 'declared as a var']],
  },
  {
    name: 'go: exec_task with two parameters',
    yaml: wf(task({})),
    files: { 'tasks/upper.go': 'package main\n\nfunc exec_task(arg string, n int) string { return arg }\n' },
    expect: [['tasks/upper.go', 3, 'signature (arg string, n int) string']],
  },
  {
    name: 'go: a package-level name the template imports (runtime)',
    yaml: wf(task({})),
    files: { 'tasks/upper.go': GOOD_TASK + '\nvar runtime = "go"\n' },
    expect: [['tasks/upper.go', 9, 'declares "runtime"']],
  },
  {
    name: 'go: a type named like a template import (types)',
    yaml: wf(task({})),
    files: { 'tasks/upper.go': GOOD_TASK + '\ntype types struct{}\n' },
    expect: [['tasks/upper.go', 9, 'declares "types"']],
  },
  {
    name: 'go: a grouped declaration of a template name (fmt)',
    yaml: wf(task({})),
    files: { 'tasks/upper.go': GOOD_TASK + '\nvar (\n\tcount = 1\n\tfmt   = 2\n)\n' },
    expect: [['tasks/upper.go', 11, 'declares "fmt"']],
  },
  {
    name: 'go: task_config declared again',
    yaml: wf(task({})),
    files: { 'tasks/upper.go': GOOD_TASK + '\nfunc task_config(k string) (string, bool) { return "", false }\n' },
    expect: [['tasks/upper.go', 9, 'declares "task_config"']],
  },
  {
    name: 'go: a function declared twice',
    yaml: wf(task({})),
    files: { 'tasks/upper.go': GOOD_TASK + '\nfunc helper() {}\n\nfunc helper() {}\n' },
    expect: [['tasks/upper.go', 11, '"helper" is declared twice (first at line 9)']],
  },
  {
    name: 'go: exec_task declared twice',
    yaml: wf(task({})),
    files: { 'tasks/upper.go': GOOD_TASK + '\nfunc exec_task(arg string) string { return arg }\n' },
    expect: [['tasks/upper.go', 9, '"exec_task" is declared twice']],
  },
  {
    name: 'go: a NUL byte',
    yaml: wf(task({})),
    files: { 'tasks/upper.go': 'package main\n\n// a\u0000b\nfunc exec_task(arg string) string { return arg }\n' },
    expect: [['tasks/upper.go', 3, 'NUL character']],
  },
  {
    name: 'go: Latin-1 bytes',
    yaml: wf(task({})),
    files: {
      'tasks/upper.go': Buffer.concat([
        Buffer.from('package main\n\n// caf'),
        Buffer.from([0xe9]),
        Buffer.from('\nfunc exec_task(arg string) string { return arg }\n'),
      ]),
    },
    expect: [['tasks/upper.go', 3, 'not UTF-8 (byte 0xe9)', 7]],
  },
  {
    name: 'go: UTF-16',
    yaml: wf(task({})),
    files: { 'tasks/upper.go': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('package main\n', 'utf16le')]) },
    expect: [['tasks/upper.go', 1, 'UTF-16']],
  },
  {
    name: 'go: empty file',
    yaml: wf(task({})),
    files: { 'tasks/upper.go': '' },
    expect: [
      ['tasks/upper.go', 1, 'no package clause'],
      ['tasks/upper.go', 1, 'does not define func exec_task'],
    ],
  },
  {
    name: 'go: a file name with a line break',
    yaml: wf(task({ code: '"up\\nper.go"' })),
    files: { 'tasks/up\nper.go': GOOD_TASK },
    expect: [['w', 5, 'control character or line break']],
  },
  {
    name: 'go: a file name with a tab',
    yaml: wf(task({ code: '"up\\tper.go"' })),
    files: { 'tasks/up\tper.go': GOOD_TASK },
    expect: [['w', 5, 'control character or line break']],
  },
  {
    name: 'go: code names a folder',
    yaml: wf(task({ code: 'lib.go' })),
    files: { 'tasks/lib.go/x.go': GOOD_TASK },
    expect: [['w', 5, 'is a folder, not a file']],
  },
  {
    name: 'tasks is a file',
    yaml: wf(task({})),
    setup: (dir) => {
      rmSync(path.join(dir, 'tasks'), { recursive: true });
      writeFileSync(path.join(dir, 'tasks'), 'x');
    },
    expect: [['w', 5, 'tasks is a file, not a folder']],
  },

  // ---- JavaScript / TypeScript task files -------------------------------------------------------------
  {
    name: 'js: a syntax error, with its line and column',
    yaml: wf(task({ code: 'up.js' })),
    files: { 'tasks/up.js': 'export function execTask(arg) {\n  return arg +;\n}\n' },
    expect: [['tasks/up.js', 2, 'JavaScript syntax: Unexpected token', 15]],
  },
  {
    name: 'ts: a syntax error',
    yaml: wf(task({ code: 'up.ts' })),
    files: { 'tasks/up.ts': 'export function execTask(arg: string): string {\n  let x: = 1;\n  return arg;\n}\n' },
    expect: [['tasks/up.ts', 2, 'TypeScript syntax']],
  },
  {
    name: 'ts: upper-case .TS is TypeScript too',
    yaml: wf(task({ code: 'Up.TS' })),
    files: { 'tasks/Up.TS': 'export function execTask(arg: string): string {\n  return arg as;\n}\n' },
    expect: [['tasks/Up.TS', 2, 'TypeScript syntax']],
  },
  {
    name: 'js: an unterminated template literal',
    yaml: wf(task({ code: 'up.mjs' })),
    files: { 'tasks/up.mjs': 'export function execTask(arg) {\n  return `x${arg};\n}\n' },
    expect: [['tasks/up.mjs', 2, 'JavaScript syntax']],
  },
  {
    name: 'js: export default gets a precise hint',
    yaml: wf(task({ code: 'up.js' })),
    files: { 'tasks/up.js': 'export default function execTask(arg) { return arg; }\n' },
    expect: [['tasks/up.js', 1, 'has an "export default"']],
  },
  {
    name: 'js: CommonJS module.exports',
    yaml: wf(task({ code: 'up.js' })),
    files: { 'tasks/up.js': 'function execTask(arg) { return arg; }\nmodule.exports = { execTask };\n' },
    expect: [
      ['tasks/up.js', 2, 'CommonJS'],
      ['tasks/up.js', 1, 'defined but not exported'],
    ],
  },
  {
    name: 'js: exports.execTask =',
    yaml: wf(task({ code: 'up.js' })),
    files: { 'tasks/up.js': 'exports.execTask = (arg) => arg;\n' },
    expect: [
      ['tasks/up.js', 1, 'CommonJS'],
      ['tasks/up.js', 1, 'does not export execTask'],
    ],
  },
  {
    name: 'js: async execTask',
    yaml: wf(task({ code: 'up.js' })),
    files: { 'tasks/up.js': 'export async function execTask(arg) { return arg; }\n' },
    expect: [['tasks/up.js', 1, 'execTask is async']],
  },
  {
    name: 'js: async arrow exported through a list',
    yaml: wf(task({ code: 'up.js' })),
    files: { 'tasks/up.js': 'const run = async (arg) => arg;\nexport { run as execTask };\n' },
    expect: [['tasks/up.js', 1, 'execTask is async']],
  },
  {
    name: 'js: generator execTask',
    yaml: wf(task({ code: 'up.js' })),
    files: { 'tasks/up.js': 'export function* execTask(arg) { yield arg; }\n' },
    expect: [['tasks/up.js', 1, 'generator']],
  },
  {
    name: 'js: execTask is a class',
    yaml: wf(task({ code: 'up.js' })),
    files: { 'tasks/up.js': 'export class execTask { }\n' },
    expect: [['tasks/up.js', 1, 'execTask is a class']],
  },
  {
    name: "js: declares handler (the template's export)",
    yaml: wf(task({ code: 'up.js' })),
    files: { 'tasks/up.js': 'export function execTask(arg) { return arg; }\nconst handler = 1;\n' },
    expect: [['tasks/up.js', 2, 'declares "handler"']],
  },
  {
    name: 'js: declares Fields, imported by the HTTP glue',
    yaml: wf(task({ code: 'up.js', type: 'http_producer_nats' })),
    files: { 'tasks/up.js': 'export function execTask(arg) { return arg; }\nclass Fields {}\n' },
    expect: [['tasks/up.js', 2, 'declares "Fields"']],
  },
  {
    name: 'js: exports a template name through a list',
    yaml: wf(task({ code: 'up.js' })),
    files: {
      'tasks/up.js':
        'export function execTask(arg) { return arg; }\nfunction h() {}\nexport { h as incomingHandler };\n',
    },
    expect: [['tasks/up.js', 3, 'exports "incomingHandler"']],
  },
  {
    name: 'js: a destructured pelato name',
    yaml: wf(task({ code: 'up.js' })),
    files: {
      'tasks/up.js': 'export function execTask(arg) { return arg; }\nconst { a, b: pelatoB } = { a: 1, b: 2 };\n',
    },
    expect: [['tasks/up.js', 2, 'declares "pelatoB"']],
  },
  {
    name: 'js: import of another module',
    yaml: wf(task({ code: 'up.js' })),
    files: { 'tasks/up.js': "import { x } from './x.js';\nexport function execTask(arg) { return arg + x; }\n" },
    expect: [['tasks/up.js', 1, 'imports another module']],
  },
  {
    name: 'js: re-export of another module',
    yaml: wf(task({ code: 'up.js' })),
    files: { 'tasks/up.js': "export * from './x.js';\nexport function execTask(arg) { return arg; }\n" },
    expect: [['tasks/up.js', 1, 're-exports another module']],
  },
  {
    name: 'js: import() at run time',
    yaml: wf(task({ code: 'up.js' })),
    files: { 'tasks/up.js': "export function execTask(arg) { import('./x.js'); return arg; }\n" },
    expect: [['tasks/up.js', 1, 'at run time (import())']],
  },
  {
    name: 'ts: import = require',
    yaml: wf(task({ code: 'up.ts' })),
    files: {
      'tasks/up.ts': "import fs = require('fs');\nexport function execTask(arg: string): string { return arg; }\n",
    },
    expect: [['tasks/up.ts', 1, 'import … = require']],
  },
  {
    name: 'ts: execTask only declared',
    yaml: wf(task({ code: 'up.ts' })),
    files: { 'tasks/up.ts': 'export declare function execTask(arg: string): string;\n' },
    expect: [
      ['tasks/up.ts', 1, 'only declared'],
      ['tasks/up.ts', 1, 'does not export execTask'],
    ],
  },
  {
    name: 'ts: a declared-only function exported through a list',
    yaml: wf(task({ code: 'up.ts' })),
    files: { 'tasks/up.ts': 'declare function execTask(arg: string): string;\nexport { execTask };\n' },
    expect: [['tasks/up.ts', 2, 'which the file does not define']],
  },
  {
    name: 'ts: export =',
    yaml: wf(task({ code: 'up.ts' })),
    files: { 'tasks/up.ts': 'function execTask(arg: string): string { return arg; }\nexport = execTask;\n' },
    expect: [
      ['tasks/up.ts', 2, 'export ='],
      ['tasks/up.ts', 1, 'defined but not exported'],
    ],
  },
  {
    name: "js: a Unicode property escape the components' engine lacks",
    yaml: wf(task({ code: 'up.js' })),
    files: { 'tasks/up.js': 'export function execTask(arg) {\n  return /\\p{L}+/u.test(arg) ? "word" : "";\n}\n' },
    expect: [['tasks/up.js', 2, 'Unicode property escape', 10]],
  },
  {
    name: 'ts: a property escape in a v-flag class',
    yaml: wf(task({ code: 'up.ts' })),
    files: {
      'tasks/up.ts':
        'const re = /[\\p{L}--[a-z]]/v;\n' +
        'export function execTask(arg: string): string { return re.test(arg) ? "y" : "n"; }\n',
    },
    expect: [['tasks/up.ts', 1, 'Unicode property escape']],
  },
  {
    name: 'js: Windows-1252 bytes',
    yaml: wf(task({ code: 'up.js' })),
    files: {
      'tasks/up.js': Buffer.concat([
        Buffer.from('export function execTask(arg) { return "'),
        Buffer.from([0x93]),
        Buffer.from('" + arg; }\n'),
      ]),
    },
    expect: [['tasks/up.js', 1, 'not UTF-8']],
  },
  {
    name: 'js: duplicate declaration is a syntax error',
    yaml: wf(task({ code: 'up.js' })),
    files: { 'tasks/up.js': 'export function execTask(arg) { return arg; }\nlet a = 1;\nlet a = 2;\n' },
    expect: [['tasks/up.js', 3, 'JavaScript syntax']],
  },

  // ---- topics -----------------------------------------------------------------------------------------
  {
    name: 'topic: "*" source matches its own dest',
    yaml: wf(task({ source_topic: 'sensors.*', dest_topic: 'sensors.kelvin' })),
    expect: [['w', 8, 'matches source_topic "sensors.*"']],
  },
  {
    name: 'topic: ">" matches every dest',
    yaml: wf(task({ source_topic: "'>'", dest_topic: 'out' })),
    expect: [['w', 8, 'matches source_topic ">"']],
  },
  {
    name: 'topic: "a.>" matches a deeper dest',
    yaml: wf(task({ source_topic: 'a.>', dest_topic: 'a.b.c' })),
    expect: [['w', 8, 'matches source_topic']],
  },
  {
    name: 'topic: "*.*" matches a two-token dest',
    yaml: wf(task({ source_topic: '"*.*"', dest_topic: 'x.y' })),
    expect: [['w', 8, 'matches source_topic']],
  },
  {
    name: 'topic: http producer with a matching wildcard source',
    yaml: wf(task({ type: 'http_producer_nats', source_topic: 'x.*', dest_topic: 'x.y' })),
    expect: [['w', 8, 'matches source_topic']],
  },
  {
    name: 'topic: dbsync confirming to a subject it reads',
    yaml: wf(task({ type: 'dbsync_nats', source_topic: 'rows.>', dest_topic: 'rows.done' })),
    expect: [['w', 8, 'matches source_topic']],
  },

  // ---- HTTP addresses ---------------------------------------------------------------------------------
  {
    name: 'http: 0.0.0.0 and 127.0.0.1 on one port and target',
    yaml: wf(
      task({ type: 'http_producer_nats' }) + '\n    http: { address: "0.0.0.0:8000" }',
      task({ type: 'http_producer_nats', name: 'B', component_name: 'b', source_topic: 'x', dest_topic: 'y' }) +
        '\n    http: { address: "127.0.0.1:8000" }',
    ),
    expect: [['w', 20, 'both serve HTTP on 127.0.0.1:8000 and 0.0.0.0:8000']],
  },
  {
    name: 'http: the same port written with a leading zero',
    yaml: wf(
      task({ type: 'http_producer_nats' }) + '\n    http: { address: "0.0.0.0:8000" }',
      task({ type: 'http_producer_nats', name: 'B', component_name: 'b', source_topic: 'x', dest_topic: 'y' }) +
        '\n    http: { address: "0.0.0.0:08000" }',
    ),
    expect: [['w', 20, 'port 8000']],
  },
  {
    name: 'http: [::] takes IPv4 too',
    yaml: wf(
      task({ type: 'http_producer_nats' }) + '\n    http: { address: "[::]:9000" }',
      task({ type: 'http_producer_nats', name: 'B', component_name: 'b', source_topic: 'x', dest_topic: 'y' }) +
        '\n    http: { address: "10.0.0.1:9000" }',
    ),
    expect: [['w', 20, 'both serve HTTP']],
  },
  {
    name: 'http: a default address clashes with an explicit one',
    yaml: wf(
      task({ type: 'http_producer_nats' }),
      task({ type: 'http_producer_nats', name: 'B', component_name: 'b', source_topic: 'x', dest_topic: 'y' }) +
        '\n    http: { address: "127.0.0.1:8000" }',
    ),
    expect: [['w', 19, 'both serve HTTP']],
  },
  {
    name: 'http: an octet above 255',
    yaml: wf(task({ type: 'http_producer_nats' }) + '\n    http: { address: "10.0.0.256:8000" }'),
    expect: [['w', 11, 'not an IPv4 address']],
  },
  {
    name: 'http: three octets',
    yaml: wf(task({ type: 'http_producer_nats' }) + '\n    http: { address: "10.0.1:8000" }'),
    expect: [['w', 11, 'not an IPv4 address']],
  },
  {
    name: 'http: a leading zero in an octet',
    yaml: wf(task({ type: 'http_producer_nats' }) + '\n    http: { address: "010.0.0.1:8000" }'),
    expect: [['w', 11, 'leading zero']],
  },
  {
    name: 'http: port 0',
    yaml: wf(task({ type: 'http_producer_nats' }) + '\n    http: { address: "0.0.0.0:0" }'),
    expect: [['w', 11, 'not a port from 1 to 65535']],
  },
  {
    name: 'http: port 65536',
    yaml: wf(task({ type: 'http_producer_nats' }) + '\n    http: { address: "0.0.0.0:65536" }'),
    expect: [['w', 11, 'not a port from 1 to 65535']],
  },
  {
    name: 'http: a port that is not a number',
    yaml: wf(task({ type: 'http_producer_nats' }) + '\n    http: { address: "0.0.0.0:http" }'),
    expect: [['w', 11, 'not a port']],
  },
  {
    name: 'http: a malformed IPv6 address',
    yaml: wf(task({ type: 'http_producer_nats' }) + '\n    http: { address: "[:::1]:8000" }'),
    expect: [['w', 11, 'not an IPv6 address']],
  },
  {
    name: 'http: IPv6 without brackets',
    yaml: wf(task({ type: 'http_producer_nats' }) + '\n    http: { address: "::1:8000" }'),
    expect: [['w', 11, 'without brackets']],
  },
  {
    name: 'http: an IPv6 zone',
    yaml: wf(task({ type: 'http_producer_nats' }) + '\n    http: { address: "[fe80::1%eth0]:8000" }'),
    expect: [['w', 11, 'zone']],
  },
  {
    name: 'http: a host name',
    yaml: wf(task({ type: 'http_producer_nats' }) + '\n    http: { address: "localhost:8000" }'),
    expect: [['w', 11, 'write 127.0.0.1:8000']],
  },
  {
    name: 'http: no IP before the port',
    yaml: wf(task({ type: 'http_producer_nats' }) + '\n    http: { address: ":8000" }'),
    expect: [['w', 11, 'no IP address']],
  },
  {
    name: 'http: a number instead of an address',
    yaml: wf(task({ type: 'http_producer_nats' }) + '\n    http: { address: 8000 }'),
    expect: [['w', 11, 'must be a string']],
  },
  {
    name: 'registry: a port above 65535',
    yaml: `project_name: T\nregistry: localhost:99999/x\ntasks:\n${task({})}\n`,
    expect: [['w', 2, 'port 99999']],
  },
  {
    name: 'provider image: a registry port above 65535',
    yaml: `project_name: T\nproviders:\n  messaging: localhost:70000/messaging-nats:0.27.0\ntasks:\n${task({})}\n`,
    expect: [['w', 3, 'port 70000']],
  },

  // ---- config keys ------------------------------------------------------------------------------------
  {
    name: 'config: 1 and "1" are one key',
    yaml: wf(task({}) + '\n    config: { 1: a, "1": b }'),
    expect: [['w', 11, 'given twice']],
  },
  {
    name: 'config: 1.0 and "1.0" are one key',
    yaml: wf(task({}) + '\n    config:\n      1.0: a\n      "1.0": b'),
    expect: [['w', 13, 'given twice']],
  },
  {
    name: 'config: true and "true" are one key',
    yaml: wf(task({}) + '\n    config:\n      true: a\n      "true": b'),
    expect: [['w', 13, 'given twice']],
  },
  {
    name: 'config: __proto__',
    yaml: wf(task({}) + '\n    config: { __proto__: x }'),
    expect: [['w', 11, '"__proto__" is not allowed']],
  },
  { name: 'config: a null key', yaml: wf(task({}) + '\n    config:\n      ~: x'), expect: [['w', 12, 'plain names']] },
  {
    name: 'config: a list as a key',
    yaml: wf(task({}) + '\n    config:\n      ? [a, b]\n      : x'),
    expect: [['w', 12, 'plain names']],
  },
  {
    name: 'config: a mapping value',
    yaml: wf(task({}) + '\n    config: { a: { b: c } }'),
    expect: [['w', 11, 'must be a single value']],
  },

  // ---- YAML -------------------------------------------------------------------------------------------
  {
    name: 'yaml: an undefined alias',
    yaml: wf(task({ targets: '*places' })),
    expect: [['w', 6, 'alias *places refers to no anchor']],
  },
  {
    name: 'yaml: an alias used before its anchor',
    yaml: wf(task({ targets: '*t' }), task({ name: 'B', component_name: 'b', targets: '&t [edge]' })),
    expect: [['w', 6, 'alias *t refers to no anchor']],
  },
  {
    name: 'yaml: two documents',
    yaml: wf(task({})) + '---\nproject_name: Other\n',
    expect: [['w', 11, 'more than one YAML document']],
  },
  {
    name: 'yaml: a document end marker followed by more',
    yaml: wf(task({})) + '...\nproject_name: Other\n',
    expect: [['w', 12, 'more than one YAML document']],
  },
  {
    name: 'yaml: Latin-1 workflow.yaml',
    yaml: '',
    files: {
      'workflow.yaml': Buffer.concat([
        Buffer.from(wf(task({ name: 'Caf' }))).subarray(0, 30),
        Buffer.from([0xe9]),
        Buffer.from(wf(task({})).slice(30)),
      ]),
    },
    expect: [['w', 3, 'not UTF-8']],
  },
  {
    name: 'yaml: UTF-16 workflow.yaml',
    yaml: '',
    files: { 'workflow.yaml': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(wf(task({})), 'utf16le')]) },
    expect: [['w', 1, 'UTF-16']],
  },
  {
    name: 'yaml: task fields that lost their indentation',
    yaml: 'project_name: T\ntasks:\n- name: Upper\ntype: processor_nats\n',
    expect: [['w', 4, 'is a task field, but it is at the top level']],
  },
  {
    name: 'yaml: a key repeated through a merge and in place is fine, but twice in place is not',
    yaml: wf(task({})) + '    name: Again\n',
    expect: [['w', 11, 'YAML syntax']],
  },

  // ---- positions --------------------------------------------------------------------------------------
  {
    name: 'duplicate component_name at its own line and column',
    yaml: wf(task({}), task({ name: 'Other', source_topic: 'x', dest_topic: 'y' })),
    expect: [['w', 17, 'already used by task "Upper"', 21]],
  },
  {
    name: 'duplicate component_name written in flow style',
    yaml:
      `project_name: T\ntasks:\n${task({})}\n` +
      '  - { name: B, type: processor_nats, code: upper.go, targets: [edge], source_topic: x, dest_topic: y, ' +
      'component_name: upper, version: 1.0.0 }\n',
    expect: [['w', 11, 'already used', 119]],
  },
  {
    name: 'several problems are all reported, in order',
    yaml: wf(task({ type: 'procesor_nats', version: 'latest', dest_topic: 'a.>' })),
    expect: [
      ['w', 4, 'did you mean'],
      ['w', 8, 'concrete subject'],
      ['w', 10, 'latest'],
    ],
  },
];

afterAll(cleanupProjects);

describe('malformed workflows', () => {
  test('the corpus is large enough', () => {
    expect(cases.length).toBeGreaterThanOrEqual(125);
  });

  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const dir = makeProject({ 'workflow.yaml': c.yaml, 'tasks/upper.go': GOOD_TASK, ...c.files });
    c.setup?.(dir);
    const diags = diagnosticsOf(() => loadWorkflow(dir));
    expect(diags.length).toBeGreaterThan(0);
    const rendered = diags.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message} ${d.hint ?? ''}`);
    for (const [file, line, text, col] of c.expect) {
      const suffix = file === 'w' ? 'workflow.yaml' : file;
      const hit = diags.find(
        (d) =>
          d.file.endsWith(suffix) &&
          d.line === line &&
          (col === undefined || d.col === col) &&
          `${d.message} ${d.hint ?? ''}`.includes(text),
      );
      if (!hit)
        throw new Error(`expected "${text}" at ${suffix}:${line}${col ? `:${col}` : ''}, got:\n${rendered.join('\n')}`);
      // every refusal says what to do
      expect(hit.hint ?? '').not.toBe('');
    }
    // Every problem is positioned, and there is no noise beyond what the case expects.
    for (const d of diags) {
      expect(d.line).toBeGreaterThanOrEqual(1);
      expect(d.col).toBeGreaterThanOrEqual(1);
      if (!d.hint) throw new Error(`no hint: ${d.file}:${d.line}:${d.col}: ${d.message}`);
    }
    if (diags.length > c.expect.length) {
      throw new Error(`unexpected extra problems:\n${rendered.join('\n')}`);
    }
  });

  test('the minimal workflow used by the corpus is itself valid', () => {
    const dir = makeProject({ 'workflow.yaml': wf(task({})), 'tasks/upper.go': GOOD_TASK });
    expect(loadWorkflow(dir).tasks).toHaveLength(1);
    const dir2 = makeProject({ 'workflow.yaml': workflowWith(), 'tasks/upper.go': GOOD_TASK });
    expect(loadWorkflow(dir2).tasks[0]!.component_name).toBe('upper');
  });
});
