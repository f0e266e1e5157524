/**
 * The CLI of the current sources as a program of its own, for tests that need a real process: a real
 * terminal (tmux), a real pipe. dist/ is rebuilt only on main, so the sources are transpiled here, file
 * by file with TypeScript (types erased, as ts-jest does), into .tools/test-cli-<pid>/src; templates/,
 * toolchains/, examples/ and .env.template are linked beside it, where the code looks for them.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { ROOT } from './project.js';

let built: string | undefined;

/** Path of the CLI entry (src/cli/index.js) of a transpiled copy of the sources; made once per process. */
export function cliEntry(): string {
  if (built) return built;
  const out = path.join(ROOT, '.tools', `test-cli-${process.pid}`);
  rmSync(out, { recursive: true, force: true });
  const walk = (rel: string) => {
    for (const e of readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else if (e.name.endsWith('.ts')) {
        const js = ts.transpileModule(readFileSync(path.join(ROOT, r), 'utf8'), {
          fileName: r,
          compilerOptions: {
            module: ts.ModuleKind.ESNext,
            target: ts.ScriptTarget.ES2022,
            verbatimModuleSyntax: false,
          },
        }).outputText;
        mkdirSync(path.dirname(path.join(out, r)), { recursive: true });
        writeFileSync(path.join(out, r.replace(/\.ts$/, '.js')), js);
      }
    }
  };
  walk('src');
  writeFileSync(path.join(out, 'package.json'), '{"type":"module"}\n');
  for (const name of ['templates', 'toolchains', 'examples', '.env.template'])
    symlinkSync(path.join(ROOT, name), path.join(out, name));
  process.once('exit', () => rmSync(out, { recursive: true, force: true }));
  built = path.join(out, 'src', 'cli', 'index.js');
  return built;
}
