// Sets the install's live status on its ticket (lib/tickets/live-status.ts), in place: on Jira
// Cloud the remote link (upserted by its globalId) and the issue property `katonic.install`; on
// ServiceNow the record's field that notify.servicenow.statusField names (Table API PATCH).
// Every request sets a whole value, so a retried attempt repeats them harmlessly; no comment is
// posted here (that is activities/ticket-comment.ts, an activity of its own).
import { Context } from '@temporalio/activity';
import { webUiUrl } from '../lib/local-tools.js';
import { ISSUE_PROPERTY_KEY, issuePropertyOf, remoteLinkOf } from '../lib/tickets/jira-live-status.js';
import { liveStatusLine, type LiveStatus } from '../lib/tickets/live-status.js';
import { sendRepeatable, siteUrl, type TicketRequest, type TicketSystem, type TicketTarget } from './ticket-request.js';

/** The install's page in the Temporal Web UI (its latest run), where the worker knows the UI. */
const webUiPage = (namespace: string, id: string): string | undefined => {
  const ui = webUiUrl();
  return ui && `${ui}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(id)}`;
};

function requestsFor(system: TicketSystem, target: TicketTarget, live: LiveStatus, namespace: string): TicketRequest[] {
  const { jira, servicenow } = target.notify;
  if (system === 'jira' && jira && target.ticket) {
    const issue = `${siteUrl(jira.url)}/rest/api/3/issue/${encodeURIComponent(target.ticket)}`;
    // Jira needs a URL for the link: without a Web UI, the issue's own page.
    const url = webUiPage(namespace, live.id) ?? `${siteUrl(jira.url)}/browse/${encodeURIComponent(target.ticket)}`;
    const as = { system: 'Jira' as const, user: jira.user, credentialRef: jira.tokenRef };
    return [
      { ...as, what: 'Jira remote link', method: 'POST', url: `${issue}/remotelink`, body: remoteLinkOf(live, { namespace, url }, new Date().toISOString()) },
      {
        ...as,
        what: 'Jira issue property',
        method: 'PUT',
        url: `${issue}/properties/${ISSUE_PROPERTY_KEY}`,
        body: issuePropertyOf(live, new Date().toISOString()),
      },
    ];
  }
  if (system === 'servicenow' && servicenow?.statusField) {
    const url = `${siteUrl(servicenow.url)}/api/now/table/${servicenow.table}/${servicenow.sysId}`;
    const body = { [servicenow.statusField]: liveStatusLine(live, new Date().toISOString()) };
    return [
      { what: 'ServiceNow status field', system: 'ServiceNow', method: 'PATCH', url, user: servicenow.user, credentialRef: servicenow.passwordRef, body },
    ];
  }
  return [];
}

/** One system per call; the link and the property of Jira go side by side, one refused does not keep the other back. */
export async function updateTicketStatus(system: TicketSystem, target: TicketTarget, live: LiveStatus): Promise<void> {
  await sendRepeatable(requestsFor(system, target, live, Context.current().info.namespace), 'TicketStatusRefused');
}
