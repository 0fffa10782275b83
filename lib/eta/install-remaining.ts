// How long an install still takes: the phases not yet ended, each from what is known of it. The
// running phase from its playbook's live estimate (its heartbeat) when there is one, else what
// its recorded runs leave of it; pending phases (and a failed one, which runs again) from their
// recorded runs. The same function serves the workflow (at each phase's start and end: the Web
// UI, the search attribute, the ticket) and the client (live, with the heartbeat).
import type { InstallStatus, PhaseStatus } from '../install/status.js';
import { etaFrom, type Eta, type Remaining } from './eta.js';
import { addSpreads } from './quantile.js';

const ENDED = new Set<PhaseStatus['state']>(['completed', 'skipped', 'cancelled']);

function phaseRemaining(phase: PhaseStatus, now: number): Remaining | undefined {
  if (phase.state === 'running' && phase.remaining) return phase.remaining;
  const expected = phase.expected;
  if (!expected) return undefined;
  if (phase.state !== 'running') return expected;
  const started = Date.parse(phase.runs?.at(-1)?.startedAt ?? phase.startedAt ?? '') / 1000;
  const elapsed = Number.isNaN(started) ? 0 : now - started;
  return { p50Seconds: Math.max(0, expected.p50Seconds - elapsed), p90Seconds: Math.max(0, expected.p90Seconds - elapsed), runs: expected.runs };
}

/** What is left of the install; undefined when nothing of it can be estimated. */
export function installRemaining(status: Pick<InstallStatus, 'phases'>, now: string): Remaining | undefined {
  const seconds = Date.parse(now) / 1000;
  const left = status.phases.filter((p) => !ENDED.has(p.state));
  const known = left.map((p) => phaseRemaining(p, seconds)).filter((r): r is Remaining => r !== undefined);
  if (left.length && !known.length) return undefined;
  const total = addSpreads(known.map((r) => ({ p50: r.p50Seconds, p90: r.p90Seconds })));
  // "N runs" only when every phase left has N recorded runs or more: a phase never seen makes it "no history".
  const runs = known.length < left.length ? 0 : Math.min(...known.map((r) => r.runs), Number.MAX_SAFE_INTEGER);
  return { p50Seconds: total.p50, p90Seconds: total.p90, runs: left.length ? runs : 0 };
}

/** The install's ETA while it runs; none once it ended or while it waits for someone (nobody knows when they come). */
export function installEta(status: InstallStatus, now: string): Eta | undefined {
  if (status.state !== 'running') return undefined;
  const remaining = installRemaining(status, now);
  return remaining && etaFrom(now, remaining);
}
