// A delivery's body as one shape for every source: which event it is, the status the ticket
// moved to, and the body itself (whose fields the rules read by path).
import type { Actor } from '../install/actor.js';
import type { Source } from './config.js';

export interface TicketEvent {
  source: Source;
  event: string;
  statusTo?: string;
  body: Record<string, unknown>;
  /** Who moved the ticket, as the signed delivery says: recorded with the action, and checked against a gate's approvers. */
  actor?: Actor;
}

export type EventResult = { ok: true; event: TicketEvent } | { ok: false; message: string };

/** The Jira events a rule can name: a new issue, or a change to one. */
export const JIRA_EVENTS = ['jira:issue_created', 'jira:issue_updated'];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
// A user name as a ticket system sends it: printable, bounded.
const userName = (v: unknown): string | undefined => (typeof v === 'string' && /^[^\p{Cc}]{1,128}$/u.test(v) ? v : undefined);

/** Jira's issue events name the acting user at top level: `user.accountId` (stable) and `user.displayName`. */
function jiraActor(body: Record<string, unknown>): Actor | undefined {
  const user = isRecord(body.user) ? body.user : undefined;
  const id = userName(user?.accountId);
  const name = userName(user?.displayName) ?? id;
  return name ? { name, ...(id ? { id } : {}), via: 'jira' } : undefined;
}

/** ServiceNow and generic deliveries: an optional `user` (the ServiceNow user name, or any user name). */
function namedActor(body: Record<string, unknown>, via: 'servicenow' | 'generic'): Actor | undefined {
  const name = userName(body.user);
  return name ? { name, via } : undefined;
}

/** Jira Cloud's issue events: the status it moved to is the changelog's `status` item (created: its status). */
function jiraEvent(body: Record<string, unknown>): EventResult {
  const event = text(body.webhookEvent);
  if (!event || !JIRA_EVENTS.includes(event))
    return {
      ok: false,
      message: `unsupported Jira event${event ? ` ${JSON.stringify(event.slice(0, 60))}` : ''}: expected webhookEvent ${JIRA_EVENTS.join(' or ')}`,
    };
  const issue = isRecord(body.issue) ? body.issue : undefined;
  if (!issue || !text(issue.key)) return { ok: false, message: 'expected issue.key in a Jira issue event' };
  const changelog = isRecord(body.changelog) && Array.isArray(body.changelog.items) ? body.changelog.items : [];
  const statusItem = changelog.find((item): item is Record<string, unknown> => isRecord(item) && item.field === 'status');
  const fields = isRecord(issue.fields) ? issue.fields : {};
  const statusTo = event === 'jira:issue_updated' ? text(statusItem?.toString) : text(isRecord(fields.status) ? fields.status.name : undefined);
  const actor = jiraActor(body);
  return { ok: true, event: { source: 'jira', event, statusTo, body, ...(actor ? { actor } : {}) } };
}

/**
 * ServiceNow has no webhook format of its own: a business rule or a Flow Designer REST step
 * sends {event, table, sys_id, number, state, variables, user} (docs/webhooks.md, "The mapping file").
 */
function serviceNowEvent(body: Record<string, unknown>): EventResult {
  const event = text(body.event);
  if (!event) return { ok: false, message: 'expected event (a string) in a ServiceNow delivery' };
  for (const field of ['table', 'sys_id'] as const)
    if (!text(body[field])) return { ok: false, message: `expected ${field} (a string) in a ServiceNow delivery` };
  const actor = namedActor(body, 'servicenow');
  return { ok: true, event: { source: 'servicenow', event, statusTo: text(body.state), body, ...(actor ? { actor } : {}) } };
}

/** Any other system: {event, status?, …fields}. */
function genericEvent(body: Record<string, unknown>): EventResult {
  const event = text(body.event);
  if (!event) return { ok: false, message: 'expected event (a string) in the delivery' };
  const actor = namedActor(body, 'generic');
  return { ok: true, event: { source: 'generic', event, statusTo: text(body.status), body, ...(actor ? { actor } : {}) } };
}

export function ticketEvent(source: Source, body: unknown): EventResult {
  if (!isRecord(body)) return { ok: false, message: 'expected a JSON object' };
  return source === 'jira' ? jiraEvent(body) : source === 'servicenow' ? serviceNowEvent(body) : genericEvent(body);
}
