// Deliveries as Jira Cloud, ServiceNow and a generic sender make them, signed as each signs,
// and a plain HTTP client that sends them over a real socket. The Jira body is modelled on
// Jira Cloud's issue webhook (webhookEvent, issue {id, key, fields}, changelog {items[]
// with field "status", fromString, toString}).
import { randomUUID } from 'node:crypto';
import { request, type Agent } from 'node:http';
import { signatureHeader } from '../../lib/webhooks/signatures.js';

export interface Sent {
  status: number;
  body: Record<string, unknown>;
  text: string;
}

function sent(status: number, text: string): Sent {
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Left empty: a test that needs JSON says so.
  }
  return { status, body: parsed, text };
}

export async function post(url: string, body: Buffer | string, headers: Record<string, string>): Promise<Sent> {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return sent(res.status, await res.text());
}

/**
 * The same POST through an http.Agent: with `keepAlive` and `maxSockets` it reuses a bounded
 * set of connections, as a sender under load does (fetch opens one per request in flight).
 */
export function postThrough(agent: Agent, url: string, body: string, headers: Record<string, string>): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res
          .on('data', (chunk: Buffer) => chunks.push(chunk))
          .on('end', () => resolve(sent(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))))
          .on('error', reject);
      },
    );
    req.on('error', reject).end(body);
  });
}

/** The Jira user who moves a ticket (the delivery's top-level `user`). */
export interface JiraUser {
  accountId: string;
  displayName: string;
}
export const OPS_BOT: JiraUser = { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Ops Bot' };

/** Jira Cloud's `jira:issue_updated` for a status transition, moved by `user`. */
export function jiraTransition(
  key: string,
  to: string,
  fields: Record<string, unknown> = {},
  event = 'jira:issue_updated',
  user: JiraUser = OPS_BOT,
): Record<string, unknown> {
  return {
    timestamp: Date.now(),
    webhookEvent: event,
    issue_event_type_name: 'issue_generic',
    user: { self: `https://acme.atlassian.net/rest/api/3/user?accountId=${user.accountId}`, ...user, active: true, accountType: 'atlassian' },
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
