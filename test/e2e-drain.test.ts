// Drain, its check and the live-cluster read against a real control plane of this test's own
// (kube-apiserver, the disruption controller, the scheduler, kwok running the pods): nodes, a
// DaemonSet in kube-system and a StorageClass are cluster-wide, so not the shared one. A
// Deployment's pod on worker-1 with a PodDisruptionBudget of maxUnavailable 0: the check names
// the budget, the drain is refused until its timeout and fails naming budget and pod; with
// maxUnavailable 1 the drain evicts it (and a bare pod), leaves calico-node's pod, and returns
// once they are gone; a second drain has nothing to do.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppsV1Api, CoreV1Api, KubeConfig, PolicyV1Api, StorageV1Api, type KubernetesObject, type V1Node } from '@kubernetes/client-node';
import type { ApplicationFailure } from '@temporalio/common';
import yaml from 'js-yaml';
import { drainCheck } from '../activities/kubernetes/drain-check.js';
import { drainNode, setUnschedulable, type DrainProgress } from '../activities/kubernetes/drain-node.js';
import { applyObjects } from '../activities/kubernetes/kube-client.js';
import { podsOnNode } from '../activities/kubernetes/node-pods.js';
import { readLiveCluster } from '../activities/kubernetes/read-live-cluster.js';
import { startControlPlane, type ControlPlane } from '../client/dev/control-plane/control-plane.js';
import { REPO_ROOT } from './support/repo.js';

const NS = 'katonic';
let plane: ControlPlane;
let kc: KubeConfig;
let core: CoreV1Api;
let policy: PolicyV1Api;

/** A Node as a kubelet registers it (standin_step.py's register_node); kwok keeps it Ready and runs its pods. */
function node(name: string, labels: Record<string, string>, taints: V1Node['spec'] = {}): V1Node {
  const resources = { cpu: '8', memory: '16Gi', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...labels } },
    spec: taints,
    status: {
      capacity: resources,
      allocatable: resources,
      nodeInfo: {
        kubeletVersion: 'v1.32.5',
        kubeProxyVersion: 'v1.32.5',
        containerRuntimeVersion: 'containerd://1.7.24',
        osImage: 'Ubuntu 24.04',
        kernelVersion: '6.8.0',
        operatingSystem: 'linux',
        architecture: 'amd64',
        machineID: '',
        systemUUID: '',
        bootID: '',
      },
    },
  };
}

async function until<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms; last: ${JSON.stringify(value)}`);
    await sleep(250);
  }
}

/** The budget once the disruption controller has computed its status for its current spec. */
const observedBudget = (allowed: number) =>
  until(
    `api-pdb observed with ${allowed} disruptions allowed`,
    () => policy.readNamespacedPodDisruptionBudget({ name: 'api-pdb', namespace: NS }),
    (pdb) => pdb.status?.observedGeneration === pdb.metadata?.generation && pdb.status?.currentHealthy === 1 && pdb.status.disruptionsAllowed === allowed,
  );

const podNames = async (name: string) => (await podsOnNode(core, name)).map((p) => `${p.namespace}/${p.name}`).sort();

beforeAll(async () => {
  plane = await startControlPlane({ dir: await mkdtemp(join(tmpdir(), 'katonic-drain-')) });
  kc = new KubeConfig();
  kc.loadFromFile(plane.kubeconfig);
  core = kc.makeApiClient(CoreV1Api);
  policy = kc.makeApiClient(PolicyV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  await core.createNode({
    body: node(
      'master-1',
      { 'node-role.kubernetes.io/control-plane': '' },
      { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] },
    ),
  });
  await core.createNode({ body: node('worker-1', {}) });
  // Kubespray's calico-node as the stand-in applies it: a DaemonSet pod on every node.
  const calico = yaml.loadAll(await readFile(join(REPO_ROOT, 'standins', 'kubespray', 'files', 'calico.yml'), 'utf8')) as KubernetesObject[];
  await applyObjects(kc, { phase: 'test', kubeconfig: 'the test control plane' }, calico);
  await kc.makeApiClient(StorageV1Api).createStorageClass({
    body: { metadata: { name: 'kdisk', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'katonic.ai/nfs' },
  });
  await core.createNamespace({ body: { metadata: { name: NS } } });
  await apps.createNamespacedDeployment({
    namespace: NS,
    body: {
      metadata: { name: 'api' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'api' } },
        template: {
          metadata: { labels: { app: 'api' } },
          spec: {
            containers: [{ name: 'api', image: 'katonic/api:test', volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] }],
            volumes: [{ name: 'scratch', emptyDir: {} }],
          },
        },
      },
    },
  });
  await policy.createNamespacedPodDisruptionBudget({
    namespace: NS,
    body: { metadata: { name: 'api-pdb' }, spec: { maxUnavailable: 0, selector: { matchLabels: { app: 'api' } } } },
  });
  await observedBudget(0);
  await until(
    'calico-node Ready on both nodes',
    () => apps.readNamespacedDaemonSet({ name: 'calico-node', namespace: 'kube-system' }),
    (ds) => ds.status?.numberReady === 2,
  );
}, 120_000);
afterAll(() => plane?.stop());

describe('drain, drain check and live-cluster read (real kube-apiserver, disruption controller, scheduler, kwok)', () => {
  let apiPod: string | undefined;

  it('the check names the budget that would refuse evicting the pod on worker-1, and nothing on master-1', async () => {
    [apiPod] = (await podNames('worker-1')).filter((p) => p.startsWith(`${NS}/api-`));
    expect(apiPod).toBeDefined();
    expect(await drainCheck(kc, ['worker-1', 'master-1'])).toEqual([
      { node: 'worker-1', blockers: [{ pdb: `${NS}/api-pdb`, pods: [apiPod], disruptionsAllowed: 0, reason: 'needs 1 healthy, 1 available' }] },
      { node: 'master-1', blockers: [] },
    ]);
  });

  it('a drain the budget refuses tries again until its timeout, then fails non-retryable naming the budget and the pod; the node stays cordoned', async () => {
    const progress: DrainProgress[] = [];
    const started = Date.now();
    const failed = (await drainNode(kc, 'worker-1', { timeoutSeconds: 6 }, (p) => progress.push(p)).catch((err: unknown) => err)) as ApplicationFailure;
    const seconds = (Date.now() - started) / 1000;
    expect(failed).toMatchObject({ type: 'DrainBlocked', nonRetryable: true });
    expect(failed.message).toContain(`drain of worker-1 blocked by PodDisruptionBudget ${NS}/api-pdb (pod ${apiPod}: needs 1 healthy, 1 available) after 6 s`);
    expect(failed.details?.[0]).toEqual({
      node: 'worker-1',
      timeoutSeconds: 6,
      blockers: [{ pdb: `${NS}/api-pdb`, pods: [apiPod], disruptionsAllowed: 0, reason: 'needs 1 healthy, 1 available' }],
      pods: [apiPod],
    });
    expect(seconds).toBeGreaterThanOrEqual(6);
    expect(seconds).toBeLessThan(12);
    expect(progress.at(-1)?.task).toBe('draining worker-1: 0 of 1 pods gone, 1 refused by PodDisruptionBudget api-pdb');
    expect((await core.readNode({ name: 'worker-1' })).spec?.unschedulable).toBe(true);
    expect(await podNames('worker-1')).toContain(apiPod);
  });

  it("stops waiting when cancelled, throwing the signal's reason (an activity's cancellation)", async () => {
    const cancel = new AbortController();
    const cancelled = new Error('activity cancelled');
    setTimeout(() => cancel.abort(cancelled), 1500);
    const started = Date.now();
    await expect(drainNode(kc, 'worker-1', { timeoutSeconds: 60, signal: cancel.signal })).rejects.toBe(cancelled);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('with the budget relaxed, evicts the pod and a bare one, leaves the DaemonSet pod, and returns once they are gone', async () => {
    // A pod no controller owns, bound to the cordoned node directly (as a kubelet's user might).
    await core.createNamespacedPod({
      namespace: NS,
      body: { metadata: { name: 'debug', labels: { app: 'debug' } }, spec: { nodeName: 'worker-1', containers: [{ name: 'sh', image: 'busybox' }] } },
    });
    await until(
      'the bare pod Running',
      () => core.readNamespacedPod({ name: 'debug', namespace: NS }),
      (p) => p.status?.phase === 'Running',
    );
    await policy.patchNamespacedPodDisruptionBudget({ name: 'api-pdb', namespace: NS, body: [{ op: 'replace', path: '/spec/maxUnavailable', value: 1 }] });
    await observedBudget(1);
    expect(await drainCheck(kc, ['worker-1'])).toEqual([{ node: 'worker-1', blockers: [] }]);

    const summary = await drainNode(kc, 'worker-1', { timeoutSeconds: 30, gracePeriodSeconds: 5 });
    const calicoPod = (await podNames('worker-1')).find((p) => p.startsWith('kube-system/calico-node-'));
    expect(summary).toEqual({
      node: 'worker-1',
      registered: true,
      evicted: [apiPod, `${NS}/debug`].sort(),
      withoutController: [`${NS}/debug`],
      skipped: [{ pod: calicoPod, reason: 'DaemonSet pod' }],
    });
    expect(summary.evicted.sort()).toEqual([apiPod, `${NS}/debug`].sort());
    expect(await podNames('worker-1')).toEqual([calicoPod]);
  });

  it('draining a drained node returns at once; a node that is not registered has nothing to drain', async () => {
    const started = Date.now();
    const again = await drainNode(kc, 'worker-1', { timeoutSeconds: 30 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(again).toMatchObject({ registered: true, evicted: [], withoutController: [] });
    expect(again.skipped.map((s) => s.reason)).toEqual(['DaemonSet pod']);
    expect(await drainNode(kc, 'worker-9', { timeoutSeconds: 30 })).toEqual({
      node: 'worker-9',
      registered: false,
      evicted: [],
      withoutController: [],
      skipped: [],
    });
  });

  it('reads the live cluster: nodes with version, roles and cordon, every StorageClass, the namespaces that exist, calico-node', async () => {
    const live = await readLiveCluster(kc, { namespaces: [NS, 'katonic-missing'] });
    expect(Date.parse(live.readAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(live.nodes.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'master-1', kubeletVersion: '1.32.5', ready: true, roles: ['control-plane'], unschedulable: false },
      { name: 'worker-1', kubeletVersion: '1.32.5', ready: true, roles: [], unschedulable: true },
    ]);
    expect(live.storageClasses).toEqual([
      { name: 'kdisk', provisioner: 'katonic.ai/nfs', reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate', isDefault: true },
    ]);
    expect(live.namespaces).toEqual([NS]);
    expect(live.cni).toEqual([{ name: 'calico-node', namespace: 'kube-system', desired: 2, ready: 2 }]);
  });

  it('uncordons the node after its work (as an upgrade does)', async () => {
    await setUnschedulable(kc, 'worker-1', false);
    expect((await readLiveCluster(kc, { namespaces: [] })).nodes.find((n) => n.name === 'worker-1')?.unschedulable).toBe(false);
  });
});
