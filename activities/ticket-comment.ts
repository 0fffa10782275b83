// Posts one progress note on the install's ticket: a Jira Cloud comment
// (POST /rest/api/3/issue/{key}/comment, ADF body) or ServiceNow work notes (Table API
// PATCH /api/now/table/{table}/{sys_id}), sent as ticket-request.ts says.
import { noteAsAdf } from '../lib/tickets/adf.js';
import { noteAsText, progressNote, type NoteEvent } from '../lib/tickets/progress-note.js';
import { sendTicketRequest, siteUrl, type TicketRequest, type TicketSystem, type TicketTarget } from './ticket-request.js';

function requestFor(system: TicketSystem, target: TicketTarget, event: NoteEvent): TicketRequest | undefined {
  const note = progressNote(event);
  const { jira, servicenow } = target.notify;
  if (system === 'jira' && jira && target.ticket) {
    const url = `${siteUrl(jira.url)}/rest/api/3/issue/${encodeURIComponent(target.ticket)}/comment`;
    return { what: 'Jira comment', system: 'Jira', method: 'POST', url, user: jira.user, credentialRef: jira.tokenRef, body: { body: noteAsAdf(note) } };
  }
  if (system === 'servicenow' && servicenow) {
    const url = `${siteUrl(servicenow.url)}/api/now/table/${servicenow.table}/${servicenow.sysId}`;
    const body = { work_notes: noteAsText(note) };
    return { what: 'ServiceNow comment', system: 'ServiceNow', method: 'PATCH', url, user: servicenow.user, credentialRef: servicenow.passwordRef, body };
  }
  return undefined;
}

/** One system per call, so a retry does not post again where the comment already went. */
export async function postTicketComment(system: TicketSystem, target: TicketTarget, event: NoteEvent): Promise<void> {
  const request = requestFor(system, target, event);
  if (request) await sendTicketRequest(request, 'TicketCommentRefused');
}
