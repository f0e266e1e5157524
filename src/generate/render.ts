/**
 * Renders one task's project: the shared Go files, the template's own files, the vendored WIT and the
 * user's task file. Returns the files in memory (path → bytes) so the caller can hash and write them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import nunjucks from 'nunjucks';
import type { Task } from '../model/workflow.js';
import { templatesRoot, type TemplateSpec } from '../templates/catalog.js';
import { goString, jsString, sqlIdentifier, tomlString } from './literals.js';

export type FileTree = Map<string, Buffer>;

const WIT_DEPS = path.join('_wit', 'deps');

let env: nunjucks.Environment | undefined;
function environment(): nunjucks.Environment {
  // autoescape is HTML escaping, useless for Go; safety comes from the context holding only literals.
  env ??= new nunjucks.Environment(new nunjucks.FileSystemLoader(templatesRoot(), { noCache: false }), {
    autoescape: false,
    throwOnUndefined: true,
    trimBlocks: true,
    lstripBlocks: true,
  });
  return env;
}

/**
 * What templates may see. User values appear only as ready-made literals (`lit.*`), never raw, so a
 * template cannot forget to escape one; `has.*` are booleans that pick code paths.
 */
export function templateContext(task: Task, spec: TemplateSpec) {
  const db = task.database;
  const insert = db
    ? `INSERT INTO ${sqlIdentifier(db.table)} (${db.columns.map(sqlIdentifier).join(', ')}) ` +
      `VALUES (${db.columns.map((_, i) => `$${i + 1}`).join(', ')})`
    : '';
  return {
    world: spec.world,
    witPackage: spec.witPackage,
    lit: {
      dest_topic: goString(task.dest_topic ?? ''),
      http_path: goString(task.http?.path ?? '/'),
      insert_sql: goString(insert),
      columns: `[]string{${(db?.columns ?? []).map(goString).join(', ')}}`,
      table: goString(db?.table ?? ''),
      js: {
        dest_topic: jsString(task.dest_topic ?? ''),
        http_path: jsString(task.http?.path ?? '/'),
        insert_sql: jsString(insert),
        columns: `[${(db?.columns ?? []).map(jsString).join(', ')}]`,
        table: jsString(db?.table ?? ''),
        task_file: jsString(path.posix.basename(task.code)),
      },
      toml_name: tomlString(task.component_name),
      toml_version: tomlString(task.version),
    },
    // Validated whole numbers, safe to print as they are in Go and JavaScript.
    http: { max_body: task.http?.max_body ?? 0, timeout_ms: task.http?.timeout_ms ?? 0 },
    has: {
      auth: task.http?.auth !== undefined,
      dest: task.dest_topic !== undefined,
      source: task.source_topic !== undefined,
      columns: db?.columns.length ?? 0,
    },
  };
}

/**
 * Static template files are read once per process and the same Buffer is handed to every task, so the
 * writer can recognise identical files (and hard-link them) and the hasher can reuse their digests.
 */
const staticFiles = new Map<string, Buffer>();
function readStatic(abs: string): Buffer {
  let b = staticFiles.get(abs);
  if (!b) {
    b = readFileSync(abs);
    staticFiles.set(abs, b);
  }
  return b;
}

/** Renders the project; `taskFile` is the name the task file got in it. */
export function renderProject(task: Task, spec: TemplateSpec, taskSource: Buffer): FileTree & { taskFile?: string } {
  const root = templatesRoot();
  const ctx = templateContext(task, spec);
  const files: FileTree = new Map();
  const addDir = (dir: string, skip: (rel: string) => boolean, into = '') => {
    for (const rel of listFiles(path.join(root, dir))) {
      if (skip(rel)) continue;
      const src = path.join(dir, rel);
      const out = into ? `${into}/${rel}` : rel;
      if (rel.endsWith('.njk')) files.set(out.slice(0, -4), Buffer.from(environment().render(src, ctx)));
      else files.set(out, readStatic(path.join(root, src)));
    }
  };
  for (const shared of spec.languages[task.language]!.includes) addDir(shared, () => false);
  addDir(`${spec.type}/${task.language}`, () => false);
  addDir(`${spec.type}/wit`, () => false, 'wit');
  // Each dependency is one single-file package (`wit/deps/<name>.wit`), which wit-parser accepts as
  // well as a folder; a file per package instead of a folder keeps generation fast at many tasks.
  for (const dep of spec.witDeps) {
    files.set(`wit/deps/${dep}.wit`, readStatic(path.join(root, WIT_DEPS, `${dep}.wit`)));
  }
  const name = taskFileName(task, files);
  files.set(name, task.language === 'go' ? withLineDirective(task.code, taskSource) : withEntry(task, taskSource));
  return Object.assign(files, { taskFile: name });
}

/**
 * The task file's name in the generated project. It keeps its own name where that is safe, so a
 * project regenerates byte for byte as before; it is renamed only where the name would change the
 * build: a template file of that name, names the Go tool skips or treats as constrained (`_x.go`,
 * `x_test.go`, `x_linux.go`, `x_arm64.go`), and extensions that are not lower case (`.GO`, `.TS`).
 */
export function taskFileName(task: Pick<Task, 'code' | 'language'>, files: FileTree): string {
  const base = path.posix.basename(task.code);
  const dot = base.lastIndexOf('.');
  const stem = base.slice(0, dot);
  const ext = base.slice(dot);
  // go/build reads the constraint from the name before its first dot: `reading_linux.v2.go` is linux-only.
  const goName = base.slice(0, base.indexOf('.'));
  if (task.language === 'go' && (ext !== '.go' || goSkips(goName) || /^[_.]/.test(base))) return 'task.go';
  if (ext !== ext.toLowerCase()) return taskFileName({ ...task, code: stem + ext.toLowerCase() }, files);
  return files.has(base) ? `task_${base}` : base;
}

/** File names the Go build ignores or compiles only for some targets (go/build's rules). */
function goSkips(stem: string): boolean {
  if (/^[_.]/.test(stem)) return true;
  const parts = stem.split('_');
  const last = parts[parts.length - 1]!;
  return parts.length > 1 && (last === 'test' || GOOS.has(last) || GOARCH.has(last));
}

const GOOS = new Set(
  (
    'aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd openbsd plan9 ' +
    'solaris wasip1 wasip2 windows zos'
  ).split(' '),
);
const GOARCH = new Set(
  (
    '386 amd64 amd64p32 arm armbe arm64 arm64be loong64 mips mipsle mips64 mips64le mips64p32 mips64p32le ' +
    'ppc ppc64 ppc64le riscv riscv64 s390 s390x sparc sparc64 wasm'
  ).split(' '),
);

/**
 * `//line` makes Go compiler errors point at tasks/<file> rather than the copy in gen/. A byte-order
 * mark is only allowed as a file's first bytes, so it goes (it would follow the directive).
 */
function withLineDirective(code: string, source: Buffer): Buffer {
  const body = source[0] === 0xef && source[1] === 0xbb && source[2] === 0xbf ? source.subarray(3) : source;
  return Buffer.concat([Buffer.from(`//line tasks/${code}:1\n`), body]);
}

/**
 * `export { run as execTask }`: the template calls execTask by its local name in the joined module,
 * so the copy binds that name to the task's function. Files that export execTask itself are copied
 * unchanged.
 */
function withEntry(task: Task, source: Buffer): Buffer {
  if (!task.entry) return source;
  return Buffer.concat([
    source,
    Buffer.from(`\n// added by pelato: the template calls execTask\nconst execTask = ${task.entry};\n`),
  ]);
}

/** Files below `dir`, relative, with forward slashes, sorted (so output order never depends on the disk). */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (sub: string) => {
    for (const e of readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isDirectory()) walk(rel);
      else if (e.isFile()) out.push(rel);
    }
  };
  walk('');
  return out.sort();
}
