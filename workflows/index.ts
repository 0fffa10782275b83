// The workflows this worker runs, each with its versioning behavior (lib/temporal/versioning-behaviors.ts).
import { setWorkflowOptions } from '@temporalio/workflow';
import { VERSIONING_BEHAVIORS, type WorkflowType } from '../lib/temporal/versioning-behaviors.js';
import { cluster, scheduledDriftCheck } from './cluster.js';
import { clusterOperation, install } from './install.js';
import { ticketComment } from './ticket-comment.js';
import { taskDurations } from './task-durations.js';
import { ticketStatus } from './ticket-status.js';

const WORKFLOWS: Record<WorkflowType, (...args: never[]) => Promise<unknown>> = {
  cluster,
  scheduledDriftCheck,
  clusterOperation,
  install,
  ticketComment,
  taskDurations,
  ticketStatus,
};
for (const [type, fn] of Object.entries(WORKFLOWS)) setWorkflowOptions({ versioningBehavior: VERSIONING_BEHAVIORS[type as WorkflowType] }, fn);

export { cluster, scheduledDriftCheck, clusterOperation, install, ticketComment, taskDurations, ticketStatus };
