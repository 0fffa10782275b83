// A 90th percentile read from a few samples is too narrow: widen its distance from the median
// by Student's t over the normal quantile (one-sided 90%, n - 1 degrees of freedom), as a
// prediction from n samples is.
const T90 = [Infinity, 3.078, 1.886, 1.638, 1.533, 1.476, 1.44, 1.415, 1.397, 1.383];
const Z90 = 1.2816;

export const smallSampleWidening = (samples: number): number => (samples < 2 ? 1.5 : (T90[samples - 1] ?? 1.33) / Z90);
