// The install's live status on its ticket (lib/tickets/live-status.ts), kept by one child
// workflow per ticket system for the install's run. The install signals each new status; the
// child sets them one at a time, the latest it holds (statuses that came while it was busy are
// passed over), so a retried update never lands after a newer one. It ends once it has set a
// final state, or when the install closes (its parent-close policy asks it to stop): then it
// sets what it still holds. Setting the status posts no comment (workflows/ticket-comment.ts).
import {
  ActivityFailure,
  CancellationScope,
  ChildWorkflowCancellationType,
  condition,
  defineSignal,
  getExternalWorkflowHandle,
  isCancellation,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import type { InstallActivities } from '../activities/index.js';
import type { TicketSystem, TicketTarget } from '../activities/ticket-request.js';
import type { Installation } from '../lib/spec/schema.js';
import { isFinal, type LiveStatus } from '../lib/tickets/live-status.js';
import { ticketStatusFailedSignal } from './definitions.js';

/** The install's newer status, to its status child. */
export const liveStatusSignal = defineSignal<[LiveStatus]>('live-status');

const { updateTicketStatus } = proxyActivities<InstallActivities>({
  // Each request gives up after 10 s (activities/ticket-request.ts); Jira's two go side by side.
  startToCloseTimeout: '30s',
  // Shorter than a comment's: the status after this one tries again anyway.
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 5 },
});

/** The message of a failure, past the SDK's ActivityFailure wrapper. */
export function failureMessage(err: unknown): string {
  const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}

/** The child workflow: the install's status on one ticket system, `first` and then each one signalled. */
export async function ticketStatus(system: TicketSystem, target: TicketTarget, first: LiveStatus): Promise<void> {
  let latest = first;
  let unset = true;
  setHandler(liveStatusSignal, (live) => {
    latest = live;
    unset = true;
  });
  // A system that keeps refusing tells the install once, not at every status.
  let told: string | undefined;
  const setLatest = async (): Promise<LiveStatus> => {
    const live = latest;
    unset = false;
    try {
      await CancellationScope.nonCancellable(() => updateTicketStatus(system, target, live));
    } catch (err) {
      const message = failureMessage(err);
      const install = workflowInfo().parent?.workflowId;
      if (install && message !== told) {
        told = message;
        // The install may have ended since: then nobody is left to tell.
        await getExternalWorkflowHandle(install)
          .signal(ticketStatusFailedSignal, { system, message })
          .catch(() => undefined);
      }
    }
    return live;
  };
  try {
    for (;;) {
      const set = await setLatest();
      if (isFinal(set) && !unset) return;
      await condition(() => unset);
    }
  } catch (err) {
    if (!isCancellation(err)) throw err;
    // The install closed: the last status it sent still goes to the ticket.
    if (unset) await setLatest();
  }
}

/** The systems where the target shows a status: Jira with an issue, ServiceNow with a status field. */
const systemsShowingStatus = (target: TicketTarget): TicketSystem[] => [
  ...(target.notify.jira && target.ticket ? ['jira' as const] : []),
  ...(target.notify.servicenow?.statusField ? ['servicenow' as const] : []),
];

/** The install's side: a status child per system, started at the first status and signalled after; never throws. */
export class TicketStatus {
  private readonly children = new Map<TicketSystem, ChildWorkflowHandle<typeof ticketStatus>>();

  async show(spec: Installation, live: LiveStatus): Promise<void> {
    const notify = spec.spec.notify;
    if (!notify) return;
    const target: TicketTarget = { notify, ticket: spec.metadata.ticket };
    for (const system of systemsShowingStatus(target)) {
      await CancellationScope.nonCancellable(async () => {
        const child = this.children.get(system);
        // A child that is gone (it failed, someone ended it) is started afresh with this status.
        if (
          child &&
          (await child.signal(liveStatusSignal, live).then(
            () => true,
            () => false,
          ))
        )
          return;
        const { workflowId, runId } = workflowInfo();
        const started = await startChild(ticketStatus, {
          workflowId: `${workflowId}-status-${system}-${runId}`,
          args: [system, target, live],
          parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
          cancellationType: ChildWorkflowCancellationType.ABANDON,
        }).catch(() => undefined);
        if (started) this.children.set(system, started);
      });
    }
  }
}
