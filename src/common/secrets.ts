/**
 * The two things every stage does with secrets: keep them out of messages, and hand them to another
 * program through a file only this user can read, removed as soon as it is no longer needed.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Replaces every secret value in a text with `***`; longer ones first, so one that contains another goes whole. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of [...secrets].filter(Boolean).sort((a, b) => b.length - a.length)) out = out.split(s).join('***');
  return out;
}

export interface PrivateFile {
  file: string;
  /** The 0700 folder that holds it (and nothing else but what the program writes beside it). */
  dir: string;
  /** Removes the folder and everything in it. Safe to call twice. */
  dispose(): void;
}

/**
 * `content` in a 0600 file `name` inside a fresh 0700 folder under `root` (the environment's TMPDIR):
 * the folder's mode keeps other users from even listing it, and the file is created exclusively so
 * nothing that raced into the folder is written through.
 */
export function privateFile(root: string, prefix: string, name: string, content: string): PrivateFile {
  const dir = mkdtempSync(path.join(root, prefix));
  const dispose = () => rmSync(dir, { recursive: true, force: true });
  try {
    chmodSync(dir, 0o700);
    const file = path.join(dir, name);
    writeFileSync(file, content, { mode: 0o600, flag: 'wx' });
    // the mode given to writeFileSync is filtered by the umask; this is not
    chmodSync(file, 0o600);
    return { file, dir, dispose };
  } catch (e) {
    dispose();
    throw e;
  }
}
