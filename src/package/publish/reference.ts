/** OCI references as PELATO publishes them: `host[:port]/repository/path:tag`, all lowercase. */
import { PelatoError } from '../../common/diagnostics.js';

export interface ImageRef {
  /** `host[:port]`, e.g. `ghcr.io` or `localhost:5000`. */
  registry: string;
  /** Repository path inside the registry, e.g. `acme/iot/temp_filter`. */
  repository: string;
  tag: string;
}

// OCI distribution spec grammar (repository path components and tags), host names and ports.
const HOST =
  /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const TAG = /^[a-z0-9_][a-z0-9._-]{0,127}$/;

/** Parses and checks a tagged reference; throws a PelatoError naming what is wrong. */
export function parseRef(ref: string): ImageRef {
  const bad = (why: string, hint?: string): never => {
    throw new PelatoError(`invalid OCI reference "${ref}": ${why}`, hint);
  };
  if (ref !== ref.trim() || ref === '') bad('empty or surrounded by spaces');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ref)) bad('a reference has no scheme', 'drop the "http://" or "https://" prefix');
  if (ref !== ref.toLowerCase()) bad('references must be lowercase', `use "${ref.toLowerCase()}"`);
  if (ref.includes('@')) bad('expected a tag, not a digest');
  const slash = ref.indexOf('/');
  if (slash <= 0)
    bad('expected host/repository:tag', 'include the registry host, e.g. localhost:5000/project/component:1.0.0');
  const registry = ref.slice(0, slash);
  const rest = ref.slice(slash + 1);
  const colon = rest.lastIndexOf(':');
  if (colon < 0) bad('missing the tag', 'append ":<version>"');
  const repository = rest.slice(0, colon);
  const tag = rest.slice(colon + 1);
  if (!HOST.test(registry)) bad(`"${registry}" is not a registry host`);
  if (repository === '' || !repository.split('/').every((c) => PATH_COMPONENT.test(c))) {
    bad(
      `"${repository}" is not a valid repository path`,
      'use lowercase letters, digits and single separators (. _ __ -) between them',
    );
  }
  if (!TAG.test(tag)) {
    bad(
      `"${tag}" is not a valid tag`,
      tag.includes('+')
        ? 'tags cannot contain "+": drop the semver build metadata'
        : 'use letters, digits, ".", "_" and "-" (at most 128)',
    );
  }
  return { registry, repository, tag };
}

export function formatRef(r: ImageRef): string {
  return `${r.registry}/${r.repository}:${r.tag}`;
}

/** `host/repository@digest`: what a deployment should pin. */
export function digestRef(r: ImageRef, digest: string): string {
  return `${r.registry}/${r.repository}@${digest}`;
}

/** Registries on this machine speak plain HTTP by default (e.g. `localhost:5000`). */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.startsWith('[')
    ? registry.slice(0, registry.indexOf(']') + 1)
    : registry.replace(/:[0-9]+$/, '');
  return host === 'localhost' || host === '[::1]' || /^127\.[0-9]+\.[0-9]+\.[0-9]+$/.test(host);
}
