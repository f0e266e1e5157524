/**
 * The catalog of task types. Each type is a folder under `templates/` with a `template.yaml` describing
 * it (WIT world, providers, which workflow fields it takes) and the files to render; adding a type means
 * adding a folder, not changing code. Folders whose name starts with `_` hold parts shared by all types.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

export type FieldRule = 'required' | 'optional' | 'forbidden';
export type ProviderKind = 'messaging' | 'http' | 'postgres';

export interface TemplateSpec {
  /** The `type:` value in workflow.yaml (folder name). */
  type: string;
  description: string;
  /** Bumped whenever the template's output changes; part of every task's content hash. */
  revision: number;
  /** WIT package and world the component is built against (`wit/world.wit`). */
  witPackage: string;
  world: string;
  /** Interfaces the built component must export (checked after build). */
  exports: string[];
  /** Capability providers the manifest runs next to the component. */
  providers: ProviderKind[];
  fields: {
    source_topic: FieldRule;
    dest_topic: FieldRule;
    http: FieldRule;
    database: FieldRule;
  };
  /** Folders under `templates/_wit/deps/` vendored into the project's `wit/deps/`. */
  witDeps: string[];
  /** Per language (`go`, `js`): shared folders of `templates/` rendered before `<type>/<language>/`. */
  languages: Record<string, { includes: string[] }>;
  /** Absolute path of the template folder. */
  dir: string;
}

/** `templates/` beside `src/` (sources) or beside `dist/` (bundles): both sit two levels below the root. */
export function templatesRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.join(here, '..', '..', 'templates');
}

let cached: Map<string, TemplateSpec> | undefined;

export function loadCatalog(root = templatesRoot()): Map<string, TemplateSpec> {
  if (cached && root === templatesRoot()) return cached;
  const catalog = new Map<string, TemplateSpec>();
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('_')) continue;
    const dir = path.join(root, entry.name);
    const metaFile = path.join(dir, 'template.yaml');
    if (!existsSync(metaFile)) continue;
    catalog.set(entry.name, parseSpec(entry.name, dir, readFileSync(metaFile, 'utf8')));
  }
  if (root === templatesRoot()) cached = catalog;
  return catalog;
}

function parseSpec(type: string, dir: string, text: string): TemplateSpec {
  const raw = YAML.parse(text) as Record<string, unknown>;
  const fields = (raw.fields ?? {}) as Record<string, FieldRule>;
  const rule = (k: string): FieldRule => {
    const r = fields[k] ?? 'forbidden';
    if (r !== 'required' && r !== 'optional' && r !== 'forbidden')
      throw new Error(`${dir}/template.yaml: fields.${k} must be required|optional|forbidden`);
    return r;
  };
  const str = (k: string): string => {
    const v = raw[k];
    if (typeof v !== 'string' || v === '') throw new Error(`${dir}/template.yaml: "${k}" must be a non-empty string`);
    return v;
  };
  return {
    type,
    description: str('description'),
    revision: Number(raw.revision ?? 1),
    witPackage: str('wit_package'),
    world: str('world'),
    exports: (raw.exports as string[]) ?? [],
    providers: (raw.providers as ProviderKind[]) ?? [],
    fields: {
      source_topic: rule('source_topic'),
      dest_topic: rule('dest_topic'),
      http: rule('http'),
      database: rule('database'),
    },
    witDeps: (raw.wit_deps as string[]) ?? [],
    languages: (raw.languages as Record<string, { includes: string[] }>) ?? { go: { includes: ['_go'] } },
    dir,
  };
}
