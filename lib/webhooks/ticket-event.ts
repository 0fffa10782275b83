// A delivery's body as one shape for every source: which event it is, the status the ticket
// moved to, and the body itself (whose fields the rules read by path).
import type { Source } from './config.js';

export interface TicketEvent {
  source: Source;
  event: string;
  statusTo?: string;
  body: Record<string, unknown>;
}

export type EventResult = { ok: true; event: TicketEvent } | { ok: false; message: string };

/** The Jira events a rule can name: a new issue, or a change to one. */
export const JIRA_EVENTS = ['jira:issue_created', 'jira:issue_updated'];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

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
  return { ok: true, event: { source: 'jira', event, statusTo, body } };
}

/**
 * ServiceNow has no webhook format of its own: a business rule or a Flow Designer REST step
 * sends {event, table, sys_id, number, state, variables} (docs/webhooks.md, "The mapping file").
 */
function serviceNowEvent(body: Record<string, unknown>): EventResult {
  const event = text(body.event);
  if (!event) return { ok: false, message: 'expected event (a string) in a ServiceNow delivery' };
  for (const field of ['table', 'sys_id'] as const)
    if (!text(body[field])) return { ok: false, message: `expected ${field} (a string) in a ServiceNow delivery` };
  return { ok: true, event: { source: 'servicenow', event, statusTo: text(body.state), body } };
}

/** Any other system: {event, status?, …fields}. */
function genericEvent(body: Record<string, unknown>): EventResult {
  const event = text(body.event);
  if (!event) return { ok: false, message: 'expected event (a string) in the delivery' };
  return { ok: true, event: { source: 'generic', event, statusTo: text(body.status), body } };
}

export function ticketEvent(source: Source, body: unknown): EventResult {
  if (!isRecord(body)) return { ok: false, message: 'expected a JSON object' };
  return source === 'jira' ? jiraEvent(body) : source === 'servicenow' ? serviceNowEvent(body) : genericEvent(body);
}
