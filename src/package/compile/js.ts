/**
 * JavaScript and TypeScript tasks: the task file (TypeScript types erased), the shared runtime and the
 * template's glue are joined into one ES module, which componentize-js turns into a component of the
 * task's world.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PelatoError } from '../../common/diagnostics.js';
import { tempRoot } from '../../common/process.js';
import { setting, type Env } from '../../common/settings.js';
import type { PlannedTask } from '../../model/plan.js';
import { loadJsToolchain } from '../toolchain.js';

const RUNTIME = 'pelato_runtime.js';
const MAIN = 'pelato_main.js';

/** Template files joined between the runtime and the glue: plain functions the glue calls. */
function templateParts(task: PlannedTask): string[] {
  return task.exports.some((e) => e.startsWith('wasi:http/incoming-handler')) ? ['pelato_auth.js'] : [];
}

export async function compileJs(projectDir: string, task: PlannedTask, env: Env): Promise<Uint8Array> {
  const tc = await loadJsToolchain();
  // The copy in gen/ (renamed when it would clash with a template file or has an upper-case extension).
  const file = task.task_file ?? path.posix.basename(task.code);
  const source = await readFile(path.join(projectDir, file), 'utf8');
  let js = source;
  if (/\.m?ts$/i.test(file)) {
    const out = tc.typescript.transpileModule(source, {
      fileName: file,
      reportDiagnostics: true,
      compilerOptions: {
        module: tc.typescript.ModuleKind.ESNext,
        target: tc.typescript.ScriptTarget.ES2022,
        verbatimModuleSyntax: false,
      },
    });
    const d = out.diagnostics?.[0];
    if (d) {
      const line = d.start === undefined ? 1 : source.slice(0, d.start).split('\n').length;
      const text = typeof d.messageText === 'string' ? d.messageText : d.messageText.messageText;
      throw new PelatoError(`tasks/${task.code}:${line}: ${text}`);
    }
    js = out.outputText;
  }
  const [runtime, main, ...parts] = await Promise.all(
    [RUNTIME, MAIN, ...templateParts(task)].map((f) => readFile(path.join(projectDir, f), 'utf8')),
  );
  const buildDir = path.join(projectDir, 'build');
  await mkdir(buildDir, { recursive: true });
  const module = path.join(buildDir, 'app.js');
  // Kept on disk so a failing component can be read as the single module it was built from.
  await writeFile(
    module,
    `${js}\n// ---- pelato runtime ----\n${runtime}\n` +
      `${parts.map((p) => `// ---- pelato template part ----\n${p}\n`).join('')}` +
      `// ---- pelato template ----\n${main}`,
  );
  // Only HTTP templates need the http feature (their incomingHandler export turns fetch-event off).
  const disableFeatures = task.exports.some((e) => e.startsWith('wasi:http/incoming-handler'))
    ? []
    : ['http', 'fetch-event'];
  const limitMs = setting(env, 'compileTimeout');
  const wizer = limitedWizer(tc.wizerBin, limitMs, env);
  try {
    const { component } = await tc.componentize({
      sourcePath: module,
      witPath: path.join(projectDir, 'wit'),
      worldName: task.world,
      disableFeatures,
      wizerBin: wizer.bin,
    });
    return component;
  } catch (e) {
    if (wizer.struck())
      throw new PelatoError(
        `componentize-js did not finish within ${Math.round(limitMs / 1000)} s for tasks/${task.code} ` +
          '(wizer, which runs the task module once to snapshot it, was stopped)',
        'a top-level loop in the task file runs at build time; PELATO_COMPILE_TIMEOUT sets the limit',
        'tool-timeout',
      );
    const msg = String((e as Error)?.message ?? e)
      .split('\n')
      .filter(Boolean)
      .slice(0, 6)
      .join('\n  ');
    throw new PelatoError(
      `componentize-js failed for tasks/${task.code}:\n  ${msg}`,
      `the joined module is ${path.relative(process.cwd(), module)}`,
    );
  } finally {
    wizer.dispose();
  }
}

/**
 * componentize-js runs wizer with spawnSync, which no timer in this process can interrupt, so wizer runs
 * under coreutils `timeout` (PELATO_COMPILE_TIMEOUT, like the Go compile steps) through a small wrapper
 * that leaves a mark when the limit struck: the error is then told by that mark, not by wizer's words.
 * Without `timeout` (not coreutils' platforms) wizer runs as it is.
 */
function limitedWizer(wizer: string, limitMs: number, env: Env): { bin: string; struck(): boolean; dispose(): void } {
  const dir = mkdtempSync(path.join(tempRoot(env), 'pelato-wizer-'));
  const bin = path.join(dir, 'wizer');
  const mark = path.join(dir, 'timed-out');
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const secs = Math.max(1, Math.ceil(limitMs / 1000));
  // 124: timeout stopped it; 137 (KILL, when TERM was not enough) counts only once the limit has passed,
  // so that a wizer killed for memory is not called slow.
  writeFileSync(
    bin,
    '#!/bin/sh\n' +
      `command -v timeout >/dev/null 2>&1 || exec ${q(wizer)} "$@"\n` +
      'start=$(date +%s)\n' +
      `timeout --kill-after=10 ${secs} ${q(wizer)} "$@"\n` +
      'rc=$?\n' +
      `if [ "$rc" -eq 124 ] || { [ "$rc" -eq 137 ] && [ $(( $(date +%s) - start )) -ge ${secs} ]; }; then\n` +
      `  : > ${q(mark)}\n` +
      'fi\n' +
      'exit "$rc"\n',
    { mode: 0o700 },
  );
  return { bin, struck: () => existsSync(mark), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
