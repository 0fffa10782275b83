// What the workflow asks the Temporal server through the worker's own client: which search
// attributes it has, and the cancellation of its own run (a workflow cannot request that of
// itself, and only a cancel requested through the server ends a run Cancelled in Temporal).
import { Context } from '@temporalio/activity';
import { registeredSearchAttributes as registered } from '../lib/temporal/registered-search-attributes.js';

export async function registeredSearchAttributes(names: string[]): Promise<string[]> {
  const { client, info } = Context.current();
  return registered(client.connection, info.workflowNamespace ?? info.activityNamespace, names);
}

export async function requestCancellation(workflowId: string, runId: string): Promise<void> {
  await Context.current().client.workflow.getHandle(workflowId, runId).cancel();
}
