/**
 * The checks wadm itself runs when a manifest is put (see wadm-api.md), done before anything leaves the
 * runner: a manifest that fails here would be refused by the lattice later, with less context.
 */
type Obj = Record<string, any>;

const KNOWN_TRAITS = new Set(['spreadscaler', 'daemonscaler', 'link']);

export function wadmProblems(m: Obj): string[] {
  const problems: string[] = [];
  const name: unknown = m?.metadata?.name;
  if (typeof name !== 'string' || !/^[-\w]+$/.test(name)) problems.push(`metadata.name ${JSON.stringify(name)} must match ^[-\\w]+$`);
  const version: unknown = m?.metadata?.annotations?.version;
  if (version === 'latest') problems.push('version "latest" is not allowed');
  const components: Obj[] = m?.spec?.components ?? [];
  const names = new Set<string>();
  const ids = new Set<string>();
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
  const linkConfigs = new Set<string>();
  for (const c of components) {
    for (const t of (c.traits ?? []) as Obj[]) {
      if (!KNOWN_TRAITS.has(t.type)) problems.push(`component "${c.name}" has custom trait "${t.type}"`);
      if (t.type !== 'link') continue;
      const p = t.properties ?? {};
      const target = typeof p.target === 'string' ? p.target : p.target?.name;
      if (!names.has(target)) problems.push(`link from "${c.name}" targets "${target}", which is not a component of this manifest`);
      for (const iface of p.interfaces ?? []) {
        const key = `${c.name}|${p.namespace}:${p.package}/${iface}|${p.name ?? 'default'}`;
        if (links.has(key)) problems.push(`duplicate link ${key}`);
        links.add(key);
      }
      for (const cfg of [...(p.source?.config ?? []), ...(p.target?.config ?? [])] as Obj[]) {
        if (!cfg.properties) continue;
        if (linkConfigs.has(cfg.name)) problems.push(`duplicate named link config "${cfg.name}"`);
        linkConfigs.add(cfg.name);
      }
    }
  }
  return problems;
}
