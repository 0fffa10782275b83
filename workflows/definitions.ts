// The install workflow's interface: its name, messages and search attributes. Imported by
// the workflow and by clients (CLI, webhook), so both speak the same names.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { SealedValue } from '../lib/codec/sealed-value.js';
import type { Actor } from '../lib/install/actor.js';
import type { ApproveAnswer, ApproveRequest, CancelAnswer, CancelRequest, RetryAccepted, RetryRequest } from '../lib/install/operator-requests.js';
import type { Handoffs } from '../lib/install/phase-io.js';
import type { InstallStatus, PhaseStatus } from '../lib/install/status.js';

export type { ApproveAnswer, ApproveRequest, CancelAnswer, CancelRequest, RetryAccepted, RetryRequest };

export const INSTALL_WORKFLOW = 'install';
export const installWorkflowId = (name: string): string => `install-${name}`;

/**
 * The workflow's first argument: the spec as a JSON object (what the Web UI's Start Workflow form
 * sends, and the CLI since this was added), or, from older clients, as a JSON string.
 */
export type InstallSpecArgument = Record<string, unknown> | string;

export interface InstallOptions {
  /** `kinstall resume`: the phases of the run being resumed, with their input hashes, and its hand-offs (`adminConf` alone from older clients). */
  resumeFrom?: { runId: string; phases: PhaseStatus[]; handoffs?: Handoffs; adminConf?: SealedValue };
  /** Who started it (the CLI's user, a ticket's): recorded, and kept from approving its own gates. */
  startedBy?: Actor;
  /** A day-2 operation: what the cluster's install handed on (admin.conf, the EKS Auto Mode reading), kept by the cluster's entity. */
  handoffs?: Pick<Handoffs, 'adminConf' | 'eksAutoMode'>;
}

export const statusQuery = defineQuery<InstallStatus>('status');

// Operator actions are Updates: the workflow's validator decides and the caller gets the answer
// or the reason for a refusal. The signals of the same names are kept for older clients: applied
// when the same validator accepts them, dropped otherwise.
export const retryUpdate = defineUpdate<RetryAccepted, [RetryRequest]>('retry');
export const approveUpdate = defineUpdate<ApproveAnswer, [ApproveRequest]>('approve');
export const abortUpdate = defineUpdate<CancelAnswer, [CancelRequest]>('abort');
export const retrySignal = defineSignal<[RetryRequest]>('retry');
export const approveSignal = defineSignal<[ApproveRequest?]>('approve');
export const abortSignal = defineSignal<[CancelRequest?]>('abort');

/** A ticket comment child that gave up tells its install (a note in the status). */
export const ticketCommentFailedSignal = defineSignal<[{ system: string; message: string }]>('ticket-comment-failed');
/** A ticket status child that could not set the status tells its install (a note in its status), once per reason. */
export const ticketStatusFailedSignal = defineSignal<[{ system: string; message: string }]>('ticket-status-failed');

export const SEARCH_ATTRIBUTES = {
  cluster: defineSearchAttributeKey('KatonicCluster', SearchAttributeType.KEYWORD),
  ticket: defineSearchAttributeKey('KatonicTicket', SearchAttributeType.KEYWORD),
  phase: defineSearchAttributeKey('KatonicPhase', SearchAttributeType.KEYWORD),
  state: defineSearchAttributeKey('KatonicState', SearchAttributeType.KEYWORD),
  /** When the install is expected to end (its ETA's median); unset once it ended or while it waits for someone. */
  eta: defineSearchAttributeKey('KatonicEta', SearchAttributeType.DATETIME),
};
