// How an install is cancelled: the scope its phases run in is cancelled at once (the running
// Ansible is stopped), and, since the end-cancelled patch, the cancellation of the run is
// requested through the server, so that Temporal too says Cancelled (only a cancel the server
// delivered ends a run so, and a workflow cannot request that of itself).
import { CancellationScope, workflowInfo } from '@temporalio/workflow';
import { requestCancellation } from './phase-steps.js';

export class RunCancellation {
  readonly scope = new CancellationScope();
  private viaServer?: Promise<boolean>;

  constructor(private readonly throughServer: boolean) {}

  request(): void {
    if (this.throughServer) {
      // Not cancellable: a gate's timeout asks from inside the scope it cancels.
      this.viaServer ??= CancellationScope.nonCancellable(() => requestCancellation(workflowInfo().workflowId, workflowInfo().runId)).then(
        () => true,
        () => false,
      );
    }
    this.scope.cancel();
  }

  /** Once the server has delivered the cancellation it was asked for (the root scope's), the run may end Cancelled. */
  async settled(): Promise<void> {
    if (this.viaServer && (await this.viaServer)) await CancellationScope.current().cancelRequested.catch(() => undefined);
  }
}
