// The durations book's interface (workflows/task-durations.ts): its id, its messages. Shared by
// the workflow and the activities that write to it and read from it.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { PhaseHistory, PhaseRecord, PlaybookHistory, PlaybookKey, PlaybookRunRecord } from '../lib/eta/duration-book.js';

export const TASK_DURATIONS_WORKFLOW = 'taskDurations';
/** One book per task queue: the workers of one queue run the same playbooks on the same kind of nodes. */
export const taskDurationsWorkflowId = (taskQueue: string): string => `task-durations-${taskQueue}`;

export const recordPlaybookRunSignal = defineSignal<[PlaybookRunRecord]>('record-playbook-run');
/** An install's phases that completed, when it ends. */
export const recordPhasesSignal = defineSignal<[PhaseRecord[]]>('record-phases');
export const playbookHistoryQuery = defineQuery<PlaybookHistory, [PlaybookKey]>('playbook-history');
export const phaseHistoryQuery = defineQuery<PhaseHistory[], [string[]]>('phase-history');
