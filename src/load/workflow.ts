/**
 * Reads workflow.yaml, checks every field and returns the normalized model. All problems are collected
 * and reported together with their line and column; nothing is returned when any is found.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { didYouMean, PelatoError, UserInputError, type Diagnostic } from '../common/diagnostics.js';
import type { DatabaseSettings, HttpSettings, Placement, ProviderImages, SourcePos, Task, Workflow } from '../model/workflow.js';
import { loadCatalog, type FieldRule, type TemplateSpec } from '../templates/catalog.js';
import * as rules from './rules.js';
import { checkGoTask, checkJsTask, resolveTaskFile } from './taskFile.js';

export const WORKFLOW_FILE = 'workflow.yaml';

export const DEFAULT_REGISTRY = 'localhost:5000';
export const DEFAULT_LATTICE = 'default';
export const DEFAULT_PROVIDERS: ProviderImages = {
  messaging: 'ghcr.io/wasmcloud/messaging-nats:0.27.0',
  http: 'ghcr.io/wasmcloud/http-server:0.27.0',
  postgres: 'ghcr.io/wasmcloud/sqldb-postgres:0.10.0',
};
export const DEFAULT_HTTP: HttpSettings = { path: '/', address: '0.0.0.0:8000' };
export const DEFAULT_DB_CONNECTION_CONFIG = 'pelato-postgres';

const PROJECT_KEYS = ['project_name', 'registry', 'lattice', 'providers', 'tasks'] as const;
const TASK_KEYS = [
  'name', 'type', 'code', 'targets', 'target', 'source_topic', 'dest_topic', 'component_name', 'version',
  'placement', 'instances', 'config', 'http', 'database',
] as const;
const PLACEMENTS: readonly Placement[] = ['every_host', 'spread'];

/** Two spellings of one field (the seed documents use both). */
const FIELD_ALIASES: Record<string, string> = { target: 'targets', targets: 'target' };

/** Settings that may come from the command line or the environment and override workflow.yaml. */
export interface LoadOverrides {
  registry?: string;
  lattice?: string;
  /** Use the hosts' builtin messaging and HTTP providers instead of workflow.yaml's or the default images. */
  builtinProviders?: boolean;
}

/** Provider references of a host's builtin providers (wasmCloud 1.x, WASMCLOUD_EXPERIMENTAL_FEATURES). */
export const BUILTIN_PROVIDERS = { messaging: 'wasmcloud+builtin://messaging-nats', http: 'wasmcloud+builtin://http-server' } as const;

export function loadWorkflow(dir: string, overrides: LoadOverrides = {}): Workflow {
  const projectDir = path.resolve(dir);
  const file = path.join(projectDir, WORKFLOW_FILE);
  if (!existsSync(projectDir) || !statSync(projectDir).isDirectory()) {
    throw new PelatoError(`${dir}: no such project directory`, `pass the folder that holds ${WORKFLOW_FILE} and tasks/`);
  }
  if (!existsSync(file)) {
    throw new PelatoError(`${path.join(dir, WORKFLOW_FILE)}: file not found`, `create ${WORKFLOW_FILE} next to the tasks/ folder (see examples/temperature)`);
  }
  const displayFile = path.join(dir, WORKFLOW_FILE);
  return new WorkflowReader(readFileSync(file, 'utf8'), displayFile, projectDir, file, overrides).read();
}

/** Parses from text; used by loadWorkflow and by tests that need no file on disk for workflow.yaml. */
export function parseWorkflow(text: string, displayFile: string, projectDir: string, overrides: LoadOverrides = {}): Workflow {
  return new WorkflowReader(text, displayFile, projectDir, path.join(projectDir, WORKFLOW_FILE), overrides).read();
}

class WorkflowReader {
  private readonly lc = new LineCounter();
  private readonly diags: Diagnostic[] = [];
  private readonly catalog = loadCatalog();
  private doc!: Document.Parsed;

  constructor(
    private readonly text: string,
    private readonly displayFile: string,
    private readonly projectDir: string,
    private readonly absFile: string,
    private readonly overrides: LoadOverrides,
  ) {}

  read(): Workflow {
    // `merge` accepts `<<: *defaults`, which teams use to share fields between tasks.
    const doc = parseDocument(this.text, { lineCounter: this.lc, prettyErrors: false, uniqueKeys: true, merge: true });
    this.doc = doc;
    // One syntax error usually causes a cascade of follow-up errors that point at the wrong places;
    // the first one is the one to fix.
    const first = doc.errors[0];
    if (first) {
      const p = this.lc.linePos(first.pos[0]);
      const more = doc.errors.length > 1 ? ` (${doc.errors.length - 1} more may follow from it)` : '';
      this.diags.push({ file: this.displayFile, line: p.line, col: p.col, message: `YAML syntax: ${firstLine(first.message)}${more}`, hint: yamlHint(first.code) });
    }
    if (this.diags.length) throw new UserInputError(this.diags);
    if (doc.contents === null) {
      this.report(undefined, 'workflow.yaml is empty', 'start with "project_name:" and a "tasks:" list');
      throw new UserInputError(this.diags);
    }
    const root = doc.contents;
    if (!isMap(root)) {
      this.report(root, 'the top level of workflow.yaml must be a mapping', 'start with "project_name:" and a "tasks:" list');
      throw new UserInputError(this.diags);
    }
    const fields = this.fields(root, PROJECT_KEYS, 'project field');
    const project_name = this.text_(fields.project_name, root, 'project_name', true) ?? '';
    const registry = this.projectSetting(fields.registry, 'registry', this.overrides.registry, DEFAULT_REGISTRY, rules.checkRegistry);
    const lattice = this.projectSetting(fields.lattice, 'lattice', this.overrides.lattice, DEFAULT_LATTICE, rules.checkLattice);
    const providers = { ...this.providers(fields.providers), ...(this.overrides.builtinProviders ? BUILTIN_PROVIDERS : {}) };
    const tasks = this.tasks(fields.tasks, root);
    if (this.diags.length) throw new UserInputError(this.sorted());
    return { project_name, registry, lattice, providers, tasks, dir: this.projectDir, file: this.absFile };
  }

  // ---- positions and reporting -------------------------------------------------------------------

  private pos(node: Node | Pair | undefined | null): SourcePos {
    const range = node && 'range' in node ? node.range : node && 'key' in node ? (node.key as Node | null)?.range : undefined;
    const p = range ? this.lc.linePos(range[0]) : { line: 1, col: 1 };
    return { file: this.displayFile, line: p.line, col: p.col };
  }

  private report(node: Node | Pair | undefined | null, message: string, hint?: string): void {
    this.diags.push({ ...this.pos(node), message, hint });
  }

  private problem(node: Node | undefined | null, p: rules.Problem | undefined): boolean {
    if (!p) return true;
    if (p.at) this.diags.push({ ...p.at, message: p.message, hint: p.hint });
    else this.report(node, p.message, p.hint);
    return false;
  }

  private sorted(): Diagnostic[] {
    // Workflow problems first in file order, then problems inside task files.
    return [...this.diags].sort((a, b) =>
      a.file === b.file ? a.line - b.line || a.col - b.col : a.file === this.displayFile ? -1 : b.file === this.displayFile ? 1 : a.file.localeCompare(b.file),
    );
  }

  // ---- generic field access ----------------------------------------------------------------------

  /** An alias (`*name`) stands for the node its anchor marks. */
  private deref(node: Node | null | undefined): Node | undefined {
    if (node === null || node === undefined) return undefined;
    return isAlias(node) ? ((node.resolve(this.doc) as Node | undefined) ?? node) : node;
  }

  /** Values of a mapping by key; unknown keys are reported with a did-you-mean. */
  private fields<K extends string>(map: YAMLMap, known: readonly K[], what: string): Partial<Record<K, Node>> {
    const out: Partial<Record<K, Node>> = {};
    const merged: Array<Pair<unknown, unknown>> = [];
    for (const pair of map.items) {
      const keyNode = pair.key as Node | null;
      if (isScalar(keyNode) && (keyNode.value === '<<' || typeof keyNode.value === 'symbol')) {
        // Merge keys: the merged mappings' fields count unless the mapping sets them itself.
        const src = this.deref(pair.value as Node);
        const sources = isSeq(src) ? (src.items as Node[]).map((n) => this.deref(n)) : [src];
        for (const m of sources) {
          if (isMap(m)) merged.push(...m.items);
          else this.report(keyNode, 'a "<<" merge key must refer to a mapping');
        }
        continue;
      }
      this.field(pair, known, what, out, true);
    }
    for (const pair of merged) this.field(pair, known, what, out, false);
    return out;
  }

  private field<K extends string>(pair: Pair<unknown, unknown>, known: readonly K[], what: string, out: Partial<Record<K, Node>>, own: boolean): void {
    const keyNode = pair.key as Node | null;
    const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
    if (key === undefined) {
      this.report(keyNode, `${what} names must be plain strings`);
      return;
    }
    // Extension fields, as in docker compose: ignored, so they can hold anchors (`x-defaults: &d`).
    if (key.startsWith('x-')) return;
    if (!(known as readonly string[]).includes(key)) {
      const guess = didYouMean(key, known);
      this.report(keyNode, `unknown ${what} "${key}"`, guess ? `did you mean "${guess}"?` : `known: ${known.join(', ')}`);
      return;
    }
    // A merged field never overrides one the mapping sets itself, under either spelling.
    if (!own && (out[key as K] !== undefined || (FIELD_ALIASES[key] && out[FIELD_ALIASES[key] as K] !== undefined))) return;
    const value = this.deref(pair.value as Node | null);
    out[key as K] = value === undefined || (isScalar(value) && value.value === null) ? nullMarker(keyNode as Node) : value;
  }

  /** A string scalar; numbers and booleans are refused so that `version: 1.0` does not silently become "1". */
  private string_(node: Node | undefined, parent: Node, key: string, required: boolean, what = key): string | undefined {
    if (node === undefined || isNullMarker(node)) {
      if (required) this.report(isNullMarker(node) ? node : parent, `missing ${what}`, node ? `give ${key} a value` : undefined);
      return undefined;
    }
    if (!isScalar(node)) {
      this.report(node, `${what} must be a single value, not a ${isSeq(node) ? 'list' : 'mapping'}`);
      return undefined;
    }
    if (typeof node.value !== 'string') {
      const src = this.source(node);
      this.report(node, `${what} must be a string, got ${typeof node.value} ${src}`, `quote it: ${key}: "${src}"`);
      return undefined;
    }
    if (!node.value.isWellFormed()) {
      this.report(node, `${what} contains an unpaired surrogate (invalid Unicode)`);
      return undefined;
    }
    return node.value;
  }

  /** Free text (names): any string without control characters. */
  private text_(node: Node | undefined, parent: Node, key: string, required: boolean): string | undefined {
    const v = this.string_(node, parent, key, required);
    if (v === undefined) return undefined;
    if (v.trim() === '') {
      this.report(node, `${key} is empty`);
      return undefined;
    }
    return this.problem(node, rules.checkText(v, key)) ? v : undefined;
  }

  private checked(node: Node | undefined, parent: Node, key: string, required: boolean, check: (v: string) => rules.Problem | undefined): string | undefined {
    const v = this.string_(node, parent, key, required);
    if (v === undefined) return undefined;
    return this.problem(node, check(v)) ? v : undefined;
  }

  private source(node: Node): string {
    return node.range ? this.text.slice(node.range[0], node.range[1]).trim() : String((node as { value?: unknown }).value);
  }

  // ---- project level -----------------------------------------------------------------------------

  private projectSetting(node: Node | undefined, key: string, override: string | undefined, fallback: string, check: (v: string) => rules.Problem | undefined): string {
    if (override !== undefined && override !== '') {
      const p = check(override);
      if (p) this.diags.push({ file: this.displayFile, line: 1, col: 1, message: `${p.message} (given on the command line or in the environment)`, hint: p.hint });
      return override;
    }
    return node === undefined ? fallback : (this.checked(node, node, key, true, check) ?? fallback);
  }

  private providers(node: Node | undefined): ProviderImages {
    const out = { ...DEFAULT_PROVIDERS };
    if (node === undefined) return out;
    if (!isMap(node)) {
      this.report(node, 'providers must be a mapping', 'e.g. providers: { messaging: wasmcloud+builtin://messaging-nats }');
      return out;
    }
    const f = this.fields(node, ['messaging', 'http', 'postgres'] as const, 'provider');
    for (const k of ['messaging', 'http', 'postgres'] as const) {
      const v = this.checked(f[k], node, `providers.${k}`, false, rules.checkImageRef);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }

  // ---- tasks -------------------------------------------------------------------------------------

  private tasks(node: Node | undefined, root: Node): Task[] {
    if (node === undefined || isNullMarker(node)) {
      this.report(node ?? root, 'missing tasks', 'add a "tasks:" list with at least one task');
      return [];
    }
    if (!isSeq(node)) {
      this.report(node, 'tasks must be a list', 'start each task with "- name: ..."');
      return [];
    }
    if (node.items.length === 0) {
      this.report(node, 'tasks is empty', 'add at least one task');
      return [];
    }
    const tasks: Task[] = [];
    node.items.forEach((item, i) => {
      const t = this.task(this.deref(item as Node)!, i);
      if (t) tasks.push(t);
    });
    this.crossTaskChecks(tasks);
    return tasks;
  }

  private task(node: Node, index: number): Task | undefined {
    if (!isMap(node)) {
      this.report(node, `task #${index + 1} must be a mapping of fields`, 'e.g. "- name: Convert" followed by type, code, ...');
      return undefined;
    }
    const before = this.diags.length;
    const f = this.fields(node, TASK_KEYS, 'task field');
    const name = this.text_(f.name, node, 'name', true);
    const type = this.string_(f.type, node, 'type', true);
    let spec: TemplateSpec | undefined;
    if (type !== undefined) {
      spec = this.catalog.get(type);
      if (!spec) {
        const types = [...this.catalog.keys()].sort();
        const guess = didYouMean(type, types);
        this.report(f.type, `unknown task type "${type}"`, guess ? `did you mean "${guess}"?` : `known types: ${types.join(', ')}`);
      }
    }
    const code = this.code(f.code, node);
    const targets = this.targets(f.targets, f.target, node);
    const component_name = this.checked(f.component_name, node, 'component_name', true, rules.checkComponentName);
    const version = this.checked(f.version, node, 'version', true, rules.checkVersion);
    const placement = this.placement(f.placement);
    // every_host: instances is the concurrency on each host (default 1); spread: the total, one per target.
    const instances = this.instances(f.instances, placement === 'spread' ? (targets?.length ?? 1) : 1);
    const config = this.config(f.config);
    const source_topic = this.topic(f.source_topic, node, 'source_topic', spec?.fields.source_topic, spec, true);
    const dest_topic = this.topic(f.dest_topic, node, 'dest_topic', spec?.fields.dest_topic, spec, false);
    if (source_topic !== undefined && dest_topic !== undefined && source_topic === dest_topic) {
      this.report(f.dest_topic, `dest_topic is the same as source_topic ("${dest_topic}")`, 'the task would consume its own output forever; use another topic');
    }
    const http = this.block(f.http, node, 'http', spec, () => this.http(f.http!));
    const database = this.block(f.database, node, 'database', spec, () => this.database(f.database!));
    if (spec && code && !spec.languages[code.language]) {
      this.report(f.code, `type ${spec.type} has no ${code.language === 'go' ? 'Go' : 'JavaScript/TypeScript'} template`, `languages of ${spec.type}: ${Object.keys(spec.languages).join(', ')}`);
    }
    if (this.diags.length > before || !spec || !code || !targets || name === undefined || !component_name || !version) return undefined;
    return {
      name,
      type: spec.type,
      code: code.rel,
      codePath: code.abs,
      language: code.language,
      targets,
      source_topic,
      dest_topic,
      component_name,
      version,
      placement,
      instances,
      config,
      http: spec.fields.http === 'forbidden' ? undefined : (http ?? { ...DEFAULT_HTTP }),
      database,
      pos: this.pos(node),
    };
  }

  private code(node: Node | undefined, parent: Node): { rel: string; abs: string; language: string } | undefined {
    const v = this.string_(node, parent, 'code', true);
    if (v === undefined) return undefined;
    const r = resolveTaskFile(path.join(this.projectDir, 'tasks'), v);
    if ('message' in r) {
      this.problem(node, r);
      return undefined;
    }
    const display = path.join(path.dirname(this.displayFile), 'tasks', r.rel);
    const problems = r.language === 'go' ? checkGoTask(r.source, display) : checkJsTask(r.source, display);
    problems.forEach((p) => this.problem(node, p));
    return problems.length ? undefined : r;
  }

  private targets(targets: Node | undefined, target: Node | undefined, parent: Node): string[] | undefined {
    if (targets !== undefined && target !== undefined) {
      this.report(target, 'both "targets" and "target" are given', '"target" is an alias of "targets"; keep one');
      return undefined;
    }
    const node = targets ?? target;
    const key = targets !== undefined ? 'targets' : 'target';
    if (node === undefined || isNullMarker(node)) {
      this.report(node ?? parent, 'missing targets', 'list the host-type labels to run on, e.g. targets: [edge]');
      return undefined;
    }
    const items: Node[] = isSeq(node) ? (node.items as Node[]).map((n) => this.deref(n)!) : [node];
    if (items.length === 0) {
      this.report(node, `${key} is empty`, 'list at least one host-type label, e.g. [edge]');
      return undefined;
    }
    const out: string[] = [];
    let ok = true;
    for (const item of items) {
      const v = this.checked(item, node, key, true, rules.checkTarget);
      if (v === undefined) ok = false;
      else if (out.includes(v)) {
        this.report(item, `target "${v}" is listed twice`);
        ok = false;
      } else out.push(v);
    }
    return ok ? out : undefined;
  }

  private placement(node: Node | undefined): Placement {
    if (node === undefined) return 'every_host';
    const v = isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
    if (v !== undefined && (PLACEMENTS as readonly string[]).includes(v)) return v as Placement;
    const guess = v === undefined ? undefined : didYouMean(v, [...PLACEMENTS]);
    this.report(node, `placement must be ${PLACEMENTS.map((p) => `"${p}"`).join(' or ')}, got ${this.source(node)}`,
      guess ? `did you mean "${guess}"?` : 'every_host runs the task on every host of its targets (the default); spread spreads a number of instances');
    return 'every_host';
  }

  private instances(node: Node | undefined, fallback: number): number {
    if (node === undefined) return fallback;
    if (isNullMarker(node)) {
      this.report(node, 'instances has no value', 'give a whole number, or remove it for one instance per target');
      return fallback;
    }
    if (isScalar(node) && typeof node.value === 'number' && Number.isInteger(node.value) && node.value >= 1 && node.value <= 1000) return node.value;
    this.report(node, `instances must be a whole number from 1 to 1000, got ${this.source(node)}`);
    return fallback;
  }

  private config(node: Node | undefined): Record<string, string> {
    const out: Record<string, string> = {};
    if (node === undefined || isNullMarker(node)) return out;
    if (!isMap(node)) {
      this.report(node, 'config must be a mapping of names to values', 'e.g. config: { threshold: "300" }');
      return out;
    }
    for (const pair of node.items) {
      const k = pair.key as Node;
      const v = this.deref(pair.value as Node | null) ?? null;
      const key = isScalar(k) ? String(k.value) : undefined;
      if (key === undefined || !this.problem(k, rules.checkConfigKey(key))) continue;
      if (!isScalar(v) || v.value === null) {
        this.report(v ?? k, `config value for "${key}" must be a single value`);
        continue;
      }
      // Numbers and booleans keep their spelling from the file (`1.50` stays "1.50").
      const value = typeof v.value === 'string' ? v.value : this.source(v);
      if (this.problem(v, rules.checkText(value, `config value for "${key}"`))) out[key] = value;
    }
    return out;
  }

  private topic(node: Node | undefined, parent: Node, key: string, rule: FieldRule | undefined, spec: TemplateSpec | undefined, wildcards: boolean): string | undefined {
    if (rule === 'forbidden' && node !== undefined) {
      this.report(node, `${key} is not used by type ${spec!.type}`, 'remove it');
      return undefined;
    }
    return this.checked(node, parent, key, rule === 'required', (v) => rules.checkSubject(v, wildcards));
  }

  private block<T>(node: Node | undefined, parent: Node, key: string, spec: TemplateSpec | undefined, read: () => T | undefined): T | undefined {
    const rule = spec?.fields[key as 'http' | 'database'];
    if (node === undefined) {
      if (rule === 'required') this.report(parent, `missing ${key}`, `type ${spec!.type} needs a "${key}:" block`);
      return undefined;
    }
    if (rule === 'forbidden') {
      this.report(node, `${key} is not used by type ${spec!.type}`, 'remove it');
      return undefined;
    }
    if (!isMap(node)) {
      this.report(node, `${key} must be a mapping`);
      return undefined;
    }
    return read();
  }

  private http(node: Node): HttpSettings | undefined {
    const f = this.fields(node as YAMLMap, ['path', 'address'] as const, 'http field');
    const p = f.path === undefined ? DEFAULT_HTTP.path : this.checked(f.path, node, 'http.path', true, rules.checkHttpPath);
    const a = f.address === undefined ? DEFAULT_HTTP.address : this.checked(f.address, node, 'http.address', true, rules.checkAddress);
    return p !== undefined && a !== undefined ? { path: p, address: a } : undefined;
  }

  private database(node: Node): DatabaseSettings | undefined {
    const f = this.fields(node as YAMLMap, ['table', 'columns', 'connection_config'] as const, 'database field');
    const table = this.checked(f.table, node, 'database.table', true, (v) => rules.checkSqlIdentifier(v, 'table'));
    let columns: string[] | undefined = ['payload'];
    if (f.columns !== undefined) {
      const items = isSeq(f.columns) ? (f.columns.items as Node[]).map((n) => this.deref(n)!) : [f.columns];
      const cols = items.map((n) => this.checked(n, f.columns!, 'database.columns', true, (v) => rules.checkSqlIdentifier(v, 'column')));
      columns = cols.every((c) => c !== undefined) && cols.length > 0 ? (cols as string[]) : undefined;
      if (cols.length === 0) this.report(f.columns, 'database.columns is empty', 'name at least one column');
      if (columns && new Set(columns).size !== columns.length) {
        this.report(f.columns, 'database.columns lists a column twice');
        columns = undefined;
      }
    }
    const conn = f.connection_config === undefined ? DEFAULT_DB_CONNECTION_CONFIG : this.checked(f.connection_config, node, 'database.connection_config', true, rules.checkConfigName);
    return table !== undefined && columns && conn !== undefined ? { table, columns, connection_config: conn } : undefined;
  }

  /** Rules that span tasks: unique component names, no two HTTP servers on one address and host. */
  private crossTaskChecks(tasks: Task[]): void {
    const byName = new Map<string, Task>();
    for (const t of tasks) {
      const first = byName.get(t.component_name);
      if (first) {
        this.diags.push({ ...t.pos, message: `component_name "${t.component_name}" is already used by task "${first.name}" (line ${first.pos.line})`, hint: 'component names must be unique: they name the OCI repository and the wadm app' });
      } else byName.set(t.component_name, t);
    }
    const listeners = new Map<string, Task>();
    for (const t of tasks) {
      if (!t.http) continue;
      for (const target of t.targets) {
        const key = `${target} ${t.http.address}`;
        const first = listeners.get(key);
        if (first && first !== t) {
          this.diags.push({ ...t.pos, message: `task "${t.name}" and task "${first.name}" (line ${first.pos.line}) both serve HTTP on ${t.http.address} on "${target}" hosts`, hint: 'give one of them another http.address port' });
        } else listeners.set(key, t);
      }
    }
  }
}

// A `key:` with no value is kept as a marker node so "missing" can point at the key itself.
const NULL_MARK = Symbol('null');
function nullMarker(keyNode: Node): Node {
  return Object.assign(Object.create(keyNode), { [NULL_MARK]: true }) as Node;
}
function isNullMarker(node: Node | undefined): boolean {
  return !!node && (node as unknown as Record<symbol, boolean>)[NULL_MARK] === true;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function yamlHint(code: string): string | undefined {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'each field may appear once per mapping';
    case 'TAB_AS_INDENT':
      return 'indent with spaces, not tabs';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
      return 'check the indentation and the ":" after each field name';
    case 'BLOCK_AS_IMPLICIT_KEY':
      return 'a value may be missing its ":" or be indented wrongly';
    default:
      return undefined;
  }
}
