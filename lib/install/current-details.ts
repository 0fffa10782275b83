// What the Web UI shows as an install's current details (Temporal user metadata, set by the
// workflow as it goes) and its summary and details at start: cluster, flow, ticket, phase,
// state and what it waits for, the gates and the last operator actions with who asked. Nothing
// else (no spec values, no vars) goes there.
import { failureDetails } from './failure-details.js';
import { etaText } from '../format/eta-text.js';
import { formatDuration } from '../format/duration.js';
import { table } from '../format/table.js';
import type { InstallStatus, PhaseStatus } from './status.js';

/** The line an operator reads first: cluster · flow · phase · state · ETA. */
export function summaryLine(status: InstallStatus, now: string): string {
  const what = status.operation ? `${status.flow} ${status.operation}` : status.flow;
  // Running with no ETA: no phase left has a recorded run yet (the first run on this task queue).
  const eta = status.eta ? [etaText(status.eta, now)] : status.state === 'running' ? ['ETA not known yet (no history)'] : [];
  return [status.cluster, what, ...(status.phase ? [`phase ${status.phase}`] : []), status.state, ...eta].join(' · ');
}

const took = (p: PhaseStatus) => {
  const run = p.runs?.at(-1);
  return run?.durationSeconds !== undefined ? formatDuration(run.durationSeconds) : '';
};
const expected = (p: PhaseStatus) =>
  p.expected ? `${formatDuration(Math.round(p.expected.p50Seconds))} (p90 ${formatDuration(Math.round(p.expected.p90Seconds))})` : '';

/**
 * The phases as an aligned table in a fenced block: state, attempts, what the last run took,
 * what the book expects. Fenced, not a markdown table: the Web UI draws those without spacing.
 */
export function phaseTable(status: InstallStatus): string {
  const rows = status.phases.map((p) => [p.name, p.state, String(p.attempts), took(p), expected(p)]);
  return ['```text', table([['PHASE', 'STATE', 'ATTEMPTS', 'TOOK', 'EXPECTED'], ...rows]), '```'].join('\n');
}

/** Markdown for the UI's "Current Details". */
export function currentDetails(status: InstallStatus, now: string): string {
  const lines = [`**${summaryLine(status, now)}**`];
  if (status.waitingFor) lines.push(`Waiting for ${status.waitingFor}`);
  // What the failure it waits on reports (the preflight report, conflicts, problems), bounded.
  const details = status.error ? failureDetails(status.error).slice(0, 5) : [];
  if (details.length) lines.push(`Failure details: ${details.map((d) => `${d.key}: ${d.text.slice(0, 200)}`).join('; ')}`);
  lines.push(phaseTable(status));
  const gates = status.gates ?? [];
  if (gates.length) lines.push(`Gates: ${gates.map((g) => `${g.gate} ${g.state}${g.approvedBy ? ` by ${g.approvedBy.name}` : ''}`).join(', ')}`);
  // The last few actions, each with who asked: the page shows who did what without opening the status.
  const actions = status.operatorActions
    .slice(-3)
    .map((a) => `${a.at.slice(0, 16).replace('T', ' ')} ${a.action}${a.phase ? ` ${a.phase}` : ''}${a.by ? ` by ${a.by.name} (${a.by.via})` : ''}`);
  if (actions.length) lines.push(`Operator actions: ${actions.join('; ')}`);
  return lines.join('\n\n');
}

export interface InstallLabel {
  cluster: string;
  flow: string;
  ticket?: string;
}

/** The UI's one-line summary of an install, set when it starts. */
export const startSummary = (l: InstallLabel): string => `Katonic install of ${l.cluster} (${l.flow})${l.ticket ? ` for ${l.ticket}` : ''}`;

/** The UI's details at start (markdown). */
export const startDetails = (l: InstallLabel): string => [`Cluster: **${l.cluster}**`, `Flow: **${l.flow}**`, `Ticket: **${l.ticket ?? 'none'}**`].join('\n\n');
