// start: the install workflow for a spec, keyed by its name.
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { Installation } from '../../lib/spec/schema.js';
import { taskQueue } from '../../lib/local-tools.js';
import { INSTALL_WORKFLOW, installWorkflowId, SEARCH_ATTRIBUTES, type InstallOptions } from '../../workflows/definitions.js';
import type { install } from '../../workflows/install.js';
import { CliError } from '../cli-error.js';

export async function startInstall(client: Client, spec: Installation, options?: InstallOptions): Promise<WorkflowHandleWithFirstExecutionRunId<typeof install>> {
  const workflowId = installWorkflowId(spec.metadata.name);
  try {
    return await client.workflow.start<typeof install>(INSTALL_WORKFLOW, {
      workflowId,
      taskQueue: taskQueue(),
      args: options ? [JSON.stringify(spec), options] : [JSON.stringify(spec)],
      memo: { flow: spec.spec.flow },
      typedSearchAttributes: [
        { key: SEARCH_ATTRIBUTES.cluster, value: spec.metadata.name },
        ...(spec.metadata.ticket ? [{ key: SEARCH_ATTRIBUTES.ticket, value: spec.metadata.ticket }] : []),
        { key: SEARCH_ATTRIBUTES.state, value: 'running' },
      ],
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) throw new CliError(`${workflowId} is already running; see "kinstall status ${workflowId}"`);
    throw err;
  }
}
