// A phase that fails for good waits for an operator: retry, retry on the failed hosts, and
// their refusals; resume of an ended run. The time-skipping test server, scripted activities.
import { failedHostsRefusal } from '../../lib/plan/failed-hosts.js';
import { phasesOf } from '../../lib/plan/phases.js';
import { maximumAttemptsOf, phasePlan } from '../../lib/plan/phases.js';

/** Kubespray's automatic attempts, by its step's own retry policy. */
const MAXIMUM_ATTEMPTS = maximumAttemptsOf(phasePlan('onprem', 'kubespray')!.steps[0]!);
import { fail, hang, times } from '../support/fake-activities.js';
import { cancel, ending, resume, retry, start, status, terminate } from '../support/install-actions.js';
import { startTimeSkipping, type TimeSkipping } from '../support/time-skipping.js';
import { onpremSpec } from '../support/workflow-specs.js';

let t: TimeSkipping;
beforeAll(async () => {
  t = await startTimeSkipping();
  await t.startWorker();
});
afterAll(() => t?.close());

// Steps of server time longer than the retry backoff (2 s, then 4 s), shorter than any heartbeat timeout.
const waitingForOperator = (id: string) => t.waitForStatus(id, (s) => s.state === 'waiting-for-operator', '10s');
const phaseStates = (s: { phases: { name: string; state: string }[] }) => Object.fromEntries(s.phases.map((p) => [p.name, p.state]));
const attemptsOf = (name: string, activity: string) =>
  t.fakes
    .calls(name)
    .filter((c) => c.activity === activity)
    .map((c) => c.attempt);

describe('waiting for an operator (time-skipping server, scripted activities)', () => {
  it('automatic retries exhausted: waiting-for-operator naming the phase; retry completes it from that phase only', async () => {
    t.fakes.script('exhausted', { runKubespray: times(MAXIMUM_ATTEMPTS, fail({ type: 'PlaybookFailed' })) });
    const id = await start(t.client, onpremSpec('exhausted'));
    const waiting = await waitingForOperator(id);
    expect(waiting.phase).toBe('kubespray');
    expect(waiting.waitingFor).toContain('the kubespray phase failed (PlaybookFailed)');
    expect(waiting.phases.find((p) => p.name === 'kubespray')).toMatchObject({ state: 'failed', attempts: MAXIMUM_ATTEMPTS });
    expect(attemptsOf('exhausted', 'runKubespray')).toEqual([1, 2, 3]);

    expect(await retry(t.client, id)).toEqual({ done: true, value: { phase: 'kubespray' } });
    expect((await ending(t.client, id)).state).toBe('completed');
    expect(t.fakes.activitiesRun('exhausted')).toEqual([
      'preflight',
      'writeInventory',
      ...Array<string>(MAXIMUM_ATTEMPTS + 1).fill('runKubespray'),
      'prepareStorageNodes',
      'applyStorageClasses',
      'runKatonicRole',
      'verifyCluster',
    ]);
    const done = await status(t.client, id);
    expect(done.phases.find((p) => p.name === 'kubespray')?.runs?.map((r) => r.outcome)).toEqual(['failed', 'completed']);
    expect(done.operatorActions).toMatchObject([{ action: 'retry', phase: 'kubespray' }]);
  });

  it('a non-retryable failure goes straight to waiting-for-operator, after one attempt', async () => {
    t.fakes.script('non-retryable', { runKatonicRole: [fail({ type: 'KatonicRoleRefused', nonRetryable: true })] });
    const id = await start(t.client, onpremSpec('non-retryable'));
    const waiting = await waitingForOperator(id);
    expect(waiting.phase).toBe('katonic');
    expect(waiting.phases.find((p) => p.name === 'katonic')).toMatchObject({ state: 'failed', attempts: 1, error: { type: 'KatonicRoleRefused' } });
    expect(attemptsOf('non-retryable', 'runKatonicRole')).toEqual([1]);
  });

  it('retry --failed-hosts where the flow plan refuses it (the inventory phase) is refused with the plan’s reason', async () => {
    const error = { failedHosts: ['worker-1'], unreachableHosts: [] };
    t.fakes.script('inventory-hosts', { writeInventory: [fail({ nonRetryable: true, ...error })] });
    const id = await start(t.client, onpremSpec('inventory-hosts'));
    await waitingForOperator(id);
    const refused = await retry(t.client, id, { failedHostsOnly: true });
    expect(refused.done).toBe(false);
    expect(!refused.done && refused.refused).toContain(failedHostsRefusal(phasePlan('onprem', 'inventory'), 'inventory', error));
    expect((await status(t.client, id)).state).toBe('waiting-for-operator');
    expect(attemptsOf('inventory-hosts', 'writeInventory')).toEqual([1]);
    // Still waiting: a whole-phase retry is taken.
    expect((await retry(t.client, id)).done).toBe(true);
    expect((await ending(t.client, id)).state).toBe('completed');
  });

  it('retry --failed-hosts runs the phase limited to its failed and unreachable hosts, and the phases after it whole', async () => {
    t.fakes.script('failed-hosts', {
      runKubespray: [fail({ nonRetryable: true, failedHosts: ['worker-1'], unreachableHosts: ['worker-2'] })],
    });
    const id = await start(t.client, onpremSpec('failed-hosts'));
    await waitingForOperator(id);
    expect(await retry(t.client, id, { failedHostsOnly: true })).toEqual({ done: true, value: { phase: 'kubespray', limitHosts: ['worker-1', 'worker-2'] } });
    expect((await ending(t.client, id)).state).toBe('completed');
    const limits = t.fakes.calls('failed-hosts').map((c) => [c.activity, c.limitHosts]);
    expect(limits).toEqual([
      ['preflight', undefined],
      ['writeInventory', undefined],
      ['runKubespray', undefined],
      ['runKubespray', ['worker-1', 'worker-2']],
      ['prepareStorageNodes', undefined],
      ['applyStorageClasses', undefined],
      ['runKatonicRole', undefined],
      ['verifyCluster', undefined],
    ]);
    const kubespray = (await status(t.client, id)).phases.find((p) => p.name === 'kubespray');
    expect(kubespray?.runs?.[1]).toMatchObject({ outcome: 'completed', limitHosts: ['worker-1', 'worker-2'] });
  });

  it('retry when the install is not waiting for an operator (running, or ended) is refused', async () => {
    t.fakes.script('not-waiting', { runKubespray: [hang] });
    const id = await start(t.client, onpremSpec('not-waiting'));
    await t.fakes.hanging('not-waiting', 'runKubespray');
    const whileRunning = await retry(t.client, id);
    expect(!whileRunning.done && whileRunning.refused).toContain('is not waiting for an operator (state: running)');
    expect((await cancel(t.client, id)).done).toBe(true);
    await t.fakes.sawCancellation('not-waiting', 'runKubespray');
    expect((await ending(t.client, id)).state).toBe('cancelled');
    const afterEnd = await retry(t.client, id);
    expect(!afterEnd.done && afterEnd.refused).toContain('has ended (cancelled)');
    expect(attemptsOf('not-waiting', 'runKubespray')).toEqual([1]);
  });

  it('resume of a terminated run skips the phases that finished with unchanged inputs and runs verify again', async () => {
    t.fakes.script('resumed', { verifyCluster: [hang] });
    const id = await start(t.client, onpremSpec('resumed'));
    await t.fakes.hanging('resumed', 'verifyCluster');
    await terminate(t.client, id, 'test: the controller went away');
    expect((await status(t.client, id)).state).toBe('failed');

    const resumed = await resume(t.client, id);
    expect(resumed.finished).toEqual(['preflight', 'inventory', 'kubespray', 'storage', 'katonic']);
    expect((await ending(t.client, id)).state).toBe('completed');
    const s = await status(t.client, id);
    expect(phaseStates(s)).toEqual({
      preflight: 'skipped',
      inventory: 'skipped',
      kubespray: 'skipped',
      storage: 'skipped',
      katonic: 'skipped',
      verify: 'completed',
    });
    expect(s.operatorActions).toMatchObject([{ action: 'resume' }]);
    expect(t.fakes.activitiesRun('resumed').filter((a) => a === 'verifyCluster')).toHaveLength(2);
    expect(t.fakes.activitiesRun('resumed').filter((a) => a !== 'verifyCluster')).toHaveLength(phasesOf('onprem').length);
  });

  it('resume with a changed spec runs the phases whose inputs changed (a new Katonic version: inventory, katonic) and verify', async () => {
    t.fakes.script('resumed-changed', { verifyCluster: [hang] });
    const id = await start(t.client, onpremSpec('resumed-changed'));
    await t.fakes.hanging('resumed-changed', 'verifyCluster');
    await terminate(t.client, id, 'test: the controller went away');
    await resume(
      t.client,
      id,
      onpremSpec('resumed-changed', (spec) => (spec.spec.katonic.version = '4.6')),
    );
    expect((await ending(t.client, id)).state).toBe('completed');
    expect(phaseStates(await status(t.client, id))).toEqual({
      preflight: 'skipped',
      inventory: 'completed',
      kubespray: 'skipped',
      storage: 'skipped',
      katonic: 'completed',
      verify: 'completed',
    });
  });
});
