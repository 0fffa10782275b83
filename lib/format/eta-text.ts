// An ETA as people read it: the clock time of the median end and of the 90th percentile, and
// what it rests on ("ETA 14:32 UTC (p90 14:40, 3 runs)"). Workflows write it (the Web UI, the
// ticket) without knowing the reader's zone, so in UTC; a day other than today's is named.
import type { Eta } from '../eta/eta.js';

function clock(iso: string, now: string): string {
  const day = iso.slice(0, 10);
  return `${day === now.slice(0, 10) ? '' : `${day} `}${iso.slice(11, 16)}`;
}

export const etaText = (eta: Eta, now: string): string => `ETA ${clock(eta.p50, now)} UTC (p90 ${clock(eta.p90, now)}, ${eta.basis})`;
