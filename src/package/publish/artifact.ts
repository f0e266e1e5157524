/**
 * The CNCF TAG Runtime "Wasm OCI artifact" that wasmCloud hosts pull (the layout `wash push` writes):
 * an OCI image manifest, config `application/vnd.wasm.config.v0+json`, exactly one `application/wasm` layer.
 *
 * Every byte of the config and the manifest is computed here, with sorted keys and a `created` time
 * that comes from the caller, so the same inputs always give the same manifest digest, which is known
 * before anything is pushed.
 */
import { createHash } from 'node:crypto';
import { PelatoError } from '../../common/diagnostics.js';

export const MANIFEST_MEDIA_TYPE = 'application/vnd.oci.image.manifest.v1+json';
export const WASM_CONFIG_MEDIA_TYPE = 'application/vnd.wasm.config.v0+json';
export const WASM_LAYER_MEDIA_TYPE = 'application/wasm';
/** Older hosts' name for the wasm layer; wasmCloud 1.x still accepts it. */
export const LEGACY_WASM_LAYER_MEDIA_TYPE = 'application/vnd.module.wasm.content.layer.v1+wasm';

export const ANNOTATION_VERSION = 'org.opencontainers.image.version';
export const ANNOTATION_CREATED = 'org.opencontainers.image.created';
export const ANNOTATION_TITLE = 'org.opencontainers.image.title';
export const ANNOTATION_CONTENT_HASH = 'dev.pelato.content-hash';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface WasmConfig {
  created: string;
  architecture: 'wasm';
  os: 'wasip2';
  layerDigests: string[];
  component: { exports: string[]; imports: string[] };
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export interface ArtifactInput {
  wasm: Buffer;
  /** Layer title, the file name `oras pull` writes, e.g. `temp_filter.wasm`. */
  fileName: string;
  imports: readonly string[];
  exports: readonly string[];
  /** RFC 3339 time recorded in the config and the `created` annotation. */
  created: string;
  /** Manifest annotations (the version and content hash among them). */
  annotations: Record<string, string>;
}

export interface Artifact {
  config: Buffer;
  configDescriptor: Descriptor;
  layerDescriptor: Descriptor;
  manifest: Buffer;
  manifestDigest: string;
}

export function sha256Digest(b: Buffer | string): string {
  return 'sha256:' + createHash('sha256').update(b).digest('hex');
}

const WASM_MAGIC = Buffer.from([0x00, 0x61, 0x73, 0x6d]);

/** Wasm binaries start with `\0asm`; anything else is refused before it reaches a registry. */
export function checkWasm(bytes: Buffer, file: string): void {
  if (bytes.length < 8 || !bytes.subarray(0, 4).equals(WASM_MAGIC)) {
    throw new PelatoError(
      `${file} is not a WebAssembly binary (no "\\0asm" header)`,
      'publish the .wasm file the build produced',
    );
  }
}

/** JSON with object keys sorted at every level: stable bytes for the same value. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      );
    }
    return v;
  });
}

/** Normalises a time to RFC 3339 in UTC without fractions, e.g. `2026-03-01T12:00:00Z`. */
export function normaliseCreated(created: Date | string | number): string {
  const d = created instanceof Date ? created : new Date(typeof created === 'number' ? created * 1000 : created);
  if (Number.isNaN(d.getTime()))
    throw new PelatoError(
      `invalid creation time "${String(created)}"`,
      'use an RFC 3339 time, e.g. 2026-03-01T12:00:00Z',
    );
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const uniqSorted = (xs: readonly string[]) => [...new Set(xs)].sort();

export function buildArtifact(input: ArtifactInput): Artifact {
  const layerDescriptor: Descriptor = {
    mediaType: WASM_LAYER_MEDIA_TYPE,
    digest: sha256Digest(input.wasm),
    size: input.wasm.length,
    annotations: { [ANNOTATION_TITLE]: input.fileName },
  };
  const cfg: WasmConfig = {
    created: input.created,
    architecture: 'wasm',
    os: 'wasip2',
    layerDigests: [layerDescriptor.digest],
    component: { exports: uniqSorted(input.exports), imports: uniqSorted(input.imports) },
  };
  const config = Buffer.from(canonicalJson(cfg));
  const configDescriptor: Descriptor = {
    mediaType: WASM_CONFIG_MEDIA_TYPE,
    digest: sha256Digest(config),
    size: config.length,
  };
  const m: ImageManifest = {
    schemaVersion: 2,
    mediaType: MANIFEST_MEDIA_TYPE,
    config: configDescriptor,
    layers: [layerDescriptor],
    annotations: { [ANNOTATION_CREATED]: input.created, ...input.annotations },
  };
  const manifest = Buffer.from(canonicalJson(m));
  return { config, configDescriptor, layerDescriptor, manifest, manifestDigest: sha256Digest(manifest) };
}

/** The name the artifact is tagged with inside the OCI layout that `oras cp` uploads from. */
export const LAYOUT_TAG = 'push';

/**
 * The artifact as an OCI image layout (oci-layout, index.json, blobs/sha256/…), file path → bytes, with
 * the manifest tagged LAYOUT_TAG: one `oras cp --from-oci-layout` uploads the two blobs and the manifest
 * exactly as computed here.
 */
export function ociLayout(art: Artifact, wasm: Buffer): Map<string, Buffer> {
  const blob = (digest: string) => `blobs/sha256/${digest.slice('sha256:'.length)}`;
  const index = {
    schemaVersion: 2,
    manifests: [
      {
        mediaType: MANIFEST_MEDIA_TYPE,
        digest: art.manifestDigest,
        size: art.manifest.length,
        annotations: { 'org.opencontainers.image.ref.name': LAYOUT_TAG },
      },
    ],
  };
  return new Map([
    ['oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}')],
    ['index.json', Buffer.from(canonicalJson(index))],
    [blob(art.layerDescriptor.digest), wasm],
    [blob(art.configDescriptor.digest), art.config],
    [blob(art.manifestDigest), art.manifest],
  ]);
}
