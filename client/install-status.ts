// An install's status: the workflow's `status` query, with the running phase's live
// progress (current task, host counts, attempt) taken from its activity's last heartbeat.
// Progress stays out of the workflow history; heartbeats carry it.
import { WorkflowNotFoundError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import type { AnsibleProgress } from '../lib/ansible/events.js';
import type { InstallStatus } from '../lib/install/status.js';
import { statusQuery } from '../workflows/definitions.js';
import { InstallApiError } from './api/errors.js';
import { decodePayload } from './decode-payload.js';

async function liveProgress(client: Client, description: WorkflowExecutionDescription): Promise<{ progress?: AnsibleProgress; attempt: number } | undefined> {
  const pending = description.raw.pendingActivities?.[0];
  if (!pending) return undefined;
  const payload = pending.heartbeatDetails?.payloads?.[0];
  const progress = payload ? await decodePayload<AnsibleProgress>(client, payload) : undefined;
  return { progress, attempt: pending.attempt ?? 1 };
}

/** Closed without the workflow saying so itself: terminated or timed out. */
function closedFromOutside(description: WorkflowExecutionDescription): string | undefined {
  const name = description.status.name;
  return name === 'TERMINATED' || name === 'TIMED_OUT' ? name.toLowerCase().replace('_', ' ') : undefined;
}

export async function fetchStatus(client: Client, id: string, runId?: string): Promise<InstallStatus> {
  const handle = client.workflow.getHandle(id, runId);
  let description: WorkflowExecutionDescription;
  try {
    description = await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new InstallApiError('not-found', `no install ${id} on this server`);
    throw err;
  }
  const status = await handle.query(statusQuery);
  const running = status.phases.find((p) => p.state === 'running');
  const live = await liveProgress(client, description);
  if (running && live && description.status.name === 'RUNNING') {
    running.attempts += live.attempt;
    running.task = live.progress?.task;
    running.hosts = live.progress?.hosts;
  }
  const outside = closedFromOutside(description);
  if (outside && !['completed', 'failed', 'cancelled'].includes(status.state)) {
    status.state = 'failed';
    status.error = { phase: status.phase, type: outside, message: `the workflow was ${outside}`, failedHosts: [], unreachableHosts: [], failures: [] };
    if (running) running.state = 'failed';
  }
  return status;
}
