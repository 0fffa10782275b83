// `retry --failed-hosts`: which hosts it limits a phase to, and when it is refused. One
// decision, read by the workflow (the retry validator, the waiting message) and by the
// ticket comments (the commands they offer).
import type { PhaseError } from '../install/status.js';
import type { PlannedPhase } from './phases.js';

type HostsOfError = Pick<PhaseError, 'failedHosts' | 'unreachableHosts'>;

/** The hosts a `retry --failed-hosts` limits the phase to. */
export const hostsToRetry = (error?: HostsOfError): string[] => [...(error?.failedHosts ?? []), ...(error?.unreachableHosts ?? [])];

/** Why `retry --failed-hosts` cannot run on this phase after this error (the plan's decision, or no hosts recorded), or undefined. */
export function failedHostsRefusal(planned: Pick<PlannedPhase, 'failedHosts'> | undefined, phase: string, error?: HostsOfError): string | undefined {
  const failedHosts = planned?.failedHosts;
  if (typeof failedHosts === 'object') return `retry --failed-hosts is refused for the ${phase} phase: ${failedHosts.refused}`;
  if (!hostsToRetry(error).length) return `retry --failed-hosts: the ${phase} phase has no failed or unreachable hosts recorded; retry the whole phase`;
  return undefined;
}
