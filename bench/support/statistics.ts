// Percentiles of measurements, as every benchmark reports them (nearest rank; NaN of nothing).
export const percentile = (values: number[], p: number): number =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))] ?? NaN;

export const median = (values: number[]): number => percentile(values, 50);
