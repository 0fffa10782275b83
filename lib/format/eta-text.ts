// An ETA as people read it: the clock time of the median end and of the 90th percentile, and
// what it rests on. Workflows write it (the Web UI, the ticket) without knowing the reader's
// zone, so in UTC ("ETA 14:32 UTC (p90 14:40, 3 runs)"; a day other than today's is named);
// the CLI in the zone of its terminal, with how long from now.
import type { Eta } from '../eta/eta.js';

function clock(iso: string, now: string): string {
  const day = iso.slice(0, 10);
  return `${day === now.slice(0, 10) ? '' : `${day} `}${iso.slice(11, 16)}`;
}

export const etaText = (eta: Eta, now: string): string => `ETA ${clock(eta.p50, now)} UTC (p90 ${clock(eta.p90, now)}, ${eta.basis})`;

export const two = (n: number) => String(n).padStart(2, '0');
/** A local clock time, HH:MM. */
export const localClock = (at: Date) => `${two(at.getHours())}:${two(at.getMinutes())}`;

/** "in 5m", "in 1h 05m", from now to `at`. */
function fromNow(at: string, now: Date): string {
  const minutes = Math.ceil((Date.parse(at) - now.getTime()) / 60_000);
  if (minutes <= 0) return 'now';
  return minutes < 60 ? `in ${minutes}m` : `in ${Math.floor(minutes / 60)}h ${two(minutes % 60)}m`;
}

/** "ETA 14:32 (in 5m), p90 14:40 (in 13m), basis: 3 runs", in the local time of the CLI. */
export const localEtaText = (eta: Eta, now: Date): string =>
  `ETA ${localClock(new Date(eta.p50))} (${fromNow(eta.p50, now)}), p90 ${localClock(new Date(eta.p90))} (${fromNow(eta.p90, now)}), basis: ${eta.basis}`;
