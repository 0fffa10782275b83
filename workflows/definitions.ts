// The install workflow's interface: its name, messages and search attributes. Imported by
// the workflow and by clients (CLI, webhook), so both speak the same names.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { SealedValue } from '../lib/codec/sealed-value.js';
import type { InstallStatus, PhaseStatus } from '../lib/install/status.js';

export const INSTALL_WORKFLOW = 'install';
export const installWorkflowId = (name: string): string => `install-${name}`;

export interface RetryRequest {
  /** Like AWX's "relaunch on failed hosts": `--limit` to the hosts that failed or were unreachable. */
  failedHostsOnly?: boolean;
  /** Extra vars changed by the operator for the retried phase (recorded in the status). */
  vars?: Record<string, unknown>;
}

export interface RetryAccepted {
  phase: string;
  limitHosts?: string[];
}

/**
 * The workflow's first argument: the spec as a JSON object (what the Web UI's Start Workflow form
 * sends, and the CLI since this was added), or, from older clients, as a JSON string.
 */
export type InstallSpecArgument = Record<string, unknown> | string;

export interface InstallOptions {
  /** `kinstall resume`: the phases of the run being resumed, with their input hashes. */
  resumeFrom?: { runId: string; phases: PhaseStatus[]; adminConf?: SealedValue };
}

export const statusQuery = defineQuery<InstallStatus>('status');
export const retryUpdate = defineUpdate<RetryAccepted, [RetryRequest]>('retry');
export const retrySignal = defineSignal<[RetryRequest]>('retry');
export const approveSignal = defineSignal<[{ gate?: string }?]>('approve');
export const abortSignal = defineSignal<[{ reason?: string }?]>('abort');

export const SEARCH_ATTRIBUTES = {
  cluster: defineSearchAttributeKey('KatonicCluster', SearchAttributeType.KEYWORD),
  ticket: defineSearchAttributeKey('KatonicTicket', SearchAttributeType.KEYWORD),
  phase: defineSearchAttributeKey('KatonicPhase', SearchAttributeType.KEYWORD),
  state: defineSearchAttributeKey('KatonicState', SearchAttributeType.KEYWORD),
};
