/**
 * The checks wadm itself runs when a manifest is put (see wadm-api.md), done before anything leaves the
 * runner: a manifest that fails here would be refused by the lattice later, with less context.
 */
/** The parts of a manifest these checks read, every one optional: the input is whatever was built or parsed. */
interface NamedConfig {
  name?: string;
  properties?: Record<string, unknown>;
}
interface LinkProperties {
  namespace?: string;
  package?: string;
  interfaces?: string[];
  name?: string;
  target?: string | { name?: string; config?: NamedConfig[] };
  source?: { config?: NamedConfig[] };
}
interface Trait {
  type?: string;
  properties?: LinkProperties;
}
interface Component {
  name?: string;
  properties?: { id?: string; image?: unknown; application?: unknown };
  traits?: Trait[];
}
interface ManifestShape {
  metadata?: { name?: unknown; annotations?: { version?: unknown } };
  spec?: { components?: Component[] };
}

const KNOWN_TRAITS = new Set(['spreadscaler', 'daemonscaler', 'link']);

export function wadmProblems(manifest: unknown): string[] {
  const m = manifest as ManifestShape | null | undefined;
  const problems: string[] = [];
  const name: unknown = m?.metadata?.name;
  if (typeof name !== 'string' || !/^[-\w]+$/.test(name))
    problems.push(`metadata.name ${JSON.stringify(name)} must match ^[-\\w]+$`);
  const version: unknown = m?.metadata?.annotations?.version;
  if (version === 'latest') problems.push('version "latest" is not allowed');
  const components = m?.spec?.components ?? [];
  const names = new Set<string | undefined>();
  const ids = new Set<string | undefined>();
  for (const c of components) {
    if (names.has(c.name)) problems.push(`duplicate component name "${c.name}"`);
    names.add(c.name);
    const id = c.properties?.id;
    if (id !== undefined && id !== null) {
      if (ids.has(id)) problems.push(`duplicate component id "${id}"`);
      ids.add(id);
    }
    const hasImage = c.properties?.image != null;
    const hasApp = c.properties?.application != null;
    if (hasImage === hasApp) problems.push(`component "${c.name}" must have exactly one of image and application`);
  }
  const links = new Set<string>();
  const linkConfigs = new Set<string | undefined>();
  for (const c of components) {
    for (const t of c.traits ?? []) {
      if (!KNOWN_TRAITS.has(t.type ?? '')) problems.push(`component "${c.name}" has custom trait "${t.type}"`);
      if (t.type !== 'link') continue;
      const p: LinkProperties = t.properties ?? {};
      const target = typeof p.target === 'string' ? p.target : p.target?.name;
      if (!names.has(target))
        problems.push(`link from "${c.name}" targets "${target}", which is not a component of this manifest`);
      for (const iface of p.interfaces ?? []) {
        const key = `${c.name}|${p.namespace}:${p.package}/${iface}|${p.name ?? 'default'}`;
        if (links.has(key)) problems.push(`duplicate link ${key}`);
        links.add(key);
      }
      const targetConfig = typeof p.target === 'string' ? [] : (p.target?.config ?? []);
      for (const cfg of [...(p.source?.config ?? []), ...targetConfig]) {
        if (!cfg.properties) continue;
        if (linkConfigs.has(cfg.name)) problems.push(`duplicate named link config "${cfg.name}"`);
        linkConfigs.add(cfg.name);
      }
    }
  }
  return problems;
}
