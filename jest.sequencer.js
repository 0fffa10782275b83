// The two SSH fault files first, side by side: the longest still, but partly waiting on SSH
// and retry backoff (about half a core to two thirds of one each), so the third worker has CPU
// for the 2,000-event run and then the other e2e files; the unit files last (a fresh clone has
// no timing cache to go by).
import Sequencer from '@jest/test-sequencer';

// The CLI-heavy hostile-input and README/docs command runs take minutes too, and standin-day2 starts a control plane: with the e2e files, not last.
const long = (path) => path.includes('/e2e-') || path.includes('hostile-input') || path.includes('readme-commands') || path.includes('standin-day2');
const weight = (path) => (path.includes('e2e-ssh-faults') ? 0 : path.includes('e2e-history-size') ? 1 : long(path) ? 2 : 3);

export default class LongestFirst extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => weight(a.path) - weight(b.path) || a.path.localeCompare(b.path));
  }
}
