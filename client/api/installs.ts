// The one client API for installs, used by the CLI, the webhook server and `kinstall dev`:
// start, status, list, retry, resume, approve, cancel. It takes a Client made with the
// sealing data converter (client/connection.ts) and fails with InstallApiError only.
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { defaultPayloadConverter, type Payload, type PayloadCodec } from '@temporalio/common';
import { CodecError } from '../../lib/codec/aes-gcm-codec.js';
import type { SealedValue } from '../../lib/codec/sealed-value.js';
import { startDetails, startSummary } from '../../lib/install/current-details.js';
import type { PhaseResult } from '../../lib/install/phase-io.js';
import { FINAL_STATES, type InstallStatus } from '../../lib/install/status.js';
import { taskQueue } from '../../lib/local-tools.js';
import type { Installation } from '../../lib/spec/schema.js';
import { registeredSearchAttributes } from '../../lib/temporal/registered-search-attributes.js';
import {
  abortSignal,
  approveSignal,
  INSTALL_WORKFLOW,
  installWorkflowId,
  retryUpdate,
  SEARCH_ATTRIBUTES,
  type InstallOptions,
  type InstallSpecArgument,
  type RetryAccepted,
  type RetryRequest,
} from '../../workflows/definitions.js';
import type { install } from '../../workflows/install.js';
import { decodePayload } from '../decode-payload.js';
import { fetchStatus } from '../install-status.js';
import { InstallApiError } from './errors.js';

export { fetchStatus as installStatus };

export interface Started {
  id: string;
  /** False when an install of that name exists already (only with `existing: 'answer'`). */
  started: boolean;
  /** The new run, when one was started. */
  runId?: string;
}

export interface StartOptions {
  /** `resume`: the phases of the run it continues. */
  install?: InstallOptions;
  /**
   * What an install of the same name means: 'refuse' (the CLI's `start`: a conflict), or
   * 'answer' (a webhook: a redelivery, answered with the existing id; a name once used, even
   * by an install that ended, starts nothing new).
   */
  existing?: 'refuse' | 'answer';
}

/** Starts the install workflow for a validated spec, keyed by its name (`install-<name>`). */
export async function startInstall(client: Client, spec: Installation, opts: StartOptions = {}): Promise<Started> {
  const id = installWorkflowId(spec.metadata.name);
  const answer = opts.existing === 'answer';
  const label = { cluster: spec.metadata.name, flow: spec.spec.flow, ticket: spec.metadata.ticket };
  // Only the search attributes the server has: one it lacks would refuse the start.
  const registered = await registeredSearchAttributes(
    client.connection,
    client.options.namespace,
    Object.values(SEARCH_ATTRIBUTES).map((key) => key.name),
  );
  const attributes = [
    { key: SEARCH_ATTRIBUTES.cluster, value: spec.metadata.name },
    ...(spec.metadata.ticket ? [{ key: SEARCH_ATTRIBUTES.ticket, value: spec.metadata.ticket }] : []),
    { key: SEARCH_ATTRIBUTES.state, value: 'running' },
  ].filter((pair) => registered.includes(pair.key.name));
  try {
    const handle = await client.workflow.start<typeof install>(INSTALL_WORKFLOW, {
      workflowId: id,
      taskQueue: taskQueue(),
      // The spec as the JSON object the Web UI's start form sends too (the contract's one argument).
      args: opts.install ? [spec, opts.install] : [spec],
      // Two deliveries of one ticket at once: the server lets one start and refuses the other.
      workflowIdConflictPolicy: 'FAIL',
      ...(answer ? { workflowIdReusePolicy: 'REJECT_DUPLICATE' as const } : {}),
      memo: { flow: spec.spec.flow },
      typedSearchAttributes: attributes,
      staticSummary: startSummary(label),
      staticDetails: startDetails(label),
    });
    return { id, started: true, runId: handle.firstExecutionRunId };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    if (answer) return { id, started: false };
    throw new InstallApiError('conflict', `${id} is already running; see "kinstall status ${id}"`);
  }
}

export interface InstallRow {
  id: string;
  cluster: string;
  flow: string;
  state: string;
  phase: string;
  ticket: string;
}

/** A codec for listing: a memo sealed with a key this client lacks reads as empty, instead of ending the list. */
const lenient = (codec: PayloadCodec): PayloadCodec => ({
  encode: (payloads) => codec.encode(payloads),
  decode: (payloads) =>
    Promise.all(
      payloads.map((p) =>
        codec.decode([p]).then(
          ([decoded]) => decoded as Payload,
          (err: unknown) => {
            if (err instanceof CodecError) return defaultPayloadConverter.toPayload(null)!;
            throw err;
          },
        ),
      ),
    ),
});

export async function listInstalls(client: Client): Promise<InstallRow[]> {
  const loaded = client.options.loadedDataConverter;
  const lister = new Client({
    connection: client.connection,
    namespace: client.options.namespace,
    dataConverter: { ...loaded, payloadCodecs: loaded.payloadCodecs.map(lenient) },
  });
  const rows: InstallRow[] = [];
  for await (const wf of lister.workflow.list({ query: `WorkflowType = '${INSTALL_WORKFLOW}'` })) {
    const attr = (key: (typeof SEARCH_ATTRIBUTES)[keyof typeof SEARCH_ATTRIBUTES]) => String(wf.typedSearchAttributes.get(key) ?? '');
    // The search attributes, else the status the install published (a server without the attributes, a Web UI start).
    const memo = (await wf.memo) as { flow?: string; status?: Partial<InstallStatus> } | undefined;
    const published = memo?.status;
    rows.push({
      id: wf.workflowId,
      cluster: attr(SEARCH_ATTRIBUTES.cluster) || (published?.cluster ?? ''),
      flow: memo?.flow ?? published?.flow ?? '',
      state: attr(SEARCH_ATTRIBUTES.state) || published?.state || wf.status.name.toLowerCase(),
      phase: attr(SEARCH_ATTRIBUTES.phase) || (published?.phase ?? ''),
      ticket: attr(SEARCH_ATTRIBUTES.ticket) || (published?.ticket ?? ''),
    });
  }
  return rows;
}

async function requireRunning(client: Client, id: string): Promise<InstallStatus> {
  const status = await fetchStatus(client, id);
  if (FINAL_STATES.includes(status.state))
    throw new InstallApiError('conflict', `${id} has ended (${status.state}); "kinstall resume ${id}" starts a new run from where it stopped`);
  return status;
}

/**
 * Runs the failed phase again. `requestId` makes a repeated request (a redelivered webhook)
 * the same retry: the server keeps one Update per id.
 */
export async function retryInstall(client: Client, id: string, request: RetryRequest, requestId?: string): Promise<RetryAccepted> {
  await requireRunning(client, id);
  try {
    return await client.workflow.getHandle(id).executeUpdate(retryUpdate, { args: [request], ...(requestId ? { updateId: requestId } : {}) });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw new InstallApiError('conflict', `retry refused: ${err.cause?.message ?? err.message}`);
    throw err;
  }
}

/** Passes the approval gate the install waits at; returns the gate's name. */
export async function approveInstall(client: Client, id: string): Promise<string> {
  const status = await fetchStatus(client, id);
  if (status.state !== 'waiting-for-approval' || !status.waitingFor)
    throw new InstallApiError('conflict', `${id} is not waiting for an approval (state: ${status.state})`);
  await client.workflow.getHandle(id).signal(approveSignal, { gate: status.waitingFor });
  return status.waitingFor;
}

/**
 * Asks the install to stop (its running Ansible is stopped). With `waitMs`, waits until the
 * workflow has ended, so the Ansible run is known to be stopped.
 */
export async function cancelInstall(client: Client, id: string, reason: string, waitMs?: number): Promise<void> {
  await requireRunning(client, id);
  const handle = client.workflow.getHandle(id);
  await handle.signal(abortSignal, { reason });
  if (waitMs === undefined) return;
  const until = Date.now() + waitMs;
  while ((await handle.describe()).status.name === 'RUNNING') {
    if (Date.now() > until)
      throw new InstallApiError('failed', `${id}: cancellation requested, but the install has not stopped within ${Math.round(waitMs / 1000)} s`);
    await sleep(500);
  }
}

const RESUMABLE = ['FAILED', 'TERMINATED', 'TIMED_OUT', 'CANCELLED'];

export interface Resumed {
  runId: string;
  /** The phases that finished before, skipped now if their inputs are unchanged. */
  finished: string[];
}

/** A new run of an ended install that skips the phases that finished; `spec` (optional) changes it. */
export async function resumeInstall(client: Client, id: string, spec?: Installation): Promise<Resumed> {
  const description = await client.workflow
    .getHandle(id)
    .describe()
    .catch((err: unknown) => {
      if (err instanceof WorkflowNotFoundError) throw new InstallApiError('not-found', `no install ${id} on this server`);
      throw err;
    });
  if (!RESUMABLE.includes(description.status.name)) {
    const hint = description.status.name === 'RUNNING' ? ' (use "kinstall retry" while it waits)' : '';
    throw new InstallApiError(
      'conflict',
      `${id} is ${description.status.name.toLowerCase()}; resume is for installs that ended failed, terminated or timed out${hint}`,
    );
  }
  const previous = await fetchStatus(client, id, description.runId);
  const next = spec ?? (await originalSpec(client, id, description.runId));
  if (installWorkflowId(next.metadata.name) !== id) throw new InstallApiError('invalid', `the spec names the install ${next.metadata.name}, not ${id}`);
  const adminConf = await handedOnAdminConf(client, id, description.runId);
  const { runId } = await startInstall(client, next, { install: { resumeFrom: { runId: description.runId, phases: previous.phases, adminConf } } });
  return { runId: runId ?? '', finished: previous.phases.filter((p) => p.state === 'completed' || p.state === 'skipped').map((p) => p.name) };
}

async function originalSpec(client: Client, id: string, runId: string): Promise<Installation> {
  const history = await client.workflow.getHandle(id, runId).fetchHistory();
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) throw new InstallApiError('invalid', `${id}: the first run's spec could not be read from its history; pass a spec`);
  // Older runs got the spec as a JSON string, newer ones (and Web UI starts) as an object.
  const spec = await decodePayload<InstallSpecArgument>(client, payload);
  return (typeof spec === 'string' ? JSON.parse(spec) : spec) as Installation;
}

/**
 * The admin.conf (sealed) the run being resumed had last: handed to it on its own resume, or
 * handed on by its kubespray phase (its result, or a failed run's details). A resume that skips kubespray hands it to the new run.
 */
async function handedOnAdminConf(client: Client, id: string, runId: string): Promise<SealedValue | undefined> {
  const history = await client.workflow.getHandle(id, runId).fetchHistory();
  const options = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[1];
  let adminConf = options ? (await decodePayload<InstallOptions>(client, options)).resumeFrom?.adminConf : undefined;
  for (const event of history.events ?? []) {
    // A kubespray result, or a failed kubespray run's details (it hands admin.conf on with its failure).
    const result = event.activityTaskCompletedEventAttributes?.result?.payloads?.[0];
    const failed = event.activityTaskFailedEventAttributes?.failure?.applicationFailureInfo?.details?.payloads?.[0];
    if (result) adminConf = (await decodePayload<PhaseResult | null>(client, result))?.adminConf ?? adminConf;
    if (failed) adminConf = (await decodePayload<{ adminConf?: SealedValue } | null>(client, failed))?.adminConf ?? adminConf;
  }
  return adminConf;
}
