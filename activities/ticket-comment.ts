// Posts one progress note on the install's ticket: a Jira Cloud comment
// (POST /rest/api/3/issue/{key}/comment, ADF body) or ServiceNow work notes (Table API
// PATCH /api/now/table/{table}/{sys_id}). Basic auth with the credential the spec references,
// read here on the worker. What trying again cannot fix fails at once: a credential reference
// that does not resolve (SecretMissing), a refusal (400, 401, 403, 404); anything else (5xx,
// 429, no answer in time) is retried by the caller's policy (the catalogue says which).
import type { NotifySpec } from '../lib/spec/notify-schema.js';
import { noteAsAdf } from '../lib/tickets/adf.js';
import { noteAsText, progressNote, type ProgressEvent } from '../lib/tickets/progress-note.js';
import { phaseFailure } from './phase-failure.js';
import { readSecret } from './secrets.js';

export type TicketSystem = keyof NotifySpec;

export interface CommentTarget {
  notify: NotifySpec;
  /** metadata.ticket: the Jira issue key. */
  ticket?: string;
}

const REQUEST_TIMEOUT_MS = 10_000;

interface Request {
  system: string;
  method: string;
  url: string;
  user: string;
  credentialRef: string;
  body: unknown;
}

const site = (url: string) => url.replace(/\/+$/, '');

function requestFor(system: TicketSystem, target: CommentTarget, event: ProgressEvent): Request | undefined {
  const note = progressNote(event);
  const { jira, servicenow } = target.notify;
  if (system === 'jira' && jira && target.ticket) {
    const url = `${site(jira.url)}/rest/api/3/issue/${encodeURIComponent(target.ticket)}/comment`;
    return { system: 'Jira', method: 'POST', url, user: jira.user, credentialRef: jira.tokenRef, body: { body: noteAsAdf(note) } };
  }
  if (system === 'servicenow' && servicenow) {
    const url = `${site(servicenow.url)}/api/now/table/${servicenow.table}/${servicenow.sysId}`;
    return { system: 'ServiceNow', method: 'PATCH', url, user: servicenow.user, credentialRef: servicenow.passwordRef, body: { work_notes: noteAsText(note) } };
  }
  return undefined;
}

async function send(request: Request): Promise<void> {
  const secret = (await readSecret(request.credentialRef)).trim();
  let res: Response;
  try {
    res = await fetch(request.url, {
      method: request.method,
      headers: {
        authorization: `Basic ${Buffer.from(`${request.user}:${secret}`).toString('base64')}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify(request.body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (err) {
    const why = (err as Error).name === 'TimeoutError' ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s` : (err as Error).message;
    throw phaseFailure('TicketSystemUnavailable', `${request.system} comment: ${request.method} ${request.url}: ${why}`, { system: request.system });
  }
  await res.body?.cancel();
  if (res.ok) return;
  const message = `${request.system} comment: ${request.method} ${request.url} answered ${res.status}`;
  const refused = [400, 401, 403, 404].includes(res.status);
  throw phaseFailure(refused ? 'TicketCommentRefused' : 'TicketSystemUnavailable', message, { system: request.system, status: res.status });
}

/** One system per call, so a retry does not post again where the comment already went. */
export async function postTicketComment(system: TicketSystem, target: CommentTarget, event: ProgressEvent): Promise<void> {
  const request = requestFor(system, target, event);
  if (request) await send(request);
}
