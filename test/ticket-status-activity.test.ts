// The live status activity (run in @temporalio/testing's MockActivityEnvironment) against the
// local servers playing Jira Cloud and ServiceNow: a repeated call (a retried attempt) updates
// the same remote link and property and posts no comment; without a Web UI the link points at
// the issue; ServiceNow gets the one field; an unavailable system is retried.
import type { ApplicationFailure } from '@temporalio/common';
import type { TicketTarget } from '../activities/ticket-request.js';
import { updateTicketStatus } from '../activities/ticket-status.js';
import { WEB_UI_URL_ENV } from '../lib/local-tools.js';
import type { LiveStatus } from '../lib/tickets/live-status.js';
import { activityEnvironment } from './support/activity-environment.js';
import { startFakeJira, startFakeServiceNow, type FakeTicketSystem } from './support/fake-ticket-systems.js';

const LIVE: LiveStatus = { id: 'install-ops-9', cluster: 'ops', flow: 'onprem', state: 'running', phase: 'kubespray', phasesDone: 2, phasesTotal: 6 };
const SYS_ID = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';

const jiraTarget = (url: string): TicketTarget => ({
  notify: { jira: { url, user: 'installer@acme.com', tokenRef: 'env:KATONIC_TEST_JIRA_TOKEN' } },
  ticket: 'OPS-9',
});
const update = (target: TicketTarget, live: LiveStatus, system: 'jira' | 'servicenow' = 'jira') =>
  activityEnvironment({ attempt: 1, namespace: 'katonic' }).run(() => updateTicketStatus(system, target, live));

let fake: FakeTicketSystem;
beforeAll(() => (process.env.KATONIC_TEST_JIRA_TOKEN = 'jira-token-0123456789'));
afterEach(async () => {
  delete process.env[WEB_UI_URL_ENV];
  await fake?.close();
});

describe('ticket status activity (fake Jira Cloud and ServiceNow)', () => {
  it('sets the remote link and the property; called again, updates the same link and posts no comment', async () => {
    const jira = await startFakeJira();
    fake = jira;
    process.env[WEB_UI_URL_ENV] = 'https://temporal.acme.com/';
    await update(jiraTarget(jira.url), LIVE);
    await update(jiraTarget(jira.url), LIVE);
    await update(jiraTarget(jira.url), { ...LIVE, state: 'completed', phase: undefined, phasesDone: 6 });
    expect(jira.received.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      ...Array<string>(3).fill('POST /rest/api/3/issue/OPS-9/remotelink'),
      ...Array<string>(3).fill('PUT /rest/api/3/issue/OPS-9/properties/katonic.install'),
    ]);
    expect(jira.remoteLinks('OPS-9')).toEqual([
      expect.objectContaining({
        globalId: 'katonic-install:katonic/install-ops-9',
        object: expect.objectContaining({
          url: 'https://temporal.acme.com/namespaces/katonic/workflows/install-ops-9',
          title: 'Katonic install-ops-9: completed (6/6 phases done)',
          status: { resolved: true },
        }),
      }),
    ]);
    expect(jira.property('OPS-9', 'katonic.install')).toMatchObject({ state: 'completed', phasesDone: 6 });
  });

  it('links to the issue itself when the worker knows no Web UI', async () => {
    const jira = await startFakeJira();
    fake = jira;
    await update(jiraTarget(`${jira.url}/`), LIVE);
    expect(jira.remoteLinks('OPS-9')[0]?.object.url).toBe(`${jira.url}/browse/OPS-9`);
  });

  it('sets the one ServiceNow field the spec names, nothing else', async () => {
    const snow = await startFakeServiceNow();
    fake = snow;
    process.env.KATONIC_TEST_SNOW_PASSWORD = 'snow-password-0123456789';
    const servicenow = { url: snow.url, table: 'sc_req_item', sysId: SYS_ID, user: 'katonic', passwordRef: 'env:KATONIC_TEST_SNOW_PASSWORD' };
    await update({ notify: { servicenow } }, LIVE, 'servicenow');
    expect(snow.received).toEqual([]);
    await update({ notify: { servicenow: { ...servicenow, statusField: 'u_katonic_status' } } }, LIVE, 'servicenow');
    expect(snow.received.map((r) => r.body)).toEqual([{ u_katonic_status: 'Katonic install-ops-9: kubespray phase running (2/6 phases done)' }]);
  });

  it('a ticket system that answers 503 is retried', async () => {
    fake = await startFakeJira('fail');
    const err = await update(jiraTarget(fake.url), LIVE).then(
      () => Promise.reject(new Error('expected the update to fail')),
      (e: ApplicationFailure) => e,
    );
    expect(err).toMatchObject({ type: 'TicketSystemUnavailable', nonRetryable: false, details: [{ system: 'Jira', status: 503, attempt: 1 }] });
    expect(err.message).toMatch(/^Jira (remote link|issue property): (POST|PUT) http:\/\/127\.0\.0\.1:\d+\/rest\/api\/3\/issue\/OPS-9\/\S+ answered 503$/);
  });
});
