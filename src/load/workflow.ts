/**
 * Reads workflow.yaml, checks every field and returns the normalized model. All problems are collected
 * and reported together with their line and column; nothing is returned when any is found.
 */
import path from 'node:path';
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  visit,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';
import { didYouMean, UserInputError, type Diagnostic } from '../common/diagnostics.js';
import type {
  DatabaseSettings,
  HttpAuth,
  HttpSettings,
  HttpTls,
  Placement,
  ProviderImages,
  SourcePos,
  Task,
  Workflow,
} from '../model/workflow.js';
import { loadCatalog, type FieldRule, type TemplateSpec } from '../templates/catalog.js';
import * as httpRules from './httpRules.js';
import { parseSocket, socketsClash, type Socket } from './network.js';
import * as rules from './rules.js';
import { decodeUtf8, findWorkflow, WORKFLOW_FILE } from './source.js';
import { readTaskFile, resolveTaskFile } from './taskFile.js';

export { WORKFLOW_FILE };

export const DEFAULT_REGISTRY = 'localhost:5000';
export const DEFAULT_LATTICE = 'default';
export const DEFAULT_PROVIDERS: ProviderImages = {
  messaging: 'ghcr.io/wasmcloud/messaging-nats:0.27.0',
  http: 'ghcr.io/wasmcloud/http-server:0.27.0',
  postgres: 'ghcr.io/wasmcloud/sqldb-postgres:0.10.0',
};
export const DEFAULT_HTTP: HttpSettings = {
  path: '/',
  address: '0.0.0.0:8000',
  max_body: httpRules.DEFAULT_MAX_BODY,
  timeout_ms: httpRules.DEFAULT_HTTP_TIMEOUT_MS,
};
export const DEFAULT_DB_CONNECTION_CONFIG = 'pelato-postgres';
/** dbsync_nats without `database:`: the whole result goes into this one text column. */
export const DEFAULT_DB_COLUMN = 'payload';

/** A table name as SQL text: quoted only when it is not a plain identifier. */
function sqlName(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name}"`;
}

/** The table of a dbsync task without `database.table`: its component name, as a plain SQL identifier. */
export function defaultTable(component: string): string {
  return component.replace(/-/g, '_');
}

/**
 * The fields each mapping of workflow.yaml takes, by where it stands (`x-` keys aside). The JSON Schema
 * (schema/workflow.schema.json) must name the same ones: __tests__/load/schema-fields.test.ts checks it.
 */
export const FIELDS = {
  project: ['project_name', 'registry', 'lattice', 'providers', 'tasks'],
  providers: ['messaging', 'http', 'postgres'],
  task: [
    'name',
    'type',
    'code',
    'targets',
    'target',
    'source_topic',
    'dest_topic',
    'component_name',
    'version',
    'placement',
    'instances',
    'config',
    'http',
    'database',
  ],
  http: ['path', 'address', 'max_body', 'timeout', 'auth', 'tls'],
  'http.auth': ['type', 'token_env'],
  'http.tls': ['cert_file', 'key_file'],
  database: ['table', 'columns', 'connection_config'],
} as const;
const PROJECT_KEYS = FIELDS.project;
const TASK_KEYS = FIELDS.task;
export const PLACEMENTS: readonly Placement[] = ['every_host', 'spread'];

/** Two spellings of one field (the seed documents use both). */
const FIELD_ALIASES: Record<string, string> = { target: 'targets', targets: 'target' };

/** Settings that may come from the command line or the environment and override workflow.yaml. */
export interface LoadOverrides {
  registry?: string;
  lattice?: string;
  /** Use the hosts' builtin messaging and HTTP providers instead of workflow.yaml's or the default images. */
  builtinProviders?: boolean;
  /** Warnings become errors (`--strict`, PELATO_STRICT): for CI that wants every default spelt out. */
  strict?: boolean;
}

/** Provider references of a host's builtin providers (wasmCloud 1.x, WASMCLOUD_EXPERIMENTAL_FEATURES). */
export const BUILTIN_PROVIDERS = {
  messaging: 'wasmcloud+builtin://messaging-nats',
  http: 'wasmcloud+builtin://http-server',
} as const;

export function loadWorkflow(dir: string, overrides: LoadOverrides = {}): Workflow {
  const projectDir = path.resolve(dir);
  const src = findWorkflow(dir);
  const decoded = decodeUtf8(src.bytes, src.display, path.basename(src.abs));
  if ('message' in decoded) throw new UserInputError([decoded], src.warnings);
  return new WorkflowReader(decoded.text, src.display, projectDir, src.abs, overrides, src.warnings).read();
}

/** Parses from text; used by loadWorkflow and by tests that need no file on disk for workflow.yaml. */
export function parseWorkflow(
  text: string,
  displayFile: string,
  projectDir: string,
  overrides: LoadOverrides = {},
): Workflow {
  return new WorkflowReader(text, displayFile, projectDir, path.join(projectDir, WORKFLOW_FILE), overrides, []).read();
}

/** What a missing field is for, in the hint of its "missing" message. */
const FIELD_HINTS: Record<string, string> = {
  name: 'a display name, e.g. name: Convert readings',
  type: 'the template: processor_nats, producer_nats, http_producer_nats or dbsync_nats',
  code: 'the task file inside tasks/, e.g. code: convert.go',
  component_name: 'lowercase letters, digits, "_" or "-", e.g. component_name: convert',
  version: 'a semantic version, e.g. version: 1.0.0',
  source_topic: 'the NATS subject to read, e.g. source_topic: sensors.raw',
  dest_topic: 'the NATS subject to publish to, e.g. dest_topic: sensors.clean',
  project_name: 'a display name for the project',
};

/** Fields of a task; at the top level they mean the task's lines lost their indentation. */
const TASK_KEY_SET = new Set<string>(TASK_KEYS);

class WorkflowReader {
  private readonly lc = new LineCounter();
  private readonly diags: Diagnostic[] = [];
  private readonly catalog = loadCatalog();
  private doc!: Document.Parsed;
  private strayTaskFields = 0;
  /** The project's providers, known before the tasks are read (http.tls depends on them). */
  private providers_?: ProviderImages;

  constructor(
    private readonly text: string,
    private readonly displayFile: string,
    private readonly projectDir: string,
    private readonly absFile: string,
    private readonly overrides: LoadOverrides,
    private readonly warnings: Diagnostic[],
  ) {}

  /** Errors found so far, with the warnings: strict mode makes the warnings errors too. */
  private fail(): never {
    const warnings = this.sortedList(this.warnings);
    if (this.overrides.strict) throw new UserInputError(this.sortedList([...this.diags, ...this.strictErrors()]));
    throw new UserInputError(this.sortedList(this.diags), warnings);
  }

  private strictErrors(): Diagnostic[] {
    return this.warnings.map((w) => ({
      ...w,
      hint: `${w.hint ? `${w.hint}; ` : ''}a warning, an error with --strict`,
    }));
  }

  read(): Workflow {
    const text = this.text.replace(/^\uFEFF/, '');
    // `merge` accepts `<<: *defaults`, which teams use to share fields between tasks.
    const docs = parseAllDocuments(text, { lineCounter: this.lc, prettyErrors: false, uniqueKeys: true, merge: true });
    const all = Array.isArray(docs) ? docs : [];
    const doc = all[0];
    if (!doc) {
      this.report(
        undefined,
        `${path.basename(this.displayFile)} is empty`,
        'start with "project_name:" and a "tasks:" list',
      );
      this.fail();
    }
    this.doc = doc;
    // One syntax error usually causes a cascade of follow-up errors that point at the wrong places;
    // the first one is the one to fix.
    const first = all.flatMap((d) => d.errors)[0];
    if (first) {
      const p = this.lc.linePos(first.pos[0]);
      const count = all.reduce((n, d) => n + d.errors.length, 0);
      const more = count > 1 ? ` (${count - 1} more may follow from it)` : '';
      this.diags.push({
        file: this.displayFile,
        line: p.line,
        col: p.col,
        message: `YAML syntax: ${firstLine(first.message)}${more}`,
        hint: yamlHint(first.code),
      });
      this.fail();
    }
    this.severalDocuments(all);
    for (const w of doc.warnings) {
      const p = this.lc.linePos(w.pos[0]);
      this.warnings.push({
        file: this.displayFile,
        line: p.line,
        col: p.col,
        message: `YAML: ${firstLine(w.message)}`,
        hint: w.code === 'TAG_RESOLVE_FAILED' ? 'the tag is ignored; remove it' : undefined,
      });
    }
    this.undefinedAliases(doc);
    if (this.diags.length) this.fail();
    if (doc.contents === null) {
      this.report(
        undefined,
        `${path.basename(this.displayFile)} is empty`,
        'start with "project_name:" and a "tasks:" list',
      );
      this.fail();
    }
    const root = doc.contents;
    if (!isMap(root)) {
      this.report(
        root,
        'the top level of workflow.yaml must be a mapping',
        'start with "project_name:" and a "tasks:" list',
      );
      this.fail();
    }
    const fields = this.fields(root, PROJECT_KEYS, 'project field');
    const project_name = this.projectName(fields.project_name, root);
    const registry = this.projectSetting(
      fields.registry,
      'registry',
      this.overrides.registry,
      DEFAULT_REGISTRY,
      rules.checkRegistry,
    );
    const lattice = this.projectSetting(
      fields.lattice,
      'lattice',
      this.overrides.lattice,
      DEFAULT_LATTICE,
      rules.checkLattice,
    );
    const providers = {
      ...this.providers(fields.providers),
      ...(this.overrides.builtinProviders ? BUILTIN_PROVIDERS : {}),
    };
    this.providers_ = providers;
    // Task fields that lost their indentation: the tasks would only repeat "missing …" for each.
    const tasks = this.strayTaskFields ? [] : this.tasks(fields.tasks, root);
    if (this.diags.length || (this.overrides.strict && this.warnings.length)) this.fail();
    return {
      project_name,
      registry,
      lattice,
      providers,
      tasks,
      dir: this.projectDir,
      file: this.absFile,
      warnings: this.sortedList(this.warnings),
    };
  }

  /** A second document is an error, unless it holds nothing (a trailing "---"), which is a warning. */
  private severalDocuments(all: Document.Parsed[]): void {
    for (const d of all.slice(1)) {
      const p = this.lc.linePos(d.range[0]);
      const at = { file: this.displayFile, line: p.line, col: 1 };
      if (d.contents === null) {
        this.warnings.push({
          ...at,
          message: 'an empty YAML document follows the workflow ("---" or "...")',
          hint: 'remove the extra "---"',
        });
      } else {
        this.diags.push({
          ...at,
          message: `${path.basename(this.displayFile)} holds more than one YAML document: another one starts here`,
          hint:
            'a workflow is one document: remove the "---" (or "...") line before this one ' +
            'and merge the fields into the first',
        });
        return;
      }
    }
  }

  /** `*name` without an `&name` before it: the yaml library keeps it unresolved, so say so here. */
  private undefinedAliases(doc: Document.Parsed): void {
    visit(doc, {
      Alias: (_, node) => {
        if (node.resolve(doc) === undefined) {
          this.report(
            node as unknown as Node,
            `alias *${node.source} refers to no anchor`,
            `define "&${node.source}" before it (anchors must come before their aliases)`,
          );
        }
      },
    });
  }

  private projectName(node: Node | undefined, root: Node): string {
    if (node === undefined) {
      // The seed README's example has none: default to the folder's name.
      const folder = path.basename(this.projectDir);
      const name = folder.trim() !== '' && !rules.checkText(folder, 'the folder name') ? folder : 'project';
      this.warnings.push({
        ...this.pos(root),
        message: `project_name is missing; using the folder's name "${name}"`,
        hint: 'add "project_name: <name>" at the top',
      });
      return name;
    }
    return this.text_(node, root, 'project_name', true) ?? '';
  }

  // ---- positions and reporting -------------------------------------------------------------------

  private pos(node: Node | Pair | undefined | null): SourcePos {
    const range =
      node && 'range' in node ? node.range : node && 'key' in node ? (node.key as Node | null)?.range : undefined;
    const p = range ? this.lc.linePos(range[0]) : { line: 1, col: 1 };
    return { file: this.displayFile, line: p.line, col: p.col };
  }

  private report(node: Node | Pair | undefined | null, message: string, hint?: string): void {
    this.diags.push({ ...this.pos(node), message, hint });
  }

  private warn(node: Node | Pair | undefined | null, message: string, hint?: string): void {
    this.warnings.push({ ...this.pos(node), message, hint });
  }

  private problem(node: Node | undefined | null, p: rules.Problem | undefined): boolean {
    if (!p) return true;
    if (p.at) this.diags.push({ ...p.at, message: p.message, hint: p.hint });
    else this.report(node, p.message, p.hint);
    return false;
  }

  private sortedList(list: Diagnostic[]): Diagnostic[] {
    // Workflow problems first in file order, then problems inside task files.
    return [...list].sort((a, b) =>
      a.file === b.file
        ? a.line - b.line || a.col - b.col
        : a.file === this.displayFile
          ? -1
          : b.file === this.displayFile
            ? 1
            : a.file.localeCompare(b.file),
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
          else
            this.report(
              keyNode,
              'a "<<" merge key must refer to a mapping',
              'point it at an anchored mapping, e.g. <<: *defaults with x-defaults: &defaults { … }',
            );
        }
        continue;
      }
      this.field(pair, known, what, out, true);
    }
    for (const pair of merged) this.field(pair, known, what, out, false);
    return out;
  }

  private field<K extends string>(
    pair: Pair<unknown, unknown>,
    known: readonly K[],
    what: string,
    out: Partial<Record<K, Node>>,
    own: boolean,
  ): void {
    const keyNode = pair.key as Node | null;
    const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
    if (key === undefined) {
      this.report(keyNode, `${what} names must be plain strings`, 'write the field name as plain text, e.g. name:');
      return;
    }
    // Extension fields, as in docker compose: ignored, so they can hold anchors (`x-defaults: &d`).
    if (key.startsWith('x-')) return;
    if (!(known as readonly string[]).includes(key)) {
      if (what === 'project field' && TASK_KEY_SET.has(key)) {
        this.strayTaskFields++;
        this.report(
          keyNode,
          `"${key}" is a task field, but it is at the top level`,
          'indent it under its task (the lines after "- name: …"), e.g. by 4 spaces',
        );
        return;
      }
      const guess = didYouMean(key, known);
      this.report(
        keyNode,
        `unknown ${what} "${key}"`,
        guess ? `did you mean "${guess}"?` : `known: ${known.join(', ')}`,
      );
      return;
    }
    // A merged field never overrides one the mapping sets itself, under either spelling.
    if (!own && (out[key as K] !== undefined || (FIELD_ALIASES[key] && out[FIELD_ALIASES[key] as K] !== undefined)))
      return;
    const value = this.deref(pair.value as Node | null);
    out[key as K] =
      value === undefined || (isScalar(value) && value.value === null) ? nullMarker(keyNode as Node) : value;
  }

  /** A string scalar; numbers and booleans are refused so that `version: 1.0` does not silently become "1". */
  private string_(
    node: Node | undefined,
    parent: Node,
    key: string,
    required: boolean,
    what = key,
  ): string | undefined {
    if (node === undefined || isNullMarker(node)) {
      if (required)
        this.report(
          isNullMarker(node) ? node : parent,
          `missing ${what}`,
          node ? `give ${key} a value` : `add "${key}: …"${FIELD_HINTS[key] ? ` (${FIELD_HINTS[key]})` : ''}`,
        );
      return undefined;
    }
    if (!isScalar(node)) {
      this.report(
        node,
        `${what} must be a single value, not a ${isSeq(node) ? 'list' : 'mapping'}`,
        `write one value: ${key}: …`,
      );
      return undefined;
    }
    if (typeof node.value !== 'string') {
      const src = this.source(node);
      this.report(node, `${what} must be a string, got ${typeof node.value} ${src}`, `quote it: ${key}: "${src}"`);
      return undefined;
    }
    if (!node.value.isWellFormed()) {
      this.report(
        node,
        `${what} contains an unpaired surrogate (invalid Unicode)`,
        'remove the escape sequence ("\\uD8…") or complete the pair',
      );
      return undefined;
    }
    return node.value;
  }

  /** Free text (names): any string without control characters. */
  private text_(node: Node | undefined, parent: Node, key: string, required: boolean): string | undefined {
    const v = this.string_(node, parent, key, required);
    if (v === undefined) return undefined;
    if (v.trim() === '') {
      this.report(node, `${key} is empty`, `give ${key} a value`);
      return undefined;
    }
    return this.problem(node, rules.checkText(v, key)) ? v : undefined;
  }

  private checked(
    node: Node | undefined,
    parent: Node,
    key: string,
    required: boolean,
    check: (v: string) => rules.Problem | undefined,
  ): string | undefined {
    const v = this.string_(node, parent, key, required);
    if (v === undefined) return undefined;
    return this.problem(node, check(v)) ? v : undefined;
  }

  private source(node: Node): string {
    return node.range
      ? this.text.slice(node.range[0], node.range[1]).trim()
      : String((node as { value?: unknown }).value);
  }

  // ---- project level -----------------------------------------------------------------------------

  private projectSetting(
    node: Node | undefined,
    key: string,
    override: string | undefined,
    fallback: string,
    check: (v: string) => rules.Problem | undefined,
  ): string {
    if (override !== undefined && override !== '') {
      const p = check(override);
      if (p)
        this.diags.push({
          file: this.displayFile,
          line: 1,
          col: 1,
          message: `${p.message} (given on the command line or in the environment)`,
          hint: p.hint,
        });
      return override;
    }
    return node === undefined ? fallback : (this.checked(node, node, key, true, check) ?? fallback);
  }

  private providers(node: Node | undefined): ProviderImages {
    const out = { ...DEFAULT_PROVIDERS };
    if (node === undefined) return out;
    if (!isMap(node)) {
      this.report(
        node,
        'providers must be a mapping',
        'e.g. providers: { messaging: wasmcloud+builtin://messaging-nats }',
      );
      return out;
    }
    const f = this.fields(node, FIELDS.providers, 'provider');
    for (const k of FIELDS.providers) {
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
      this.report(
        node,
        `task #${index + 1} must be a mapping of fields`,
        'e.g. "- name: Convert" followed by type, code, ...',
      );
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
        this.report(
          f.type,
          `unknown task type "${type}"`,
          guess ? `did you mean "${guess}"?` : `known types: ${types.join(', ')}`,
        );
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
      this.report(
        f.dest_topic,
        `dest_topic is the same as source_topic ("${dest_topic}")`,
        'the task would consume its own output forever; use another topic',
      );
    } else if (
      source_topic !== undefined &&
      dest_topic !== undefined &&
      rules.subjectMatches(source_topic, dest_topic)
    ) {
      this.report(
        f.dest_topic,
        `dest_topic "${dest_topic}" matches source_topic "${source_topic}"`,
        'the task would consume its own output forever; use a topic its subscription does not match',
      );
    }
    const http = this.block(f.http, node, 'http', spec, () => this.http(f.http!));
    let database = this.block(f.database, node, 'database', spec, () => this.database(f.database!, component_name));
    if (spec && spec.fields.database !== 'forbidden' && f.database === undefined && component_name) {
      // The seed's dbsync tasks have no database block: one text column in a table named after the task.
      database = {
        table: defaultTable(component_name),
        columns: [DEFAULT_DB_COLUMN],
        connection_config: DEFAULT_DB_CONNECTION_CONFIG,
      };
      this.warn(
        node,
        `no database block: rows go to column "${DEFAULT_DB_COLUMN}" of table "${database.table}"`,
        `create it with CREATE TABLE ${sqlName(database.table)} (${DEFAULT_DB_COLUMN} text), ` +
          'or add "database: { table: …, columns: […] }"',
      );
    }
    if (spec && code && !spec.languages[code.language]) {
      this.report(
        f.code,
        `type ${spec.type} has no ${code.language === 'go' ? 'Go' : 'JavaScript/TypeScript'} template`,
        `languages of ${spec.type}: ${Object.keys(spec.languages).join(', ')}`,
      );
    }
    if (this.diags.length > before || !spec || !code || !targets || name === undefined || !component_name || !version)
      return undefined;
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
      positions: Object.fromEntries(Object.entries(f).map(([k, v]) => [k, this.pos(v as Node)])),
      ...(code.entry ? { entry: code.entry } : {}),
    };
  }

  private code(
    node: Node | undefined,
    parent: Node,
  ): { rel: string; abs: string; language: string; entry?: string } | undefined {
    const v = this.string_(node, parent, 'code', true);
    if (v === undefined) return undefined;
    const r = resolveTaskFile(path.join(this.projectDir, 'tasks'), v);
    if ('message' in r) {
      this.problem(node, r);
      return undefined;
    }
    const display = path.join(path.dirname(this.displayFile), 'tasks', r.rel);
    const checked = readTaskFile(r, display);
    for (const p of checked.problems) this.problem(node, p);
    return checked.problems.length ? undefined : { ...r, entry: checked.entry };
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
        this.report(item, `target "${v}" is listed twice`, 'list each host-type once');
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
    this.report(
      node,
      `placement must be ${PLACEMENTS.map((p) => `"${p}"`).join(' or ')}, got ${this.source(node)}`,
      guess
        ? `did you mean "${guess}"?`
        : 'every_host runs the task on every host of its targets (the default); spread spreads a number of instances',
    );
    return 'every_host';
  }

  private instances(node: Node | undefined, fallback: number): number {
    if (node === undefined) return fallback;
    if (isNullMarker(node)) {
      this.report(node, 'instances has no value', 'give a whole number, or remove it for one instance per target');
      return fallback;
    }
    if (
      isScalar(node) &&
      typeof node.value === 'number' &&
      Number.isInteger(node.value) &&
      node.value >= 1 &&
      node.value <= 1000
    )
      return node.value;
    this.report(node, `instances must be a whole number from 1 to 1000, got ${this.source(node)}`, 'e.g. instances: 2');
    return fallback;
  }

  private config(node: Node | undefined): Record<string, string> {
    const out: Record<string, string> = {};
    if (node === undefined || isNullMarker(node)) return out;
    if (!isMap(node)) {
      this.report(node, 'config must be a mapping of names to values', 'e.g. config: { threshold: "300" }');
      return out;
    }
    const seen = new Map<string, Node>();
    for (const pair of node.items) {
      const k = pair.key as Node;
      const v = this.deref(pair.value as Node | null) ?? null;
      // A key is the text it is written as: `1.0` stays "1.0", as values do.
      const key =
        isScalar(k) && k.value !== null ? (typeof k.value === 'string' ? k.value : this.source(k)) : undefined;
      if (key === undefined) {
        this.report(k ?? v ?? node, 'config keys must be plain names', 'e.g. config: { threshold: "300" }');
        continue;
      }
      if (key === '<<') {
        this.report(k, 'merge keys ("<<") are not read inside config', 'write the config values out');
        continue;
      }
      if (!this.problem(k, rules.checkConfigKey(key))) continue;
      const earlier = seen.get(key);
      if (earlier) {
        this.report(
          k,
          `config key "${key}" is given twice (line ${this.pos(earlier).line})`,
          'keys are compared as text: 1 and "1" are the same key',
        );
        continue;
      }
      seen.set(key, k);
      if (!isScalar(v) || v.value === null) {
        this.report(
          v ?? k,
          `config value for "${key}" must be a single value`,
          'config values are text: write one value, e.g. "a,b" for a list',
        );
        continue;
      }
      // Numbers and booleans keep their spelling from the file (`1.50` stays "1.50").
      const value = typeof v.value === 'string' ? v.value : this.source(v);
      if (this.problem(v, rules.checkText(value, `config value for "${key}"`))) out[key] = value;
    }
    return out;
  }

  private topic(
    node: Node | undefined,
    parent: Node,
    key: string,
    rule: FieldRule | undefined,
    spec: TemplateSpec | undefined,
    wildcards: boolean,
  ): string | undefined {
    if (rule === 'forbidden' && node !== undefined) {
      this.report(node, `${key} is not used by type ${spec!.type}`, 'remove it');
      return undefined;
    }
    const v = this.checked(node, parent, key, rule === 'required', (v) => rules.checkSubject(v, wildcards));
    if (v?.startsWith('$'))
      this.warn(
        node,
        `topic "${v}" starts with "$": NATS reserves such subjects ($SYS, $JS, …) for the server`,
        'use a subject of your own',
      );
    return v;
  }

  private block<T>(
    node: Node | undefined,
    parent: Node,
    key: string,
    spec: TemplateSpec | undefined,
    read: () => T | undefined,
  ): T | undefined {
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
      this.report(
        node,
        `${key} must be a mapping`,
        key === 'http'
          ? 'e.g. http: { path: /readings, address: 0.0.0.0:8000 }'
          : 'e.g. database: { table: readings, columns: [sensor, value] }',
      );
      return undefined;
    }
    return read();
  }

  private http(node: Node): HttpSettings | undefined {
    const f = this.fields(node as YAMLMap, FIELDS.http, 'http field');
    const p =
      f.path === undefined ? DEFAULT_HTTP.path : this.checked(f.path, node, 'http.path', true, rules.checkHttpPath);
    const a =
      f.address === undefined
        ? DEFAULT_HTTP.address
        : this.checked(f.address, node, 'http.address', true, rules.checkAddress);
    const maxBody =
      f.max_body === undefined ? DEFAULT_HTTP.max_body : this.parsed(f.max_body, 'http.max_body', httpRules.parseSize);
    const timeout =
      f.timeout === undefined
        ? DEFAULT_HTTP.timeout_ms
        : this.parsed(f.timeout, 'http.timeout', httpRules.parseHttpTimeout);
    const auth = f.auth === undefined ? undefined : this.httpAuth(f.auth);
    const tls = f.tls === undefined ? undefined : this.httpTls(f.tls);
    if (
      p === undefined ||
      a === undefined ||
      maxBody === undefined ||
      timeout === undefined ||
      auth === null ||
      tls === null
    )
      return undefined;
    return {
      path: p,
      address: a,
      max_body: maxBody,
      timeout_ms: timeout,
      ...(auth ? { auth } : {}),
      ...(tls ? { tls } : {}),
    };
  }

  /**
   * A string or number scalar parsed by `parse` (which explains a bare number it refuses);
   * undefined after reporting.
   */
  private parsed<T>(node: Node, key: string, parse: (v: string) => T | rules.Problem): T | undefined {
    const raw =
      isScalar(node) && typeof node.value === 'number' ? String(node.value) : this.string_(node, node, key, true);
    if (raw === undefined) return undefined;
    const r = parse(raw);
    if (typeof r === 'object' && r !== null && 'message' in r) {
      this.problem(node, r);
      return undefined;
    }
    return r as T;
  }

  /** `auth: bearer` or `auth: { type: bearer, token_env: NAME }`; null after reporting. */
  private httpAuth(node: Node): HttpAuth | null {
    const bearer = (v: Node | undefined, parent: Node) => {
      const t = this.string_(v, parent, 'http.auth.type', true);
      if (t === undefined) return false;
      if (t === 'bearer') return true;
      this.report(
        v,
        `http.auth type "${t}" is not supported`,
        'use bearer: requests then need "Authorization: Bearer <token>"',
      );
      return false;
    };
    if (isScalar(node)) return bearer(node, node) ? { type: 'bearer', token_env: httpRules.DEFAULT_TOKEN_ENV } : null;
    if (!isMap(node)) {
      this.report(
        node,
        'http.auth must be "bearer" or a mapping',
        'e.g. auth: { type: bearer, token_env: SENSOR_TOKEN }',
      );
      return null;
    }
    const f = this.fields(node, FIELDS['http.auth'], 'http.auth field');
    const ok = bearer(f.type, node);
    const env =
      f.token_env === undefined
        ? httpRules.DEFAULT_TOKEN_ENV
        : this.checked(f.token_env, node, 'http.auth.token_env', true, httpRules.checkTokenEnv);
    return ok && env !== undefined ? { type: 'bearer', token_env: env } : null;
  }

  /** `tls: { cert_file, key_file }`; null after reporting. */
  private httpTls(node: Node): HttpTls | null {
    if (!isMap(node)) {
      this.report(
        node,
        'http.tls must be a mapping',
        'e.g. tls: { cert_file: /etc/pelato/tls/cert.pem, key_file: /etc/pelato/tls/key.pem }',
      );
      return null;
    }
    const f = this.fields(node, FIELDS['http.tls'], 'http.tls field');
    const cert = this.checked(f.cert_file, node, 'http.tls.cert_file', true, (v) =>
      httpRules.checkTlsFile(v, 'cert_file'),
    );
    const key = this.checked(f.key_file, node, 'http.tls.key_file', true, (v) => httpRules.checkTlsFile(v, 'key_file'));
    if (cert === undefined || key === undefined) return null;
    if (this.providers_?.http.startsWith('wasmcloud+builtin://')) {
      // The builtin provider of wasmCloud 1.x hosts reads only `address` from its link and serves plain
      // HTTP: letting tls through would serve cleartext while the workflow says HTTPS.
      this.report(
        node,
        'http.tls needs the http-server provider image: ' +
          `the hosts' builtin http-server (${this.providers_.http}) serves plain HTTP only`,
        this.overrides.builtinProviders
          ? 'drop --builtin-providers / PELATO_BUILTIN_PROVIDERS for this project'
          : 'set providers.http to an http-server image (default ghcr.io/wasmcloud/http-server:0.27.0)',
      );
      return null;
    }
    return { cert_file: cert, key_file: key };
  }

  private database(node: Node, component: string | undefined): DatabaseSettings | undefined {
    const f = this.fields(node as YAMLMap, FIELDS.database, 'database field');
    const table =
      f.table === undefined
        ? component
          ? defaultTable(component)
          : undefined
        : this.checked(f.table, node, 'database.table', true, (v) => rules.checkSqlIdentifier(v, 'table'));
    let columns: string[] | undefined = [DEFAULT_DB_COLUMN];
    if (f.columns !== undefined) {
      const items = isSeq(f.columns) ? (f.columns.items as Node[]).map((n) => this.deref(n)!) : [f.columns];
      const cols = items.map((n) =>
        this.checked(n, f.columns!, 'database.columns', true, (v) => rules.checkSqlIdentifier(v, 'column')),
      );
      columns = cols.every((c) => c !== undefined) && cols.length > 0 ? (cols as string[]) : undefined;
      if (cols.length === 0) this.report(f.columns, 'database.columns is empty', 'name at least one column');
      if (columns && new Set(columns).size !== columns.length) {
        this.report(f.columns, 'database.columns lists a column twice', 'list each column once');
        columns = undefined;
      }
    }
    const conn =
      f.connection_config === undefined
        ? DEFAULT_DB_CONNECTION_CONFIG
        : this.checked(f.connection_config, node, 'database.connection_config', true, rules.checkConfigName);
    return table !== undefined && columns && conn !== undefined
      ? { table, columns, connection_config: conn }
      : undefined;
  }

  /** Rules that span tasks: unique component names, no two HTTP servers on one socket and host. */
  private crossTaskChecks(tasks: Task[]): void {
    const byName = new Map<string, Task>();
    for (const t of tasks) {
      const first = byName.get(t.component_name);
      if (first) {
        this.diags.push({
          ...(t.positions.component_name ?? t.pos),
          message:
            `component_name "${t.component_name}" is already used by task "${first.name}" ` +
            `(line ${(first.positions.component_name ?? first.pos).line})`,
          hint: 'component names must be unique: they name the OCI repository and the wadm app',
        });
      } else byName.set(t.component_name, t);
    }
    const listeners: Array<{ task: Task; target: string; socket: Socket }> = [];
    for (const t of tasks) {
      if (!t.http) continue;
      const socket = parseSocket(t.http.address);
      if ('problem' in socket) continue;
      for (const target of t.targets) {
        const first = listeners.find((l) => l.target === target && l.task !== t && socketsClash(l.socket, socket));
        if (first) {
          const same =
            first.task.http!.address === t.http.address
              ? t.http.address
              : `${t.http.address} and ${first.task.http!.address}`;
          this.diags.push({
            ...(t.positions.http ?? t.pos),
            message:
              `task "${t.name}" and task "${first.task.name}" (line ${first.task.pos.line}) ` +
              `both serve HTTP on ${same} on "${target}" hosts (port ${socket.port})`,
            hint: 'give one of them another http.address port',
          });
          break;
        }
        listeners.push({ task: t, target, socket });
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

function yamlHint(code: string): string {
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
    case 'MULTIPLE_DOCS':
      return 'a workflow is one YAML document: remove the "---" line';
    default:
      return 'check the quotes, brackets and indentation at this position';
  }
}
