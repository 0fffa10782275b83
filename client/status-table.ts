// `kinstall status` for people: a phase table, then what the install waits for or why it failed.
import { table } from '../lib/format/table.js';
import type { InstallStatus, PhaseStatus } from '../lib/install/status.js';

const time = (iso?: string) => (iso ? iso.slice(11, 19) : '');
const hosts = (p: PhaseStatus) => (p.hosts ? `${p.hosts.ok + p.hosts.changed}/${p.hosts.failed + p.hosts.unreachable}` : '');

export function formatStatus(status: InstallStatus): string {
  const lines = [`${status.id}  cluster ${status.cluster}  flow ${status.flow}  state ${status.state}${status.ticket ? `  ticket ${status.ticket}` : ''}`, ''];
  const rows = [['PHASE', 'STATE', 'ATTEMPTS', 'STARTED', 'ENDED', 'HOSTS OK/FAILED', 'TASK / SUMMARY']];
  for (const p of status.phases) rows.push([p.name, p.state, String(p.attempts), time(p.startedAt), time(p.endedAt), hosts(p), p.task ?? p.summary ?? '']);
  lines.push(table(rows));
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
  }
  if (status.operatorActions.length) lines.push('', 'Operator actions:');
  for (const a of status.operatorActions) {
    lines.push(`  ${a.at.slice(0, 19)} ${a.action}${a.phase ? ` ${a.phase}` : ''}${a.limitHosts ? ` --limit ${a.limitHosts.join(',')}` : ''}${a.vars ? ` vars ${JSON.stringify(a.vars)}` : ''}${a.reason ? ` (${a.reason})` : ''}`);
  }
  return lines.join('\n');
}
