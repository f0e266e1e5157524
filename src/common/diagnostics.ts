/**
 * Problems found in a user's project. They are collected, never thrown one by one, so that a user sees
 * every mistake in one run; each points at a file position and may carry a hint on what to do.
 */
export interface Diagnostic {
  file: string;
  line: number;
  col: number;
  message: string;
  hint?: string;
}

/**
 * `file:line:col: message (hint)` — the format compilers use, so editors and terminals can jump to it.
 * Warnings read `file:line:col: warning: message (hint)`, as compilers print them.
 */
export function formatDiagnostic(d: Diagnostic, severity: 'error' | 'warning' = 'error'): string {
  const hint = d.hint ? ` (${d.hint})` : '';
  return `${d.file}:${d.line}:${d.col}: ${severity === 'warning' ? 'warning: ' : ''}${d.message}${hint}`;
}

/**
 * What went wrong, as code decides on it. Decisions (stop the whole deploy or only one app, "absent" or
 * "failed", retry or not) are taken on the kind, never on the message, which is for people and may be
 * reworded. Where a kind has to come from another program's text, that text is classified once, where it
 * enters: oras's error output in `registryError` (src/package/publish/oras.ts), wadm's replies in
 * `classifyWadmMessage` (src/deploy/wadmReplies.ts), nats.js errors in `classifyConnectError` and
 * `classifyRequestError` (src/nats/errors.ts).
 */
export type ErrorKind =
  /** Nothing decides on it: the message says what happened and what to do. */
  | 'failed'
  /** The user's project has problems, each positioned (UserInputError). */
  | 'input'
  /** The command line: an unknown command or option, a missing value. */
  | 'usage'
  /** A setting's value (flag, environment, .env) cannot be read. */
  | 'setting'
  /** A program PELATO runs (oras, go, tinygo, wasm-tools) is missing or did not finish in time. */
  | 'tool-missing'
  | 'tool-timeout'
  /** `pelato dev` cannot serve an HTTP task on its port (taken, or privileged). */
  | 'port-taken'
  /** A compiler refused the task's code (its message points at tasks/<file>:line). */
  | 'compile-failed'
  /** TinyGo without a scheduler met code that starts goroutines (the build retries with one). */
  | 'compile-needs-scheduler'
  /** The OCI registry, from oras's error output. */
  | 'registry-unauthorized'
  | 'registry-denied'
  | 'registry-unreachable'
  | 'registry-http-mismatch'
  | 'registry-tls'
  | 'registry-not-found'
  | 'registry-failed'
  /** The NATS connection: it could not be made, or it failed under a request. */
  | 'nats-unreachable'
  | 'nats-auth'
  | 'nats-tls'
  | 'nats-handshake'
  | 'nats-closed'
  | 'nats-denied'
  /** wadm: nobody answers on the lattice, an answer came too late or unreadable, or a request was refused. */
  | 'wadm-absent'
  | 'wadm-timeout'
  | 'wadm-unreadable'
  | 'wadm-rejected';

/** A single, non-positional failure the user can act on (missing tool, unreachable server, ...). */
export class PelatoError extends Error {
  readonly hint?: string;
  readonly kind: ErrorKind;
  constructor(message: string, hint?: string, kind: ErrorKind = 'failed') {
    super(message);
    this.name = 'PelatoError';
    this.hint = hint;
    this.kind = kind;
  }

  /** The same error with its texts rewritten (e.g. secrets scrubbed); the kind travels with it. */
  withText(rewrite: (text: string) => string): PelatoError {
    return new PelatoError(rewrite(this.message), this.hint === undefined ? undefined : rewrite(this.hint), this.kind);
  }
}

/**
 * Raised by a stage when the user's input is wrong; carries every problem found, already positioned,
 * and the warnings found on the way (printed with the errors, so nothing the user should know is lost).
 */
export class UserInputError extends PelatoError {
  readonly diagnostics: Diagnostic[];
  readonly warnings: Diagnostic[];
  constructor(diagnostics: Diagnostic[], warnings: Diagnostic[] = []) {
    super(diagnostics.map((d) => formatDiagnostic(d)).join('\n'), undefined, 'input');
    this.name = 'UserInputError';
    this.diagnostics = diagnostics;
    this.warnings = warnings;
  }

  /** Kept as it is: the diagnostics are the point of this error, and they hold the user's own text. */
  override withText(): PelatoError {
    return this;
  }
}

/** Closest candidate by edit distance, for "did you mean" hints; undefined when nothing is close. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDist = Infinity;
  const w = word.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestDist) {
      bestDist = d;
      best = c;
    }
  }
  // Allow roughly one edit per three characters: catches typos, not unrelated words.
  return best !== undefined && bestDist <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + cost);
      diag = up;
    }
  }
  return prev[b.length]!;
}
