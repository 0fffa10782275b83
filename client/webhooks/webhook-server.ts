// The webhook server: Jira, ServiceNow and generic deliveries become install actions through
// the one client API. Each delivery is checked on its raw body (signature or Basic auth)
// before it is parsed, mapped by the config's rules, and answered at once: the work is the
// workflow's. A start is keyed by the install name, so a redelivery or a second delivery for
// the same ticket answers with the existing install's id and starts nothing. Every rejection
// is a 4xx with {"error": "..."} that names what was wrong, never a secret. A Temporal outage is
// a 503 (deliver again later); an unexpected error a 500, its trace in a file on this server.
import { basename } from 'node:path';
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { readReference } from '../../lib/read-reference.js';
import { acceptSpec } from '../../lib/spec/accept.js';
import { SOURCES, type Rule, type Source, type WebhookConfig } from '../../lib/webhooks/config.js';
import { fillSpec, installNameOf, matchRule, upgradeVersionOf } from '../../lib/webhooks/mapping.js';
import { basicAuthMatches, checkTimestamped, signedByAny } from '../../lib/webhooks/signatures.js';
import { ticketEvent, type TicketEvent } from '../../lib/webhooks/ticket-event.js';
import { installWorkflowId } from '../../workflows/definitions.js';
import { InstallApiError, httpStatusOf } from '../api/errors.js';
import { installThroughCluster, operateCluster } from '../api/clusters.js';
import { clusterWorkflowId } from '../../workflows/cluster-definitions.js';
import { approveInstall, cancelInstall, resumeInstall, retryInstall } from '../api/installs.js';
import { temporalUnreachable } from '../temporal-unreachable.js';
import { writeTraceFile } from '../trace-file.js';
import type { LoadedWebhookConfig } from './load-config.js';
import { RecentAnswers } from './recent-answers.js';

/** Ticket events are small; a larger body is refused before it is read to the end. */
export const BODY_LIMIT_BYTES = 1024 * 1024;
const DEFAULT_TOLERANCE_SECONDS = 300;

export const HEADERS = {
  jiraSignature: 'x-hub-signature',
  jiraDelivery: 'x-atlassian-webhook-identifier',
  signature: 'x-katonic-signature',
  timestamp: 'x-katonic-timestamp',
  delivery: 'x-katonic-delivery',
};

export interface Reply {
  status: number;
  body: Record<string, unknown>;
}

const reject = (status: number, error: string, extra: Record<string, unknown> = {}): Reply => ({ status, body: { error, ...extra } });

// A sender redelivers within minutes to hours; an hour of answers is ample and bounded.
const DELIVERY_ANSWER_MS = 60 * 60_000;
// An install name once used never starts again (REJECT_DUPLICATE), so "it exists" stays true
// for as long as the server keeps the run; ten minutes is far inside any namespace retention.
const EXISTING_INSTALL_MS = 10 * 60_000;

export interface WebhookServerOptions {
  loaded: LoadedWebhookConfig;
  client: Client;
  port: number;
  host: string;
  /** Where a reference is read when it cannot be: `kinstall dev`'s own secret file for an unset variable. */
  referenceFallbacks?: Record<string, string>;
  /** One line per action or rejection (never a secret). */
  log?: (line: string) => void;
}

export interface WebhookServer {
  url: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

type SourceSecrets = (refs: readonly string[]) => Promise<string[]>;

/** What one server keeps between deliveries. */
interface ServerState {
  opts: WebhookServerOptions;
  secrets: SourceSecrets;
  /** Answers by delivery id. */
  deliveries: RecentAnswers<Promise<Reply>>;
  /**
   * Install ids this server is starting, has started or found existing, kept from the moment
   * the first delivery asks: another delivery for the ticket waits for that answer instead of
   * asking Temporal again (under a burst the first may take seconds). A failed start is forgotten.
   */
  existingInstalls: RecentAnswers<Promise<unknown>>;
}

/** The secrets the references name that can be read now (read per delivery, so a rotated file takes effect at once). */
function secretReader(fallbacks: Record<string, string>): SourceSecrets {
  const read = (ref: string) =>
    readReference(ref, 'the webhook server').catch((err: unknown) =>
      fallbacks[ref] ? readReference(fallbacks[ref]!, 'the webhook server') : Promise.reject(err),
    );
  return async (refs) => (await Promise.allSettled(refs.map(read))).flatMap((r) => (r.status === 'fulfilled' && r.value.trim() ? [r.value.trim()] : []));
}

const header = (req: FastifyRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Who sent it: a Reply when refused, undefined when the delivery is authentic. */
async function authenticate(config: WebhookConfig, source: Source, req: FastifyRequest, raw: Buffer, secrets: SourceSecrets): Promise<Reply | undefined> {
  const noSecret = reject(500, `the webhook server cannot read any secret for ${source} (see its config)`);
  if (source === 'jira') {
    const refs = config.sources.jira!.secretRefs;
    const signature = header(req, HEADERS.jiraSignature);
    if (!signature) return reject(401, 'missing X-Hub-Signature: expected sha256=<hex HMAC of the body>');
    const keys = await secrets(refs);
    if (!keys.length) return noSecret;
    return signedByAny(signature, raw, keys) ? undefined : reject(401, 'X-Hub-Signature does not match the body under any configured secret');
  }
  if (source === 'servicenow') {
    const { basicAuth, secretRefs } = config.sources.servicenow!;
    const authorization = header(req, 'authorization');
    const signature = header(req, HEADERS.signature);
    if (basicAuth && authorization) {
      const passwords = await secrets(basicAuth.passwordRefs);
      if (!passwords.length) return noSecret;
      return basicAuthMatches(authorization, basicAuth.user, passwords) ? undefined : reject(401, 'Basic auth: user or password not accepted');
    }
    if (secretRefs && signature) {
      const keys = await secrets(secretRefs);
      if (!keys.length) return noSecret;
      return signedByAny(signature, raw, keys) ? undefined : reject(401, 'X-Katonic-Signature does not match the body under any configured secret');
    }
    return reject(
      401,
      `missing credentials: expected ${[basicAuth && 'Basic auth', secretRefs && 'X-Katonic-Signature: sha256=<hex HMAC of the body>'].filter(Boolean).join(' or ')}`,
    );
  }
  const generic = config.sources.generic!;
  const keys = await secrets(generic.secretRefs);
  const tolerance = generic.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const check = checkTimestamped(header(req, HEADERS.timestamp), header(req, HEADERS.signature), raw, keys, Date.now(), tolerance);
  if (check === 'missing') return reject(401, 'missing X-Katonic-Timestamp or X-Katonic-Signature: expected sha256=<hex HMAC of "<timestamp>.<body>">');
  if (check === 'stale') return reject(401, `X-Katonic-Timestamp is more than ${tolerance} s away from this server's clock`);
  if (!keys.length) return noSecret;
  return check === 'ok' ? undefined : reject(401, 'X-Katonic-Signature does not match the timestamp and body under any configured secret');
}

const succeeded = (p: Promise<unknown>): Promise<boolean> =>
  p.then(
    () => true,
    () => false,
  );

/** What the rule does for this ticket, through the install API. */
async function act(state: ServerState, rule: Rule, ev: TicketEvent, deliveryId: string | undefined): Promise<Reply> {
  const { client, loaded } = state.opts;
  if (rule.action === 'start') {
    const template = loaded.templates.get(rule.name)!;
    const filled = fillSpec(template.doc, rule.set ?? {}, ev.body);
    if (!filled.ok) return reject(422, `the ticket does not make an install spec (rule ${rule.name}): ${filled.errors.join('; ')}`);
    const checked = acceptSpec({ doc: filled.doc }, template.baseDir);
    if (!checked.ok) {
      const errors = checked.errors;
      return reject(422, `the ticket does not make a valid install spec (rule ${rule.name}): ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, {
        errors,
      });
    }
    const { spec } = checked;
    const id = installWorkflowId(spec.metadata.name);
    const answer = (started: boolean): Reply => ({ status: started ? 201 : 200, body: { id, action: 'start', started, rule: rule.name } });
    // Another delivery for a ticket whose install exists or is being started: the answer Temporal would give, without asking it.
    const known = state.existingInstalls.get(id);
    if (known && (await succeeded(known))) return answer(false);
    const starting = installThroughCluster(client, spec, { existing: 'answer', ...(ev.actor ? { by: ev.actor } : {}) });
    state.existingInstalls.set(id, starting);
    void starting.catch(() => state.existingInstalls.delete(id, starting));
    return answer((await starting).started);
  }
  const name = installNameOf(rule.install!, ev.body);
  if (!name.ok) return reject(422, `${name.message} (rule ${rule.name})`);
  const id = installWorkflowId(name.value);
  const done = (extra: Record<string, unknown> = {}): Reply => ({ status: 200, body: { id, action: rule.action, rule: rule.name, ...extra } });
  const reason = `${rule.action} by ${ev.source} ${ev.event}${ev.statusTo ? ` to ${ev.statusTo}` : ''} (rule ${rule.name})`;
  const by = ev.actor;
  switch (rule.action) {
    case 'upgrade-kube':
    case 'upgrade-katonic': {
      const version = upgradeVersionOf(rule.action, rule.version!, ev.body);
      if (!version.ok) return reject(422, `${version.message} (rule ${rule.name})`);
      const request = { kind: rule.action, version: version.value, ...(by ? { by } : {}) };
      const accepted = await operateCluster(client, name.value, request, deliveryId ? `${ev.source}-${deliveryId}` : undefined);
      return done({ cluster: clusterWorkflowId(name.value), operation: accepted.seq, workflowId: accepted.workflowId });
    }
    case 'retry':
      return done({ phase: (await retryInstall(client, id, { by }, deliveryId ? `${ev.source}-${deliveryId}` : undefined)).phase });
    case 'resume':
      return done({ runId: (await resumeInstall(client, id, undefined, by)).runId });
    case 'approve': {
      const answer = await approveInstall(client, id, { by });
      return done({ gate: answer.gate, ...(answer.alreadyApproved ? { alreadyApproved: true } : {}) });
    }
    case 'cancel':
      await cancelInstall(client, id, { reason, by });
      return done();
  }
}

/**
 * The answer when acting failed: the install API's own refusal; a Temporal outage, which a
 * redelivery may get past; or a bug, which it will not: 500, no invitation to deliver again.
 */
async function failureReply(err: unknown, source: Source, log: ((line: string) => void) | undefined): Promise<Reply> {
  if (err instanceof InstallApiError) return reject(httpStatusOf(err), err.message);
  const error = err instanceof Error ? err : new Error(String(err));
  const line = error.message.split('\n')[0];
  if (temporalUnreachable(err)) {
    log?.(`webhook ${source}: ${line}`);
    return reject(503, 'the install server could not be reached; deliver again later');
  }
  const file = await writeTraceFile('kinstall-webhook-error', error).catch(() => undefined);
  log?.(`webhook ${source}: unexpected error: ${line}${file ? ` (full trace in ${file})` : ''}`);
  return reject(500, `internal error${file ? ` (trace in ${basename(file)} on the webhook server)` : ''}`);
}

async function handle(state: ServerState, source: Source, req: FastifyRequest): Promise<Reply> {
  const { config } = state.opts.loaded;
  if (!config.sources[source]) return reject(404, `no ${source} source in this webhook server's config`);
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const refused = await authenticate(config, source, req, raw, state.secrets);
  if (refused) return refused;
  const deliveryId = header(req, source === 'jira' ? HEADERS.jiraDelivery : HEADERS.delivery);
  // A redelivery is answered as its first delivery was, once its signature is checked (so a
  // forged delivery cannot read a kept answer) and before its body is read again.
  const key = deliveryId && `${source}:${deliveryId}`;
  const cached = key ? state.deliveries.get(key) : undefined;
  if (cached) return cached;
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return reject(400, 'malformed JSON: expected a JSON object');
  }
  const parsed = ticketEvent(source, body);
  if (!parsed.ok) return reject(422, parsed.message);
  const ev = parsed.event;
  const rule = matchRule(config.rules, ev);
  if (!rule) return { status: 202, body: { ignored: `no rule for ${source} ${ev.event}${ev.statusTo ? ` to status ${ev.statusTo}` : ''}` } };
  const reply = act(state, rule, ev, deliveryId).catch((err: unknown) => failureReply(err, source, state.opts.log));
  if (key) {
    // Kept at once: a redelivery that comes while this one is still being acted on (a sender
    // that timed out) waits for its answer instead of asking Temporal again. Only a success is
    // kept: after a failure the next delivery tries again.
    const redelivery = reply.then((r): Reply =>
      r.status < 300 ? { status: 200, body: { ...r.body, ...(rule.action === 'start' ? { started: false } : {}), redelivery: true } } : r,
    );
    state.deliveries.set(key, redelivery);
    void reply.then((r) => r.status >= 300 && state.deliveries.delete(key, redelivery));
  }
  return reply;
}

/** Reads the rest of a request into nothing, until it ends or `ms` have passed. */
function discardRest(raw: NodeJS.ReadableStream & { readableEnded: boolean }, ms: number): Promise<void> {
  if (raw.readableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    raw.once('end', done).once('error', done).resume();
  });
}

export async function startWebhookServer(opts: WebhookServerOptions): Promise<WebhookServer> {
  const app = Fastify({ bodyLimit: BODY_LIMIT_BYTES, logger: false });
  const state: ServerState = {
    opts,
    secrets: secretReader(opts.referenceFallbacks ?? {}),
    deliveries: new RecentAnswers(DELIVERY_ANSWER_MS),
    existingInstalls: new RecentAnswers(EXISTING_INSTALL_MS),
  };
  // The raw bytes are what was signed: every body is kept as a Buffer and parsed only after the check.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.setErrorHandler(async (err: { statusCode?: number; code?: string; message: string }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    const tooLarge = err.code === 'FST_ERR_CTP_BODY_TOO_LARGE';
    // The sender is still writing: let it finish (discarded, for a bounded time), so it reads the
    // 413 instead of a connection reset.
    if (tooLarge) await discardRest(req.raw, 5000);
    const error = tooLarge ? `body larger than ${BODY_LIMIT_BYTES / 1024} KiB; ticket events are small` : status < 500 ? err.message : 'internal error';
    return reply.code(status).send({ error });
  });
  app.setNotFoundHandler(
    (req, reply) =>
      void reply
        .code(404)
        .send({ error: `no route ${req.method} ${req.url.split('?')[0]}; expected POST /webhooks/{jira,servicenow,generic} or GET /healthz` }),
  );
  app.get('/healthz', async () => ({ ok: true }));
  for (const source of SOURCES) {
    app.post(`/webhooks/${source}`, async (req, reply) => {
      const answer = await handle(state, source, req);
      // A redelivery's answer repeats a line already logged.
      if (answer.status >= 400 || (answer.body.action && !answer.body.redelivery))
        opts.log?.(`webhook ${source}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return reply.code(answer.status).send(answer.body);
    });
  }
  const url = await app.listen({ port: opts.port, host: opts.host });
  return { url, app, close: () => app.close() };
}
