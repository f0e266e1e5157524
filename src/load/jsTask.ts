/**
 * What a JavaScript/TypeScript task file must be for its component to build: one self-contained ES
 * module exporting `execTask(arg: string): string`, joined at build time with the template's runtime
 * and glue into a single module. The file is parsed for real (acorn, with the TypeScript plugin for
 * .ts/.mts) so that a syntax error is reported by `validate` at its line and column, and exports,
 * imports and top-level names are read from the syntax tree rather than guessed from text.
 *
 * Why acorn: `validate` must work without the on-demand JS toolchain (~150 MB, TypeScript among it);
 * acorn is small (~240 KB, no dependencies), standard-conforming, and maintained for a decade; the
 * TypeScript plugin is the Svelte team's (~210 KB). Together they add ~450 KB to the CLI bundle.
 */
import { Parser, type Node as AcornNode } from 'acorn';
import { tsPlugin } from '@sveltejs/acorn-typescript';
import type { Problem } from './rules.js';
import { positionIn } from './position.js';

/**
 * Top-level names of the template's runtime and glue (the build joins them with the task into one
 * module): declaring one again is a redeclaration error there. Names starting with `pelato` are
 * reserved as a whole. Kept equal to the templates by a test.
 */
export const JS_TEMPLATE_NAMES = [
  'taskConfig',
  'handler',
  'incomingHandler',
  'Fields',
  'OutgoingBody',
  'OutgoingResponse',
  'ResponseOutparam',
] as const;

let tsParser: typeof Parser | undefined;
/** acorn extended with the TypeScript plugin, built on first use (most workflows have no TypeScript task). */
function typeScriptParser(): typeof Parser {
  tsParser ??= Parser.extend(tsPlugin() as never);
  return tsParser;
}

interface Loc {
  start: number;
}
type N = AcornNode & Record<string, unknown>;

export interface JsTaskInfo {
  problems: Problem[];
  /** The local name exported as execTask, when it is not `execTask` itself. */
  entry?: string;
}

export function checkJsTask(source: string, file: string, typescript: boolean): JsTaskInfo {
  const at = positionIn(source, file);
  let ast: N;
  try {
    const parser = typescript ? typeScriptParser() : Parser;
    ast = parser.parse(source, {
      ecmaVersion: 'latest',
      sourceType: 'module',
      locations: true,
      allowHashBang: true,
    }) as unknown as N;
  } catch (e) {
    const err = e as SyntaxError & { pos?: number; loc?: { line: number; column: number } };
    const message = String(err.message).replace(/\s*\(\d+:\d+\)$/, '');
    const p = err.loc ? { file, line: err.loc.line, col: err.loc.column + 1 } : at(err.pos);
    return {
      problems: [
        {
          message: `${typescript ? 'TypeScript' : 'JavaScript'} syntax: ${message}`,
          hint: 'the task file must parse as an ES module',
          at: p,
        },
      ],
    };
  }
  const problems: Problem[] = [];
  const top = ast.body as N[];
  let exported: { node: N; local: string } | undefined;
  let defaultExport: N | undefined;
  const declared = new Map<string, N>();
  const declare = (name: string | undefined, node: N) => {
    if (name && !declared.has(name)) declared.set(name, node);
  };
  const declarationNames = (d: N): string[] => {
    if (!d || d.declare) return [];
    switch (d.type) {
      case 'FunctionDeclaration':
      case 'ClassDeclaration':
      case 'TSEnumDeclaration':
        return [(d.id as N | null)?.name as string].filter(Boolean);
      case 'TSModuleDeclaration':
        return (d.id as N)?.type === 'Identifier' ? [(d.id as N).name as string] : [];
      case 'VariableDeclaration':
        return (d.declarations as N[]).flatMap((x) => patternNames(x.id as N));
      default:
        return [];
    }
  };
  for (const node of top) {
    switch (node.type) {
      case 'ImportDeclaration':
        if (node.importKind !== 'type')
          problems.push({
            message: 'task file imports another module',
            hint: 'JavaScript/TypeScript tasks are a single self-contained file for now',
            at: at(start(node)),
          });
        break;
      case 'TSImportEqualsDeclaration':
        if (node.importKind !== 'type')
          problems.push({
            message: 'task file imports another module (import … = require)',
            hint: 'JavaScript/TypeScript tasks are a single self-contained file for now',
            at: at(start(node)),
          });
        break;
      case 'ExportAllDeclaration':
        problems.push({
          message: 'task file re-exports another module',
          hint: 'JavaScript/TypeScript tasks are a single self-contained file for now',
          at: at(start(node)),
        });
        break;
      case 'ExportDefaultDeclaration':
        defaultExport = node;
        break;
      case 'TSExportAssignment':
        problems.push({
          message: 'task file uses "export =" (CommonJS)',
          hint: 'write "export function execTask(arg: string): string"',
          at: at(start(node)),
        });
        break;
      case 'ExportNamedDeclaration': {
        if (node.source) {
          if (node.exportKind !== 'type')
            problems.push({
              message: 'task file re-exports another module',
              hint: 'JavaScript/TypeScript tasks are a single self-contained file for now',
              at: at(start(node)),
            });
          break;
        }
        const d = node.declaration as N | null;
        if (d) {
          for (const name of declarationNames(d)) declare(name, d);
          if (declarationNames(d).includes('execTask')) exported = { node: d, local: 'execTask' };
          else if (d.declare && (d.id as N | undefined)?.name === 'execTask') {
            problems.push({
              message: 'execTask is only declared ("declare"), it has no body',
              hint: 'write "export function execTask(arg: string): string { … }"',
              at: at(start(d)),
            });
          }
        }
        if (node.exportKind === 'type') break;
        for (const s of (node.specifiers as N[]) ?? []) {
          if (s.exportKind === 'type') continue;
          const name = exportName(s.exported as N);
          if (name === 'execTask') exported = { node: s, local: exportName(s.local as N) };
          else if (name === 'default') defaultExport = s;
          else if ((JS_TEMPLATE_NAMES as readonly string[]).includes(name) || name.startsWith('pelato')) {
            problems.push({
              message: `task file exports "${name}", a name the template uses`,
              hint: 'rename it',
              at: at(start(s)),
            });
          }
        }
        break;
      }
      case 'ExpressionStatement': {
        const e = node.expression as N;
        if (e.type === 'AssignmentExpression' && isCommonJsTarget(e.left as N)) {
          problems.push({
            message: 'task file uses CommonJS exports (module.exports / exports.…)',
            hint: 'write "export function execTask(arg: string): string"',
            at: at(start(node)),
          });
        }
        break;
      }
      default:
        for (const name of declarationNames(node)) declare(name, node);
    }
  }
  for (const [name, node] of declared) {
    if (name.startsWith('pelato') || (JS_TEMPLATE_NAMES as readonly string[]).includes(name)) {
      problems.push({
        message: `task file declares "${name}", a name the template uses`,
        hint: 'rename it: taskConfig, handler, incomingHandler and names starting with "pelato" are reserved',
        at: at(start(node)),
      });
    }
  }
  walk(ast, (n) => {
    if (n.type === 'ImportExpression')
      problems.push({
        message: 'task file imports a module at run time (import())',
        hint: 'JavaScript/TypeScript tasks are a single self-contained file for now',
        at: at(start(n)),
      });
    // Measured with componentize-js 0.23: its engine (StarlingMonkey) is built without Unicode property
    // data, so a literal like /\p{L}/u is a SyntaxError when the component is built.
    const re = n.regex as { pattern: string; flags: string } | undefined;
    if (re && /[uv]/.test(re.flags) && /(?:^|[^\\])(?:\\\\)*\\[pP]\{/.test(re.pattern)) {
      problems.push({
        message: 'regular expression uses a Unicode property escape (\\p{…})',
        hint:
          'the JavaScript engine of components has no Unicode property data: ' +
          'use character ranges, e.g. [A-Za-z\\u00C0-\\u024F]',
        at: at(start(n)),
      });
    }
  });
  if (!exported) {
    if (defaultExport) {
      problems.push({
        message: 'execTask is not exported by name; the file has an "export default"',
        hint: 'the template calls execTask by name: write "export function execTask(arg: string): string"',
        at: at(start(defaultExport)),
      });
    } else {
      const local = declared.get('execTask');
      problems.push(
        local
          ? {
              message: 'execTask is defined but not exported',
              hint: 'write "export function execTask(arg: string): string"',
              at: at(start(local)),
            }
          : {
              message: 'task file does not export execTask',
              hint: 'add "export function execTask(arg: string): string"',
              at: at(undefined),
            },
      );
    }
    return { problems };
  }
  const fn = declared.get(exported.local) ?? exported.node;
  const target = functionOf(fn, exported.local);
  if (!declared.has(exported.local)) {
    problems.push({
      message: `execTask is exported from "${exported.local}", which the file does not define`,
      hint: 'export a function defined in this file ("declare" only describes one)',
      at: at(start(exported.node)),
    });
  } else if (target === 'class') {
    problems.push({
      message: 'execTask is a class',
      hint: 'it must be a function: export function execTask(arg: string): string',
      at: at(start(fn)),
    });
  } else if (target && (target as N).async) {
    problems.push({ message: 'execTask is async', hint: 'it must return a string, not a Promise', at: at(start(fn)) });
  } else if (target && (target as N).generator) {
    problems.push({
      message: 'execTask is a generator (function*)',
      hint: 'it must return a string',
      at: at(start(fn)),
    });
  }
  return { problems, entry: exported.local === 'execTask' ? undefined : exported.local };
}

function start(n: N): number {
  return (n as unknown as Loc).start;
}

function exportName(n: N): string {
  return n.type === 'Literal' ? String(n.value) : (n.name as string);
}

function patternNames(p: N | null): string[] {
  if (!p) return [];
  switch (p.type) {
    case 'Identifier':
      return [p.name as string];
    case 'ObjectPattern':
      return (p.properties as N[]).flatMap((x) => patternNames((x.type === 'RestElement' ? x.argument : x.value) as N));
    case 'ArrayPattern':
      return (p.elements as Array<N | null>).flatMap((x) => patternNames(x));
    case 'RestElement':
      return patternNames(p.argument as N);
    case 'AssignmentPattern':
      return patternNames(p.left as N);
    default:
      return [];
  }
}

/** The function node a declaration of `name` binds, 'class' for a class, undefined when unknown. */
function functionOf(decl: N, name: string): N | 'class' | undefined {
  if (decl.type === 'FunctionDeclaration') return decl;
  if (decl.type === 'ClassDeclaration') return 'class';
  if (decl.type === 'VariableDeclaration') {
    const d = (decl.declarations as N[]).find((x) => (x.id as N).type === 'Identifier' && (x.id as N).name === name);
    const init = d?.init as N | undefined;
    if (init && (init.type === 'ArrowFunctionExpression' || init.type === 'FunctionExpression')) return init;
    if (init?.type === 'ClassExpression') return 'class';
  }
  return undefined;
}

function isCommonJsTarget(left: N): boolean {
  if (left.type !== 'MemberExpression') return false;
  const obj = left.object as N;
  if (obj.type === 'Identifier' && (obj.name === 'exports' || obj.name === 'module'))
    return obj.name === 'exports' || exportName(left.property as N) === 'exports';
  return obj.type === 'MemberExpression' && isCommonJsTarget(obj);
}

function walk(node: unknown, visit: (n: N) => void): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const x of node) walk(x, visit);
    return;
  }
  const n = node as N;
  if (typeof n.type === 'string') visit(n);
  for (const key of Object.keys(n)) {
    if (key === 'loc' || key === 'start' || key === 'end') continue;
    const v = n[key];
    if (v && typeof v === 'object') walk(v, visit);
  }
}
