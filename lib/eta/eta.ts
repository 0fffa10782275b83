// How long an install still takes: the shapes the estimator (lib/eta/), the status, the
// heartbeats, the Web UI and the ticket share. Plain data, safe inside the workflow sandbox.

/** Seconds still to go, at the median and the 90th percentile; `runs` is the recorded runs behind it (0: none). */
export interface Remaining {
  p50Seconds: number;
  p90Seconds: number;
  runs: number;
}

/** When an install is expected to end (ISO times), and what the estimate rests on. */
export interface Eta {
  p50: string;
  p90: string;
  /** "no history" (the first run of a release: from task counts and the run so far) or "N runs". */
  basis: string;
}

export const etaBasis = (runs: number): string => (runs === 0 ? 'no history' : `${runs} run${runs === 1 ? '' : 's'}`);

/** The end times `remaining` gives from `now` (an ISO time). */
export function etaFrom(now: string, remaining: Remaining): Eta {
  const at = (seconds: number) => new Date(Date.parse(now) + Math.round(seconds) * 1000).toISOString();
  return { p50: at(remaining.p50Seconds), p90: at(remaining.p90Seconds), basis: etaBasis(remaining.runs) };
}
