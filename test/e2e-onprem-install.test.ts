// End to end on the real Temporal dev server, real ansible-playbook runs (local connection),
// the stand-in Kubespray and Katonic role, and a real kube-apiserver (the local control plane,
// kwok's simulated nodes running the pods).
import { readFile, readdir, realpath, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { WorkflowNotFoundError } from '@temporalio/client';
import { FINAL_STATES, type InstallStatus } from '../lib/install/status.js';
import { ansibleTaskQueue } from '../lib/temporal/task-queues.js';
import { playbookHistoryQuery, taskDurationsWorkflowId } from '../workflows/task-durations-definitions.js';
import { ansibleProcessesUnder, countLines, SINGLE_NODE, singleNode, startHarness, type Harness } from './support/e2e-harness.js';
import { fixture, REPO_ROOT } from './support/repo.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('onprem');
  await h.startWorker();
});
afterAll(() => h?.close());

const PHASES = ['preflight', 'inventory', 'kubespray', 'storage', 'katonic', 'verify'];

async function startAndWait(name: string, file: string): Promise<InstallStatus> {
  const waiting = h.cli('start', file, '--wait');
  // Beside it, so that an install that hangs fails the test with its last status.
  await h.waitFor(name, (s) => s.state !== 'running', 150_000);
  const started = await waiting;
  expect(started.stderr).toBe('');
  expect(started.stdout.split('\n')[0]).toBe(`install-${name}`);
  return h.status(name);
}

describe('on-prem install (real dev server, kube-apiserver with kwok nodes; stand-in Kubespray and Katonic role)', () => {
  it('runs all six phases of the demo spec to completion, each stand-in task once; its status has an ETA with "no history" (the first run on its queue)', async () => {
    // A second a Kubespray task: long enough for the first run to list its tasks and estimate from its own pace.
    const file = await h.writeSpec('demo-e2e', (spec) => {
      spec.spec.extraVars = { standin_delay_seconds: { kubespray: 1 } };
      // The demo's verify as `npm start` runs it: with the storage smoke.
      delete spec.spec.verify.storageSmoke;
    });
    const kubesprayListed = (s: InstallStatus) => s.phases.some((p) => p.name === 'kubespray' && p.state === 'running' && p.tasksKnown);
    const estimated = h.waitFor('demo-e2e', (s) => (s.eta !== undefined && kubesprayListed(s)) || FINAL_STATES.includes(s.state));
    const status = await startAndWait('demo-e2e', file);
    expect([status.state, status.error, status.eta]).toEqual(['completed', undefined, undefined]);
    const { eta, phases } = await estimated;
    expect(eta?.basis).toBe('no history');
    expect(Date.parse(eta!.p90)).toBeGreaterThanOrEqual(Date.parse(eta!.p50));
    expect(phases.find((p) => p.name === 'kubespray')).toMatchObject({ state: 'running', tasksKnown: expect.any(Number) as number, remaining: { runs: 0 } });
    expect(status.phases.map((p) => [p.name, p.state, p.attempts])).toEqual(PHASES.map((p) => [p, 'completed', 1]));
    for (const phase of status.phases) {
      expect(Date.parse(phase.startedAt!)).toBeLessThanOrEqual(Date.parse(phase.endedAt!));
    }
    const journal = await h.journal('demo-e2e');
    expect(journal).toContain('kubespray Install the container runtime worker-1');
    expect(journal).toContain('kubespray Write the admin kubeconfig master-1');
    expect(journal).toContain('katonic Deploy the mesh localhost');
    expect(journal).toContain('katonic Create the Katonic namespaces localhost');
    expect([...countLines(journal).values()].every((n) => n === 1)).toBe(true);
    // verify read the cluster that the stand-in Kubespray registered and storage/katonic filled.
    // The demo has no load balancer (verify.frontDoor: false): preflight warns that its FQDN has no address, verify skips the front door.
    expect(status.phases.find((p) => p.name === 'preflight')?.summary).toMatch(
      /; mlops\.demo\.local \(spec\.katonic\.fqdn\) does not resolve: .+ \(warning\)$/,
    );
    expect(status.phases.find((p) => p.name === 'verify')?.summary).toBe(
      '3 nodes Ready, storage classes kdisk and kfs, 3 Katonic namespaces, nfs-provisioner, local-path-provisioner, calico-node, istiod Available; ' +
        'front-door skipped: https://mlops.demo.local: not checked: spec.verify.frontDoor is false',
    );
    expect(await ansibleProcessesUnder(h.dataDir)).toEqual([]);

    // Read back through the API: the nodes as Kubespray leaves them, kept Ready by kwok, and
    // the provisioners and calico-node really rolled out on them.
    const core = h.cluster.kc.makeApiClient(CoreV1Api);
    const apps = h.cluster.kc.makeApiClient(AppsV1Api);
    const master = await core.readNode({ name: 'master-1' });
    expect(master.metadata?.labels).toMatchObject({ 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/hostname': 'master-1' });
    expect(master.spec?.taints).toEqual([{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
    expect(master.status?.nodeInfo).toMatchObject({ containerRuntimeVersion: 'containerd://1.7.24', kubeletVersion: 'v1.33.7' });
    expect(master.status?.addresses).toContainEqual({ type: 'InternalIP', address: '127.0.0.11' });
    for (const name of ['nfs-provisioner', 'local-path-provisioner']) {
      const deployment = await apps.readNamespacedDeployment({ name, namespace: 'katonic-storage' });
      expect([name, deployment.status?.availableReplicas, deployment.status?.conditions?.find((c) => c.type === 'Available')?.status]).toEqual([
        name,
        1,
        'True',
      ]);
    }
    const calico = await apps.readNamespacedDaemonSet({ name: 'calico-node', namespace: 'kube-system' });
    expect(calico.status?.numberAvailable).toBe(calico.status?.desiredNumberScheduled);
    expect(calico.status?.desiredNumberScheduled).toBeGreaterThanOrEqual(3);

    // verify's storage smoke: kdisk's claim bound by the real local-path provisioner, kfs's by
    // the NFS subdir stand-in (the events on the claims say who), then nothing of it left but
    // the directory the stand-in archives (the class's archiveOnDelete).
    const smoke = 'katonic-smoke-demo-e2e';
    const claimEvents = (await core.listNamespacedEvent({ namespace: 'katonic-system', fieldSelector: 'involvedObject.kind=PersistentVolumeClaim' })).items;
    const provisionedBy = (claim: string) =>
      claimEvents.filter((e) => e.involvedObject.name === claim && e.reason === 'ProvisioningSucceeded').map((e) => e.source?.component?.split('_')[0]);
    expect([provisionedBy(`${smoke}-kdisk`), provisionedBy(`${smoke}-kfs`)]).toEqual([['rancher.io/local-path'], ['katonic.ai/nfs']]);
    const mine = { namespace: 'katonic-system', labelSelector: 'katonic.ai/install=demo-e2e' };
    expect([...(await core.listNamespacedPersistentVolumeClaim(mine)).items, ...(await core.listNamespacedPod(mine)).items]).toEqual([]);
    expect((await core.listPersistentVolume()).items.filter((pv) => pv.spec?.claimRef?.name?.startsWith(smoke))).toEqual([]);
    const nfsExport = join(dirname(await realpath(h.cluster.kubeconfig)), 'nfs-standin-export');
    expect((await readdir(nfsExport)).filter((d) => d.startsWith(`archived-katonic-system-${smoke}-kfs-pvc-`))).toHaveLength(1);

    if (process.env.RECORD_HISTORIES) {
      const history = await h.client.workflow.getHandle('install-demo-e2e').fetchHistory();
      await mkdir(join(REPO_ROOT, 'test', 'histories'), { recursive: true });
      await writeFile(join(REPO_ROOT, 'test', 'histories', 'onprem-completed.json'), historyToJSON(history));
    }
  });

  it("a probe role in the Katonic role's place finds the cluster: KUBECONFIG in its environment, the kubeconfig var, K8S_AUTH_KUBECONFIG; its ETA rests on 1 run", async () => {
    const file = await h.writeSpec('probe', (spec) => {
      singleNode(spec);
      spec.spec.katonic.roleDir = fixture('roles/kubeconfig-probe');
      // The probe deploys no mesh: verify reports that as a warning.
      spec.spec.katonic.mesh = { mode: 'none' };
    });
    // The second install on this queue: every phase is expected to take what the first took.
    const estimated = h.waitFor('probe', (s) => s.eta !== undefined || FINAL_STATES.includes(s.state));
    const status = await startAndWait('probe', file);
    expect([status.state, status.error]).toEqual(['completed', undefined]);
    expect((await estimated).eta?.basis).toBe('1 run');
    expect(status.phases.every((p) => p.expected?.runs === 1)).toBe(true);
    // The playbook runs, which wait on the Ansible queue, are in the install queue's book too, and no other book was begun.
    const book = (queue: string) => h.client.workflow.getHandle(taskDurationsWorkflowId(queue));
    expect((await book(h.env.KATONIC_TASK_QUEUE!).query(playbookHistoryQuery, { scope: 'installer', playbook: 'preflight.yml' })).runs).toBe(2);
    await expect(book(ansibleTaskQueue(h.env.KATONIC_TASK_QUEUE!)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    const probe = JSON.parse(await readFile(join(h.dataDir, 'runs', 'probe', 'kubeconfig-probe.json'), 'utf8')) as Record<string, unknown>;
    expect(probe.env).toBe(join(h.dataDir, 'runs', 'probe', 'artifacts', 'admin.conf'));
    expect(probe.nodesByEnv).toEqual(expect.arrayContaining([SINGLE_NODE]));
    expect(probe.nodesByVar).toEqual(probe.nodesByEnv);
    expect(probe.namespacesByModule).toEqual(expect.arrayContaining(['kube-system', 'katonic-storage']));
  });
});
