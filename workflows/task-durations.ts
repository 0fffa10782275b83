// The durations book of a task queue (lib/eta/duration-book.ts): a workflow that never ends,
// written to by signals after each playbook run and each phase, read by queries before them.
// Why a workflow: workers are stateless and may be many; the Temporal server is the one store
// they all share, and a workflow serialises the writes without a database of our own. It
// continues as new with the book (bounded, old samples dropped) before its history grows long.
import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { DurationBook, type DurationBookState } from '../lib/eta/duration-book.js';
import { phaseHistoryQuery, playbookHistoryQuery, recordPhasesSignal, recordPlaybookRunSignal } from './task-durations-definitions.js';

/** Each signal adds about four events (the signal and a workflow task's three). */
const MAX_HISTORY_EVENTS = 2000;

export async function taskDurations(state?: DurationBookState): Promise<void> {
  const book = new DurationBook(state, () => new Date().toISOString());
  setHandler(recordPlaybookRunSignal, (run) => book.recordPlaybookRun(run));
  setHandler(recordPhasesSignal, (phases) => phases.forEach((phase) => book.recordPhase(phase)));
  setHandler(playbookHistoryQuery, (key) => book.playbookHistory(key));
  setHandler(phaseHistoryQuery, (keys) => book.phaseHistory(keys));
  await condition(() => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > MAX_HISTORY_EVENTS);
  await condition(allHandlersFinished);
  await continueAsNew<typeof taskDurations>(book.snapshot());
}
