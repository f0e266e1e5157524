/**
 * How problems reach the user: `file:line:col: message` in a terminal, workflow-command annotations in
 * GitHub Actions (so they show on the pull request's diff), never a stack trace unless asked for.
 */
import path from 'node:path';
import { formatDiagnostic, PelatoError, UserInputError, type Diagnostic } from './diagnostics.js';

export interface Reporter {
  out(line: string): void;
  err(line: string): void;
}

export const consoleReporter: Reporter = {
  out: (l) => process.stdout.write(l + '\n'),
  err: (l) => process.stderr.write(l + '\n'),
};

const inActions = () => process.env.GITHUB_ACTIONS === 'true';

/** Workflow-command data (a message, a group title): %, CR and LF escaped as the runner reads them. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function annotation(d: Diagnostic): string {
  const ws = process.env.GITHUB_WORKSPACE;
  const file = ws ? path.relative(ws, path.resolve(d.file)) : d.file;
  const msg = d.hint ? `${d.message} (${d.hint})` : d.message;
  return `::error file=${escapeProperty(file)},line=${d.line},col=${d.col},title=${escapeProperty('pelato')}::${escapeData(msg)}`;
}

export function reportDiagnostics(diags: Diagnostic[], r: Reporter): void {
  for (const d of diags) r.err(inActions() ? annotation(d) : formatDiagnostic(d));
  r.err(`${diags.length} problem${diags.length === 1 ? '' : 's'} found; nothing was written.`);
}

/** Turns any failure into readable lines and an exit code: 1 for the user's mistakes, 70 for our bugs. */
export function reportFailure(err: unknown, r: Reporter): number {
  if (err instanceof UserInputError) {
    reportDiagnostics(err.diagnostics, r);
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
  if (process.env.PELATO_DEBUG) r.err(String(e?.stack));
  else r.err('  this is a bug in pelato; rerun with PELATO_DEBUG=1 for details and report it');
  return 70;
}
