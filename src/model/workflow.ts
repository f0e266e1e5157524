/**
 * The normalized, validated model of a user's workflow.yaml. Every later stage starts from this:
 * values here are already checked, defaults filled in, and each carries the source position it came
 * from so that later stages can still point the user at the right line.
 */

import type { Diagnostic } from '../common/diagnostics.js';

/** A place in a source file, 1-based, for messages of the form `file:line:col`. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

export interface HttpSettings {
  /** Request path the component answers (others get 404). */
  path: string;
  /** `IP:PORT` the http-server provider listens on. */
  address: string;
  /** Largest request body accepted, in bytes; larger requests get 413 before the body is read. */
  max_body: number;
  /** How long a request may take from its arrival to the end of its body, in ms (then 408). */
  timeout_ms: number;
  /** When set, every request needs `Authorization: Bearer <token>`. */
  auth?: HttpAuth;
  /** When set, the http-server provider serves HTTPS with this certificate and key. */
  tls?: HttpTls;
}

/**
 * Bearer-token authentication. The token itself is never part of the workflow, the generated files or
 * the manifests: deploy (and `pelato dev`) read it from the environment variable named here and put it
 * on the lattice as a named config the component reads at run time.
 */
export interface HttpAuth {
  type: 'bearer';
  /** Environment variable (or .env entry, or CI secret) holding the token. */
  token_env: string;
}

/** PEM files on the hosts that run the http-server provider. */
export interface HttpTls {
  cert_file: string;
  key_file: string;
}

export interface DatabaseSettings {
  table: string;
  /** One column: the whole result goes there. Several: the result must be a JSON object, one field per column. */
  columns: string[];
  /** Name of a wadm/wasmCloud named config that holds the POSTGRES_* connection settings. */
  connection_config: string;
}

/**
 * How wadm places a task's component. `every_host` (default): a daemonscaler on every host labelled with
 * one of the targets, the same hosts its providers run on. Measured on a real lattice: with the builtin
 * providers a message reaching a host that runs the provider but not the component is dropped, so a
 * spread placement loses messages as soon as a target has more hosts than instances. `spread`: a
 * spreadscaler with `instances` in total, weighted evenly over the targets (for providers that forward
 * to components on other hosts).
 */
export type Placement = 'every_host' | 'spread';

export interface Task {
  /** Display name; free text; becomes the app description. */
  name: string;
  type: string;
  /** Path of the task file relative to `tasks/` (normalized, forward slashes). */
  code: string;
  /** Absolute path of the task file on disk. */
  codePath: string;
  /** Language of the task file: `go`, or `js` for JavaScript and TypeScript. */
  language: string;
  targets: string[];
  source_topic?: string;
  dest_topic?: string;
  component_name: string;
  version: string;
  placement: Placement;
  /** every_host: concurrent instances on each host; spread: instances in total across the targets. */
  instances: number;
  config: Record<string, string>;
  http?: HttpSettings;
  database?: DatabaseSettings;
  /** Where the task's entry starts in workflow.yaml. */
  pos: SourcePos;
  /** Where each field the task sets is written (its value), for messages of later checks. */
  positions: Partial<Record<string, SourcePos>>;
  /**
   * JavaScript/TypeScript: the task file's own name for the function it exports as `execTask`, when
   * that is another name (`export { run as execTask }`); the generated copy binds execTask to it.
   */
  entry?: string;
}

export interface ProviderImages {
  messaging: string;
  http: string;
  postgres: string;
}

export interface Workflow {
  project_name: string;
  /** OCI registry (and optional namespace) that images are pushed to, e.g. `ghcr.io/acme/iot`. */
  registry: string;
  lattice: string;
  providers: ProviderImages;
  tasks: Task[];
  /** Absolute path of the project directory (holds workflow.yaml and tasks/). */
  dir: string;
  /** Absolute path of workflow.yaml (or workflow.yml). */
  file: string;
  /** Positioned warnings: accepted, printed, never blocking (unless --strict made them errors). */
  warnings: Diagnostic[];
}
