// Longest first: the 4,000-event run and the two SSH fault files take minutes, so they start at
// once, side by side, and the other files follow (a fresh clone has no timing cache to go by).
import Sequencer from '@jest/test-sequencer';

const weight = (path) => (path.includes('e2e-history-size') || path.includes('e2e-ssh-faults') ? 0 : path.includes('/e2e-') ? 1 : 2);

export default class LongestFirst extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => weight(a.path) - weight(b.path) || a.path.localeCompare(b.path));
  }
}
