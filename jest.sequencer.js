// The two SSH fault files first, side by side: minutes each, but mostly SSH timeouts and retry
// backoff (about a fifth of a core each), so the third worker has the CPU for the 2,000-event
// run and then the other e2e files; the unit files last (a fresh clone has no timing cache to
// go by).
import Sequencer from '@jest/test-sequencer';

// The CLI-heavy hostile-input and README/docs command runs take minutes too, and standin-day2 starts a control plane: with the e2e files, not last.
const long = (path) => path.includes('/e2e-') || path.includes('hostile-input') || path.includes('readme-commands') || path.includes('standin-day2');
const weight = (path) => (path.includes('e2e-ssh-faults') ? 0 : path.includes('e2e-history-size') ? 1 : long(path) ? 2 : 3);

export default class LongestFirst extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => weight(a.path) - weight(b.path) || a.path.localeCompare(b.path));
  }
}
