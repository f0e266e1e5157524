/**
 * How problems reach the user: `file:line:col: message` in a terminal, workflow-command annotations in
 * GitHub Actions (so they show on the pull request's diff), never a stack trace unless asked for.
 */
import path from 'node:path';
import { formatDiagnostic, PelatoError, UserInputError, type Diagnostic } from './diagnostics.js';
import type { Terminal } from './progress.js';
import { setting, type Env } from './settings.js';

export interface Reporter {
  out(line: string): void;
  err(line: string): void;
  /** Set when stdout is a terminal: the live progress display draws there (src/common/liveProgress.ts). */
  terminal?: Terminal;
}

export const consoleReporter: Reporter = {
  out: (l) => process.stdout.write(l + '\n'),
  err: (l) => process.stderr.write(l + '\n'),
  ...(process.stdout.isTTY
    ? {
        terminal: {
          write: (s: string) => void process.stdout.write(s),
          columns: () => process.stdout.columns || 80,
          rows: () => process.stdout.rows || 24,
        },
      }
    : {}),
};

/** Set by the GitHub Actions runner (not a setting: the runner's own variables). */
const inActions = (env: Env) => env.GITHUB_ACTIONS === 'true';

/** Workflow-command data (a message, a group title): %, CR and LF escaped as the runner reads them. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function annotation(d: Diagnostic, env: Env, severity: 'error' | 'warning' = 'error'): string {
  const ws = env.GITHUB_WORKSPACE;
  const file = ws ? path.relative(ws, path.resolve(d.file)) : d.file;
  const msg = d.hint ? `${d.message} (${d.hint})` : d.message;
  return (
    `::${severity} file=${escapeProperty(file)},line=${d.line},col=${d.col},` +
    `title=${escapeProperty('pelato')}::${escapeData(msg)}`
  );
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Warnings of an input that was accepted: printed like errors, but they do not change the exit code. */
export function reportWarnings(warnings: Diagnostic[], r: Reporter, env: Env): void {
  for (const w of warnings) r.err(inActions(env) ? annotation(w, env, 'warning') : formatDiagnostic(w, 'warning'));
}

export function reportDiagnostics(diags: Diagnostic[], r: Reporter, env: Env, warnings: Diagnostic[] = []): void {
  reportWarnings(warnings, r, env);
  for (const d of diags) r.err(inActions(env) ? annotation(d, env) : formatDiagnostic(d));
  const also = warnings.length ? ` (and ${plural(warnings.length, 'warning')})` : '';
  r.err(`${plural(diags.length, 'problem')} found${also}; nothing was written.`);
}

/** Turns any failure into readable lines and an exit code: 1 for the user's mistakes, 70 for our bugs. */
export function reportFailure(err: unknown, r: Reporter, env: Env): number {
  if (err instanceof UserInputError) {
    reportDiagnostics(err.diagnostics, r, env, err.warnings);
    return 1;
  }
  if (err instanceof PelatoError) {
    r.err(`error: ${err.message}${err.hint ? `\n  hint: ${err.hint}` : ''}`);
    return 1;
  }
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e.code === 'string' && typeof e.path === 'string') {
    r.err(`error: ${e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied' : e.code} on ${e.path}`);
    return 1;
  }
  r.err(`internal error: ${e?.message ?? String(err)}`);
  if (debugOn(env)) r.err(String(e?.stack));
  else r.err('  this is a bug in pelato; rerun with PELATO_DEBUG=1 for details and report it');
  return 70;
}

/** PELATO_DEBUG; a value that is no boolean still asks for the stack (this is the error path already). */
function debugOn(env: Env): boolean {
  try {
    return setting(env, 'debug');
  } catch {
    return true;
  }
}
