// retry, resume, approve, cancel: the operator in the loop, as the CLI prints them.
import type { Client } from '@temporalio/client';
import { approveInstall, cancelInstall, resumeInstall, retryInstall } from '../api/installs.js';
import { loadSpec } from '../load-spec.js';

export async function retryCommand(client: Client, id: string, opts: { failedHosts?: boolean; vars?: Record<string, unknown> }): Promise<void> {
  const accepted = await retryInstall(client, id, { failedHostsOnly: opts.failedHosts, ...(opts.vars ? { vars: opts.vars } : {}) });
  console.log(`Retrying the ${accepted.phase} phase of ${id}${accepted.limitHosts ? ` on ${accepted.limitHosts.join(', ')}` : ''}`);
}

export async function approveCommand(client: Client, id: string): Promise<void> {
  console.log(`Approved ${await approveInstall(client, id)} for ${id}`);
}

/** Cancels and waits until the workflow has ended, so the running Ansible is known to be stopped. */
export async function cancelCommand(client: Client, id: string, reason?: string): Promise<void> {
  await cancelInstall(client, id, reason ?? 'cancelled from the CLI', 120_000);
  console.log(`Cancelled ${id}; its Ansible run was stopped`);
}

export async function resumeCommand(client: Client, id: string, specFile?: string): Promise<void> {
  const { runId, finished } = await resumeInstall(client, id, specFile ? await loadSpec(specFile) : undefined);
  console.log(`Resumed ${id} as run ${runId}; finished phases with unchanged inputs are skipped (${finished.join(', ') || 'none'})`);
}
