// retry, resume, approve, cancel: the operator in the loop, as the CLI prints them. Each
// prints the workflow's own answer; a refusal is its reason, exit 2.
import type { Client } from '@temporalio/client';
import type { Actor } from '../../lib/install/actor.js';
import { approveInstall, cancelInstall, resumeInstall, retryInstall } from '../api/installs.js';
import { loadSpec } from '../load-spec.js';

export async function retryCommand(client: Client, id: string, opts: { failedHosts?: boolean; vars?: Record<string, unknown>; by: Actor }): Promise<void> {
  const accepted = await retryInstall(client, id, { failedHostsOnly: opts.failedHosts, ...(opts.vars ? { vars: opts.vars } : {}), by: opts.by });
  console.log(`Retrying the ${accepted.phase} phase of ${id}${accepted.limitHosts ? ` on ${accepted.limitHosts.join(', ')}` : ''}`);
}

export async function approveCommand(client: Client, id: string, opts: { gate?: string; by: Actor }): Promise<void> {
  const answer = await approveInstall(client, id, { ...(opts.gate ? { gate: opts.gate } : {}), by: opts.by });
  const who = answer.approvedBy ? ` by ${answer.approvedBy.name}` : '';
  console.log(answer.alreadyApproved ? `${answer.gate} of ${id} was already approved${who} at ${answer.at}` : `Approved ${answer.gate} for ${id}${who}`);
}

/** Cancels and waits until the workflow has ended, so the running Ansible is known to be stopped. */
export async function cancelCommand(client: Client, id: string, opts: { reason?: string; by: Actor }): Promise<void> {
  const answer = await cancelInstall(client, id, { reason: opts.reason ?? 'cancelled from the CLI', by: opts.by }, 120_000);
  console.log(`${answer.alreadyRequested ? 'Cancellation was already requested; ' : ''}Cancelled ${id}; its Ansible run was stopped`);
}

export async function resumeCommand(client: Client, id: string, opts: { specFile?: string; by: Actor }): Promise<void> {
  const { runId, finished } = await resumeInstall(client, id, opts.specFile ? await loadSpec(opts.specFile) : undefined, opts.by);
  console.log(`Resumed ${id} as run ${runId}; finished phases with unchanged inputs are skipped (${finished.join(', ') || 'none'})`);
}
