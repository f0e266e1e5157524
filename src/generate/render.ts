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
    ? `INSERT INTO ${sqlIdentifier(db.table)} (${db.columns.map(sqlIdentifier).join(', ')}) VALUES (${db.columns.map((_, i) => `$${i + 1}`).join(', ')})`
    : '';
  return {
    world: spec.world,
    witPackage: spec.witPackage,
    lit: {
      dest_topic: goString(task.dest_topic ?? ''),
      http_path: goString(task.http?.path ?? '/'),
      insert_sql: goString(insert),
      columns: `[]string{${(db?.columns ?? []).map(goString).join(', ')}}`,
      js: {
        dest_topic: jsString(task.dest_topic ?? ''),
        http_path: jsString(task.http?.path ?? '/'),
        insert_sql: jsString(insert),
        columns: `[${(db?.columns ?? []).map(jsString).join(', ')}]`,
        task_file: jsString(path.posix.basename(task.code)),
      },
      toml_name: tomlString(task.component_name),
      toml_version: tomlString(task.version),
    },
    has: {
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
  if (!b) staticFiles.set(abs, (b = readFileSync(abs)));
  return b;
}

export function renderProject(task: Task, spec: TemplateSpec, taskSource: Buffer): FileTree {
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
  files.set(taskFileName(task.code, files), task.language === 'go' ? withLineDirective(task.code, taskSource) : taskSource);
  return files;
}

/** The task file keeps its name unless a template file already has it. */
function taskFileName(code: string, files: FileTree): string {
  const base = path.posix.basename(code);
  return files.has(base) ? `task_${base}` : base;
}

/** `//line` makes Go compiler errors point at tasks/<file> rather than the copy in gen/. */
function withLineDirective(code: string, source: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`//line tasks/${code}:1\n`), source]);
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
