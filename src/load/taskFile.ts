/**
 * Checks on a task's `code:` file: where it may live (inside tasks/, no escapes through `..` or links)
 * and what it must contain (the entry point the template calls).
 */
import { existsSync, lstatSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Problem } from './rules.js';

/** Extensions a task file may have, by language (TypeScript is compiled to JavaScript first). */
export const TASK_EXTENSIONS: Record<string, string> = { '.go': 'go', '.js': 'js', '.mjs': 'js', '.ts': 'js', '.mts': 'js' };

const MAX_TASK_BYTES = 1024 * 1024;

export interface ResolvedTaskFile {
  /** Normalized path relative to tasks/ with forward slashes. */
  rel: string;
  abs: string;
  language: string;
  source: string;
}

/** Resolves `code` against `tasksDir`, refusing anything that could read outside it. */
export function resolveTaskFile(tasksDir: string, code: string): ResolvedTaskFile | Problem {
  if (code.trim() === '') return { message: 'code is empty', hint: 'name a file inside tasks/, e.g. convert.go' };
  if (path.isAbsolute(code) || /^[A-Za-z]:/.test(code)) return { message: `code "${code}" is an absolute path`, hint: 'give a path relative to tasks/' };
  if (code.includes('\\')) return { message: `code "${code}" contains a backslash`, hint: 'use "/" between folders' };
  if (code.split('/').some((seg) => seg === '..')) return { message: `code "${code}" leaves the tasks/ folder ("..")`, hint: 'task files must live inside tasks/' };
  if (code.includes('\0')) return { message: 'code contains a NUL character' };
  const ext = path.extname(code).toLowerCase();
  const language = TASK_EXTENSIONS[ext];
  if (!language) {
    return { message: `code "${code}" has an unsupported extension "${ext || '(none)'}"`, hint: `supported: ${Object.keys(TASK_EXTENSIONS).join(', ')}` };
  }
  const rel = path.posix.normalize(code).replace(/^\.\//, '');
  const abs = path.join(tasksDir, rel);
  let real: string;
  let realTasks: string;
  try {
    realTasks = realpathSync(tasksDir);
  } catch {
    return { message: `the tasks/ folder does not exist next to workflow.yaml`, hint: 'create tasks/ and put the task files there' };
  }
  try {
    lstatSync(abs);
    real = realpathSync(abs);
  } catch {
    const hint = rel.startsWith('tasks/') && existsSync(path.join(tasksDir, rel.slice('tasks/'.length)))
      ? `code is relative to tasks/: write "${rel.slice('tasks/'.length)}"`
      : undefined;
    return { message: `code file "tasks/${rel}" does not exist`, hint };
  }
  if (real !== realTasks && !real.startsWith(realTasks + path.sep)) {
    return { message: `code "${code}" is a link that leads outside tasks/`, hint: 'copy the file into tasks/ instead of linking to it' };
  }
  const st = statSync(real);
  if (!st.isFile()) return { message: `code "tasks/${rel}" is not a regular file` };
  if (st.size > MAX_TASK_BYTES) return { message: `code "tasks/${rel}" is larger than 1 MiB` };
  const source = readFileSync(real, 'utf8');
  return { rel, abs: real, language, source };
}

/** Go source with comments, strings and runes blanked out (newlines kept), so regexes see only code. */
export function stripGo(src: string): string {
  return src.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\/|`[^`]*`|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, (m) => m.replace(/[^\n]/g, ' '));
}

/** What the Go templates rely on: `package main` and `func exec_task(arg string) string`, and no `main`. */
export function checkGoTask(source: string, file: string): Problem[] {
  const code = stripGo(source);
  const at = positionIn(code, file);
  const problems: Problem[] = [];
  const pkg = /^\s*package\s+([A-Za-z_]\w*)/m.exec(code);
  if (!pkg) problems.push({ message: 'task file has no package clause', hint: 'start it with "package main"', at: at(undefined) });
  else if (pkg[1] !== 'main') problems.push({ message: `task file is in package "${pkg[1]}"`, hint: 'use "package main": the template\'s main.go shares the package', at: at(pkg.index + pkg[0].indexOf('package')) });
  if (!/^func\s+exec_task\s*\(\s*(?:[A-Za-z_]\w*\s+)?string\s*,?\s*\)\s*(?:string|\(\s*(?:[A-Za-z_]\w*\s+)?string\s*\))\s*\{/m.test(code)) {
    const other = /^func\s+exec_task\s*\(([^)]*)\)\s*([^{]*)\{/m.exec(code);
    problems.push(
      other
        ? { message: `exec_task has the signature (${other[1]!.trim()}) ${other[2]!.trim()}`, hint: 'it must be func exec_task(arg string) string', at: at(other.index) }
        : { message: 'task file does not define func exec_task(arg string) string', hint: 'the template calls exec_task with each message body', at: at(undefined) },
    );
  }
  const main = /^func\s+main\s*\(/m.exec(code);
  if (main) problems.push({ message: 'task file defines func main', hint: 'remove it: the template provides main', at: at(main.index) });
  // Only the standard library is available: the generated go.mod carries the template's modules alone.
  for (const m of importPaths(source, code)) {
    if (m.path.split('/')[0]!.includes('.')) {
      problems.push({ message: `task file imports "${m.path}", a module outside the standard library`, hint: 'only the Go standard library can be used in task files for now', at: at(m.index) });
    }
  }
  const reserved = /^(?:func|var|const|type)\s+(task_config|pelato\w*)\b/m.exec(code);
  if (reserved) problems.push({ message: `task file declares "${reserved[1]}", a name the template uses`, hint: 'rename it: task_config and names starting with "pelato" are reserved', at: at(reserved.index) });
  return problems;
}

/** Import paths with their positions; `code` (comments blanked) tells where the import clauses are. */
function importPaths(source: string, code: string): Array<{ path: string; index: number }> {
  const out: Array<{ path: string; index: number }> = [];
  const clause = /^import\s*(\([^)]*\)|[^\n]*)/gm;
  for (let m = clause.exec(code); m; m = clause.exec(code)) {
    // Paths are string literals, blanked in `code`: read them from the same span of the original.
    const span = source.slice(m.index, m.index + m[0].length);
    const lit = /"((?:[^"\\\n]|\\.)*)"|`([^`]*)`/g;
    for (let l = lit.exec(span); l; l = lit.exec(span)) out.push({ path: l[1] ?? l[2]!, index: m.index + l.index });
  }
  return out;
}

/** JavaScript/TypeScript with comments, strings and template literals blanked out (newlines kept). */
export function stripJs(src: string): string {
  return src.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\/|`(?:[^`\\]|\\.)*`|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, (m) => m.replace(/[^\n]/g, ' '));
}

/** What the JS templates rely on: an exported `execTask(arg: string): string`, no clash with template names. */
export function checkJsTask(source: string, file: string): Problem[] {
  const code = stripJs(source);
  const at = positionIn(code, file);
  const problems: Problem[] = [];
  const exported = /^\s*export\s+(?:async\s+)?(?:function\s*\*?\s*execTask\b|(?:const|let|var)\s+execTask\b)/m.exec(code);
  if (!exported) {
    const local = /\bexecTask\b/.exec(code);
    problems.push(
      local
        ? { message: 'execTask is defined but not exported', hint: 'write "export function execTask(arg: string): string"', at: at(local.index) }
        : { message: 'task file does not export execTask', hint: 'add "export function execTask(arg: string): string"', at: at(undefined) },
    );
  } else if (/^\s*export\s+async\b/m.test(code.slice(exported.index, exported.index + exported[0].length + 1))) {
    problems.push({ message: 'execTask is async', hint: 'it must return a string, not a Promise', at: at(exported.index) });
  }
  const reserved = /^\s*(?:export\s+)?(?:function|const|let|var|class)\s+(taskConfig|pelato\w*)\b/m.exec(code);
  if (reserved) problems.push({ message: `task file declares "${reserved[1]}", a name the template uses`, hint: 'rename it: taskConfig and names starting with "pelato" are reserved', at: at(reserved.index) });
  const imp = /^[ \t]*import\b|^[ \t]*export\b[^\n;]*\bfrom\b/m.exec(code);
  if (imp) {
    problems.push({ message: 'task file imports another module', hint: 'JavaScript/TypeScript tasks are a single self-contained file for now', at: at(imp.index) });
  }
  return problems;
}

/** Maps an offset in `code` (same length and line breaks as the source) to file:line:col. */
function positionIn(code: string, file: string): (index: number | undefined) => { file: string; line: number; col: number } {
  return (index) => {
    if (index === undefined) return { file, line: 1, col: 1 };
    const before = code.slice(0, index);
    return { file, line: before.split('\n').length, col: index - before.lastIndexOf('\n') };
  };
}
