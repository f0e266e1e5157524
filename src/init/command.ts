/** `pelato init [DIR] [--lang go|ts] [--type T]…`: a new project that validates, tests and runs at once. */
import { lstatSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Runner } from '../common/command.js';
import { didYouMean, PelatoError } from '../common/diagnostics.js';
import {
  DEFAULT_TYPES,
  LANGUAGES,
  projectNameOf,
  scaffold,
  slugOf,
  starterTypes,
  type InitLanguage,
} from './scaffold.js';

const exists = (p: string) => {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
};

export const runInit: Runner = async (ctx) => {
  const { options: o, r } = ctx;
  const lang = o.lang.toLowerCase() as InitLanguage;
  if (!LANGUAGES.includes(lang)) {
    const near = didYouMean(lang, [...LANGUAGES, 'typescript', 'golang']);
    throw new PelatoError(
      `--lang ${o.lang} is not a language pelato init writes`,
      `${near ? `did you mean ${near === 'typescript' ? 'ts' : near === 'golang' ? 'go' : near}? ` : ''}` +
        'use --lang ts or --lang go',
      'usage',
    );
  }
  const known = starterTypes();
  const types = o.taskTypes.length
    ? [
        ...new Set(
          o.taskTypes
            .flatMap((t) => t.split(','))
            .map((t) => t.trim())
            .filter(Boolean),
        ),
      ]
    : DEFAULT_TYPES;
  for (const t of types) {
    if (known.includes(t)) continue;
    const near = didYouMean(t, known);
    throw new PelatoError(
      `--type ${t} is not a task type`,
      `${near ? `did you mean ${near}? ` : ''}types: ${known.join(', ')}`,
      'usage',
    );
  }

  const dir = path.resolve(ctx.dir);
  const slug = slugOf(path.basename(dir));
  const name = projectNameOf(path.basename(dir), slug);
  const s = scaffold({ projectName: name, slug, lang, types });
  const taken = [...s.files.keys()].filter((rel) => exists(path.join(dir, rel)));
  if (taken.length) {
    throw new PelatoError(
      `${ctx.dir} already holds ${taken.length === 1 ? 'a file' : 'files'} ` +
        `pelato init would write: ${taken.join(', ')}`,
      'pelato init never overwrites anything, and nothing was written; ' +
        'give a new or empty folder, or move those files away',
    );
  }
  const written: string[] = [];
  try {
    for (const [rel, text] of s.files) {
      const file = path.join(dir, rel);
      mkdirSync(path.dirname(file), { recursive: true });
      // 'wx': fails rather than replaces, should a file appear after the check above.
      writeFileSync(file, text, { flag: 'wx' });
      written.push(file);
    }
  } catch (e) {
    for (const f of written) rmSync(f, { force: true });
    throw e;
  }

  const shown = ctx.dir === '.' ? '.' : ctx.dir;
  const width = Math.max(...s.tasks.map((t) => `tasks/${t.file}`.length));
  r.out(
    `Created project "${name}" in ${shown} ` +
      `(${lang === 'go' ? 'Go, built with TinyGo' : 'TypeScript, built with componentize-js'}):`,
  );
  r.out(`  workflow.yaml  ${s.tasks.map((t) => t.component).join(' → ')}`);
  for (const t of s.tasks) r.out(`  ${`tasks/${t.file}`.padEnd(width)}  ${t.type}, cases in tasks/${t.name}.test.yaml`);
  r.out('  .env.template  .gitignore  .github/workflows/deploy.yml');
  r.out('');
  r.out('Next:');
  const send = s.sendSubject ? ` --send ${s.sendSubject}=hello` : '';
  const steps: Array<[string, string]> = [
    [`pelato dev ${shown}${send} --once`, 'build and run every task, send one message through them'],
    ...(s.httpPath
      ? [
          [
            `pelato dev ${shown} --watch`,
            `keep running, rebuild on save; POST to http://127.0.0.1:8000${s.httpPath}`,
          ] as [string, string],
        ]
      : []),
    [`pelato test ${shown}`, 'run the cases in tasks/*.test.yaml'],
  ];
  const w = Math.max(...steps.map(([c]) => c.length));
  for (const [c, what] of steps) r.out(`  ${c.padEnd(w)}   # ${what}`);
  if (s.tasks.some((t) => t.type === 'dbsync_nats'))
    r.out('  first set DATABASE_URL in .env (see .env.template) and CREATE TABLE messages (payload text)');
  r.out(
    '  then edit .github/workflows/deploy.yml ' +
      '(your PELATO repository and commit for OWNER/pelato and the SHA) and push',
  );
  return 0;
};
