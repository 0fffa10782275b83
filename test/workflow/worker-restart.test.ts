// A worker restart while an install waits for an operator: a fresh worker, with no cached
// workflow state, rebuilds the install by replaying its history and takes the retry. The
// time-skipping test server, scripted activities.
import { fail } from '../support/fake-activities.js';
import { ending, retry, start } from '../support/install-actions.js';
import { startTimeSkipping, type TimeSkipping, type TestWorker } from '../support/time-skipping.js';
import { onpremSpec } from '../support/workflow-specs.js';

let t: TimeSkipping;
let worker: TestWorker;
beforeAll(async () => {
  t = await startTimeSkipping();
  // No cache, so no sticky task queue: the test server does not move a stopped worker's sticky
  // tasks back to the task queue (a query or Update after the restart hangs, or the server exits).
  worker = await t.startWorker({ cache: false });
});
afterAll(() => t?.close());

describe('worker restart (time-skipping server, scripted activities)', () => {
  it('a worker restarted while the install waits for an operator replays it (no cache) and the retry completes it', async () => {
    t.fakes.script('restarted', { prepareStorageNodes: [fail({ nonRetryable: true, failedHosts: ['worker-1'] })] });
    const id = await start(t.client, onpremSpec('restarted'));
    await t.waitForStatus(id, (s) => s.state === 'waiting-for-operator');
    await worker.stop();
    // A fresh worker: every workflow task replays the history from the start.
    await t.startWorker({ cache: false });
    expect(await retry(t.client, id, { failedHostsOnly: true })).toMatchObject({ done: true, value: { phase: 'storage', limitHosts: ['worker-1'] } });
    expect((await ending(t.client, id)).state).toBe('completed');
    // Replay ran no activity again: only the retried phase's steps, and the phases after it.
    expect(t.fakes.activitiesRun('restarted')).toEqual([
      'preflight',
      'writeInventory',
      'runKubespray',
      'prepareStorageNodes',
      'prepareStorageNodes',
      'applyStorageClasses',
      'runKatonicRole',
      'verifyCluster',
    ]);
  });
});
