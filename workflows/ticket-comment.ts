// Comments on the install's ticket, posted apart from the install: each note is a small child
// workflow of its own (one activity, retried with backoff for up to about an hour) that the
// install starts and does not wait for, abandoned when the install closes. A ticket system
// that fails or hangs neither fails nor slows the install; the install waits only for the
// child's start, a round trip to the Temporal server.
import {
  CancellationScope,
  ChildWorkflowCancellationType,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  patched,
  proxyActivities,
  startChild,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { InstallActivities } from '../activities/index.js';
import type { TicketSystem, TicketTarget } from '../activities/ticket-request.js';
import type { Installation } from '../lib/spec/schema.js';
import type { NoteEvent } from '../lib/tickets/progress-note.js';
import { ticketCommentFailedSignal } from './definitions.js';
import { failureMessage } from './ticket-status.js';

const { postTicketComment } = proxyActivities<InstallActivities>({
  // Each request gives up after 10 s (activities/ticket-request.ts); this bounds the attempt.
  startToCloseTimeout: '30s',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '10m', maximumAttempts: 10 },
});

/** The child workflow: one note to one ticket system; one that gives up says so to its install (a note in its status). */
export async function ticketComment(system: TicketSystem, target: TicketTarget, event: NoteEvent): Promise<void> {
  try {
    await postTicketComment(system, target, event);
  } catch (err) {
    const install = workflowInfo().parent?.workflowId;
    if (install && patched('tell-install-on-failure')) {
      // The install may have ended since: then nobody is left to tell.
      await getExternalWorkflowHandle(install)
        .signal(ticketCommentFailedSignal, { system, message: failureMessage(err) })
        .catch(() => undefined);
    }
    throw err;
  }
}

const SYSTEMS: TicketSystem[] = ['jira', 'servicenow'];

/** Starts a child per ticket system the spec names; never throws, never waits for the post. */
export async function commentOnTicket(spec: Installation, event: NoteEvent): Promise<void> {
  const notify = spec.spec.notify;
  if (!notify) return;
  const target: TicketTarget = { notify, ticket: spec.metadata.ticket };
  for (const system of SYSTEMS.filter((s) => notify[s])) {
    await CancellationScope.nonCancellable(() =>
      startChild(ticketComment, {
        workflowId: `${workflowInfo().workflowId}-comment-${uuid4()}`,
        args: [system, target, event],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        cancellationType: ChildWorkflowCancellationType.ABANDON,
      }),
    ).catch(() => undefined);
  }
}
