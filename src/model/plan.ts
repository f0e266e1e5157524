/**
 * The plan: what generation decided for each task, written to `gen/plan.json` so that build and deploy
 * can run as separate steps (other jobs, other machines) without reading workflow.yaml again.
 */
import type { ProviderKind } from '../templates/catalog.js';
import type { HttpSettings, Placement } from './workflow.js';

export const PLAN_FILE = 'plan.json';
/** Written by build next to each wadm.yaml: the manifest with the component image pinned to its digest. */
export const PINNED_MANIFEST = 'wadm.pinned.yaml';
export const PLAN_SCHEMA_VERSION = 1;

export interface PlannedHttp extends Omit<HttpSettings, 'auth'> {
  /**
   * Bearer auth: the token is read from `token_env` at deploy time and put on the lattice as the named
   * config `config` (key HTTP_TOKEN_KEY), which the component lists and reads through wasi:config.
   */
  auth?: { type: 'bearer'; token_env: string; config: string };
}

/** Key of the auth config that holds the token (reserved: task config keys may not use it). */
export const HTTP_TOKEN_KEY = 'pelato_http_token';

export interface PlannedTask {
  /** Display name from workflow.yaml. */
  name: string;
  type: string;
  /** wadm application name (= component_name). */
  app: string;
  component_name: string;
  version: string;
  /** Image reference to push to and deploy, `registry/component_name:version`. */
  image: string;
  targets: string[];
  placement: Placement;
  instances: number;
  source_topic?: string;
  dest_topic?: string;
  /** HTTP templates: the path served, the provider's address, limits, and auth/TLS when configured. */
  http?: PlannedHttp;
  /** Language of the task file (`go`). */
  language: string;
  /** Task file relative to the project's tasks/ folder. */
  code: string;
  /** The task file's name inside the project folder, when it is not the basename of `code`. */
  task_file?: string;
  /** Project folder relative to gen/. */
  dir: string;
  /** wadm manifest relative to gen/. */
  manifest: string;
  wit_package: string;
  world: string;
  /** Interfaces the built component must export. */
  exports: string[];
  providers: ProviderKind[];
  template_revision: number;
  /** sha256 of everything that goes into the component (template revision, task code, rendered project). */
  content_hash: string;
}

export interface Plan {
  schema: number;
  project_name: string;
  registry: string;
  lattice: string;
  tasks: PlannedTask[];
}
