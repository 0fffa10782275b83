// The one client API for installs, used by the CLI, the webhook server and `kinstall dev`:
// start, status, list, retry, resume, approve, cancel. It takes a Client made with the
// sealing data converter (client/connection.ts) and fails with InstallApiError only.
import { installListQuery, type InstallFilter } from '../../lib/install/list-filter.js';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Client,
  isGrpcDeadlineError,
  ServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure, defaultPayloadConverter, type Payload, type PayloadCodec } from '@temporalio/common';
import type { UpdateDefinition } from '@temporalio/common';
import { CodecError } from '../../lib/codec/aes-gcm-codec.js';
import type { Actor } from '../../lib/install/actor.js';
import { startMetadata } from '../../lib/install/start-metadata.js';
import { REFUSAL_TYPES } from '../../lib/install/operator-requests.js';
import type { InstallStatus } from '../../lib/install/status.js';
import { taskQueue } from '../../lib/local-tools.js';
import type { Installation } from '../../lib/spec/schema.js';
import { acceptSpec } from '../../lib/spec/accept.js';
import { registeredSearchAttributes } from '../../lib/temporal/registered-search-attributes.js';
import {
  abortUpdate,
  approveUpdate,
  INSTALL_WORKFLOW,
  installWorkflowId,
  retryUpdate,
  SEARCH_ATTRIBUTES,
  type ApproveAnswer,
  type ApproveRequest,
  type CancelAnswer,
  type CancelRequest,
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
  /** Who starts it (recorded; may not approve its gates). */
  by?: Actor;
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
  const options: InstallOptions = { ...opts.install, ...(opts.by ? { startedBy: opts.by } : {}) };
  try {
    const handle = await client.workflow.start<typeof install>(INSTALL_WORKFLOW, {
      workflowId: id,
      taskQueue: taskQueue(),
      // The spec as the JSON object the Web UI's start form sends too (the contract's one argument).
      args: Object.keys(options).length ? [spec, options] : [spec],
      // Two deliveries of one ticket at once: the server lets one start and refuses the other.
      workflowIdConflictPolicy: 'FAIL',
      ...(answer ? { workflowIdReusePolicy: 'REJECT_DUPLICATE' as const } : {}),
      memo: { flow: spec.spec.flow },
      typedSearchAttributes: attributes,
      ...startMetadata(spec),
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
  /** When it is expected to end (its ETA's median, ISO); empty once it ended, while it waits, or when nothing is known. */
  eta: string;
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

/** A client for listing workflows: memos it cannot open (sealed with another key) read as empty. */
export function listingClient(client: Client): Client {
  const loaded = client.options.loadedDataConverter;
  return new Client({
    connection: client.connection,
    namespace: client.options.namespace,
    dataConverter: { ...loaded, payloadCodecs: loaded.payloadCodecs.map(lenient) },
  });
}

export async function listInstalls(client: Client, filter: InstallFilter = {}): Promise<InstallRow[]> {
  const lister = listingClient(client);
  const rows: InstallRow[] = [];
  for await (const wf of lister.workflow.list({ query: installListQuery(INSTALL_WORKFLOW, filter) })) {
    const attr = (key: (typeof SEARCH_ATTRIBUTES)[Exclude<keyof typeof SEARCH_ATTRIBUTES, 'eta'>]) => String(wf.typedSearchAttributes.get(key) ?? '');
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
      eta: wf.typedSearchAttributes.get(SEARCH_ATTRIBUTES.eta)?.toISOString() ?? published?.eta?.p50 ?? '',
    });
  }
  // The installs ending soonest first, then the others as the server listed them (the latest first).
  return [...rows.filter((r) => r.eta).sort((a, b) => a.eta.localeCompare(b.eta)), ...rows.filter((r) => !r.eta)];
}

/** How long an operator request waits for the install's worker to answer it. */
export const ANSWER_DEADLINE_MS = 30_000;

/**
 * Sends an operator request as an Update and returns the workflow's answer. The workflow alone
 * decides (its validator): a refusal comes back with its reason, as `conflict` (not in a state
 * for it) or `invalid` (the request itself is wrong).
 */
function ask<Answer, Request>(client: Client, id: string, update: UpdateDefinition<Answer, [Request]>, request: Request, updateId?: string): Promise<Answer> {
  return askUpdate(client, id, update, request, { updateId, notRunning: () => notRunning(client, id, update.name) });
}

/** `ask` for any workflow: `notRunning` says why none answered (no such workflow, or it ended). */
export async function askUpdate<Answer, Request>(
  client: Client,
  id: string,
  update: UpdateDefinition<Answer, [Request]>,
  request: Request,
  { updateId, notRunning }: { updateId?: string; notRunning: () => Promise<InstallApiError> },
): Promise<Answer> {
  const handle = client.workflow.getHandle(id);
  try {
    return await client.connection.withDeadline(Date.now() + ANSWER_DEADLINE_MS, () =>
      handle.executeUpdate(update, { args: [request], ...(updateId ? { updateId } : {}) }),
    );
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw refusalOf(update.name, err);
    if (err instanceof WorkflowNotFoundError) throw await notRunning();
    if (isDeadlineExceeded(err))
      throw new InstallApiError('failed', `${id}: no worker answered the ${update.name} request within ${ANSWER_DEADLINE_MS / 1000} s; is a worker running?`);
    throw err;
  }
}

/** Why an Update found no running workflow: no such install, or it has ended (for an approve, what became of its gate). */
async function notRunning(client: Client, id: string, request: string): Promise<InstallApiError> {
  const status = await fetchStatus(client, id).catch((err: unknown) => err);
  if (status instanceof InstallApiError) return status;
  if (status instanceof Error) return new InstallApiError('conflict', `${request} refused: ${id} has ended`);
  const timedOut = request === 'approve' && (status as InstallStatus).gates?.find((g) => g.state === 'timed-out');
  if (timedOut)
    return new InstallApiError('conflict', `approve refused: the gate ${timedOut.gate} of ${id} timed out at ${timedOut.at}; the install was cancelled`);
  return new InstallApiError(
    'conflict',
    `${request} refused: ${id} has ended (${(status as InstallStatus).state}); "kinstall resume ${id}" starts a new run from where it stopped`,
  );
}

/** The workflow's refusal of an Update, as its validator or handler said it. */
export function refusalOf(request: string, err: WorkflowUpdateFailedError): InstallApiError {
  const cause = err.cause instanceof ApplicationFailure ? err.cause : undefined;
  return new InstallApiError(cause?.type === REFUSAL_TYPES.invalid ? 'invalid' : 'conflict', `${request} refused: ${cause?.message ?? err.message}`);
}

export const isDeadlineExceeded = (err: unknown): boolean => isGrpcDeadlineError(err) || (err instanceof ServiceError && isGrpcDeadlineError(err.cause));

/**
 * Runs the failed phase again. `requestId` makes a repeated request (a redelivered webhook)
 * the same retry: the server keeps one Update per id.
 */
export function retryInstall(client: Client, id: string, request: RetryRequest, requestId?: string): Promise<RetryAccepted> {
  return ask(client, id, retryUpdate, request, requestId);
}

/** Passes the approval gate the install waits at (or `request.gate`): the workflow's answer. */
export function approveInstall(client: Client, id: string, request: ApproveRequest): Promise<ApproveAnswer> {
  return ask(client, id, approveUpdate, request);
}

/**
 * Asks the install to stop (its running Ansible is stopped). With `waitMs`, waits until the
 * workflow has ended, so the Ansible run is known to be stopped.
 */
export async function cancelInstall(client: Client, id: string, request: CancelRequest, waitMs?: number): Promise<CancelAnswer> {
  const answer = await ask(client, id, abortUpdate, request);
  if (waitMs === undefined) return answer;
  const handle = client.workflow.getHandle(id);
  const until = Date.now() + waitMs;
  while ((await handle.describe()).status.name === 'RUNNING') {
    if (Date.now() > until)
      throw new InstallApiError('failed', `${id}: cancellation requested, but the install has not stopped within ${Math.round(waitMs / 1000)} s`);
    await sleep(500);
  }
  return answer;
}

const RESUMABLE = ['FAILED', 'TERMINATED', 'TIMED_OUT', 'CANCELLED'];

export interface Resumed {
  runId: string;
  /** The phases that finished before, skipped now if their inputs are unchanged. */
  finished: string[];
}

/** A new run of an ended install that skips the phases that finished; `spec` (optional) changes it. */
export async function resumeInstall(client: Client, id: string, spec?: Installation, by?: Actor): Promise<Resumed> {
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
  // What the run being resumed published: its phases with their input hashes, and its hand-offs.
  const previous = await fetchStatus(client, id, description.runId);
  const next = spec ?? (await originalSpec(client, id, description.runId));
  if (installWorkflowId(next.metadata.name) !== id) throw new InstallApiError('invalid', `the spec names the install ${next.metadata.name}, not ${id}`);
  const resumeFrom = { runId: description.runId, phases: previous.phases, handoffs: previous.handoffs };
  const { runId } = await startInstall(client, next, { install: { resumeFrom }, by });
  return { runId: runId ?? '', finished: previous.phases.filter((p) => p.state === 'completed' || p.state === 'skipped').map((p) => p.name) };
}

/** The spec the run was started with (its first argument), checked again as every spec is. */
export async function originalSpec(client: Client, id: string, runId?: string): Promise<Installation> {
  const history = await client.workflow.getHandle(id, runId).fetchHistory();
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) throw new InstallApiError('invalid', `${id}: the first run's spec could not be read from its history; pass a spec`);
  // Older runs got the spec as a JSON string, newer ones (and Web UI starts) as an object.
  const argument = await decodePayload<InstallSpecArgument>(client, payload);
  const checked = typeof argument === 'string' ? acceptSpec({ text: argument }) : acceptSpec({ doc: argument });
  if (!checked.ok)
    throw new InstallApiError(
      'invalid',
      `${id}: the spec of run ${runId} is no longer valid (${checked.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}); pass a spec`,
    );
  return checked.spec;
}
