import { readFileSync } from 'node:fs';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { activityDurationMs, activityRuns, phaseGaps, slotWaits } from '../bench/support/phase-times.js';
import { REPO_ROOT } from './support/repo.js';
import { join } from 'node:path';

// A recorded on-prem install (test/histories/): its activities' times as the server wrote them.
const history = historyFromJSON(JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'histories', 'onprem-completed.json'), 'utf8')));

describe('phase times from a workflow history (pure)', () => {
  it('finds every activity with the times the server recorded', () => {
    const runs = activityRuns(history);
    expect(runs.map((r) => r.activity)).toEqual([
      'preflight',
      'writeInventory',
      'runKubespray',
      'prepareStorageNodes',
      'applyStorageClasses',
      'runKatonicRole',
      'verifyCluster',
    ]);
    // runKubespray: scheduled 18:59:47.965, completed 19:00:32.862.
    expect(activityDurationMs(runs, 'runKubespray')).toBeCloseTo(44_896, -1);
    expect(activityDurationMs(runs, 'noSuchActivity')).toBeUndefined();
  });

  it('measures the gaps between phases, not between the steps of one phase', () => {
    const gaps = phaseGaps('onprem', activityRuns(history));
    expect(gaps.map((g) => `${g.from}>${g.to}`)).toEqual([
      'preflight>inventory',
      'inventory>kubespray',
      'kubespray>storage',
      'storage>katonic',
      'katonic>verify',
    ]);
    // preflight completed 18:59:22.323, writeInventory scheduled 18:59:22.845 and started 18:59:45.365.
    expect(gaps[0]!.toScheduledMs).toBeCloseTo(522, -1);
    expect(gaps[0]!.toStartedMs).toBeCloseTo(23_041, -1);
    // Of the hand-over: the workflow task scheduled 18:59:22.324, started 22.378, completed 22.842.
    expect(gaps[0]!.workflowTaskQueuedMs).toBeCloseTo(54, -1);
    expect(gaps[0]!.workflowTaskRunMs).toBeCloseTo(464, -1);
  });

  it("splits the waits for a slot into the Ansible steps' and the light activities' by the plan", () => {
    const waits = slotWaits('onprem', activityRuns(history));
    // preflight, runKubespray, prepareStorageNodes, runKatonicRole; writeInventory, applyStorageClasses, verifyCluster.
    expect([waits.ansible.length, waits.light.length]).toEqual([4, 3]);
    // writeInventory, recorded with one slot pool for all: scheduled 18:59:22.845, started 18:59:45.365, behind Ansible runs.
    expect(waits.light[0]).toBeCloseTo(22_520, -1);
  });
});
