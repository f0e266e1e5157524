/** Lines for a terminal: progress events and the final tables of deploy, remove and status. */
import { closingSummary } from '../common/failures.js';
import type { Phase } from '../common/progress.js';
import { table } from '../common/table.js';
import type { DeployEvent, DeployResult, RemoveResult, StatusResult } from './deploy.js';

export function eventLine(e: DeployEvent): string {
  return `${e.app}: ${e.text}`;
}

/** The progress phase a deploy (or remove) event puts its app in. */
export function eventPhase(e: DeployEvent, removing: boolean): Phase {
  switch (e.kind) {
    case 'manifest':
      return 'preparing';
    case 'put':
      return 'storing';
    case 'deploy':
      return removing ? 'undeploying' : 'deploying';
    case 'status':
      return 'reconciling';
    case 'wait':
      return 'waiting';
    case 'done':
      return removing ? 'removed' : 'deployed';
    case 'error':
      return 'failed';
  }
}

const secs = (ms: number | undefined) => (ms === undefined ? '' : `${(ms / 1000).toFixed(2)} s`);

export function deploySummary(r: DeployResult): { out: string[]; err: string[] } {
  const rows = r.apps.map((a) => [
    a.app,
    a.version,
    a.action ?? '',
    a.outcome,
    secs(a.deployedMs),
    a.pinned ? 'pinned' : 'tags',
  ]);
  const out = [
    `Lattice ${r.lattice} on ${r.server}:`,
    ...table(['app', 'version', 'action', 'state', 'time', 'images'], rows),
  ];
  const err = r.apps
    .filter((a) => a.outcome !== 'deployed')
    .map((a) => `error: ${a.app} ${a.version}: ${a.outcome === 'error' ? '' : `${a.outcome}: `}${a.message ?? ''}`);
  const failed = r.apps
    .filter((a) => a.outcome !== 'deployed')
    .map((a) => ({ task: a.app, error: `${a.outcome === 'error' ? '' : `${a.outcome}: `}${a.message ?? ''}` }));
  return { out, err: [...err, ...closingSummary(failed, r.apps.length, 'app', 'not deployed')] };
}

export function removeSummary(r: RemoveResult): { out: string[]; err: string[] } {
  const rows = r.apps.map((a) => [a.app, a.outcome, a.versions.join(',')]);
  const out = [`Lattice ${r.lattice} on ${r.server}:`, ...table(['app', 'result', 'kept versions'], rows)];
  const bad = r.apps.filter((a) => a.outcome === 'error' || a.outcome === 'timeout');
  const err = bad.map((a) => `error: ${a.app}: ${a.message ?? a.outcome}`);
  return {
    out,
    err: [
      ...err,
      ...closingSummary(
        bad.map((a) => ({ task: a.app, error: a.message ?? a.outcome })),
        r.apps.length,
        'app',
        'not removed',
      ),
    ],
  };
}

export function statusTable(r: StatusResult): string[] {
  const rows = r.apps.map((a) => [
    a.app,
    a.version,
    a.deployedVersion ?? '-',
    a.latestVersion ?? '-',
    a.status,
    a.message,
  ]);
  return [
    `Lattice ${r.lattice} on ${r.server}:`,
    ...table(['app', 'gen version', 'deployed', 'latest stored', 'state', 'message'], rows),
  ];
}
