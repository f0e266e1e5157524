/**
 * What `pelato init` writes, in memory: a workflow.yaml with one task per chosen type, wired into one
 * flow (producers → processor → database), each task's starter code and test cases, `.env.template`,
 * `.gitignore` and the GitHub caller workflow. The starters live with their type, in
 * `templates/<type>/starter/` (`task.go`, `task.ts`, `task.test.yaml`; one test file for both languages,
 * so a Go and a TypeScript starter behave the same).
 *
 * User text reaches workflow.yaml only as a JSON string (a valid YAML double-quoted scalar) or as a slug
 * of [a-z0-9-], so a folder name cannot change the document's structure.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadCatalog, templatesRoot } from '../templates/catalog.js';

export type InitLanguage = 'go' | 'ts';

export const LANGUAGES: readonly InitLanguage[] = ['ts', 'go'];

/** Types in the order data flows through them; a flow uses the chosen ones in this order. */
const FLOW_ORDER = ['http_producer_nats', 'producer_nats', 'processor_nats', 'dbsync_nats'];

export const DEFAULT_TYPES = ['http_producer_nats', 'processor_nats'];

/** Types that have a starter (templates/<type>/starter/), in flow order. */
export function starterTypes(): string[] {
  const types = [...loadCatalog().keys()].filter((t) => existsSync(path.join(templatesRoot(), t, 'starter')));
  const rank = (t: string) => (FLOW_ORDER.includes(t) ? FLOW_ORDER.indexOf(t) : FLOW_ORDER.length);
  return types.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** Each type's task: its file name in tasks/ and where it runs. */
const ROLE: Record<string, { name: string; targets: string }> = {
  http_producer_nats: { name: 'ingest', targets: '[edge]' },
  producer_nats: { name: 'tick', targets: '[edge]' },
  processor_nats: { name: 'process', targets: '[cloud]' },
  dbsync_nats: { name: 'store', targets: '[cloud]' },
};

/** A folder name as a component-name prefix and topic root: lowercase letters and digits, single dashes. */
export function slugOf(name: string): string {
  const s = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return /^[a-z0-9]/.test(s) ? s : 'app';
}

/** A folder name as a project_name: what workflow.yaml accepts (no control characters or line breaks). */
export function projectNameOf(folder: string, slug: string): string {
  const name = folder
    .toWellFormed()
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return name || slug;
}

export interface ScaffoldOptions {
  /** Display name (the folder's name). */
  projectName: string;
  slug: string;
  lang: InitLanguage;
  /** Task types, each once, in any order. */
  types: string[];
}

export interface ScaffoldTask {
  type: string;
  name: string;
  component: string;
  file: string;
  source?: string;
  dest?: string;
  http?: string;
}

export interface Scaffold {
  /** Path relative to the project folder → content. */
  files: Map<string, string>;
  tasks: ScaffoldTask[];
  /** The subject `--send` can start the flow with, and the HTTP path, if any. */
  sendSubject?: string;
  httpPath?: string;
}

const ext = (lang: InitLanguage) => (lang === 'go' ? 'go' : 'ts');

export function scaffold(o: ScaffoldOptions): Scaffold {
  const types = starterTypes().filter((t) => o.types.includes(t));
  const s = o.slug;
  const producers = types.filter((t) => t === 'http_producer_nats' || t === 'producer_nats');
  const raw = producers.length ? `${s}.raw.>` : `${s}.in`;
  const tasks: ScaffoldTask[] = types.map((type) => {
    const role = ROLE[type] ?? { name: type.replace(/_nats$/, '').replace(/_/g, '-'), targets: '[cloud]' };
    const t: ScaffoldTask = {
      type,
      name: role.name,
      component: `${s}-${role.name}`,
      file: `${role.name}.${ext(o.lang)}`,
    };
    if (type === 'http_producer_nats')
      Object.assign(t, { source: `${s}.in`, dest: `${s}.raw.http`, http: `/${role.name}` });
    else if (type === 'producer_nats') Object.assign(t, { source: `${s}.tick`, dest: `${s}.raw.tick` });
    else if (type === 'processor_nats') Object.assign(t, { source: raw, dest: `${s}.processed` });
    else if (type === 'dbsync_nats')
      Object.assign(t, { source: types.includes('processor_nats') ? `${s}.processed` : raw });
    return t;
  });
  const files = new Map<string, string>();
  files.set('workflow.yaml', workflowYaml(o, tasks));
  for (const t of tasks) {
    const dir = path.join(templatesRoot(), t.type, 'starter');
    files.set(`tasks/${t.file}`, readFileSync(path.join(dir, `task.${ext(o.lang)}`), 'utf8'));
    files.set(`tasks/${t.name}.test.yaml`, readFileSync(path.join(dir, 'task.test.yaml'), 'utf8'));
  }
  files.set('.env.template', readFileSync(path.join(templatesRoot(), '..', '.env.template'), 'utf8'));
  files.set(
    '.gitignore',
    '# written by pelato: generated projects, the build cache, local settings and secrets\ngen/\n.pelato/\n.env\n',
  );
  files.set(
    '.github/workflows/deploy.yml',
    readFileSync(path.join(templatesRoot(), '..', 'examples', 'github', 'caller.yml'), 'utf8'),
  );
  const first = tasks.find((t) => t.source && !t.source.includes('>'));
  return {
    files,
    tasks,
    ...(first?.source ? { sendSubject: first.source } : {}),
    ...(tasks.find((t) => t.http)?.http ? { httpPath: tasks.find((t) => t.http)!.http } : {}),
  };
}

function workflowYaml(o: ScaffoldOptions, tasks: ScaffoldTask[]): string {
  const lines = [
    `# ${tasks.map((t) => t.component).join(' → ')}: written by \`pelato init\`; ` +
      `the README's "workflow.yaml reference" lists every field.`,
    `project_name: ${JSON.stringify(o.projectName)}`,
    `registry: localhost:5000/${o.slug}   # or REGISTRY_URL / --registry, e.g. ghcr.io/<owner>`,
    'tasks:',
  ];
  for (const t of tasks) {
    lines.push(
      `  - name: ${JSON.stringify(title(t.name))}`,
      `    type: ${t.type}`,
      `    code: ${t.file}`,
      `    targets: ${ROLE[t.type]?.targets ?? '[cloud]'}`,
      ...(t.source ? [`    source_topic: ${t.source}`] : []),
      ...(t.dest ? [`    dest_topic: ${t.dest}`] : []),
      `    component_name: ${t.component}`,
      '    version: 0.1.0   # the image tag: bump it to ship a change',
    );
    if (t.http) lines.push(`    http: { path: ${t.http}, address: 0.0.0.0:8000 }`);
    if (t.type === 'producer_nats') lines.push(`    config: { source: ${o.slug} }`);
    if (t.type === 'dbsync_nats')
      lines.push('    database: { table: messages }   # the table must exist: CREATE TABLE messages (payload text)');
    lines.push('');
  }
  return lines.join('\n');
}

const title = (name: string) => name[0]!.toUpperCase() + name.slice(1);
