// A phase as the runbook runs it: behind its approval gate if the spec has one, then its steps
// (lib/plan/phases.ts); when it fails for good, the install waits for an operator's retry and
// runs it again, as often as asked.
import { condition, isCancellation, log } from '@temporalio/workflow';
import type { InstallRun } from '../lib/install/install-run.js';
import type { PhaseResult } from '../lib/install/phase-io.js';
import type { PhaseStatus } from '../lib/install/status.js';
import { maximumAttemptsOf } from '../lib/plan/phases.js';
import type { Installation } from '../lib/spec/schema.js';
import type { ProgressEvent } from '../lib/tickets/progress-note.js';
import { failureReport } from './failure-report.js';
import { runStep } from './phase-steps.js';

type Comment = (event: ProgressEvent) => Promise<void>;

/** What the run decided at its start behind its patches (workflows/install.ts PATCHES), the same for each of its phases. */
export interface RunPatches {
  /** Verify checks the seed's requirements (patch seed-checks). */
  seedChecks: boolean;
  /** The task queue of the steps that run Ansible; undefined: the run's own (patch ansible-queue). */
  ansibleQueue: string | undefined;
}

/** Waits at the gate before the phase, if any; a gate that times out cancels the install (`cancel`), so this never returns then. */
export async function passGate(run: InstallRun, phase: PhaseStatus, timeout: string | undefined, cancel: () => void, comment: Comment): Promise<void> {
  const gate = run.gateBefore(phase.name);
  if (!gate) return;
  run.awaitApproval(gate);
  await comment({ kind: 'waiting-for-approval', id: run.id, gate: gate.gate });
  const approved = () => gate.state === 'approved';
  // An approve that arrives with the timer is judged first (Updates before timers): re-read the gate, never the race.
  const inTime = timeout ? (await condition(approved, timeout)) || approved() : (await condition(approved), true);
  run.approvalWaitEnded();
  if (!inTime) {
    run.gateTimedOut(gate, timeout!);
    cancel();
    await condition(() => false); // the cancellation ends the install here
  }
  run.gatePassed();
  await comment({ kind: 'gate-passed', id: run.id, gate: gate.gate, by: gate.approvedBy });
}

export async function runPhase(
  run: InstallRun,
  phase: PhaseStatus,
  spec: Installation,
  comment: Comment,
  { seedChecks, ansibleQueue }: RunPatches,
): Promise<void> {
  const planned = run.planOf(phase.name);
  const steps = planned?.steps ?? [];
  let current = steps[0];
  for (;;) {
    const { run: phaseRun, limitHosts, operatorVars } = run.startRun(phase);
    log.info('phase started', { phase: phase.name, attempt: phase.attempts + 1, limitHosts });
    await comment({ kind: 'phase-started', id: run.id, phase: phase.name });
    try {
      let result: PhaseResult | undefined;
      // A chain's attempts are those of its most retried step (the node playbook of storage, say).
      let attempts = 1;
      for (const step of steps) {
        current = step;
        result = await runStep(
          step,
          {
            spec,
            limitHosts: limitHosts ?? planned?.target?.limit,
            operatorVars,
            target: planned?.target,
            seedChecks,
            ...run.handoffs,
          },
          ansibleQueue,
        );
        run.handOn({
          adminConf: result.adminConf,
          inventoryDigest: result.inventoryDigest,
          cordonedBefore: result.cordonedBefore,
          eksAutoMode: result.eksAutoMode,
        });
        attempts = Math.max(attempts, result.attempt);
      }
      run.completeRun(phase, phaseRun, result, attempts);
      log.info('phase completed', { phase: phase.name, attempt: phase.attempts, summary: phase.summary });
      const phaseNote = { name: phase.name, attempts: phase.attempts, summary: phase.summary };
      await comment({ kind: 'phase-finished', id: run.id, phase: phaseNote, ...(phaseRun.by ? { retriedBy: phaseRun.by } : {}) });
      return;
    } catch (err) {
      if (isCancellation(err)) {
        run.cancelRun(phase, phaseRun);
        throw err;
      }
      const failure = failureReport(err, current ? maximumAttemptsOf(current) : 1);
      run.failRun(phase, phaseRun, failure);
      log.warn('phase failed', { phase: phase.name, attempt: phase.attempts, type: failure.error.type });
      await comment({ kind: 'waiting-for-operator', id: run.id, flow: run.flow, phase: phase.name, error: failure.error, failedHosts: planned?.failedHosts });
      await condition(() => run.retryAccepted);
      run.resumeAfterRetry();
    }
  }
}
