// What the ticket shows of an install while it runs (the live status, beside the comments):
// its state, the phase it is at, how many phases are done and when it is expected to end,
// as a snapshot of the status and as one line of text (Jira's remote link title, the
// ServiceNow field). Pure, safe inside the workflow sandbox.
import type { Eta } from '../eta/eta.js';
import { etaText } from '../format/eta-text.js';
import { FINAL_STATES, type InstallState, type InstallStatus } from '../install/status.js';
import type { Flow } from '../plan/phases.js';

export interface LiveStatus {
  id: string;
  cluster: string;
  flow: Flow;
  state: InstallState;
  /** The phase running, waiting at its gate, failed or cancelled; absent between phases and once they are all done. */
  phase?: string;
  /** Phases completed, or skipped because an earlier run completed them. */
  phasesDone: number;
  phasesTotal: number;
  /** When the install is expected to end, where the status has an estimate (never once it ended). */
  eta?: Eta;
}

export function liveStatusOf(status: InstallStatus): LiveStatus {
  const done = (state: string) => state === 'completed' || state === 'skipped';
  const current = status.phases.find((p) => p.name === status.phase);
  return {
    id: status.id,
    cluster: status.cluster,
    flow: status.flow,
    state: status.state,
    ...(current && !done(current.state) ? { phase: current.name } : {}),
    phasesDone: status.phases.filter((p) => done(p.state)).length,
    phasesTotal: status.phases.length,
    ...(status.eta && !FINAL_STATES.includes(status.state) ? { eta: status.eta } : {}),
  };
}

export const isFinal = (live: LiveStatus): boolean => FINAL_STATES.includes(live.state);

function whereItIs(live: LiveStatus): string {
  const at = live.phase ? ` at the ${live.phase} phase` : '';
  switch (live.state) {
    case 'running':
      return live.phase ? `${live.phase} phase running` : 'running';
    case 'waiting-for-operator':
      return `waits for an operator${at}`;
    case 'waiting-for-approval':
      return `waits for approval${live.phase ? ` before the ${live.phase} phase` : ''}`;
    default:
      return `${live.state}${at}`;
  }
}

/** One line, such as "Katonic install-acme: katonic phase running (4/6 phases done), ETA 14:32 UTC (p90 14:40, 3 runs)". */
export function liveStatusLine(live: LiveStatus, now: string): string {
  const eta = live.eta ? `, ${etaText(live.eta, now)}` : '';
  return `Katonic ${live.id}: ${whereItIs(live)} (${live.phasesDone}/${live.phasesTotal} phases done)${eta}`;
}
