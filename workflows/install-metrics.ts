// The install's metrics as the workflow records them (lib/metrics.ts), on the workflow's
// meter: the SDK emits them only when the code runs for the first time, never on replay.
import { metricMeter } from '@temporalio/workflow';
import type { InstallState } from '../lib/install/status.js';
import { INSTALL_STATE, OPERATOR_WAIT, PHASE_DURATION } from '../lib/metrics.js';

export function installMetrics(installId: string) {
  const meter = metricMeter.withTags({ install: installId });
  const state = meter.createGauge(INSTALL_STATE, 'int', '', 'installs by state (1: the state an install is in)');
  const phaseDuration = meter.createHistogram(PHASE_DURATION, 'float', 's', 'duration of each run of a phase');
  const operatorWait = meter.createHistogram(OPERATOR_WAIT, 'float', 's', 'time an install waited for a person');
  let current: InstallState | undefined;
  return {
    state(next: InstallState) {
      if (current && current !== next) state.set(0, { state: current });
      state.set(1, { state: next });
      current = next;
    },
    phaseEnded(phase: string, outcome: 'completed' | 'failed' | 'cancelled', seconds: number) {
      phaseDuration.record(seconds, { phase, outcome });
    },
    waited(reason: 'approval' | 'failed-phase', seconds: number) {
      operatorWait.record(seconds, { reason });
    },
  };
}
