// Deliveries as Jira Cloud, ServiceNow and a generic sender make them, signed as each signs,
// and a plain HTTP client that sends them over a real socket. The Jira body is modelled on
// Jira Cloud's issue webhook (webhookEvent, issue {id, key, fields}, changelog {items[]
// with field "status", fromString, toString}).
import { randomUUID } from 'node:crypto';
import { signatureHeader } from '../../lib/webhooks/signatures.js';

export interface Sent {
  status: number;
  body: Record<string, unknown>;
  text: string;
}

export async function post(url: string, body: Buffer | string, headers: Record<string, string>): Promise<Sent> {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Left empty: a test that needs JSON says so.
  }
  return { status: res.status, body: parsed, text };
}

/** Jira Cloud's `jira:issue_updated` for a status transition. */
export function jiraTransition(key: string, to: string, fields: Record<string, unknown> = {}, event = 'jira:issue_updated'): Record<string, unknown> {
  return {
    timestamp: Date.now(),
    webhookEvent: event,
    issue_event_type_name: 'issue_generic',
    user: { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Ops Bot' },
    issue: {
      id: String(10_000 + key.length),
      self: `https://acme.atlassian.net/rest/api/3/issue/${key}`,
      key,
      fields: { summary: `Install Katonic for ${key}`, status: { name: to }, ...fields },
    },
    changelog: { id: '10042', items: [{ field: 'status', fieldtype: 'jira', from: '10000', fromString: 'To Do', to: '10001', toString: to }] },
  };
}

/** Headers Jira Cloud sends with an admin webhook that has a secret. */
export function jiraHeaders(raw: string, secret: string, deliveryId: string = randomUUID()): Record<string, string> {
  return { 'x-hub-signature': signatureHeader(secret, raw), 'x-atlassian-webhook-identifier': deliveryId, 'user-agent': 'Atlassian Webhook HTTP Client' };
}

/** The generic sender's signature over `<timestamp>.<body>`. */
export function genericHeaders(raw: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  return { 'x-katonic-timestamp': String(timestamp), 'x-katonic-signature': signatureHeader(secret, `${timestamp}.${raw}`) };
}

export const basicAuth = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
