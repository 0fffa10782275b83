// retry, resume, approve, cancel: the operator in the loop.
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { SealedValue } from '../../lib/codec/sealed-value.js';
import type { PhaseResult } from '../../lib/install/phase-io.js';
import type { Installation } from '../../lib/spec/schema.js';
import { FINAL_STATES } from '../../lib/install/status.js';
import { abortSignal, approveSignal, retryUpdate, type InstallOptions, type RetryRequest } from '../../workflows/definitions.js';
import { CliError } from '../cli-error.js';
import { decodePayload } from '../decode-payload.js';
import { fetchStatus } from '../install-status.js';
import { loadSpec } from '../load-spec.js';
import { startInstall } from './start.js';

async function requireRunning(client: Client, id: string): Promise<void> {
  const description = await fetchStatus(client, id);
  if (FINAL_STATES.includes(description.state)) throw new CliError(`${id} has ended (${description.state}); "kinstall resume ${id}" starts a new run from where it stopped`, 2);
}

export async function retryCommand(client: Client, id: string, opts: { failedHosts?: boolean; vars?: Record<string, unknown> }): Promise<void> {
  await requireRunning(client, id);
  const request: RetryRequest = { failedHostsOnly: opts.failedHosts, ...(opts.vars ? { vars: opts.vars } : {}) };
  try {
    const accepted = await client.workflow.getHandle(id).executeUpdate(retryUpdate, { args: [request] });
    console.log(`Retrying the ${accepted.phase} phase of ${id}${accepted.limitHosts ? ` on ${accepted.limitHosts.join(', ')}` : ''}`);
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw new CliError(`retry refused: ${err.cause?.message ?? err.message}`, 2);
    throw err;
  }
}

export async function approveCommand(client: Client, id: string): Promise<void> {
  const status = await fetchStatus(client, id);
  if (status.state !== 'waiting-for-approval') throw new CliError(`${id} is not waiting for an approval (state: ${status.state})`, 2);
  await client.workflow.getHandle(id).signal(approveSignal, { gate: status.waitingFor });
  console.log(`Approved ${status.waitingFor} for ${id}`);
}

/** Cancels and waits until the workflow has ended, so the running Ansible is known to be stopped. */
export async function cancelCommand(client: Client, id: string, reason?: string): Promise<void> {
  await requireRunning(client, id);
  const handle = client.workflow.getHandle(id);
  await handle.signal(abortSignal, { reason: reason ?? 'cancelled from the CLI' });
  const until = Date.now() + 120_000;
  while ((await handle.describe()).status.name === 'RUNNING') {
    if (Date.now() > until) throw new CliError(`${id}: cancellation requested, but the install has not stopped within 2 minutes`);
    await sleep(500);
  }
  console.log(`Cancelled ${id}; its Ansible run was stopped`);
}

const RESUMABLE = ['FAILED', 'TERMINATED', 'TIMED_OUT', 'CANCELLED'];

export async function resumeCommand(client: Client, id: string, specFile?: string): Promise<void> {
  const handle = client.workflow.getHandle(id);
  const description = await handle.describe().catch(() => {
    throw new CliError(`no install ${id} on this server`, 2);
  });
  if (!RESUMABLE.includes(description.status.name)) {
    throw new CliError(`${id} is ${description.status.name.toLowerCase()}; resume is for installs that ended failed, terminated or timed out${description.status.name === 'RUNNING' ? ' (use "kinstall retry" while it waits)' : ''}`, 2);
  }
  const previous = await fetchStatus(client, id, description.runId);
  const spec = specFile ? await loadSpec(specFile) : await originalSpec(client, id, description.runId);
  if (`install-${spec.metadata.name}` !== id) throw new CliError(`--spec names the install ${spec.metadata.name}, not ${id}`, 2);
  const adminConf = await handedOnAdminConf(client, id, description.runId);
  const started = await startInstall(client, spec, { resumeFrom: { runId: description.runId, phases: previous.phases, adminConf } });
  const skipped = previous.phases.filter((p) => p.state === 'completed' || p.state === 'skipped').map((p) => p.name);
  console.log(`Resumed ${id} as run ${started.firstExecutionRunId}; finished phases with unchanged inputs are skipped (${skipped.join(', ') || 'none'})`);
}

async function originalSpec(client: Client, id: string, runId: string): Promise<Installation> {
  const history = await client.workflow.getHandle(id, runId).fetchHistory();
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  const payload = started?.input?.payloads?.[0];
  if (!payload) throw new CliError(`${id}: the first run's spec could not be read from its history; pass --spec FILE`);
  return JSON.parse(await decodePayload<string>(client, payload)) as Installation;
}

/**
 * The admin.conf (sealed) the run being resumed had last: handed to it on its own resume, or
 * handed on by its kubespray phase (its result, or a failed run's details). A resume that skips kubespray hands it to the new run.
 */
async function handedOnAdminConf(client: Client, id: string, runId: string): Promise<SealedValue | undefined> {
  const history = await client.workflow.getHandle(id, runId).fetchHistory();
  const options = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[1];
  let adminConf = options ? (await decodePayload<InstallOptions>(client, options)).resumeFrom?.adminConf : undefined;
  for (const event of history.events ?? []) {
    // A kubespray result, or a failed kubespray run's details (it hands admin.conf on with its failure).
    const result = event.activityTaskCompletedEventAttributes?.result?.payloads?.[0];
    const failed = event.activityTaskFailedEventAttributes?.failure?.applicationFailureInfo?.details?.payloads?.[0];
    if (result) adminConf = (await decodePayload<PhaseResult | null>(client, result))?.adminConf ?? adminConf;
    if (failed) adminConf = (await decodePayload<{ adminConf?: SealedValue } | null>(client, failed))?.adminConf ?? adminConf;
  }
  return adminConf;
}
