/**
 * Writes a generated tree so that readers only ever see the old tree or the complete new one: the files
 * go to a temporary sibling folder first, which then replaces the target by rename.
 */
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { link, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PelatoError } from '../common/diagnostics.js';
import { pool } from '../common/pool.js';

/** File operations in flight at once. */
const WIDTH = 16;

/** A marker file: only a folder holding it may be replaced wholesale. */
export function ensureReplaceable(dir: string, marker: string): void {
  if (!existsSync(dir)) {
    // A file where a parent folder should be (gen/ inside a file) fails at the first write otherwise.
    const parent = path.dirname(path.resolve(dir));
    if (existsSync(parent) && !statSync(parent).isDirectory())
      throw new PelatoError(`${path.dirname(dir)} is a file, not a folder`, 'choose another output folder with --out');
    return;
  }
  if (!statSync(dir).isDirectory()) {
    throw new PelatoError(
      `${dir} is a file, not a folder`,
      'move it away (gen/ is where pelato writes its output) or choose another output folder with --out',
    );
  }
  const entries = readdirSync(dir);
  if (entries.length > 0 && !entries.includes(marker)) {
    throw new PelatoError(
      `${dir} exists and was not written by pelato`,
      'move it away or choose another output folder with --out',
    );
  }
}

/**
 * `keep`: paths (relative to `dir`) of the old tree to carry into the new one as they are (files or
 * folders, linked, not copied, where the file system allows), e.g. build outputs of unchanged tasks.
 */
export async function writeTreeAtomic(
  dir: string,
  files: Map<string, Buffer>,
  keep: readonly string[] = [],
): Promise<void> {
  const parent = path.dirname(dir);
  mkdirSync(parent, { recursive: true });
  const suffix = `${process.pid}-${Date.now().toString(36)}`;
  const tmp = path.join(parent, `.${path.basename(dir)}.tmp-${suffix}`);
  const old = path.join(parent, `.${path.basename(dir)}.old-${suffix}`);
  try {
    await writeFiles(tmp, files);
    for (const rel of keep) if (!files.has(rel)) linkTree(path.join(dir, rel), path.join(tmp, rel));
    if (existsSync(dir)) renameSync(dir, old);
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    if (existsSync(old) && !existsSync(dir)) renameSync(old, dir);
    throw err;
  }
  rmSync(old, { recursive: true, force: true });
}

/**
 * Folders first (parents before children), then each distinct Buffer once, then the rest as hard links
 * to the first copy: a link is about ten times cheaper than creating and writing a file, which matters
 * at hundreds of tasks (where links are not possible the file is written again). File operations run
 * several at a time so the kernel can overlap them.
 */
async function writeFiles(root: string, files: Map<string, Buffer>): Promise<void> {
  const rels = [...files.keys()].sort();
  const dirs = [...new Set(rels.map((rel) => path.dirname(path.join(root, rel))))].sort();
  mkdirSync(root, { recursive: true });
  for (const d of dirs) mkdirSync(d, { recursive: true });
  const firstPath = new Map<Buffer, string>();
  const copies: Array<[string, string, Buffer]> = [];
  const writes: Array<() => Promise<void>> = [];
  for (const rel of rels) {
    const target = path.join(root, rel);
    const data = files.get(rel)!;
    const first = firstPath.get(data);
    if (first) copies.push([first, target, data]);
    else {
      firstPath.set(data, target);
      writes.push(() => writeFile(target, data));
    }
  }
  await pool(writes, WIDTH, (write) => write());
  await pool(copies, WIDTH, ([first, target, data]) => link(first, target).catch(() => writeFile(target, data)));
}

/** A file or folder of the old tree into the new one: hard links (the old tree stays intact until swapped). */
function linkTree(from: string, to: string): void {
  if (!existsSync(from)) return;
  if (statSync(from).isDirectory()) {
    mkdirSync(to, { recursive: true });
    for (const name of readdirSync(from)) linkTree(path.join(from, name), path.join(to, name));
    return;
  }
  mkdirSync(path.dirname(to), { recursive: true });
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}
