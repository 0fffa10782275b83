// What a few recorded durations say of the next one. A bound read from n samples is too narrow
// twice over: where the middle lies is itself uncertain, and the samples' spread is an estimate.
// As a normal prediction interval has it: the middle + t(n - 1) × σ × sqrt(1 + 1/n), Student's t
// (one-sided 90%, n - 1 degrees of freedom) in place of the normal quantile.
export const Z90 = 1.2816;

/**
 * Student's t, one-sided 90%, for `df` degrees of freedom (also fractional ones, as
 * Welch–Satterthwaite gives): the Cornish–Fisher expansion (Abramowitz & Stegun 26.7.5), within
 * 0.15% of the tables from 2 degrees of freedom up, 2% under at 1 (3.01 for 3.08).
 */
export function t90(df: number): number {
  const z = Z90;
  const terms = [
    (z ** 3 + z) / 4,
    (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96,
    (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384,
    (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / 92160,
  ];
  return terms.reduce((t, term, i) => t + term / df ** (i + 1), z);
}

/** The distance from the middle to the 90% prediction bound, in standard deviations, from `samples` samples (n ≥ 2). */
const predictionSpread = (samples: number): number => t90(samples - 1) * Math.sqrt(1 + 1 / samples);

/**
 * The distance from the median to the 90th percentile, both read by interpolation (quantile.ts),
 * of n standard normal samples, on average (n = 2 to 20; from the expected normal order
 * statistics, integrated numerically): short of the true 1.2816 (0.90 from 5 samples), so it is
 * a biased measure of the spread.
 */
const READ_P90_WIDTH = [0.451, 0.677, 0.81, 0.896, 0.954, 0.995, 1.024, 1.043, 1.055, 1.062, 1.083, 1.101, 1.116, 1.128, 1.138, 1.145, 1.151, 1.156, 1.159];

/** What a 90th percentile's distance from the median, read from `samples` durations, is widened by to bound the next one. */
export const smallSampleWidening = (samples: number): number =>
  samples < 2 ? 1.5 : predictionSpread(samples) / (READ_P90_WIDTH[samples - 2] ?? READ_P90_WIDTH.at(-1)!);
