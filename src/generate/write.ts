/**
 * Writes a generated tree so that readers only ever see the old tree or the complete new one: the files
 * go to a temporary sibling folder first, which then replaces the target by rename.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PelatoError } from '../common/diagnostics.js';

/** A marker file: only a folder holding it may be replaced wholesale. */
export function ensureReplaceable(dir: string, marker: string): void {
  if (!existsSync(dir)) return;
  const entries = readdirSync(dir);
  if (entries.length > 0 && !entries.includes(marker)) {
    throw new PelatoError(`${dir} exists and was not written by pelato`, 'move it away or choose another output folder with --out');
  }
}

export function writeTreeAtomic(dir: string, files: Map<string, Buffer>): void {
  const parent = path.dirname(dir);
  mkdirSync(parent, { recursive: true });
  const suffix = `${process.pid}-${Date.now().toString(36)}`;
  const tmp = path.join(parent, `.${path.basename(dir)}.tmp-${suffix}`);
  const old = path.join(parent, `.${path.basename(dir)}.old-${suffix}`);
  try {
    for (const rel of [...files.keys()].sort()) {
      const target = path.join(tmp, rel);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, files.get(rel)!);
    }
    if (existsSync(dir)) renameSync(dir, old);
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    if (existsSync(old) && !existsSync(dir)) renameSync(old, dir);
    throw err;
  }
  rmSync(old, { recursive: true, force: true });
}
