// A jest reporter beside the default one (jest.config.js): after the summary, each test file's
// wall time, slowest first, and the total, so that CI's output shows where the time goes.
import { relative } from 'node:path';

/** What this reporter reads of jest's aggregated results. */
export interface RunResults {
  startTime: number;
  testResults: { testFilePath: string; perfStats: { start: number; end: number } }[];
}

/** The lines printed: one per file, slowest first, then the total and the run's wall time. */
export function fileTimeLines(results: RunResults, rootDir: string, now: number): string[] {
  const files = results.testResults
    // A file that failed to load has no times (0 to 0): it took no time to speak of.
    .map((r) => ({ file: relative(rootDir, r.testFilePath), ms: Math.max(0, r.perfStats.end - r.perfStats.start) }))
    .sort((a, b) => b.ms - a.ms || a.file.localeCompare(b.file));
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`.padStart(8);
  const total = files.reduce((sum, f) => sum + f.ms, 0);
  return [
    'Wall time per test file, slowest first:',
    ...files.map((f) => `${s(f.ms)}  ${f.file}`),
    // Files run side by side (maxWorkers): the total is more than the run took.
    `${s(total)}  total of ${files.length} file${files.length === 1 ? '' : 's'}; the run took ${s(now - results.startTime).trim()}`,
  ];
}

export default class FileTimesReporter {
  readonly #rootDir: string;

  constructor(globalConfig: { rootDir: string }) {
    this.#rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts: unknown, results: RunResults): void {
    const lines = fileTimeLines(results, this.#rootDir, Date.now());
    // Jest calls its summary reporter after every configured one, synchronously in the same
    // turn: the next turn of the event loop is after the summary. stderr, where jest writes it.
    setImmediate(() => process.stderr.write(`\n${lines.join('\n')}\n`));
  }
}
