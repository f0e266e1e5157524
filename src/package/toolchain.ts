/**
 * Finding the tools a build needs, and saying exactly what to install when one is missing or too old.
 * Nothing is downloaded behind the user's back: the messages name the command or setup step to run.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
// the two functions, not the whole package: 27 KB in the bundle instead of 91 KB
import coerce from 'semver/functions/coerce.js';
import gte from 'semver/functions/gte.js';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PelatoError } from '../common/diagnostics.js';
import { run, type Tool } from '../common/process.js';
import { TINYGO_FLAGS } from './compile/tinygoFlags.js';
import { setting, type Env } from '../common/settings.js';

/** `toolchains/js` beside `src/` or `dist/`: both sit two levels below the repository root. */
export function jsToolchainDir(): string {
  return path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'toolchains', 'js');
}

/** The parts of componentize-js, jco and TypeScript the build uses (typed here: they load at run time). */
export interface JsToolchain {
  componentize(opts: {
    sourcePath: string;
    witPath: string;
    worldName: string;
    disableFeatures?: string[];
    /** The wizer binary componentize-js runs (with spawnSync) to snapshot the engine. */
    wizerBin?: string;
  }): Promise<{ component: Uint8Array }>;
  /** The wizer binary componentize-js runs by default (@bytecodealliance/wizer). */
  wizerBin: string;
  componentWit(component: Uint8Array): Promise<string>;
  transpile(
    component: Uint8Array,
    opts: { name: string; instantiation: { tag: 'async' }; noTypescript?: boolean; quiet?: boolean },
  ): Promise<{ files: Record<string, Uint8Array> }>;
  /** TypeScript's transpileModule: types are erased, nothing is type-checked. */
  typescript: {
    transpileModule(
      src: string,
      opts: { fileName: string; reportDiagnostics: boolean; compilerOptions: Record<string, unknown> },
    ): {
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
          `run: npm ci --no-audit --no-fund --prefix ${path.relative(process.cwd(), dir) || '.'}`,
        );
      }
      return entry;
    };
    // Each module typed as the parts of it used here (JsToolchain spells out their signatures).
    const importFrom = async <T>(name: string, sub = '.') =>
      (await importUrl(pathToFileURL(resolve(name, sub)).href)) as T;
    // componentize-js reads the WIT folder through preview2-shim's WASI filesystem, which starts with no
    // preopened directories: open the whole filesystem to it.
    const fs = await importFrom<{ _setPreopens(preopens: Record<string, string>): void }>(
      '@bytecodealliance/preview2-shim',
      './filesystem',
    );
    fs._setPreopens({ '/': '/' });
    // One at a time: jest's ES module loader trips over concurrent imports of overlapping graphs.
    const cjs = await importFrom<Pick<JsToolchain, 'componentize'>>('@bytecodealliance/componentize-js');
    const jco = await importFrom<Pick<JsToolchain, 'componentWit' | 'transpile'>>('@bytecodealliance/jco');
    // TypeScript is CommonJS: import() gives its exports as `default` (and, when Node detects them, by name too)
    const ts = await importFrom<JsToolchain['typescript'] & { default?: JsToolchain['typescript'] }>('typescript');
    const shimDir = path.join(dir, 'node_modules', '@bytecodealliance', 'preview2-shim');
    const wizer = await importFrom<{ default: string }>('@bytecodealliance/wizer');
    return {
      componentize: cjs.componentize,
      componentWit: jco.componentWit,
      transpile: jco.transpile,
      typescript: ts.default ?? ts,
      wizerBin: wizer.default,
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
  tinygo:
    'install TinyGo 0.34 or newer, 0.39 recommended ' +
    '(acifani/setup-tinygo in GitHub Actions, or https://tinygo.org/getting-started/install/)',
  'wasm-tools':
    'install wasm-tools 1.200 or newer (taiki-e/install-action with tool: wasm-tools, or cargo install wasm-tools)',
};

/** The programs of the TinyGo path, with what to install when one is missing. */
export function tinyGoTools(env: Env): Record<keyof typeof TINYGO_MINIMUMS, Tool> {
  return {
    go: { name: 'go', binary: 'go', hint: INSTALL_HINTS.go },
    tinygo: { name: 'tinygo', binary: 'tinygo', hint: INSTALL_HINTS.tinygo },
    'wasm-tools': { name: 'wasm-tools', binary: setting(env, 'wasmTools'), hint: INSTALL_HINTS['wasm-tools'] },
  };
}

/** Checks go, tinygo and wasm-tools together, so one run reports everything that is missing. */
export async function checkTinyGoTools(env: Env): Promise<ToolVersion[]> {
  const tools = tinyGoTools(env);
  const probes: Array<[keyof typeof TINYGO_MINIMUMS, string[], RegExp]> = [
    ['go', ['version'], /go(\d+\.\d+(?:\.\d+)?)/],
    ['tinygo', ['version'], /tinygo version (\d+\.\d+\.\d+)/],
    ['wasm-tools', ['--version'], /wasm-tools (\d+\.\d+\.\d+)/],
  ];
  const found: ToolVersion[] = [];
  const problems: string[] = [];
  // All three at once: every build of a Go task waits for them (`tinygo version` alone asks go for its env).
  const outputs = await Promise.all(
    probes.map(([name, args]) =>
      run(tools[name], args, { env, timeoutMs: 30_000 }).then(
        (r) => ({ out: r.stdout.toString('utf8') }),
        (e: unknown) => ({ error: e }),
      ),
    ),
  );
  probes.forEach(([name, args, re], i) => {
    const got = outputs[i]!;
    if ('error' in got) {
      const e = got.error;
      problems.push(
        e instanceof PelatoError && e.kind === 'tool-missing'
          ? `${e.message}: ${INSTALL_HINTS[name]}`
          : `${name} ${args[0]} failed: ${(e as Error).message}`,
      );
      return;
    }
    const v = re.exec(got.out)?.[1];
    if (!v) problems.push(`could not read the ${name} version from "${got.out.trim()}"`);
    else if (!atLeast(v, TINYGO_MINIMUMS[name]))
      problems.push(`${name} ${v} is too old (need ${TINYGO_MINIMUMS[name]} or newer): ${INSTALL_HINTS[name]}`);
    else found.push({ name, version: v });
  });
  if (problems.length)
    throw new PelatoError(
      `the TinyGo toolchain is incomplete:\n  - ${problems.join('\n  - ')}`,
      'scripts/install-go-tools.sh in a clone of PELATO installs both; or write the task in TypeScript',
      'tool-missing',
    );
  return found;
}

/**
 * Is a tool's version at least `minimum`? semver's rules (numeric parts, so 1.10 > 1.9), after
 * semver.coerce, because tools print versions semver would refuse: Go `1.26` (no patch), `go1.27rc1`.
 */
export function atLeast(version: string, minimum: string): boolean {
  const v = coerce(version);
  return v !== null && gte(v, minimum);
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
        if (sub.startsWith(pre) && sub.endsWith(post))
          rel = pick(v)?.replace('*', sub.slice(pre.length, sub.length - post.length));
      }
    }
  } else if (sub === '.') rel = pick(exp) ?? pkg.main ?? 'index.js';
  return rel ? path.join(pkgDir, rel) : undefined;
}

/**
 * The exact toolchain a language builds with, as text that goes into the build hash: a new compiler
 * version rebuilds everything, the same one rebuilds nothing.
 */
export async function toolchainId(language: string, env: Env): Promise<string> {
  if (language === 'go') {
    const tools = await checkTinyGoTools(env);
    // The flags are part of it: a build with other flags is another component.
    return `tinygo ${tools.map((t) => `${t.name}=${t.version}`).join(' ')} flags=${TINYGO_FLAGS.join(',')}`;
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
export const importUrl = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;
