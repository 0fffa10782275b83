// A year in a cluster entity's life on the time-skipping server: a drift check every day, as its
// Schedule asks (the test server has no Schedules: the test sends the Schedule's signal). The
// entity continues as new between checks, so no run's history nears Temporal's limits, and its
// operation log goes with it. A file of its own: its server skips a year for this entity alone.
import { clusterStatus } from '../../client/api/clusters.js';
import { checkDriftSignal, clusterWorkflowId } from '../../workflows/cluster-definitions.js';
import { startTimeSkipping, type TimeSkipping } from '../support/time-skipping.js';
import { installedCluster } from '../support/cluster-actions.js';

let t: TimeSkipping;
beforeAll(async () => {
  t = await startTimeSkipping();
  await t.startWorker();
});
afterAll(() => t?.close());

describe('a year of a cluster entity (time-skipping server, scripted activities)', () => {
  it('a year of daily drift checks: every run of the entity stays under 10,000 events (continue-as-new), its log survives', async () => {
    await installedCluster(t, 'entity-f');
    t.fakes.driftFindings.set('entity-f', [[{ what: 'node worker-2', expected: 'registered', observed: 'missing' }]]);
    const handle = t.client.workflow.getHandle(clusterWorkflowId('entity-f'));
    const runIds = new Set<string>();
    for (let day = 1; day <= 365; day++) {
      await handle.signal(checkDriftSignal, { by: { name: 'schedule', via: 'temporal' } });
      await t.env.sleep('1d');
      // A run lives for about 200 checks (HISTORY_LIMIT): seeing the current one monthly sees them all.
      if (day % 30 === 0 || day === 365) runIds.add((await handle.describe()).runId);
    }
    // Each run's history as it ended (the last one as it stands).
    const lengths = await Promise.all([...runIds].map(async (runId) => (await t.client.workflow.getHandle(handle.workflowId, runId).describe()).historyLength));
    expect(runIds.size).toBeGreaterThan(1);
    expect(Math.max(...lengths)).toBeLessThan(10_000);
    const s = await clusterStatus(t.client, 'entity-f');
    expect(s.log[0]).toMatchObject({ seq: 1, kind: 'install', outcome: 'completed' });
    expect(s.log.filter((r) => r.kind === 'check-drift')).toHaveLength(365);
    expect(s.log[1]).toMatchObject({ kind: 'check-drift', summary: '1 difference: node worker-2' });
  }, 300_000);
});
