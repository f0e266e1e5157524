/**
 * What a new gen/ keeps of the old one. gen/ holds the build stage's outputs too: each app's component
 * (`build/`) and its manifest pinned to the pushed digest (`wadm.pinned.yaml`), which deploy prefers.
 * Regenerating must not lose them for tasks that did not change — else deploying after a change to one
 * task would put the others by tag, a manifest that differs from the pinned one wadm already holds, and
 * fail with "bump the version". They are kept exactly when they still describe the task: the same app,
 * content hash and image, and a byte-identical manifest.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PINNED_MANIFEST, PLAN_FILE, type Plan } from '../model/plan.js';

/** Build outputs inside an app's folder of gen/. */
export const BUILD_OUTPUTS = ['build', PINNED_MANIFEST] as const;

/** Paths (relative to gen/) of the old tree's build outputs that the new tree `files` may keep. */
export function keptBuildOutputs(genDir: string, plan: Plan, files: ReadonlyMap<string, Buffer>): string[] {
  const old = readOldPlan(genDir);
  if (!old) return [];
  const before = new Map(old.tasks.map((t) => [t.app, t]));
  const keep: string[] = [];
  for (const t of plan.tasks) {
    const o = before.get(t.app);
    if (!o || o.content_hash !== t.content_hash || o.image !== t.image || o.dir !== t.dir || o.manifest !== t.manifest)
      continue;
    const manifest = path.join(genDir, o.manifest);
    if (!existsSync(manifest) || !readFileSync(manifest).equals(files.get(t.manifest) ?? Buffer.alloc(0))) continue;
    for (const rel of BUILD_OUTPUTS) if (existsSync(path.join(genDir, t.dir, rel))) keep.push(`${t.dir}/${rel}`);
  }
  return keep;
}

function readOldPlan(genDir: string): Plan | undefined {
  try {
    const plan = JSON.parse(readFileSync(path.join(genDir, PLAN_FILE), 'utf8')) as Plan;
    return Array.isArray(plan?.tasks) ? plan : undefined;
  } catch {
    return undefined;
  }
}
