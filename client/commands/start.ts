// start: the install workflow for a spec, keyed by its name.
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { startDetails, startSummary } from '../../lib/install/current-details.js';
import type { Installation } from '../../lib/spec/schema.js';
import { taskQueue } from '../../lib/local-tools.js';
import { registeredSearchAttributes } from '../../lib/temporal/registered-search-attributes.js';
import { INSTALL_WORKFLOW, installWorkflowId, SEARCH_ATTRIBUTES, type InstallOptions } from '../../workflows/definitions.js';
import type { install } from '../../workflows/install.js';
import { CliError } from '../cli-error.js';

export async function startInstall(client: Client, spec: Installation, options?: InstallOptions): Promise<WorkflowHandleWithFirstExecutionRunId<typeof install>> {
  const workflowId = installWorkflowId(spec.metadata.name);
  const label = { cluster: spec.metadata.name, flow: spec.spec.flow, ticket: spec.metadata.ticket };
  const registered = await registeredSearchAttributes(client.connection, client.options.namespace, Object.values(SEARCH_ATTRIBUTES).map((key) => key.name));
  const attributes = [
    { key: SEARCH_ATTRIBUTES.cluster, value: spec.metadata.name },
    ...(spec.metadata.ticket ? [{ key: SEARCH_ATTRIBUTES.ticket, value: spec.metadata.ticket }] : []),
    { key: SEARCH_ATTRIBUTES.state, value: 'running' },
  ].filter((pair) => registered.includes(pair.key.name));
  try {
    return await client.workflow.start<typeof install>(INSTALL_WORKFLOW, {
      workflowId,
      taskQueue: taskQueue(),
      // The spec as the JSON object the Web UI's start form sends too (the contract's one argument).
      args: options ? [spec, options] : [spec],
      memo: { flow: spec.spec.flow },
      typedSearchAttributes: attributes,
      staticSummary: startSummary(label),
      staticDetails: startDetails(label),
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) throw new CliError(`${workflowId} is already running; see "kinstall status ${workflowId}"`);
    throw err;
  }
}
