/**
 * Finding the tools a build needs, and saying exactly what to install when one is missing or too old.
 * Nothing is downloaded behind the user's back: the messages name the command or setup step to run.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { PelatoError } from '../common/diagnostics.js';

const run = promisify(execFile);

/** `toolchains/js` beside `src/` or `dist/`: both sit two levels below the repository root. */
export function jsToolchainDir(): string {
  if (process.env.PELATO_JS_TOOLCHAIN) return path.resolve(process.env.PELATO_JS_TOOLCHAIN);
  return path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'toolchains', 'js');
}

/** The parts of componentize-js, jco and TypeScript the build uses (typed here: they load at run time). */
export interface JsToolchain {
  componentize(opts: { sourcePath: string; witPath: string; worldName: string; disableFeatures?: string[] }): Promise<{ component: Uint8Array }>;
  componentWit(component: Uint8Array): Promise<string>;
  transpile(component: Uint8Array, opts: { name: string; instantiation: { tag: 'async' }; noTypescript?: boolean; quiet?: boolean }): Promise<{ files: Record<string, Uint8Array> }>;
  /** TypeScript's transpileModule: types are erased, nothing is type-checked. */
  typescript: {
    transpileModule(src: string, opts: { fileName: string; reportDiagnostics: boolean; compilerOptions: Record<string, unknown> }): {
      outputText: string;
      diagnostics?: Array<{ start?: number; messageText: string | { messageText: string } }>;
    };
    ModuleKind: { ESNext: number };
    ScriptTarget: { ES2022: number };
  };
  /** Directory of @bytecodealliance/preview2-shim, for running components. */
  shimDir: string;
  dir: string;
}

let jsToolchain: Promise<JsToolchain> | undefined;

/** Loads componentize-js, jco and TypeScript from toolchains/js (installed on demand, ~150 MB). */
export function loadJsToolchain(): Promise<JsToolchain> {
  jsToolchain ??= (async () => {
    const dir = jsToolchainDir();
    const resolve = (name: string, sub = '.') => {
      const entry = packageEntry(path.join(dir, 'node_modules', name), sub);
      if (!entry) {
        throw new PelatoError(
          `the JavaScript/TypeScript toolchain is not installed (${name} not found in ${dir})`,
          `run: npm install --no-audit --no-fund --prefix ${path.relative(process.cwd(), dir) || '.'}`,
        );
      }
      return entry;
    };
    const importFrom = async (name: string, sub = '.') => importUrl(pathToFileURL(resolve(name, sub)).href);
    // componentize-js reads the WIT folder through preview2-shim's WASI filesystem, which starts with no
    // preopened directories: open the whole filesystem to it.
    const fs = await importFrom('@bytecodealliance/preview2-shim', './filesystem');
    fs._setPreopens({ '/': '/' });
    // One at a time: jest's ES module loader trips over concurrent imports of overlapping graphs.
    const cjs = await importFrom('@bytecodealliance/componentize-js');
    const jco = await importFrom('@bytecodealliance/jco');
    const ts = await importFrom('typescript');
    const shimDir = path.join(dir, 'node_modules', '@bytecodealliance', 'preview2-shim');
    return {
      componentize: cjs.componentize,
      componentWit: jco.componentWit,
      transpile: jco.transpile,
      typescript: ts.default ?? ts,
      shimDir,
      dir,
    };
  })();
  jsToolchain.catch(() => (jsToolchain = undefined));
  return jsToolchain;
}

export interface ToolVersion {
  name: string;
  version: string;
}

/** Minimum versions of the TinyGo path (wit-bindgen-go v0.7 needs TinyGo ≥ 0.34 and Go ≥ 1.24). */
export const TINYGO_MINIMUMS = { go: '1.24.0', tinygo: '0.34.0', 'wasm-tools': '1.200.0' } as const;

const INSTALL_HINTS: Record<keyof typeof TINYGO_MINIMUMS, string> = {
  go: 'install Go 1.24 or newer (actions/setup-go in GitHub Actions)',
  tinygo: 'install TinyGo 0.34 or newer, 0.39 recommended (acifani/setup-tinygo in GitHub Actions, or https://tinygo.org/getting-started/install/)',
  'wasm-tools': 'install wasm-tools 1.200 or newer (taiki-e/install-action with tool: wasm-tools, or cargo install wasm-tools)',
};

/** Checks go, tinygo and wasm-tools together, so one run reports everything that is missing. */
export async function checkTinyGoTools(env: NodeJS.ProcessEnv = process.env): Promise<ToolVersion[]> {
  const wasmTools = env.WASMTOOLS || 'wasm-tools';
  const probes: Array<[keyof typeof TINYGO_MINIMUMS, string, string[], RegExp]> = [
    ['go', 'go', ['version'], /go(\d+\.\d+(?:\.\d+)?)/],
    ['tinygo', 'tinygo', ['version'], /tinygo version (\d+\.\d+\.\d+)/],
    ['wasm-tools', wasmTools, ['--version'], /wasm-tools (\d+\.\d+\.\d+)/],
  ];
  const found: ToolVersion[] = [];
  const problems: string[] = [];
  for (const [name, cmd, args, re] of probes) {
    let out = '';
    try {
      out = (await run(cmd, args, { env, timeout: 30_000 })).stdout;
    } catch {
      problems.push(`${name} not found on PATH: ${INSTALL_HINTS[name]}`);
      continue;
    }
    const v = re.exec(out)?.[1];
    if (!v) problems.push(`could not read the ${name} version from "${out.trim()}"`);
    else if (compareVersions(v, TINYGO_MINIMUMS[name]) < 0) problems.push(`${name} ${v} is too old (need ${TINYGO_MINIMUMS[name]} or newer): ${INSTALL_HINTS[name]}`);
    else found.push({ name, version: v });
  }
  if (problems.length) throw new PelatoError(`the TinyGo toolchain is incomplete:\n  - ${problems.join('\n  - ')}`, 'or build with --toolchain js for JavaScript/TypeScript tasks');
  return found;
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}


/**
 * The file an ES import of `<pkg>/<sub>` loads under Node: package.json `exports` with the node/import/
 * default conditions (wildcards included), else `main`. Undefined when the package is not installed.
 */
function packageEntry(pkgDir: string, sub: string): string | undefined {
  const manifest = path.join(pkgDir, 'package.json');
  if (!existsSync(manifest)) return undefined;
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: unknown; main?: string };
  const pick = (target: unknown): string | undefined => {
    if (typeof target === 'string') return target;
    if (target && typeof target === 'object') {
      for (const cond of ['node', 'import', 'default']) {
        const hit = pick((target as Record<string, unknown>)[cond]);
        if (hit) return hit;
      }
    }
    return undefined;
  };
  let rel: string | undefined;
  const exp = pkg.exports as Record<string, unknown> | string | undefined;
  if (exp && typeof exp === 'object' && Object.keys(exp).some((k) => k.startsWith('.'))) {
    if (exp[sub] !== undefined) rel = pick(exp[sub]);
    else {
      for (const [k, v] of Object.entries(exp)) {
        if (!k.includes('*')) continue;
        const [pre, post] = k.split('*') as [string, string];
        if (sub.startsWith(pre) && sub.endsWith(post)) rel = pick(v)?.replace('*', sub.slice(pre.length, sub.length - post.length));
      }
    }
  } else if (sub === '.') rel = pick(exp) ?? pkg.main ?? 'index.js';
  return rel ? path.join(pkgDir, rel) : undefined;
}

/**
 * The exact toolchain a language builds with, as text that goes into the build hash: a new compiler
 * version rebuilds everything, the same one rebuilds nothing.
 */
export async function toolchainId(language: string): Promise<string> {
  if (language === 'go') {
    const tools = await checkTinyGoTools();
    return `tinygo ${tools.map((t) => `${t.name}=${t.version}`).join(' ')}`;
  }
  const dir = jsToolchainDir();
  const version = (name: string) => {
    const file = path.join(dir, 'node_modules', name, 'package.json');
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : 'missing';
  };
  return `js componentize-js=${version('@bytecodealliance/componentize-js')} typescript=${version('typescript')}`;
}

/**
 * `import()` of a file found at run time. Written through Function so the bundler (ncc) leaves it a real
 * dynamic import instead of resolving it while bundling.
 */
export const importUrl = new Function('url', 'return import(url)') as (url: string) => Promise<any>;
