/**
 * Checks on a task's `code:` file: where it may live (inside tasks/, no escapes through `..` or links)
 * and what it must contain (the entry point the template calls).
 */
import { existsSync, lstatSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { checkGoTask } from './goTask.js';
import { checkJsTask } from './jsTask.js';
import type { Problem } from './rules.js';
import { decodeUtf8 } from './source.js';

/** Extensions a task file may have, by language (TypeScript is compiled to JavaScript first). */
export const TASK_EXTENSIONS: Record<string, string> = {
  '.go': 'go',
  '.js': 'js',
  '.mjs': 'js',
  '.ts': 'js',
  '.mts': 'js',
};

const MAX_TASK_BYTES = 1024 * 1024;

export interface ResolvedTaskFile {
  /** Normalized path relative to tasks/ with forward slashes. */
  rel: string;
  abs: string;
  language: string;
  /** The text, decoded strictly as UTF-8 (a leading byte-order mark kept). */
  source: string;
}

/** Resolves `code` against `tasksDir`, refusing anything that could read outside it. */
export function resolveTaskFile(tasksDir: string, code: string): ResolvedTaskFile | Problem {
  if (code.trim() === '') return { message: 'code is empty', hint: 'name a file inside tasks/, e.g. convert.go' };
  if (path.isAbsolute(code) || /^[A-Za-z]:/.test(code))
    return { message: `code "${code}" is an absolute path`, hint: 'give a path relative to tasks/' };
  if (code.includes('\\')) return { message: `code "${code}" contains a backslash`, hint: 'use "/" between folders' };
  if (code.split('/').some((seg) => seg === '..'))
    return { message: `code "${code}" leaves the tasks/ folder ("..")`, hint: 'task files must live inside tasks/' };
  // A file name with a line break or another control character cannot be named in the //line
  // directive of the generated Go file, nor shown in one line of a message.
  if (/[\u0000-\u001f\u007f]/.test(code))
    return {
      message: `code ${JSON.stringify(code)} contains a control character or line break`,
      hint: 'rename the file: letters, digits, "_", "-", "." and "/"',
    };
  if (!code.isWellFormed())
    return { message: 'code contains an unpaired surrogate (invalid Unicode)', hint: 'name the file in plain text' };
  const ext = path.extname(code).toLowerCase();
  const language = TASK_EXTENSIONS[ext];
  if (!language) {
    return {
      message: `code "${code}" has an unsupported extension "${ext || '(none)'}"`,
      hint: `supported: ${Object.keys(TASK_EXTENSIONS).join(', ')}`,
    };
  }
  const rel = path.posix.normalize(code).replace(/^\.\//, '');
  const abs = path.join(tasksDir, rel);
  let real: string;
  let realTasks: string;
  try {
    realTasks = realpathSync(tasksDir);
  } catch {
    return {
      message: `the tasks/ folder does not exist next to workflow.yaml`,
      hint: 'create tasks/ and put the task files there',
    };
  }
  if (!statSync(realTasks).isDirectory())
    return {
      message: 'tasks is a file, not a folder',
      hint: 'tasks/ must be a folder next to workflow.yaml holding the task files',
    };
  try {
    lstatSync(abs);
    real = realpathSync(abs);
  } catch {
    const hint =
      rel.startsWith('tasks/') && existsSync(path.join(tasksDir, rel.slice('tasks/'.length)))
        ? `code is relative to tasks/: write "${rel.slice('tasks/'.length)}"`
        : 'the path is relative to the tasks/ folder next to workflow.yaml (names are case-sensitive)';
    return { message: `code file "tasks/${rel}" does not exist`, hint };
  }
  if (real !== realTasks && !real.startsWith(realTasks + path.sep)) {
    return {
      message: `code "${code}" is a link that leads outside tasks/`,
      hint: 'copy the file into tasks/ instead of linking to it',
    };
  }
  const st = statSync(real);
  if (st.isDirectory())
    return { message: `code "tasks/${rel}" is a folder, not a file`, hint: 'name the task file itself' };
  if (!st.isFile()) return { message: `code "tasks/${rel}" is not a regular file`, hint: 'name a text file' };
  if (st.size > MAX_TASK_BYTES)
    return {
      message: `code "tasks/${rel}" is larger than 1 MiB`,
      hint: 'keep task files small; put data into config:',
    };
  return { rel, abs: real, language, source: '' };
}

/**
 * Reads and checks a resolved task file; problems are positioned in the task file (`display`). The
 * source comes back decoded, for the caller to keep. `entry` is the JavaScript name exported as
 * execTask, when it differs.
 */
export function readTaskFile(
  r: ResolvedTaskFile,
  display: string,
): { source?: string; problems: Problem[]; entry?: string } {
  const decoded = decodeUtf8(readFileSync(r.abs), display, 'the task file');
  if ('message' in decoded) return { problems: [{ message: decoded.message, hint: decoded.hint, at: decoded }] };
  const source = decoded.text;
  const nul = source.indexOf('\0');
  if (nul >= 0) {
    const before = source.slice(0, nul);
    return {
      problems: [
        {
          message: 'the task file contains a NUL character',
          hint: 'it must be a text file',
          at: { file: display, line: before.split('\n').length, col: nul - before.lastIndexOf('\n') },
        },
      ],
    };
  }
  if (r.language === 'go') return { source, problems: checkGoTask(source, display) };
  const info = checkJsTask(source, display, /\.m?ts$/i.test(r.rel));
  return { source, problems: info.problems, entry: info.entry };
}
