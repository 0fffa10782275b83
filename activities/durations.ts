// Reading and writing the task queue's durations book (workflows/task-durations.ts). An
// estimate is worth a little, never an install: a book that cannot be reached in a moment is
// taken as empty, and a record that cannot be written is dropped with a warning.
import { Context } from '@temporalio/activity';
import type { WorkflowHandle } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import type { PhaseHistory, PhaseRecord, PlaybookHistory, PlaybookKey, PlaybookRunRecord } from '../lib/eta/duration-book.js';
import { installTaskQueueOf } from '../lib/temporal/task-queues.js';
import {
  phaseHistoryQuery,
  playbookHistoryQuery,
  recordPhasesSignal,
  recordPlaybookRunSignal,
  TASK_DURATIONS_WORKFLOW,
  taskDurationsWorkflowId,
} from '../workflows/task-durations-definitions.js';

const DEADLINE_MS = 3_000;

/** The install queue's book, whether this activity ran on the install queue or its Ansible queue. */
function book() {
  const { client, info } = Context.current();
  const taskQueue = installTaskQueueOf(info.taskQueue);
  return { client, taskQueue, workflowId: taskDurationsWorkflowId(taskQueue) };
}

async function ask<T>(query: (handle: WorkflowHandle) => Promise<T>, empty: T): Promise<T> {
  const { client, workflowId } = book();
  try {
    return await client.connection.withDeadline(Date.now() + DEADLINE_MS, () => query(client.workflow.getHandle(workflowId)));
  } catch {
    // No book yet (nothing recorded on this queue), or none answered in time.
    return empty;
  }
}

async function tell<Record>(signal: SignalDefinition<[Record]>, record: Record): Promise<void> {
  const { client, taskQueue, workflowId } = book();
  try {
    await client.connection.withDeadline(Date.now() + DEADLINE_MS, () =>
      client.workflow.signalWithStart(TASK_DURATIONS_WORKFLOW, { workflowId, taskQueue, args: [], signal, signalArgs: [record] }),
    );
  } catch (err) {
    Context.current().log.warn('A duration was not recorded (estimates will lack it)', { workflowId, error: (err as Error).message });
  }
}

export const readPlaybookHistory = (key: PlaybookKey): Promise<PlaybookHistory> =>
  ask((h) => h.query(playbookHistoryQuery, key), { sequence: [], tasks: {}, runs: 0 });

export const recordPlaybookRun = (run: PlaybookRunRecord): Promise<void> => tell(recordPlaybookRunSignal, run);

/** Local activities of the install workflow: what its phases took before, and what this one took. */
export const expectedPhases = (keys: string[]): Promise<PhaseHistory[]> => ask((h) => h.query(phaseHistoryQuery, keys), []);

export const recordPhaseDurations = (phases: PhaseRecord[]): Promise<void> => tell(recordPhasesSignal, phases);
