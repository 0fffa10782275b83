// Durations known by their recorded samples' mean and standard deviation, and what a sum of
// them (a playbook's tasks still to run) is expected to come to.
import { t90 } from './small-sample.js';

/** With no spread measured (nothing recorded, or one run), the 90th percentile is guessed at half as much again as the median. */
export const GUESSED_P90 = 1.5;

export interface Duration {
  mean: number;
  /** The samples' standard deviation (0 from one sample). */
  sd: number;
  samples: number;
}

export function durationOf(values: readonly number[]): Duration {
  const n = values.length;
  const mean = n ? values.reduce((sum, v) => sum + v, 0) / n : 0;
  const sd = n > 1 ? Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd, samples: n };
}

/**
 * The median and 90th percentile of a sum of independent durations. Over many parts the sum is
 * near normal (central limit): its median is the sum of the means, not of the medians (task
 * times are skewed: summed over hundreds of tasks, the medians fall short of nearly every run),
 * and its variance the sum of theirs. The 90th percentile bounds the next run: each part's
 * variance counts its mean's own uncertainty (1 + 1/n), and Student's t takes the degrees of
 * freedom of the estimated total (Welch–Satterthwaite: a dominant part's n - 1, up to the sum of
 * the parts' when they are alike). A part from one sample has no spread to measure; when no part
 * has one, the 90th percentile is `guessedP90` times the median.
 */
export function sumOfDurations(parts: readonly Duration[], guessedP90: number): { p50: number; p90: number } {
  const p50 = parts.reduce((sum, p) => sum + p.mean, 0);
  const measured = parts.filter((p) => p.samples > 1);
  if (!measured.length) return { p50, p90: p50 * guessedP90 };
  const variances = measured.map((p) => ({ variance: p.sd ** 2 * (1 + 1 / p.samples), df: p.samples - 1 }));
  const variance = variances.reduce((sum, v) => sum + v.variance, 0);
  if (!variance) return { p50, p90: p50 };
  const df = variance ** 2 / variances.reduce((sum, v) => sum + v.variance ** 2 / v.df, 0);
  return { p50, p90: p50 + t90(df) * Math.sqrt(variance) };
}
