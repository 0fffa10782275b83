// Longest first: the 4,000-event run takes minutes, so it starts at once and the other
// files run beside it on the second worker (a fresh clone has no timing cache to go by).
import Sequencer from '@jest/test-sequencer';

const weight = (path) => (path.includes('e2e-history-size') ? 0 : path.includes('/e2e-') ? 1 : 2);

export default class LongestFirst extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => weight(a.path) - weight(b.path) || a.path.localeCompare(b.path));
  }
}
