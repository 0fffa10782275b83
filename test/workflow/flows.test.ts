// The install's paths from start to end without an operator: each flow completing (with its
// ticket comments), and a bad spec failing the run. The time-skipping test server, scripted activities.
import { ApplicationFailure } from '@temporalio/common';
import { phasesOf } from '../../lib/plan/phases.js';
import type { Installation } from '../../lib/spec/schema.js';
import { fail, succeed } from '../support/fake-activities.js';
import { ending, retry, start, status } from '../support/install-actions.js';
import { startTimeSkipping, type TimeSkipping } from '../support/time-skipping.js';
import { aksSpec, onpremSpec } from '../support/workflow-specs.js';

/** The type of the first ApplicationFailure in the chain (however the SDK wraps it). */
const applicationFailureType = (err: unknown): string | null | undefined =>
  err instanceof ApplicationFailure ? err.type : err instanceof Error ? applicationFailureType(err.cause) : undefined;

let t: TimeSkipping;
beforeAll(async () => {
  t = await startTimeSkipping();
  await t.startWorker();
});
afterAll(() => t?.close());

describe('install flows (time-skipping server, scripted activities)', () => {
  it('the on-prem flow completes: every phase once, in the plan order, status completed', async () => {
    t.fakes.script('onprem-ok', { runKubespray: [succeed('cluster up', { ok: 120, changed: 40, failed: 0, unreachable: 0 })] });
    const id = await start(t.client, onpremSpec('onprem-ok'));
    expect((await ending(t.client, id)).state).toBe('completed');
    expect(t.fakes.activitiesRun('onprem-ok')).toEqual([
      'preflight',
      'writeInventory',
      'runKubespray',
      'prepareStorageNodes',
      'applyStorageClasses',
      'runKatonicRole',
      'verifyCluster',
    ]);
    // A run started with this code tells its phases to check the seed's requirements (patch seed-checks).
    expect(t.fakes.calls('onprem-ok').find((c) => c.activity === 'verifyCluster')?.seedChecks).toBe(true);
    const s = await status(t.client, id);
    expect(s.state).toBe('completed');
    expect(s.phases.map((p) => [p.name, p.state, p.attempts])).toEqual(phasesOf('onprem').map((name) => [name, 'completed', 1]));
    expect(s.phases.find((p) => p.name === 'kubespray')).toMatchObject({ summary: 'cluster up', hosts: { ok: 120, changed: 40 } });
    expect(s.operatorActions).toEqual([]);
  });

  it('an install with a ticket comments on it (started, each phase finished, ended) and shows its live status there, in order, to the end', async () => {
    const spec = aksSpec('commented', (s) => {
      s.metadata.ticket = 'OPS-7';
      s.spec.notify = { jira: { url: 'https://acme.atlassian.net', user: 'bot@acme.com', tokenRef: 'env:KATONIC_TEST_JIRA_TOKEN' } };
    });
    // A credential that resolves: the fake posts (one that does not goes to the real activity, below).
    process.env.KATONIC_TEST_JIRA_TOKEN = 'a-token';
    const id = await start(t.client, spec);
    expect((await ending(t.client, id)).state).toBe('completed');
    // Each comment is a child workflow the install does not wait for: wait for the last.
    await t.waitForStatus(id, () => t.fakes.comments.includes(`${id} ended`));
    expect(t.fakes.comments.filter((c) => c.startsWith(`${id} `)).sort()).toEqual(
      [`${id} started`, ...phasesOf('aks').map(() => `${id} phase-finished`), `${id} ended`].sort(),
    );
    // One status child sets each status in turn (those that came while it was busy are passed over), the final one last.
    await t.waitForStatus(id, () => t.fakes.statuses.includes(`${id} jira completed 4/4`));
    const statuses = t.fakes.statuses.filter((s) => s.startsWith(`${id} `));
    expect(statuses.at(-1)).toBe(`${id} jira completed 4/4`);
    expect(statuses.map((s) => Number(/ (\d)\/4$/.exec(s)![1]))).toEqual(statuses.map((s) => Number(/ (\d)\/4$/.exec(s)![1])).sort());
    expect(statuses.length).toBeGreaterThan(1);
  });

  it('a ticket comment whose credential does not resolve fails at once: one note per comment in the status, the install unaffected', async () => {
    const spec = aksSpec('comment-unresolved', (s) => {
      s.metadata.ticket = 'OPS-8';
      s.spec.notify = { jira: { url: 'https://acme.atlassian.net', user: 'bot@acme.com', tokenRef: 'env:KATONIC_TEST_TOKEN_NOT_SET' } };
    });
    // Held at an operator wait: started, three phases finished, waiting — five comments, each refused once; the status, refused for the same reason each time, noted once.
    t.fakes.script('comment-unresolved', { verifyCluster: [fail({ type: 'VerifyFailed', nonRetryable: true })] });
    const id = await start(t.client, spec);
    const waiting = await t.waitForStatus(id, (s) => s.state === 'waiting-for-operator' && (s.notes?.length ?? 0) >= 6);
    const notes = (waiting.notes ?? []).map((n) => n.message);
    expect(notes.filter((n) => /^a jira comment was not posted: .*env:KATONIC_TEST_TOKEN_NOT_SET/.test(n))).toHaveLength(5);
    expect(notes.filter((n) => /^the jira status was not set: .*env:KATONIC_TEST_TOKEN_NOT_SET/.test(n))).toHaveLength(1);
    expect(notes).toHaveLength(6);
    expect(t.fakes.comments.filter((c) => c.startsWith(`${id} `))).toEqual([]);
    expect(t.fakes.statuses.filter((c) => c.startsWith(`${id} `))).toEqual([]);
    expect((await retry(t.client, id)).done).toBe(true);
    expect((await ending(t.client, id)).state).toBe('completed');
  });

  it('the managed (AKS) flow completes: its four phases once, in the plan order, no host playbook', async () => {
    const id = await start(t.client, aksSpec('aks-ok'));
    expect((await ending(t.client, id)).state).toBe('completed');
    expect(t.fakes.activitiesRun('aks-ok')).toEqual(['checkManagedCluster', 'applyStorageClasses', 'runKatonicRole', 'verifyCluster']);
    const s = await status(t.client, id);
    expect(s.state).toBe('completed');
    expect(s.phases.map((p) => [p.name, p.state])).toEqual(phasesOf('aks').map((name) => [name, 'completed']));
  });

  it('schedules every phase activity with spec.heartbeatTimeout (how soon a lost worker is noticed), 30 s without it', async () => {
    // The activities that are no phase's step: bookkeeping, done in seconds, with no heartbeat.
    const NOT_PHASES = new Set(['adoptIntoCluster', 'expectedPhases', 'recordPhaseDurations']);
    const heartbeatTimeouts = async (name: string) => {
      const id = await start(
        t.client,
        onpremSpec(name, (spec) => name === 'heartbeat-10s' && (spec.spec.heartbeatTimeout = '10s')),
      );
      expect((await ending(t.client, id)).state).toBe('completed');
      const { events } = await t.client.workflow.getHandle(id).fetchHistory();
      const scheduled = (events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes] : []));
      return new Set(scheduled.filter((a) => !NOT_PHASES.has(a.activityType?.name ?? '')).map((a) => Number(a.heartbeatTimeout?.seconds)));
    };
    expect(await heartbeatTimeouts('heartbeat-10s')).toEqual(new Set([10]));
    expect(await heartbeatTimeouts('heartbeat-default')).toEqual(new Set([30]));
  });

  it('a bad spec (as a Web UI start could send) fails the run with its errors, before any phase', async () => {
    const bad = onpremSpec('bad-spec', (spec) => {
      spec.spec.onprem!.nodes[1]!.address = '10.0.0.999';
      (spec.spec.katonic as Partial<Installation['spec']['katonic']>).version = undefined;
    });
    const id = await start(t.client, bad);
    const end = await ending(t.client, id);
    expect(end.state).toBe('failed');
    expect(end.state === 'failed' && applicationFailureType(end.failure)).toBe('InvalidSpec');
    const s = await status(t.client, id);
    expect(s.state).toBe('failed');
    expect(s.error?.type).toBe('InvalidSpec');
    expect(s.error?.message).toContain('spec.onprem.nodes[1].address: expected an IPv4 address or a host name');
    expect(s.error?.message).toContain('spec.katonic.version');
    expect(s.phases.every((p) => p.state === 'pending')).toBe(true);
    expect(t.fakes.activitiesRun('bad-spec')).toEqual([]);
  });
});
