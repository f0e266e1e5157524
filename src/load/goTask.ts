/**
 * What a Go task file must be for the generated project to build: one file of `package main` with
 * `func exec_task(arg string) string`, compiled together with the template's files, by TinyGo for
 * wasip2. Everything the Go toolchain would refuse or silently skip is refused here, at its line.
 */
import { isGoStdlib } from './goStdlib.js';
import { lexGo, readGoFile, type GoFile, type GoToken } from './goSource.js';
import type { Problem } from './rules.js';
import { positionIn } from './position.js';

/**
 * Names the template's Go files declare at package level, or as imports in their file block: a task
 * declaring one at package level would not compile ("redeclared", "already declared through import").
 * Names starting with `pelato` are reserved as a whole. Kept equal to the templates by a test.
 */
export const GO_TEMPLATE_NAMES = [
  'main',
  'task_config',
  'cabiArena',
  'cabiArenaUsed',
  'cabiReady',
  'cabiAllocs',
  'cabiRealloc',
  'heapRealloc',
  'zeroBlock',
  // imports of the template files
  'cm',
  'consumer',
  'fmt',
  'handler',
  'httptypes',
  'incominghandler',
  'json',
  'logging',
  'pgtypes',
  'monotonicclock',
  'poll',
  'query',
  'runtime',
  'strconv',
  'strings',
  'types',
  'unsafe',
] as const;

/** Directives that would change what the template's component imports or exports, or how it is built. */
const FORBIDDEN_DIRECTIVES: Array<[RegExp, string, string]> = [
  [
    /^\/\/go:generate\b/,
    '//go:generate',
    'the build does not run generators for task files; commit what it would generate into the task file',
  ],
  [
    /^\/\/go:embed\b/,
    '//go:embed',
    'embedding files is not supported in task files; put the data into a string constant or into config:',
  ],
  [
    /^\/\/go:wasmimport\b/,
    '//go:wasmimport',
    "a task cannot import host functions of its own; the template owns the component's interface",
  ],
  [
    /^\/\/go:wasmexport\b/,
    '//go:wasmexport',
    "a task cannot export functions of its own; the template owns the component's interface",
  ],
  [
    /^\/\/export /,
    '//export',
    "a task cannot export functions of its own; the template owns the component's interface",
  ],
  [
    /^\/\/go:linkname\b/,
    '//go:linkname',
    "linking to other packages' internals does not build with TinyGo; use their exported API",
  ],
  [/^\/\/extern /, '//extern', 'a task cannot import host functions of its own'],
];

export function checkGoTask(source: string, file: string): Problem[] {
  const at = positionIn(source, file);
  const lexed = lexGo(source);
  if (lexed.error)
    return [
      {
        message: `Go syntax: ${lexed.error.message}`,
        hint: 'the task file must compile as Go',
        at: at(lexed.error.at),
      },
    ];
  const f = readGoFile(lexed.tokens);
  const problems: Problem[] = [];
  // Build constraints in the header decide whether Go compiles the file at all: for a task it always must.
  for (const c of f.header) {
    if (/^\/\/go:build\b|^\/\/ ?\+build\b/.test(c.text)) {
      problems.push({
        message: `task file has a build constraint (${c.text.trim().slice(0, 40)})`,
        hint: "remove it: a task file is always compiled, for TinyGo's wasip2 target",
        at: at(c.at),
      });
    }
  }
  if (f.packageAt === undefined)
    problems.push({
      message: 'task file has no package clause',
      hint: 'start it with "package main"',
      at: at(firstCode(f)),
    });
  else if (f.packageName !== 'main')
    problems.push({
      message: `task file is in package "${f.packageName ?? ''}"`,
      hint: 'use "package main": the template\'s main.go shares the package',
      at: at(f.packageAt),
    });
  problems.push(...execTaskProblems(f, at));
  const seen = new Map<string, number>();
  for (const d of f.decls) {
    const first = seen.get(d.name);
    if (first !== undefined && d.name !== 'init' && d.name !== '_') {
      problems.push({
        message: `"${d.name}" is declared twice (first at line ${at(first).line})`,
        hint: 'rename or remove one of them',
        at: at(d.at),
      });
      continue;
    }
    seen.set(d.name, d.at);
    if (d.name === 'main' && d.kind === 'func')
      problems.push({
        message: 'task file defines func main',
        hint: 'remove it: the template provides main',
        at: at(d.at),
      });
    else if (/^pelato/.test(d.name) || (GO_TEMPLATE_NAMES as readonly string[]).includes(d.name)) {
      problems.push({
        message: `task file declares "${d.name}", a name the template uses`,
        hint: 'rename it: task_config, names starting with "pelato" and the template\'s imports are reserved',
        at: at(d.at),
      });
    }
  }
  for (const imp of f.imports) {
    if (imp.path === 'C')
      problems.push({
        message: 'task file uses cgo (import "C")',
        hint: 'components cannot link C code; use Go only',
        at: at(imp.at),
      });
    else if (imp.path === 'syscall/js')
      problems.push({
        message: 'task file imports "syscall/js", which exists only for GOOS=js (browsers)',
        hint: 'components run on WASI (wasip2), where TinyGo does not have it',
        at: at(imp.at),
      });
    else if (!isGoStdlib(imp.path)) {
      const where = imp.path.startsWith('.')
        ? 'a relative import, not a package of the Go standard library'
        : imp.path.split('/')[0]!.includes('.')
          ? 'a module outside the standard library'
          : 'not a package of the Go standard library';
      problems.push({
        message: `task file imports "${imp.path}", ${where}`,
        hint: 'only the Go standard library can be used in task files for now',
        at: at(imp.at),
      });
    } else {
      const unsupported = tinyGoUnsupported(imp.path);
      if (unsupported)
        problems.push({
          message: `task file imports "${imp.path}", which TinyGo cannot compile for components`,
          hint: unsupported,
          at: at(imp.at),
        });
    }
  }
  for (const d of f.directives) {
    const hit = FORBIDDEN_DIRECTIVES.find(([re]) => re.test(d.text));
    if (hit) problems.push({ message: `task file uses ${hit[1]}`, hint: hit[2], at: at(d.at) });
  }
  return problems;
}

function firstCode(f: GoFile): number | undefined {
  return f.tokens.find((t) => t.kind !== 'comment' && t.kind !== 'newline')?.at;
}

/** `func exec_task(arg string) string {` with the body's brace on the same line. */
function execTaskProblems(
  f: GoFile,
  at: (i: number | undefined) => { file: string; line: number; col: number },
): Problem[] {
  const toks = f.tokens.filter((t) => t.kind !== 'comment');
  const decl = f.decls.find((d) => d.name === 'exec_task');
  if (!decl)
    return [
      {
        message: 'task file does not define func exec_task(arg string) string',
        hint: 'the template calls exec_task with each message body',
        at: at(undefined),
      },
    ];
  const want = 'it must be func exec_task(arg string) string';
  if (decl.kind !== 'func')
    return [{ message: `exec_task is declared as a ${decl.kind}`, hint: want, at: at(decl.at) }];
  let i = toks.findIndex((t) => t.at === decl.at) + 2; // after `func exec_task`
  const sig: GoToken[] = [];
  let depth = 0;
  let lineBreak = false; // outside the parentheses, a line break ends the declaration (Go inserts a ";")
  for (; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.text === '{' && depth === 0) break;
    if (t.text === '(' || t.text === '[') depth++;
    if (t.text === ')' || t.text === ']') depth--;
    if (t.kind === 'newline' && depth === 0) lineBreak = true;
    sig.push(t);
  }
  const brace = toks[i];
  const shape = goText(sig.filter((t) => t.kind !== 'newline'));
  const ok = /^\((?:[\p{L}_][\p{L}\p{Nd}_]* )?string,?\) (?:string|\((?:[\p{L}_][\p{L}\p{Nd}_]* )?string\))$/u.test(
    shape,
  );
  if (!ok) return [{ message: `exec_task has the signature ${shape || '(none)'}`, hint: want, at: at(decl.at) }];
  if (!brace) return [{ message: 'exec_task has no body', hint: want, at: at(decl.at) }];
  if (lineBreak)
    return [
      {
        message: 'the "{" of exec_task is not on the line of its signature',
        hint: 'Go needs the opening brace on the same line: func exec_task(arg string) string {',
        at: at(brace.at),
      },
    ];
  return [];
}

/** Tokens as Go text: a space between words, after commas and before a result list. */
function goText(toks: GoToken[]): string {
  let out = '';
  let prev: GoToken | undefined;
  const word = (t: GoToken) => t.kind === 'ident' || t.kind === 'keyword' || t.kind === 'number';
  for (const t of toks) {
    if (
      prev &&
      ((word(prev) && word(t)) ||
        (prev.text === ',' && t.text !== ')') ||
        (prev.text === ')' && t.text !== ')' && t.text !== ',') ||
        (prev.kind === 'ident' && ['[', '*', '...'].includes(t.text)))
    )
      out += ' ';
    out += t.text;
    prev = t;
  }
  return out;
}

/**
 * Standard packages TinyGo 0.39 cannot compile for wasip2 components (measured: one program importing
 * each package, `tinygo build -target wasip2`). Undefined when the package builds.
 */
function tinyGoUnsupported(pkg: string): string | undefined {
  return TINYGO_UNSUPPORTED[pkg];
}

const TINYGO_UNSUPPORTED: Record<string, string> = {
  // TinyGo's standard library has no such package
  'net/http/cgi': "TinyGo's net/http has no CGI server; a task gets its request body as exec_task's argument",
  'net/http/cookiejar': "TinyGo's net/http has no cookie jar",
  'net/http/fcgi': "TinyGo's net/http has no FastCGI server",
  'runtime/coverage': 'coverage needs the gc toolchain',
  'runtime/race': 'the race detector needs the gc toolchain',
  plugin: 'plugins are shared libraries, which components cannot load',
  'net/http/pprof': "TinyGo's net/http lacks what it needs (ResponseController)",
  // present, but does not compile for wasip2 components
  'debug/buildinfo': 'it reads executables built by the gc toolchain',
  'debug/gosym': 'it reads gc symbol tables',
  'net/http/httputil': "TinyGo's net/http lacks what it needs (Transport fields, ResponseController)",
  'net/smtp': "TinyGo's crypto/tls has no tls.Conn",
};
