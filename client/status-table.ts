// `kinstall status` for people: a phase table, then what the install waits for or why it failed.
import { formatDuration } from '../lib/format/duration.js';
import { localEtaText } from '../lib/format/eta-text.js';
import { table } from '../lib/format/table.js';
import { failureDetails } from '../lib/install/failure-details.js';
import { FINAL_STATES, type InstallStatus, type PhaseRun, type PhaseStatus } from '../lib/install/status.js';

const time = (iso?: string) => (iso ? iso.slice(11, 19) : '');
const when = (iso?: string) => (iso ? `${iso.slice(0, 10)} ${time(iso)}` : '');
const took = (seconds?: number) => (seconds === undefined ? '' : `  took ${formatDuration(seconds)}`);
const runLine = (r: PhaseRun, i: number) =>
  `    ${i + 1}. ${when(r.startedAt)}${r.endedAt ? ` to ${time(r.endedAt)}` : ''}${took(r.durationSeconds)}  ${r.outcome ?? 'running'}${r.attempts ? `  attempts ${r.attempts}` : ''}${r.limitHosts ? `  --limit ${r.limitHosts.join(',')}` : ''}`;
const tasks = (p: PhaseStatus) => (p.tasksKnown ? `[${Math.min(p.tasksDone ?? 0, p.tasksKnown)}/${p.tasksKnown}] ` : '');
const hosts = (p: PhaseStatus) => (p.hosts ? `${p.hosts.ok + p.hosts.changed}/${p.hosts.failed + p.hosts.unreachable}` : '');

export function formatStatus(status: InstallStatus): string {
  const lines = [`${status.id}  cluster ${status.cluster}  flow ${status.flow}  state ${status.state}${status.ticket ? `  ticket ${status.ticket}` : ''}`];
  if (status.startedAt)
    lines.push(`started ${when(status.startedAt)}${status.endedAt ? `  ended ${when(status.endedAt)}` : ''}${took(status.durationSeconds)}`);
  if (status.eta) lines.push(localEtaText(status.eta, new Date()));
  if (status.source === 'server' && !FINAL_STATES.includes(status.state)) {
    lines.push(
      'No worker answered: this is the status the install last published on the server; live progress (task, host counts) is unavailable until a worker runs.',
    );
  }
  lines.push('');
  const rows = [['PHASE', 'STATE', 'ATTEMPTS', 'STARTED', 'ENDED', 'HOSTS OK/FAILED', 'TASK / SUMMARY']];
  for (const p of status.phases)
    rows.push([p.name, p.state, String(p.attempts), time(p.startedAt), time(p.endedAt), hosts(p), p.task ? `${tasks(p)}${p.task}` : (p.summary ?? '')]);
  lines.push(table(rows));
  const retried = status.phases.filter((p) => (p.runs?.length ?? 0) > 1);
  for (const p of retried) lines.push('', `Runs of ${p.name}:`, ...(p.runs ?? []).map(runLine));
  if (status.waitingFor) lines.push('', `Waiting for ${status.waitingFor}`);
  const error = status.error;
  if (error) {
    lines.push('', `Error in ${error.phase ?? 'the install'}: ${error.type}: ${error.message}`);
    if (error.failedHosts.length) lines.push(`  failed hosts: ${error.failedHosts.join(', ')}`);
    if (error.unreachableHosts.length) lines.push(`  unreachable hosts: ${error.unreachableHosts.join(', ')}`);
    for (const f of error.failures) {
      lines.push(`  task "${f.task}" on ${f.host}: ${f.message}`);
      if (f.output) lines.push(...f.output.split('\n').map((l) => `    | ${l}`));
    }
    for (const d of failureDetails(error)) lines.push(`  ${d.key}: ${d.text}`);
  }
  const gates = status.gates ?? [];
  if (gates.length) lines.push('', 'Approval gates:');
  for (const g of gates) {
    const who = g.approvers ? `  approvers ${g.approvers.join(', ')}` : '';
    const decided =
      g.state === 'approved' ? `  by ${g.approvedBy?.name ?? 'an older client'} at ${when(g.at)}` : g.state === 'timed-out' ? `  at ${when(g.at)}` : '';
    lines.push(`  ${g.gate}  ${g.state}${decided}${who}`);
  }
  for (const n of status.notes ?? []) lines.push('', `Note (${when(n.at)}): ${n.message}`);
  if (status.operatorActions.length) lines.push('', 'Operator actions:');
  for (const a of status.operatorActions) {
    lines.push(
      `  ${a.at.slice(0, 19)} ${a.action}${a.phase ? ` ${a.phase}` : ''}${a.by ? ` by ${a.by.name} (${a.by.via})` : ''}${a.limitHosts ? ` --limit ${a.limitHosts.join(',')}` : ''}${a.vars ? ` vars ${JSON.stringify(a.vars)}` : ''}${a.reason ? ` (${a.reason})` : ''}`,
    );
  }
  return lines.join('\n');
}
