// Approval gates: approved, and timed out. The time-skipping test server, scripted activities.
import { approve, ending, start, status } from '../support/install-actions.js';
import { startTimeSkipping, type TimeSkipping } from '../support/time-skipping.js';
import { onpremSpec } from '../support/workflow-specs.js';

let t: TimeSkipping;
beforeAll(async () => {
  t = await startTimeSkipping();
  await t.startWorker();
});
afterAll(() => t?.close());

const waitingAtGate = (id: string) => t.waitForStatus(id, (s) => s.state === 'waiting-for-approval');

describe('approval gates (time-skipping server, scripted activities)', () => {
  it('a gate approved: the phase behind it waits until the approval, then the install completes', async () => {
    const id = await start(
      t.client,
      onpremSpec('gate-approved', (spec) => (spec.spec.approvals = ['before-kubespray'])),
    );
    const waiting = await waitingAtGate(id);
    expect(waiting).toMatchObject({ phase: 'kubespray', waitingFor: 'before-kubespray' });
    expect(t.fakes.activitiesRun('gate-approved')).toEqual(['preflight', 'writeInventory']);
    expect(await approve(t.client, id)).toEqual({ done: true, value: 'before-kubespray' });
    expect((await ending(t.client, id)).state).toBe('completed');
    const s = await status(t.client, id);
    expect(s.phases.every((p) => p.state === 'completed')).toBe(true);
    expect(s.operatorActions).toMatchObject([{ action: 'approve', phase: 'kubespray' }]);
    expect(t.fakes.activitiesRun('gate-approved')).toContain('runKubespray');
  });

  it('a gate that times out (spec.approvalTimeout) ends the run Cancelled, the phase behind it never run', async () => {
    const id = await start(
      t.client,
      onpremSpec('gate-timeout', (spec) => {
        spec.spec.approvals = ['before-kubespray'];
        spec.spec.approvalTimeout = '2h';
      }),
    );
    await waitingAtGate(id);
    await t.env.sleep('119m');
    expect((await status(t.client, id)).state).toBe('waiting-for-approval');
    expect((await ending(t.client, id)).state).toBe('cancelled');
    const s = await status(t.client, id);
    expect(s.state).toBe('cancelled');
    expect(s.operatorActions).toMatchObject([{ action: 'abort', phase: 'kubespray', reason: 'approval before-kubespray timed out after 2h' }]);
    expect(s.phases.find((p) => p.name === 'kubespray')?.state).toBe('pending');
    expect(t.fakes.activitiesRun('gate-timeout')).toEqual(['preflight', 'writeInventory']);
  });
});
