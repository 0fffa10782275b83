// The ticket comment activity (run in @temporalio/testing's MockActivityEnvironment) against a
// local fake Jira: a credential reference that does not resolve on the worker fails at once,
// not retried, naming the reference and never a value, and nothing is sent; a ticket system
// that answers 503 is retried.
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { ApplicationFailure } from '@temporalio/common';
import { postTicketComment } from '../activities/ticket-comment.js';
import type { TicketTarget } from '../activities/ticket-request.js';
import type { NoteEvent } from '../lib/tickets/progress-note.js';
import { activityEnvironment } from './support/activity-environment.js';
import { startFakeJira, type FakeTicketSystem } from './support/fake-ticket-systems.js';

const EVENT: NoteEvent = { kind: 'ended', id: 'install-ops-7', state: 'completed' };

const target = (url: string, tokenRef: string): TicketTarget => ({ notify: { jira: { url, user: 'installer@acme.com', tokenRef } }, ticket: 'OPS-7' });

const failureOf = (t: TicketTarget): Promise<ApplicationFailure> =>
  activityEnvironment({ attempt: 1 })
    .run(() => postTicketComment('jira', t, EVENT))
    .then(
      () => Promise.reject(new Error('expected the comment to fail')),
      (err: ApplicationFailure) => err,
    );

let jira: FakeTicketSystem;
afterEach(async () => jira?.close());

describe('ticket comment failures (activity, fake Jira)', () => {
  it('an unset environment variable or a missing file as the credential fails at once, not retried, naming the reference', async () => {
    jira = await startFakeJira();
    delete process.env.KATONIC_TEST_NO_JIRA_TOKEN;
    expect(await failureOf(target(jira.url, 'env:KATONIC_TEST_NO_JIRA_TOKEN'))).toMatchObject({
      type: 'SecretMissing',
      nonRetryable: true,
      message: 'secret env:KATONIC_TEST_NO_JIRA_TOKEN: the worker has no environment variable KATONIC_TEST_NO_JIRA_TOKEN',
      details: [{ reference: 'env:KATONIC_TEST_NO_JIRA_TOKEN', attempt: 1 }],
    });
    const missing = join(tmpdir(), 'katonic-no-such-dir', 'jira-token');
    expect(await failureOf(target(jira.url, `file:${missing}`))).toMatchObject({
      type: 'SecretMissing',
      nonRetryable: true,
      message: `secret file:${missing}: cannot read ${missing} on the worker (ENOENT)`,
    });
    expect(jira.received).toEqual([]);
  });

  it('a ticket system that answers 503 is retried', async () => {
    jira = await startFakeJira('fail');
    process.env.KATONIC_TEST_JIRA_TOKEN = 'jira-token-0123456789';
    const err = await failureOf(target(jira.url, 'env:KATONIC_TEST_JIRA_TOKEN'));
    expect(err).toMatchObject({ type: 'TicketSystemUnavailable', nonRetryable: false, details: [{ system: 'Jira', status: 503, attempt: 1 }] });
    expect(err.message).not.toContain('jira-token-0123456789');
  });
});
