/** Lines for a terminal: progress events and the final tables of deploy, remove and status. */
import { table } from '../common/table.js';
import type { DeployEvent, DeployResult, RemoveResult, StatusResult } from './deploy.js';


export function eventLine(e: DeployEvent): string {
  return `${e.app}: ${e.text}`;
}

const secs = (ms: number | undefined) => (ms === undefined ? '' : `${(ms / 1000).toFixed(2)} s`);

export function deploySummary(r: DeployResult): { out: string[]; err: string[] } {
  const rows = r.apps.map((a) => [a.app, a.version, a.action ?? '', a.outcome, secs(a.deployedMs), a.pinned ? 'pinned' : 'tags']);
  const out = [`Lattice ${r.lattice} on ${r.server}:`, ...table(['app', 'version', 'action', 'state', 'time', 'images'], rows)];
  const err = r.apps.filter((a) => a.outcome !== 'deployed').map((a) => `error: ${a.app} ${a.version}: ${a.outcome === 'error' ? '' : `${a.outcome}: `}${a.message ?? ''}`);
  if (err.length) err.push(`${err.length} of ${r.apps.length} app${r.apps.length === 1 ? '' : 's'} not deployed`);
  return { out, err };
}

export function removeSummary(r: RemoveResult): { out: string[]; err: string[] } {
  const rows = r.apps.map((a) => [a.app, a.outcome, a.versions.join(',')]);
  const out = [`Lattice ${r.lattice} on ${r.server}:`, ...table(['app', 'result', 'kept versions'], rows)];
  const err = r.apps.filter((a) => a.outcome === 'error' || a.outcome === 'timeout').map((a) => `error: ${a.app}: ${a.message ?? a.outcome}`);
  return { out, err };
}

export function statusTable(r: StatusResult): string[] {
  const rows = r.apps.map((a) => [a.app, a.version, a.deployedVersion ?? '-', a.latestVersion ?? '-', a.status, a.message]);
  return [`Lattice ${r.lattice} on ${r.server}:`, ...table(['app', 'gen version', 'deployed', 'latest stored', 'state', 'message'], rows)];
}
