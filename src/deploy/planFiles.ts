/**
 * What deploy reads from gen/: the plan and, per app, the manifest to apply — the build stage's pinned
 * `wadm.pinned.yaml` (image@sha256) when it exists, else the generated `wadm.yaml`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { PelatoError } from '../common/diagnostics.js';
import { PINNED_MANIFEST, type PlannedTask } from '../model/plan.js';
import { readPlan } from '../model/planFile.js';

export { readPlan };

export { PINNED_MANIFEST };
/** Annotation deploy adds to every manifest it puts: the sha256 of the manifest without it. */
export const MANIFEST_HASH_ANNOTATION = 'pelato.dev/manifest-sha256';

export interface AppToDeploy {
  app: string;
  version: string;
  task: PlannedTask;
  /** Manifest file used, absolute. */
  manifestFile: string;
  pinned: boolean;
  /** The manifest as data, with the hash annotation added. */
  manifest: Record<string, unknown>;
  manifestHash: string;
}

/** Canonical JSON (sorted keys) so the hash does not depend on key order. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

export function manifestHash(manifest: Record<string, unknown>): string {
  const copy = structuredClone(manifest) as { metadata?: { annotations?: Record<string, unknown> } };
  if (copy.metadata?.annotations) delete copy.metadata.annotations[MANIFEST_HASH_ANNOTATION];
  return 'sha256:' + createHash('sha256').update(canonicalJson(copy)).digest('hex');
}

export function loadApp(genDir: string, task: PlannedTask): AppToDeploy {
  const generated = path.resolve(genDir, task.manifest);
  const pinnedFile = path.join(path.dirname(generated), PINNED_MANIFEST);
  const pinned = existsSync(pinnedFile);
  const file = pinned ? pinnedFile : generated;
  if (!existsSync(file)) throw new PelatoError(`${file} not found (app ${task.app})`, 'run `pelato gen` again');
  let manifest: Record<string, unknown>;
  try {
    manifest = parseYaml(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new PelatoError(
      `${file} is not valid YAML: ${(e as Error).message.split('\n')[0]}`,
      'run `pelato gen` again',
    );
  }
  const meta = manifest?.metadata as { name?: string; annotations?: Record<string, string> } | undefined;
  if (!meta || meta.name !== task.app) {
    throw new PelatoError(
      `${file}: metadata.name is "${meta?.name}", plan.json says "${task.app}"`,
      'run `pelato gen` (and build) again',
    );
  }
  const version = meta.annotations?.version;
  if (version !== task.version) {
    throw new PelatoError(
      `${file}: version is "${version}", plan.json says "${task.version}"`,
      'run `pelato gen` (and build) again',
    );
  }
  const hash = manifestHash(manifest);
  meta.annotations = { ...meta.annotations, [MANIFEST_HASH_ANNOTATION]: hash };
  return { app: task.app, version: task.version, task, manifestFile: file, pinned, manifest, manifestHash: hash };
}

/**
 * Whether a manifest stored in wadm is the one we would put. By the hash annotation when it has one
 * (robust against wadm re-serializing); otherwise every field of ours must be present and equal in theirs
 * (wadm may add defaults, such as a spread weight).
 */
export function sameManifest(local: AppToDeploy, stored: Record<string, unknown>): boolean {
  const ann = (stored.metadata as { annotations?: Record<string, unknown> } | undefined)?.annotations?.[
    MANIFEST_HASH_ANNOTATION
  ];
  if (typeof ann === 'string') return ann === local.manifestHash;
  const mine = structuredClone(local.manifest) as { metadata: { annotations: Record<string, unknown> } };
  delete mine.metadata.annotations[MANIFEST_HASH_ANNOTATION];
  return contains(stored, mine);
}

function contains(big: unknown, small: unknown): boolean {
  if (Array.isArray(small))
    return Array.isArray(big) && big.length === small.length && small.every((s, i) => contains(big[i], s));
  if (small && typeof small === 'object') {
    if (!big || typeof big !== 'object' || Array.isArray(big)) return false;
    return Object.entries(small as Record<string, unknown>).every(
      ([k, v]) => v === undefined || contains((big as Record<string, unknown>)[k], v),
    );
  }
  return big === small || String(big) === String(small);
}
