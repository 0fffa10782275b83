// An install's status: the workflow's `status` query, with the running phase's live
// progress (current task, host counts, tasks done and known, attempt, the time still to go)
// taken from its activity's last heartbeat, and the ETA re-estimated with it.
// Progress stays out of the workflow history; heartbeats carry it.
// When no worker answers (none running, or the install has ended), the status is what the
// server keeps: the workflow's result, or the status it last published in its memo; live
// progress is then unavailable, and the status says so (`source: 'server'`).
import { optionalTsToMs } from '@temporalio/common/lib/time.js';
import { WorkflowNotFoundError, type Client, type WorkflowExecutionDescription, type WorkflowHandle } from '@temporalio/client';
import type { AnsibleProgress } from '../lib/ansible/events.js';
import { installEta } from '../lib/eta/install-remaining.js';
import type { InstallStatus } from '../lib/install/status.js';
import { statusQuery } from '../workflows/definitions.js';
import { InstallApiError } from './api/errors.js';
import { decodePayload } from './decode-payload.js';

/** How long a worker has to answer the status query before the server's copy is used. */
const QUERY_DEADLINE_MS = 5_000;

/**
 * The pending activity's heartbeat, when that activity is the running phase's: the description
 * is read before the status query, so in between the phase may have ended and the next begun,
 * and a heartbeat from before `since` (the phase's current run's start) is the phase before's.
 */
async function liveProgress(
  client: Client,
  description: WorkflowExecutionDescription,
  since: string | undefined,
): Promise<{ progress?: AnsibleProgress; attempt: number } | undefined> {
  const pending = description.raw.pendingActivities?.[0];
  if (!pending) return undefined;
  const started = optionalTsToMs(pending.lastStartedTime ?? pending.scheduledTime);
  if (since && started !== undefined && started < Date.parse(since)) return undefined;
  const payload = pending.heartbeatDetails?.payloads?.[0];
  const progress = payload ? await decodePayload<AnsibleProgress>(client, payload) : undefined;
  return { progress, attempt: pending.attempt ?? 1 };
}

/** Closed without the workflow saying so itself: terminated or timed out. */
function closedFromOutside(description: WorkflowExecutionDescription): string | undefined {
  const name = description.status.name;
  return name === 'TERMINATED' || name === 'TIMED_OUT' ? name.toLowerCase().replace('_', ' ') : undefined;
}

/** What the server keeps of the status: the result of a completed run, else the memo the workflow publishes. */
async function keptStatus(handle: WorkflowHandle, description: WorkflowExecutionDescription): Promise<InstallStatus | undefined> {
  if (description.status.name === 'COMPLETED') return (await handle.result()) as InstallStatus;
  return (description.memo?.status as InstallStatus | undefined) ?? undefined;
}

async function queried(client: Client, handle: WorkflowHandle): Promise<InstallStatus | undefined> {
  try {
    return await client.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(statusQuery));
  } catch {
    return undefined;
  }
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
  const open = description.status.name === 'RUNNING';
  // An open install asks its worker first (live); an ended one needs no worker.
  const kept = open ? undefined : await keptStatus(handle, description);
  const live = kept ? undefined : await queried(client, handle);
  const status = live ?? kept ?? (open ? await keptStatus(handle, description) : undefined);
  if (!status) {
    throw new InstallApiError(
      'failed',
      `${id}: no worker answered the status query, and this run keeps no status on the server (it started before installs published it); start a worker ("npx kinstall worker") and ask again`,
    );
  }
  status.source = live ? 'worker' : 'server';
  const running = status.phases.find((p) => p.state === 'running');
  const progress = live && running ? await liveProgress(client, description, running.runs?.at(-1)?.startedAt ?? running.startedAt) : undefined;
  if (running && progress && open) {
    running.attempts += progress.attempt;
    const beat = progress.progress;
    Object.assign(running, { task: beat?.task, hosts: beat?.hosts, tasksDone: beat?.tasksDone, tasksKnown: beat?.tasksKnown, remaining: beat?.remaining });
    // The workflow estimates at each phase's start and end; the heartbeat knows better in between.
    status.eta = installEta(status, new Date().toISOString());
  }
  const outside = closedFromOutside(description);
  if (outside && !['completed', 'failed', 'cancelled'].includes(status.state)) {
    status.state = 'failed';
    status.error = { phase: status.phase, type: outside, message: `the workflow was ${outside}`, failedHosts: [], unreachableHosts: [], failures: [] };
    if (running) running.state = 'failed';
  }
  return status;
}
