// End to end on the real Temporal dev server, real ansible-playbook runs (local connection),
// the stand-in Kubespray and Katonic role, and the stand-in Kubernetes API over local HTTPS.
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { InstallStatus } from '../lib/install/status.js';
import { ansibleProcessesUnder, countLines, startHarness, type Harness } from './support/e2e-harness.js';
import { REPO_ROOT } from './support/repo.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('onprem');
  await h.startWorker();
});
afterAll(() => h?.close());

const PHASES = ['preflight', 'inventory', 'kubespray', 'storage', 'katonic', 'verify'];

async function startAndWait(name: string, file: string): Promise<InstallStatus> {
  const started = await h.cli('start', file, '--wait');
  expect(started.stderr).toBe('');
  expect(started.stdout.split('\n')[0]).toBe(`install-${name}`);
  return h.status(name);
}

describe('on-prem install (real dev server, real ansible-playbook, stand-in Kubernetes API over local HTTPS)', () => {
  it('runs all six phases of the demo spec to completion, each stand-in task once', async () => {
    const status = await startAndWait('demo-e2e', await h.writeSpec('demo-e2e'));
    expect(status.state).toBe('completed');
    expect(status.phases.map((p) => [p.name, p.state, p.attempts])).toEqual(PHASES.map((p) => [p, 'completed', 1]));
    for (const phase of status.phases) {
      expect(Date.parse(phase.startedAt!)).toBeLessThanOrEqual(Date.parse(phase.endedAt!));
    }
    const journal = await h.journal('demo-e2e');
    expect(journal).toContain('kubespray Install the container runtime worker-1');
    expect(journal).toContain('kubespray Write the admin kubeconfig master-1');
    expect(journal).toContain('katonic Create the Katonic namespaces localhost');
    expect([...countLines(journal).values()].every((n) => n === 1)).toBe(true);
    // verify read the cluster that the stand-in Kubespray registered and storage/katonic filled.
    expect(status.phases.find((p) => p.name === 'verify')?.summary).toMatch(/^3 nodes Ready, storage classes kdisk and kfs/);
    expect(await ansibleProcessesUnder(h.dataDir)).toEqual([]);

    if (process.env.RECORD_HISTORIES) {
      const history = await h.client.workflow.getHandle('install-demo-e2e').fetchHistory();
      await mkdir(join(REPO_ROOT, 'test', 'histories'), { recursive: true });
      await writeFile(join(REPO_ROOT, 'test', 'histories', 'onprem-completed.json'), historyToJSON(history));
    }
  });

  it('retries a stand-in task told to fail once and completes; only that phase ran twice', async () => {
    const failing = 'Install the container runtime';
    const file = await h.writeSpec('fail-once', (spec) => {
      spec.spec.extraVars = { standin_fail: { phase: 'kubespray', task: failing, times: 1 } };
    });
    const status = await startAndWait('fail-once', file);
    expect(status.state).toBe('completed');
    expect(status.phases.map((p) => [p.name, p.attempts])).toEqual(PHASES.map((p) => [p, p === 'kubespray' ? 2 : 1]));

    const counts = countLines(await h.journal('fail-once'));
    const kubespray = [...counts].filter(([line]) => line.startsWith('kubespray '));
    const beforeAndAtFailure = ['Check the inventory', 'Prepare the hosts', 'Download container images', failing];
    for (const [line, n] of kubespray) {
      const task = line.split(' ').slice(1, -1).join(' ');
      expect([line, n]).toEqual([line, beforeAndAtFailure.includes(task) ? 2 : 1]);
    }
    for (const [line, n] of counts) if (line.startsWith('katonic ')) expect([line, n]).toEqual([line, 1]);
  });
});
