// Longest first: the 4,000-event run and the two SSH fault files take minutes, so they start at
// once, side by side, and the other files follow (a fresh clone has no timing cache to go by).
import Sequencer from '@jest/test-sequencer';

// The CLI-heavy hostile-input and README runs take minutes too: with the e2e files, not last.
const long = (path) => path.includes('/e2e-') || path.includes('hostile-input') || path.includes('readme-commands');
const weight = (path) => (path.includes('e2e-history-size') || path.includes('e2e-ssh-faults') ? 0 : long(path) ? 1 : 2);

export default class LongestFirst extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => weight(a.path) - weight(b.path) || a.path.localeCompare(b.path));
  }
}
