/**
 * A small Go lexer: enough to read a task file the way the compiler will (tokens, comments, where the
 * package clause and the imports are, which names the file declares at package level) and to report
 * the lexical mistakes that would stop the build (unterminated strings and comments, stray characters,
 * unbalanced brackets) at their line and column.
 */

export type GoTokenKind = 'ident' | 'keyword' | 'string' | 'rune' | 'number' | 'op' | 'comment' | 'newline';

export interface GoToken {
  kind: GoTokenKind;
  text: string;
  /** Offset in the source (characters). */
  at: number;
}

export interface GoLexError {
  message: string;
  at: number;
}

const KEYWORDS = new Set([
  'break',
  'case',
  'chan',
  'const',
  'continue',
  'default',
  'defer',
  'else',
  'fallthrough',
  'for',
  'func',
  'go',
  'goto',
  'if',
  'import',
  'interface',
  'map',
  'package',
  'range',
  'return',
  'select',
  'struct',
  'switch',
  'type',
  'var',
]);

const OPS = [
  '<<=',
  '>>=',
  '&^=',
  '...',
  '&&',
  '||',
  '<-',
  '++',
  '--',
  '==',
  '!=',
  '<=',
  '>=',
  ':=',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '<<',
  '>>',
  '&^',
  '~',
];
const SINGLE = new Set('+-*/%&|^<>=!()[]{},;.:'.split(''));
const IDENT_START = /[\p{L}_]/u;
const IDENT_PART = /[\p{L}\p{Nd}_]/u;

export function lexGo(src: string): { tokens: GoToken[]; error?: GoLexError } {
  const tokens: GoToken[] = [];
  const stack: GoToken[] = [];
  const close: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i]!;
    if (c === '\n') {
      tokens.push({ kind: 'newline', text: '\n', at: i++ });
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '\uFEFF' && i === 0) {
      i++;
      continue;
    }
    const start = i;
    if (c === '/' && src[i + 1] === '/') {
      const end = src.indexOf('\n', i);
      i = end < 0 ? n : end;
      tokens.push({ kind: 'comment', text: src.slice(start, i), at: start });
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) return { tokens, error: { message: 'comment not terminated (a "/*" without "*/")', at: start } };
      i = end + 2;
      tokens.push({ kind: 'comment', text: src.slice(start, i), at: start });
      continue;
    }
    if (c === '"' || c === "'") {
      i++;
      for (;;) {
        if (i >= n || src[i] === '\n') {
          return { tokens, error: { message: `${c === '"' ? 'string' : 'rune'} literal not terminated`, at: start } };
        }
        if (src[i] === '\\') i += 2;
        else if (src[i] === c) break;
        else i++;
      }
      i++;
      tokens.push({ kind: c === '"' ? 'string' : 'rune', text: src.slice(start, i), at: start });
      continue;
    }
    if (c === '`') {
      const end = src.indexOf('`', i + 1);
      if (end < 0)
        return {
          tokens,
          error: { message: 'raw string literal not terminated (a "`" without its closing "`")', at: start },
        };
      i = end + 1;
      tokens.push({ kind: 'string', text: src.slice(start, i), at: start });
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      i++;
      while (
        i < n &&
        (/[0-9A-Za-z_.]/.test(src[i]!) ||
          ((src[i] === '+' || src[i] === '-') &&
            /[eEpP]/.test(src[i - 1]!) &&
            !/^0[xX][0-9a-fA-F_]*[eE]$/.test(src.slice(start, i))))
      )
        i++;
      tokens.push({ kind: 'number', text: src.slice(start, i), at: start });
      continue;
    }
    const cp = src.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    if (IDENT_START.test(ch)) {
      i += ch.length;
      while (i < n) {
        const p = String.fromCodePoint(src.codePointAt(i)!);
        if (!IDENT_PART.test(p)) break;
        i += p.length;
      }
      const text = src.slice(start, i);
      tokens.push({ kind: KEYWORDS.has(text) ? 'keyword' : 'ident', text, at: start });
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op || SINGLE.has(c)) {
      const text = op ?? c;
      i += text.length;
      const tok: GoToken = { kind: 'op', text, at: start };
      tokens.push(tok);
      if (text === '(' || text === '[' || text === '{') stack.push(tok);
      else if (close[text]) {
        const open = stack.pop();
        if (!open) return { tokens, error: { message: `unexpected "${text}" with nothing open to close`, at: start } };
        if (open.text !== close[text])
          return {
            tokens,
            error: { message: `"${text}" closes the "${open.text}" opened at ${lineOf(src, open.at)}`, at: start },
          };
      }
      continue;
    }
    const name =
      cp < 0x20 || cp === 0x7f
        ? `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`
        : `U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${ch}'`;
    return { tokens, error: { message: `invalid character ${name} in Go source`, at: start } };
  }
  const open = stack.pop();
  if (open) return { tokens, error: { message: `"${open.text}" is never closed`, at: open.at } };
  return { tokens };
}

function lineOf(src: string, at: number): string {
  return `line ${src.slice(0, at).split('\n').length}`;
}

export interface GoImport {
  path: string;
  /** The name the import declares in the file (`_` and `.` included), when one is written. */
  name?: string;
  at: number;
}

export interface GoDecl {
  name: string;
  kind: 'func' | 'var' | 'const' | 'type';
  at: number;
}

export interface GoFile {
  tokens: GoToken[];
  /** The `package` keyword, if present. */
  packageAt?: number;
  packageName?: string;
  /** Comments before the package clause (where build constraints live). */
  header: GoToken[];
  imports: GoImport[];
  /** Package-level declarations (methods excluded). */
  decls: GoDecl[];
  /** Line comments that are compiler directives (`//go:…`, `//export …`, `//line …`). */
  directives: GoToken[];
}

/** Reads the structure of a Go file from its tokens (assumes lexGo found no error). */
export function readGoFile(tokens: GoToken[]): GoFile {
  const code = tokens.filter((t) => t.kind !== 'comment');
  const file: GoFile = { tokens, header: [], imports: [], decls: [], directives: [] };
  for (const t of tokens)
    if (t.kind === 'comment' && /^\/\/(go:|export |extern |line )/.test(t.text)) file.directives.push(t);
  const firstPkg = tokens.findIndex((t) => t.kind === 'keyword' && t.text === 'package');
  file.header = tokens.slice(0, firstPkg < 0 ? tokens.length : firstPkg).filter((t) => t.kind === 'comment');
  const sig = code.filter((t) => t.kind !== 'newline');
  if (sig[0]?.text === 'package') {
    file.packageAt = sig[0].at;
    if (sig[1]?.kind === 'ident') file.packageName = sig[1].text;
  }
  // Walk package-level tokens: depth 0 only.
  let depth = 0;
  for (let i = 0; i < sig.length; i++) {
    const t = sig[i]!;
    if (t.kind === 'op' && (t.text === '(' || t.text === '[' || t.text === '{')) depth++;
    else if (t.kind === 'op' && (t.text === ')' || t.text === ']' || t.text === '}')) depth--;
    if (depth !== 0 || t.kind !== 'keyword') continue;
    if (t.text === 'import') i = readImports(sig, i + 1, file.imports);
    else if (t.text === 'func') {
      const name = sig[i + 1];
      if (name?.kind === 'ident') file.decls.push({ name: name.text, kind: 'func', at: t.at });
    } else if (t.text === 'var' || t.text === 'const' || t.text === 'type') {
      i = readSpecs(code, code.indexOf(t) + 1, t.text, file.decls, sig, i);
    }
  }
  return file;
}

function readImports(sig: GoToken[], i: number, out: GoImport[]): number {
  const spec = (j: number): number => {
    let name: string | undefined;
    if (sig[j]?.kind === 'ident' || sig[j]?.text === '.') name = sig[j++]!.text;
    const lit = sig[j];
    if (lit?.kind === 'string') out.push({ path: unquote(lit.text), name, at: lit.at });
    return j;
  };
  if (sig[i]?.text !== '(') return spec(i);
  let j = i + 1;
  while (j < sig.length && sig[j]!.text !== ')') {
    if (sig[j]!.text === ';') {
      j++;
      continue;
    }
    j = spec(j) + 1;
  }
  return j;
}

/** `var a, b = …`, `type T …`, or a parenthesised group of such specs; returns the index in `sig` reached. */
function readSpecs(
  code: GoToken[],
  ci: number,
  kind: 'var' | 'const' | 'type',
  out: GoDecl[],
  sig: GoToken[],
  si: number,
): number {
  const names = (from: number): void => {
    // identifier list: a, b, c (then a type or "=")
    for (let k = from; k < code.length; k += 2) {
      const t = code[k]!;
      if (t.kind !== 'ident') break;
      out.push({ name: t.text, kind, at: t.at });
      if (code[k + 1]?.text !== ',' || kind === 'type') break;
    }
  };
  while (code[ci]?.kind === 'newline') ci++;
  if (code[ci]?.text !== '(') {
    names(ci);
    return si;
  }
  // A group: each spec starts at the first token after "(" or after a newline / ";" at the group's depth.
  let depth = 0;
  let startOfSpec = true;
  let k = ci;
  for (; k < code.length; k++) {
    const t = code[k]!;
    if (t.text === '(' || t.text === '[' || t.text === '{') {
      depth++;
      if (depth === 1) {
        startOfSpec = true;
        continue;
      }
    } else if (t.text === ')' || t.text === ']' || t.text === '}') {
      depth--;
      if (depth === 0) break;
    }
    if (depth !== 1) continue;
    if (t.kind === 'newline' || t.text === ';') {
      startOfSpec = true;
      continue;
    }
    if (startOfSpec) {
      startOfSpec = false;
      const before = out.length;
      names(k);
      if (out.length === before) continue;
    }
  }
  // Skip the group in the significant-token walk too.
  const end = code[k];
  const j = end ? sig.indexOf(end) : sig.length - 1;
  return j < 0 ? si : j;
}

function unquote(lit: string): string {
  if (lit.startsWith('`')) return lit.slice(1, -1);
  try {
    return JSON.parse(lit) as string;
  } catch {
    return lit.slice(1, -1);
  }
}
