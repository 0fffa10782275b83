// The reporter that prints each test file's wall time after jest's summary (pure).
import { fileTimeLines } from './support/file-times-reporter.js';

describe('file times reporter (pure)', () => {
  it('prints each file with its wall time, slowest first, then the total and the run', () => {
    const at = (start: number, seconds: number) => ({ start, end: start + seconds * 1000 });
    const lines = fileTimeLines(
      {
        startTime: 1_000,
        testResults: [
          { testFilePath: '/repo/dist/test/a.test.js', perfStats: at(1_000, 2.5) },
          { testFilePath: '/repo/dist/test/e2e-b.test.js', perfStats: at(1_200, 61.04) },
          { testFilePath: '/repo/dist/test/broken.test.js', perfStats: { start: 0, end: 0 } },
        ],
      },
      '/repo',
      1_000 + 62_000,
    );
    expect(lines).toEqual([
      'Wall time per test file, slowest first:',
      '  61.0 s  dist/test/e2e-b.test.js',
      '   2.5 s  dist/test/a.test.js',
      '   0.0 s  dist/test/broken.test.js',
      '  63.5 s  total of 3 files; the run took 62.0 s',
    ]);
  });
});
