// The cluster's verbs: its list, status and history, and the day-2 operations. An operation
// prints the entity's answer (the child workflow running it, whose id `status`, `retry`,
// `approve` and `cancel` take); a refusal is its reason, exit 2.
import type { Client } from '@temporalio/client';
import type { ClusterStatus, OperationRecord } from '../../lib/cluster/cluster-status.js';
import { describeDifference } from '../../lib/cluster/drift.js';
import type { DriftReport } from '../../lib/cluster/live-cluster.js';
import { table } from '../../lib/format/table.js';
import type { OperationRequest } from '../../lib/cluster/cluster-entity.js';
import type { Actor } from '../../lib/install/actor.js';
import { adoptInstall, clusterStatus, listClusters, operateCluster } from '../api/clusters.js';
import { formatStatus } from '../status-table.js';
import { watchInstall } from './inspect.js';

export async function clusterListCommand(client: Client, json: boolean): Promise<void> {
  const rows = await listClusters(client);
  if (json) return console.log(JSON.stringify(rows, null, 2));
  if (!rows.length) return console.log('No clusters on this server.');
  const header = ['name', 'flow', 'state', 'kubernetes', 'katonic', 'nodes', 'current'] as const;
  console.log(table([header.map((h) => h.toUpperCase()), ...rows.map((r) => header.map((h) => String(r[h])))]));
}

const driftLines = (drift: DriftReport): string[] =>
  drift.differences.length ? drift.differences.map((d) => `  ${describeDifference(d)}`) : ['  none: the cluster is as its last operation left it'];

export function formatCluster(s: ClusterStatus): string {
  const v = s.versions;
  const lines = [
    `Cluster ${s.name} (${s.flow}): ${s.state}${s.ticket ? ` · ticket ${s.ticket}` : ''}`,
    `Kubernetes ${v.kubernetes ?? "the Kubespray checkout's default"} · Katonic ${v.katonic || '-'}${v.kubesprayDir ? ` · Kubespray ${v.kubesprayDir}` : ''}`,
  ];
  if (s.nodes.length) lines.push('', table([['NODE', 'ROLES'], ...s.nodes.map((n) => [n.name, n.roles.join(',')])]));
  if (s.current) lines.push('', `Running: ${s.current.description} (${s.current.workflowId ?? 'the entity itself'}, since ${s.current.startedAt})`);
  if (s.lastDrift) lines.push('', `Drift at ${s.lastDrift.checkedAt}:`, ...driftLines(s.lastDrift));
  return lines.join('\n');
}

export function formatHistory(log: OperationRecord[], dropped = 0): string {
  const rows = log.map((r) => [String(r.seq), r.description, r.by?.name ?? '', r.startedAt.slice(0, 19), r.outcome, r.workflowId ?? '', r.summary ?? '']);
  return [
    ...(dropped ? [`(${dropped} older operations not kept)`] : []),
    table([['#', 'OPERATION', 'BY', 'STARTED', 'OUTCOME', 'WORKFLOW', 'SUMMARY'], ...rows]),
  ].join('\n');
}

export async function clusterShowCommand(client: Client, name: string, json: boolean): Promise<void> {
  const status = await clusterStatus(client, name);
  console.log(json ? JSON.stringify(status, null, 2) : formatCluster(status));
}

export async function clusterAdoptCommand(client: Client, name: string, by: Actor, json: boolean): Promise<void> {
  const answer = await adoptInstall(client, name, by);
  console.log(json ? JSON.stringify(answer, null, 2) : `${answer.description}: cluster ${name} is ready (operation ${answer.seq})`);
}

export async function clusterHistoryCommand(client: Client, name: string, json: boolean): Promise<void> {
  const { log, logDropped } = await clusterStatus(client, name);
  console.log(json ? JSON.stringify(log, null, 2) : formatHistory(log, logDropped));
}

/** Sends the operation; with `wait`, follows its child workflow until it ends or waits for an operator (exit 1 unless completed). */
export async function operateCommand(client: Client, name: string, request: OperationRequest, opts: { wait?: boolean; json: boolean }): Promise<void> {
  const answer = await operateCluster(client, name, request);
  if (opts.json) console.log(JSON.stringify(answer, null, 2));
  else if (answer.drift) console.log([`Drift of ${name} (operation ${answer.seq}):`, ...driftLines(answer.drift)].join('\n'));
  else console.log(`${answer.description} on ${name}: operation ${answer.seq}, ${answer.workflowId}`);
  if (!opts.wait || !answer.workflowId) return;
  const status = await watchInstall(client, answer.workflowId);
  console.log(`\n${formatStatus(status)}`);
  if (status.state !== 'completed') process.exitCode = 1;
}
