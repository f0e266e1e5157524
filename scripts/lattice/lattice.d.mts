// Types for lattice.mjs (plain JavaScript so it runs as a script without a build step).
import type { NatsConnection } from '@nats-io/transport-node';

export interface Ports {
  nats: number;
  leafnodes: number;
  monitor: number;
  leaf: number;
  leafMonitor: number;
  registry: number;
}
export const DEFAULT_PORTS: Readonly<Ports>;
export const FEATURES: string;
export function cacheDir(): string;
export function binaries(): { nats: string; registry: string; wadm: string; host: string };
export function natsServerBinary(): string;
export function registryBinary(): string;

export interface Proc {
  name: string;
  pid: number;
  logFile: string;
  hostType?: 'cloud' | 'edge';
  hostId?: string;
  readonly running: boolean;
  exited: Promise<{ code: number | null; signal: string | null }>;
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

export interface HostInfo {
  id: string;
  labels: Record<string, string>;
  friendlyName?: string;
}
export interface Inventory {
  host_id: string;
  labels: Record<string, string>;
  components: Array<{
    id: string;
    image_ref: string;
    max_instances: number;
    revision?: number;
    annotations?: Record<string, string>;
  }>;
  providers: Array<{ id: string; image_ref?: string }>;
}

export function wadmHosts(
  nc: NatsConnection,
  lattice: string,
): Promise<Record<string, { labels: Record<string, string>; id: string }>>;
export function pingHosts(nc: NatsConnection, lattice: string, waitMs?: number): Promise<HostInfo[]>;
export function inventory(nc: NatsConnection, lattice: string, hostId: string): Promise<Inventory>;
/** Every host that answers a ping, with its inventory (undefined when the host did not answer in time). */
export function inventories(
  nc: NatsConnection,
  lattice: string,
): Promise<Array<{ host: HostInfo; inventory?: Inventory; error?: Error }>>;

export class Lattice {
  dir: string;
  lattice: string;
  ports: Ports;
  procs: Map<string, Proc>;
  readonly natsUrl: string;
  readonly leafUrl: string;
  readonly registry: string;
  hosts(): Proc[];
  connect(): Promise<NatsConnection>;
  addHost(type: 'cloud' | 'edge', nc?: NatsConnection): Promise<Proc>;
  stopProc(name: string, signal?: NodeJS.Signals): Promise<void>;
  /** Stops a process (default SIGKILL) and starts it again with the same arguments after `downMs`. */
  restartProc(name: string, o?: { signal?: NodeJS.Signals; downMs?: number }): Promise<Proc>;
  save(): void;
  stop(): Promise<void>;
}

export interface StartOptions {
  dir?: string;
  lattice?: string;
  cloud?: number;
  edge?: number;
  ports?: Partial<Ports>;
  /** Shorter wadm cleanup interval and host heartbeat, so wadm forgets crashed hosts sooner. */
  reap?: { cleanupS: number; heartbeatMs: number };
}
export function start(options?: StartOptions): Promise<Lattice>;
export function stopFromState(dir: string): Promise<boolean>;
