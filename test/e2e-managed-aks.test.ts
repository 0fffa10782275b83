// The AKS flow on a real kube-apiserver of its own, shaped like AKS (agentpool labels, nodeInfo
// and capacities of Standard_D8s_v3 nodes, Azure CNI with Azure NPM, the Azure Disk and Files CSI
// drivers, the default / managed-csi / azurefile-csi classes AKS ships), with a kdisk someone made
// before on another provisioner, and the cluster's admin kubeconfig as the reference.
import { AppsV1Api, StorageV1Api } from '@kubernetes/client-node';
import { startHarness, type Harness } from './support/e2e-harness.js';
import { createClusterObjects } from './support/managed-cluster-setup.js';
import { asManagedSpec, clusterObjects } from './support/managed-clusters.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('aks', { ownControlPlane: true });
  await h.startWorker();
});
afterAll(() => h?.close());

describe('the AKS flow on an AKS-shaped cluster (own real kube-apiserver, stand-in Katonic role)', () => {
  it('a kdisk that exists on another provisioner stops the flow with a clear error and is left untouched; removed by the operator, the install completes', async () => {
    await createClusterObjects(h.cluster.kc, clusterObjects('aks', 2));
    const storage = h.cluster.kc.makeApiClient(StorageV1Api);
    // As the seed's example: the in-tree azure-disk provisioner, Standard_LRS.
    const theirs = await storage.createStorageClass({
      body: { metadata: { name: 'kdisk' }, provisioner: 'kubernetes.io/azure-disk', parameters: { storageaccounttype: 'Standard_LRS', kind: 'managed' } },
    });
    const shipped = new Map((await storage.listStorageClass()).items.map((c) => [c.metadata!.name!, c.metadata!.resourceVersion]));

    const file = await h.writeSpec('aks', asManagedSpec('aks', h.cluster.kubeconfig));
    // plan reads the cluster: preflight would pass, kdisk is in the way, kfs would be created.
    const plan = await h.cli('plan', file);
    expect(plan.stdout).toContain('Preflight, as the cluster is now (passes)');
    expect(plan.stdout).toContain(
      '  kdisk: CONFLICT: StorageClass kdisk exists with provisioner kubernetes.io/azure-disk, the install wants disk.csi.azure.com',
    );
    expect(plan.stdout).toContain('  kfs: created');
    expect((await h.cli('start', file)).exitCode).toBe(0);
    const stuck = await h.waitFor('aks', (s) => s.state === 'waiting-for-operator');
    expect(stuck.phase).toBe('storage-classes');
    expect(stuck.phases.map((p) => [p.name, p.state, p.attempts])).toEqual([
      ['preflight', 'completed', 1],
      ['storage-classes', 'failed', 1],
      ['katonic', 'pending', 0],
      ['verify', 'pending', 0],
    ]);
    expect(stuck.error?.type).toBe('StorageClassConflict');
    expect(stuck.error?.message).toContain('StorageClass kdisk exists with provisioner kubernetes.io/azure-disk, the install wants disk.csi.azure.com');
    expect((await storage.readStorageClass({ name: 'kdisk' })).metadata?.resourceVersion).toBe(theirs.metadata?.resourceVersion);
    // kfs is applied only when every class can be: nothing was half done.
    await expect(storage.readStorageClass({ name: 'kfs' })).rejects.toMatchObject({ code: 404 });

    await storage.deleteStorageClass({ name: 'kdisk' });
    expect((await h.cli('retry', 'install-aks')).exitCode).toBe(0);
    const done = await h.waitFor('aks', (s) => s.state === 'completed' || s.state === 'waiting-for-operator');
    expect(done.error).toBeUndefined();
    expect(done.phases.map((p) => [p.name, p.state])).toEqual([
      ['preflight', 'completed'],
      ['storage-classes', 'completed'],
      ['katonic', 'completed'],
      ['verify', 'completed'],
    ]);
    const after = new Map((await storage.listStorageClass()).items.map((c) => [c.metadata!.name!, c]));
    expect([...after.keys()].sort()).toEqual(['azurefile-csi', 'default', 'kdisk', 'kfs', 'managed-csi']);
    expect(after.get('kdisk')).toMatchObject({
      provisioner: 'disk.csi.azure.com',
      parameters: { skuName: 'Premium_LRS', cachingMode: 'ReadOnly' },
      volumeBindingMode: 'WaitForFirstConsumer',
      metadata: { labels: { 'app.kubernetes.io/managed-by': 'katonic-installer' } },
    });
    expect(after.get('kfs')).toMatchObject({
      provisioner: 'file.csi.azure.com',
      parameters: { skuName: 'Standard_LRS' },
      volumeBindingMode: 'Immediate',
      metadata: { labels: { 'app.kubernetes.io/managed-by': 'katonic-installer' } },
    });
    for (const name of ['default', 'managed-csi', 'azurefile-csi']) expect(after.get(name)?.metadata?.resourceVersion).toBe(shipped.get(name));
    // The DaemonSets kwok runs on the AKS-shaped nodes are what the preflight found Azure NPM in.
    const npm = await h.cluster.kc.makeApiClient(AppsV1Api).readNamespacedDaemonSet({ name: 'azure-npm', namespace: 'kube-system' });
    expect(npm.status?.desiredNumberScheduled).toBe(4);
    // The warning: the demo's FQDN has no address, and its spec says the load balancer comes later.
    expect(done.phases.find((p) => p.name === 'preflight')?.summary).toBe('v1.34.4, 4 nodes: every requirement met (1 warnings or ignored)');
  });
});
