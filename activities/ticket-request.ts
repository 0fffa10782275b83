// One request to a ticket system (Jira Cloud, ServiceNow), as the ticket comment and the live
// status send it: JSON, Basic auth with the credential the spec references, read here on the
// worker, and 10 s to answer. What trying again cannot fix fails at once: a credential
// reference that does not resolve (SecretMissing), a refusal (400, 401, 403, 404); anything else
// (5xx, 429, no answer in time) is retried by the caller's policy (the catalogue says which).
import { ApplicationFailure } from '@temporalio/common';
import type { NotifySpec } from '../lib/spec/notify-schema.js';
import { phaseFailure } from './phase-failure.js';
import { readSecret } from './secrets.js';

export type TicketSystem = keyof NotifySpec;

/** Where an install's ticket is: the spec's notify, and metadata.ticket (the Jira issue key). */
export interface TicketTarget {
  notify: NotifySpec;
  ticket?: string;
}

export interface TicketRequest {
  /** What is sent, for messages: "Jira comment", "ServiceNow status field". */
  what: string;
  system: 'Jira' | 'ServiceNow';
  method: string;
  url: string;
  user: string;
  credentialRef: string;
  body: unknown;
}

const REQUEST_TIMEOUT_MS = 10_000;

export const siteUrl = (url: string): string => url.replace(/\/+$/, '');

/** Sends the request; a refusal fails as `refused`, non-retryable as the catalogue says. */
export async function sendTicketRequest(request: TicketRequest, refused: 'TicketCommentRefused' | 'TicketStatusRefused'): Promise<void> {
  const secret = (await readSecret(request.credentialRef)).trim();
  const asked = `${request.what}: ${request.method} ${request.url}`;
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
    throw phaseFailure('TicketSystemUnavailable', `${asked}: ${why}`, { system: request.system });
  }
  await res.body?.cancel();
  if (res.ok) return;
  const isRefusal = [400, 401, 403, 404].includes(res.status);
  throw phaseFailure(isRefusal ? refused : 'TicketSystemUnavailable', `${asked} answered ${res.status}`, { system: request.system, status: res.status });
}

/**
 * Sends requests that repeat safely (upserts, PUTs) side by side: one refused does not keep the
 * others from going. When any failed, the failure thrown is one worth retrying if there is one
 * (the whole set goes again: harmless), else the first refusal.
 */
export async function sendRepeatable(requests: TicketRequest[], refused: 'TicketStatusRefused'): Promise<void> {
  const failures = (await Promise.allSettled(requests.map((r) => sendTicketRequest(r, refused)))).flatMap((r) =>
    r.status === 'rejected' ? [r.reason as unknown] : [],
  );
  if (!failures.length) return;
  throw failures.find((f) => f instanceof ApplicationFailure && !f.nonRetryable) ?? failures[0];
}
