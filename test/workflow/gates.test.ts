// Approval gates: approved, timed out, named approvers and four eyes, each answered by the
// workflow's own validator. The time-skipping test server, scripted activities.
import { fail } from '../support/fake-activities.js';
import { APPROVER, approve, cancel, ending, start, STARTER, status } from '../support/install-actions.js';
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
    expect(await approve(t.client, id)).toEqual({ done: true, value: { gate: 'before-kubespray', approvedBy: APPROVER, at: expect.any(String) } });
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

  it('approve is answered by the workflow: no gate; twice ("already approved"); after the gate timed out', async () => {
    // Held at an operator wait, so the workflow is there to answer.
    t.fakes.script('gate-none', { runKatonicRole: [fail({ type: 'KatonicRoleRefused', nonRetryable: true })] });
    const plain = await start(t.client, onpremSpec('gate-none'));
    await t.waitForStatus(plain, (s) => s.state === 'waiting-for-operator');
    expect(await approve(t.client, plain)).toEqual({
      done: false,
      refused: 'approve refused: install-gate-none has no approval gates (spec.approvals is empty)',
    });
    expect((await cancel(t.client, plain)).done).toBe(true);
    expect((await ending(t.client, plain)).state).toBe('cancelled');

    const twice = await start(
      t.client,
      onpremSpec('gate-twice', (spec) => (spec.spec.approvals = ['before-kubespray'])),
    );
    await waitingAtGate(twice);
    const first = await approve(t.client, twice);
    expect(first.done).toBe(true);
    expect(await approve(t.client, twice, { name: 'someone-else', via: 'cli' })).toEqual({
      done: true,
      value: { gate: 'before-kubespray', approvedBy: APPROVER, at: first.done ? first.value.at : '', alreadyApproved: true },
    });
    expect((await ending(t.client, twice)).state).toBe('completed');
    expect((await status(t.client, twice)).operatorActions.filter((a) => a.action === 'approve')).toHaveLength(1);

    const late = await start(
      t.client,
      onpremSpec('gate-late', (spec) => {
        spec.spec.approvals = ['before-kubespray'];
        spec.spec.approvalTimeout = '30m';
      }),
    );
    await waitingAtGate(late);
    expect((await ending(t.client, late)).state).toBe('cancelled');
    const refused = await approve(t.client, late);
    expect(refused).toEqual({
      done: false,
      refused: expect.stringMatching(/^approve refused: the gate before-kubespray of install-gate-late timed out at \S+; the install was cancelled$/),
    });
  });

  it('a gate with named approvers: someone else refused naming them, the starter refused (four eyes), a named approver accepted; the status says who and when', async () => {
    const id = await start(
      t.client,
      onpremSpec('gate-named', (spec) => (spec.spec.approvals = [{ gate: 'before-kubespray', approvers: ['starter', 'lead'] }])),
    );
    await waitingAtGate(id);
    expect(await approve(t.client, id, APPROVER)).toEqual({
      done: false,
      refused: 'approve refused: only starter, lead may approve before-kubespray of install-gate-named; approver (cli) may not',
    });
    expect(await approve(t.client, id, STARTER)).toEqual({
      done: false,
      refused: 'approve refused: starter (cli) started install-gate-named and may not approve its gate before-kubespray (four eyes: another person approves)',
    });
    const lead = { name: 'lead', via: 'jira' as const };
    expect(await approve(t.client, id, lead)).toMatchObject({ done: true, value: { gate: 'before-kubespray', approvedBy: lead } });
    expect((await ending(t.client, id)).state).toBe('completed');
    const s = await status(t.client, id);
    expect(s.startedBy).toEqual(STARTER);
    expect(s.gates).toEqual([{ gate: 'before-kubespray', approvers: ['starter', 'lead'], state: 'approved', approvedBy: lead, at: expect.any(String) }]);
    expect(s.operatorActions).toEqual([expect.objectContaining({ action: 'approve', by: lead })]);
  });

  it('kinstall approve (the real CLI) is answered by the workflow: exit 2 with its reason for no gate and after the timeout, "already approved" the second time', async () => {
    t.fakes.script('cli-none', { runKatonicRole: [fail({ type: 'KatonicRoleRefused', nonRetryable: true })] });
    const none = await start(t.client, onpremSpec('cli-none'));
    await t.waitForStatus(none, (s) => s.state === 'waiting-for-operator');
    expect(await t.cli('approve', none, '--as', 'lead')).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: 'approve refused: install-cli-none has no approval gates (spec.approvals is empty)',
    });
    expect((await cancel(t.client, none)).done).toBe(true);

    // Held after the gate (kubespray fails for good), so the second approve finds the install running.
    t.fakes.script('cli-twice', { runKubespray: [fail({ type: 'AnsibleTaskFailed', nonRetryable: true })] });
    const gated = await start(
      t.client,
      onpremSpec('cli-twice', (spec) => (spec.spec.approvals = ['before-kubespray'])),
    );
    await waitingAtGate(gated);
    expect(await t.cli('approve', gated, '--as', 'lead')).toMatchObject({ exitCode: 0, stdout: 'Approved before-kubespray for install-cli-twice by lead' });
    expect(await t.cli('approve', gated, '--as', 'other')).toMatchObject({
      exitCode: 0,
      stdout: expect.stringMatching(/^before-kubespray of install-cli-twice was already approved by lead at /),
    });
    expect((await cancel(t.client, gated)).done).toBe(true);

    const late = await start(
      t.client,
      onpremSpec('cli-late', (spec) => {
        spec.spec.approvals = ['before-kubespray'];
        spec.spec.approvalTimeout = '30m';
      }),
    );
    await waitingAtGate(late);
    expect((await ending(t.client, late)).state).toBe('cancelled');
    expect(await t.cli('approve', late, '--as', 'lead')).toMatchObject({
      exitCode: 2,
      stderr: expect.stringMatching(/^approve refused: the gate before-kubespray of install-cli-late timed out at \S+; the install was cancelled$/),
    });
  });
});
