// The operator's actions on an install as the workflow tests take them: through the client
// API (client/api/installs.ts) where it has a function, and the handle's own calls (awaiting
// the end, a terminate) here only. Each action answers as data, done (the workflow's answer)
// or refused and why (the workflow's validator), so the tests assert on what happened.
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { approveInstall, cancelInstall, installStatus, resumeInstall, retryInstall, startInstall } from '../../client/api/installs.js';
import { InstallApiError } from '../../client/api/errors.js';
import type { InstallStatus } from '../../lib/install/status.js';
import type { Installation } from '../../lib/spec/schema.js';
import type { Actor } from '../../lib/install/actor.js';
import { installWorkflowId, type ApproveAnswer, type CancelAnswer, type RetryRequest } from '../../workflows/definitions.js';

/** Who starts the tests' installs, and another person, who may approve their gates. */
export const STARTER: Actor = { name: 'starter', via: 'cli' };
export const APPROVER: Actor = { name: 'approver', via: 'cli' };

export type Answer<T> = { done: true; value: T } | { done: false; refused: string };

const answer = <T>(call: Promise<T>): Promise<Answer<T>> =>
  call.then(
    (value) => ({ done: true as const, value }),
    (err: unknown) => {
      if (err instanceof InstallApiError) return { done: false as const, refused: err.message };
      throw err;
    },
  );

/** Starts the install as STARTER; its id. */
export async function start(client: Client, spec: Installation): Promise<string> {
  await startInstall(client, spec, { by: STARTER });
  return installWorkflowId(spec.metadata.name);
}

export const status = (client: Client, id: string): Promise<InstallStatus> => installStatus(client, id);

/** Approves the gate the install waits at (as APPROVER, or `by`): the workflow's answer, or why not. */
export const approve = (client: Client, id: string, by: Actor = APPROVER, gate?: string): Promise<Answer<ApproveAnswer>> =>
  answer(approveInstall(client, id, { by, ...(gate ? { gate } : {}) }));

export const retry = (client: Client, id: string, request: RetryRequest = {}) => answer(retryInstall(client, id, request));

export const cancel = (client: Client, id: string, reason = 'test: cancel', by: Actor = STARTER): Promise<Answer<CancelAnswer>> =>
  answer(cancelInstall(client, id, { reason, by }));

/** A new run of an ended install; `spec` changes it. */
export const resume = (client: Client, id: string, spec?: Installation) => resumeInstall(client, id, spec);

/** Ends the run from outside, as `temporal workflow terminate` does (the API has no such action). */
export const terminate = (client: Client, id: string, reason: string): Promise<unknown> => client.workflow.getHandle(id).terminate(reason);

export type Ending = { state: 'completed'; status: InstallStatus } | { state: 'cancelled' } | { state: 'failed'; failure: Error };

/** How the install's run ended, as Temporal says; awaiting it through the test environment's client skips time. */
export async function ending(client: Client, id: string): Promise<Ending> {
  try {
    return { state: 'completed', status: await client.workflow.getHandle<() => Promise<InstallStatus>>(id).result() };
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) throw err;
    if (err.cause instanceof CancelledFailure) return { state: 'cancelled' };
    return { state: 'failed', failure: err.cause ?? err };
  }
}
