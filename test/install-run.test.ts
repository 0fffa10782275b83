// The install's state machine alone (lib/install/install-run.ts): every transition and every
// refusal an operator can meet, without a Temporal server.
import { ApplicationFailure } from '@temporalio/common';
import type { Actor } from '../lib/install/actor.js';
import { InstallRun, type AcceptedSpec, type RunChange } from '../lib/install/install-run.js';
import { REFUSAL_TYPES } from '../lib/install/operator-requests.js';
import type { PhaseError } from '../lib/install/status.js';

const alice: Actor = { name: 'alice', via: 'cli' };
const bob: Actor = { name: 'bob', via: 'cli' };
const carol: Actor = { name: 'Carol C', id: '5b10a2844c20165700ede21g', via: 'jira' };

function fixture(opts: { gates?: AcceptedSpec['gates']; startedBy?: Actor } = {}) {
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const changes: RunChange[] = [];
  const run = new InstallRun(
    { id: 'install-acme', startedAt: new Date(clock).toISOString(), cluster: 'acme', flow: 'onprem', startedBy: opts.startedBy },
    () => new Date((clock += 1000)).toISOString(),
    (c) => changes.push(c),
  );
  run.accept({
    name: 'acme',
    gates: opts.gates ?? [],
    inputHashes: { preflight: 'h1', inventory: 'h2', kubespray: 'h3', storage: 'h4', katonic: 'h5', verify: 'h6' },
  });
  const phase = (name: string) => run.status.phases.find((p) => p.name === name)!;
  return { run, changes, phase };
}

const error = (over: Partial<PhaseError> = {}): PhaseError => ({
  type: 'AnsibleTaskFailed',
  message: 'a task failed',
  failedHosts: [],
  unreachableHosts: [],
  failures: [],
  ...over,
});

/** The refusal an operator would get: its message and whether the request or the state is wrong. */
function refusal(act: () => unknown): { kind: 'invalid' | 'conflict'; message: string } {
  try {
    act();
  } catch (err) {
    expect(err).toBeInstanceOf(ApplicationFailure);
    const failure = err as ApplicationFailure;
    return { kind: failure.type === REFUSAL_TYPES.invalid ? 'invalid' : 'conflict', message: failure.message };
  }
  throw new Error('expected a refusal, and the request was accepted');
}

/** Runs the install up to the gate before `phase` (the phases before it complete). */
function atGate(f: ReturnType<typeof fixture>, phase: string) {
  for (const p of f.run.status.phases) {
    f.run.enterPhase(p);
    const gate = f.run.gateBefore(p.name);
    if (p.name === phase) {
      f.run.awaitApproval(gate!);
      return gate!;
    }
    const { run } = f.run.startRun(p);
    f.run.completeRun(p, run, { attempt: 1, summary: 'ok' }, 1);
  }
  throw new Error(`no phase ${phase}`);
}

/** Runs the install until `phase` fails for good. */
function failed(f: ReturnType<typeof fixture>, phase: string, err = error()) {
  for (const p of f.run.status.phases) {
    f.run.enterPhase(p);
    const { run } = f.run.startRun(p);
    if (p.name === phase) return f.run.failRun(p, run, { error: err, attempts: 3 });
    f.run.completeRun(p, run, { attempt: 1, summary: 'ok' }, 1);
  }
}

describe('InstallRun: the course of a run', () => {
  it('is running once the spec is accepted, with every phase pending and its input hash', () => {
    const { run, changes } = fixture();
    expect(run.status.state).toBe('running');
    expect(run.status.phases.map((p) => [p.name, p.state, p.inputHash])).toEqual([
      ['preflight', 'pending', 'h1'],
      ['inventory', 'pending', 'h2'],
      ['kubespray', 'pending', 'h3'],
      ['storage', 'pending', 'h4'],
      ['katonic', 'pending', 'h5'],
      ['verify', 'pending', 'h6'],
    ]);
    expect(changes).toEqual([{ kind: 'accepted' }, { kind: 'state', state: 'running' }]);
  });

  it('a phase that fails for good puts the install in waiting-for-operator, naming the phase and the commands that apply', () => {
    const f = fixture();
    failed(f, 'kubespray', error({ failedHosts: ['worker-2'] }));
    expect(f.run.status.state).toBe('waiting-for-operator');
    expect(f.run.status.waitingFor).toBe(
      'an operator: the kubespray phase failed (AnsibleTaskFailed); kinstall retry install-acme [--failed-hosts] [--vars FILE], or kinstall cancel install-acme',
    );
    expect(f.phase('kubespray')).toMatchObject({ state: 'failed', attempts: 3, error: { failedHosts: ['worker-2'] } });
    expect(f.run.status.error).toMatchObject({ phase: 'kubespray', type: 'AnsibleTaskFailed' });
  });

  it('a failure that carries details keeps them in the phase error (a preflight report)', () => {
    const f = fixture();
    failed(f, 'preflight', error({ type: 'PreflightFailed', details: { report: ['worker-1: 4 CPUs, needs 8'] } }));
    expect(f.phase('preflight').error?.details).toEqual({ report: ['worker-1: 4 CPUs, needs 8'] });
  });

  it('a cancelled phase is recorded as cancelled, not failed', () => {
    const f = fixture();
    const p = f.phase('preflight');
    f.run.enterPhase(p);
    const { run } = f.run.startRun(p);
    f.run.cancelRun(p, run);
    expect(p.state).toBe('cancelled');
    expect(p.runs?.[0]?.outcome).toBe('cancelled');
  });

  it('a failed kubespray run hands admin.conf on; the hand-off is in the status for later phases and a resume', () => {
    const f = fixture();
    const sealed = { sealed: 'ciphertext', keyId: 'k1' } as never;
    const p = f.phase('kubespray');
    const { run } = f.run.startRun(p);
    f.run.failRun(p, run, { error: error(), attempts: 1, adminConf: sealed });
    expect(f.run.status.handoffs?.adminConf).toBe(sealed);
    expect(f.run.handoffs.adminConf).toBe(sealed);
  });

  it('ends completed, failed or cancelled with its end time; a cancellation through Temporal alone is recorded as such', () => {
    const f = fixture();
    f.run.end('cancelled');
    expect(f.run.status).toMatchObject({ state: 'cancelled', durationSeconds: expect.any(Number) });
    expect(f.run.status.operatorActions).toEqual([
      expect.objectContaining({ action: 'abort', reason: 'cancellation requested through Temporal (Web UI or API)' }),
    ]);
  });
});

describe('InstallRun: retry', () => {
  it('is refused while the install is not waiting for an operator', () => {
    const f = fixture();
    expect(refusal(() => f.run.validateRetry({}))).toEqual({ kind: 'conflict', message: 'install-acme is not waiting for an operator (state: running)' });
  });

  it('is refused after the install ended, pointing at resume', () => {
    const f = fixture();
    f.run.end('failed', error());
    expect(refusal(() => f.run.validateRetry({})).message).toBe(
      'install-acme has ended (failed); "kinstall resume install-acme" starts a new run from where it stopped',
    );
  });

  it('--failed-hosts is refused where the flow plan does not allow it, with the plan reason', () => {
    const f = fixture();
    failed(f, 'inventory');
    expect(refusal(() => f.run.validateRetry({ failedHostsOnly: true })).message).toBe(
      'retry --failed-hosts is refused for the inventory phase: the inventory phase writes files on the controller; it has no hosts to limit',
    );
  });

  it('--failed-hosts limits the next run to the failed and unreachable hosts, and records who asked', () => {
    const f = fixture();
    failed(f, 'kubespray', error({ failedHosts: ['worker-1'], unreachableHosts: ['worker-2'] }));
    expect(f.run.acceptRetry({ failedHostsOnly: true, by: alice })).toEqual({ phase: 'kubespray', limitHosts: ['worker-1', 'worker-2'] });
    expect(f.run.status.operatorActions.at(-1)).toMatchObject({ action: 'retry', phase: 'kubespray', limitHosts: ['worker-1', 'worker-2'], by: alice });
    expect(f.run.retryAccepted).toBe(true);
    f.run.resumeAfterRetry();
    expect(f.run.status.state).toBe('running');
    expect(f.run.startRun(f.phase('kubespray')).limitHosts).toEqual(['worker-1', 'worker-2']);
    expect(f.run.retryAccepted).toBe(false);
  });

  it('vars that Ansible would evaluate are refused as invalid, naming the path', () => {
    const f = fixture();
    failed(f, 'katonic');
    const refused = refusal(() => f.run.validateRetry({ vars: { note: '{{ lookup("pipe", "id") }}' } }));
    expect(refused.kind).toBe('invalid');
    expect(refused.message).toMatch(/^--vars: vars\.note: /);
  });

  it('a second retry before the first is taken is refused', () => {
    const f = fixture();
    failed(f, 'katonic');
    f.run.acceptRetry({});
    expect(refusal(() => f.run.validateRetry({})).message).toBe('a retry of install-acme was accepted already and is starting');
  });
});

describe('InstallRun: approval gates', () => {
  it('an install without gates refuses an approve', () => {
    const f = fixture();
    expect(refusal(() => f.run.validateApprove({ by: alice })).message).toBe('install-acme has no approval gates (spec.approvals is empty)');
  });

  it('a gate not reached yet refuses an approve, naming it', () => {
    const f = fixture({ gates: [{ gate: 'before-katonic' }] });
    expect(refusal(() => f.run.validateApprove({ by: alice })).message).toBe(
      'install-acme is not waiting for an approval (state: running; before-katonic is still ahead)',
    );
  });

  it('a gate that is not in the spec is an invalid request', () => {
    const f = fixture({ gates: [{ gate: 'before-katonic' }] });
    expect(refusal(() => f.run.validateApprove({ gate: 'before-verify', by: alice }))).toEqual({
      kind: 'invalid',
      message: 'install-acme has no gate before-verify; its gates: before-katonic',
    });
  });

  it('approved: the gate records who and when; a second approve answers "already approved" and changes nothing', () => {
    const f = fixture({ gates: [{ gate: 'before-kubespray' }] });
    atGate(f, 'kubespray');
    expect(f.run.status.state).toBe('waiting-for-approval');
    const first = f.run.approve({ by: alice });
    expect(first).toEqual({ gate: 'before-kubespray', approvedBy: alice, at: expect.any(String) });
    const again = f.run.approve({ by: bob });
    expect(again).toEqual({ gate: 'before-kubespray', approvedBy: alice, at: first.at, alreadyApproved: true });
    f.run.approvalWaitEnded();
    f.run.gatePassed();
    expect(f.run.approve({ by: bob })).toMatchObject({ alreadyApproved: true, approvedBy: alice });
    expect(f.run.status.gates).toEqual([{ gate: 'before-kubespray', state: 'approved', approvedBy: alice, at: first.at }]);
    expect(f.run.status.operatorActions.filter((a) => a.action === 'approve')).toEqual([expect.objectContaining({ by: alice, phase: 'kubespray' })]);
  });

  it('a gate that timed out refuses a later approve: never reported approved', () => {
    const f = fixture({ gates: [{ gate: 'before-kubespray' }] });
    const gate = atGate(f, 'kubespray');
    const abort = f.run.gateTimedOut(gate, '30m');
    expect(abort).toMatchObject({ action: 'abort', reason: 'approval before-kubespray timed out after 30m' });
    expect(refusal(() => f.run.validateApprove({ by: alice })).message).toMatch(
      /^the gate before-kubespray of install-acme timed out at .*; the install was cancelled$/,
    );
    expect(f.run.cancelRequested).toBe(true);
  });

  it('named approvers: someone else is refused, naming the approvers; a named approver (by name or Jira account id) is accepted', () => {
    const f = fixture({ gates: [{ gate: 'before-kubespray', approvers: ['bob', '5b10a2844c20165700ede21g'] }] });
    atGate(f, 'kubespray');
    expect(refusal(() => f.run.validateApprove({ by: alice })).message).toBe(
      'only bob, 5b10a2844c20165700ede21g may approve before-kubespray of install-acme; alice (cli) may not',
    );
    expect(f.run.approve({ by: carol })).toMatchObject({ gate: 'before-kubespray', approvedBy: carol });
  });

  it('four eyes: whoever started the install may not approve its gate, even when named', () => {
    const f = fixture({ startedBy: alice, gates: [{ gate: 'before-kubespray', approvers: ['alice', 'bob'] }] });
    atGate(f, 'kubespray');
    expect(refusal(() => f.run.validateApprove({ by: { name: 'alice', via: 'jira' } })).message).toBe(
      'alice (jira) started install-acme and may not approve its gate before-kubespray (four eyes: another person approves)',
    );
    expect(f.run.approve({ by: bob }).approvedBy).toBe(bob);
  });

  it('an approve that does not say who is refused where it matters (named approvers, or a known starter)', () => {
    const f = fixture({ startedBy: alice, gates: [{ gate: 'before-kubespray' }] });
    atGate(f, 'kubespray');
    expect(refusal(() => f.run.validateApprove({}))).toEqual({
      kind: 'invalid',
      message: 'approving before-kubespray of install-acme needs to say who approves',
    });
  });

  it('an approve naming another gate than the one waiting is refused', () => {
    const f = fixture({ gates: [{ gate: 'before-kubespray' }, { gate: 'before-katonic' }] });
    atGate(f, 'kubespray');
    expect(refusal(() => f.run.validateApprove({ gate: 'before-katonic', by: bob })).message).toBe(
      'install-acme is not waiting for an approval (state: waiting-for-approval; before-katonic is still ahead)',
    );
  });
});

describe('InstallRun: cancel', () => {
  it('records who cancelled and the phase; a repeated request changes nothing', () => {
    const f = fixture();
    f.run.enterPhase(f.phase('kubespray'));
    expect(f.run.cancel({ reason: 'wrong cluster', by: alice })).toEqual({ phase: 'kubespray' });
    expect(f.run.cancel({ by: bob })).toEqual({ phase: 'kubespray', alreadyRequested: true });
    expect(f.run.status.operatorActions).toEqual([expect.objectContaining({ action: 'abort', phase: 'kubespray', reason: 'wrong cluster', by: alice })]);
    f.run.end('cancelled');
    expect(f.run.status.operatorActions).toHaveLength(1);
  });

  it('is refused once the install has ended', () => {
    const f = fixture();
    f.run.end('completed');
    expect(refusal(() => f.run.validateCancel({ by: alice })).message).toBe('install-acme has ended (completed); there is nothing to cancel');
  });
});

describe('InstallRun: resume', () => {
  const earlierPhases = () => {
    const f = fixture();
    failed(f, 'katonic');
    return f.run.status.phases;
  };

  const handoffs = { adminConf: { sealed: 'x', keyId: 'k' } as never, inventoryDigest: 'sha256:abc' };

  it('skips the phases that finished with unchanged inputs, and runs verify again; the hand-offs go on to the new run', () => {
    const f = fixture();
    f.run.resumeFrom({ runId: 'r1', phases: earlierPhases(), handoffs }, ['adminConf', 'inventoryDigest']);
    expect(f.run.handoffs).toEqual(handoffs);
    const skipped = f.run.status.phases.filter((p) => f.run.skipIfFinishedBefore(p)).map((p) => p.name);
    expect(skipped).toEqual(['preflight', 'inventory', 'kubespray', 'storage']);
    expect(f.phase('kubespray')).toMatchObject({ state: 'skipped', summary: 'completed in an earlier run (inputs unchanged)' });
    expect(f.run.status.operatorActions).toEqual([expect.objectContaining({ action: 'resume', reason: 'resumed from run r1' })]);
  });

  it('runs a phase again when its inputs changed', () => {
    const f = fixture();
    const phases = earlierPhases().map((p) => (p.name === 'inventory' ? { ...p, inputHash: 'other' } : p));
    f.run.resumeFrom({ runId: 'r1', phases, handoffs }, ['adminConf', 'inventoryDigest']);
    expect(f.run.status.phases.filter((p) => f.run.skipIfFinishedBefore(p)).map((p) => p.name)).toEqual(['preflight', 'kubespray', 'storage']);
  });

  it('runs a phase again when the earlier run kept no hand-off of it (runs from before hand-offs were published)', () => {
    const f = fixture();
    f.run.resumeFrom({ runId: 'r1', phases: earlierPhases() }, ['adminConf', 'inventoryDigest']);
    expect(f.run.status.phases.filter((p) => f.run.skipIfFinishedBefore(p)).map((p) => p.name)).toEqual(['preflight', 'storage']);
  });

  it('a run resumed before hand-offs were required skips as it did then (replay of older resumed runs)', () => {
    const f = fixture();
    f.run.resumeFrom({ runId: 'r1', phases: earlierPhases() }, []);
    expect(f.run.status.phases.filter((p) => f.run.skipIfFinishedBefore(p)).map((p) => p.name)).toEqual(['preflight', 'inventory', 'kubespray', 'storage']);
  });

  it('takes admin.conf as older clients passed it (outside the hand-offs)', () => {
    const f = fixture();
    f.run.resumeFrom({ runId: 'r1', phases: earlierPhases(), adminConf: handoffs.adminConf }, ['adminConf', 'inventoryDigest']);
    expect(f.run.status.phases.filter((p) => f.run.skipIfFinishedBefore(p)).map((p) => p.name)).toEqual(['preflight', 'kubespray', 'storage']);
  });
});
