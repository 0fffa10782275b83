// The EKS flow on a real kube-apiserver of its own (the cluster-wide objects are this test's),
// shaped like EKS (nodegroup labels, nodeInfo and capacities of m5.2xlarge nodes, the VPC CNI
// as its chart 1.23.1 deploys it, with the network policy agent aws-eks-nodeagent in aws-node,
// the EBS and EFS CSI drivers, the gp2 class EKS ships), reached through a kubeconfig whose user
// is an exec credential plugin, as `aws eks update-kubeconfig` writes it; the plugin is a script
// that prints a token the API server accepts. Last, the same cluster made EKS Auto Mode's.
import { access, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AppsV1Api, CoreV1Api, StorageV1Api, type V1StorageClass } from '@kubernetes/client-node';
import { readManagedCluster } from '../activities/kubernetes/read-managed-cluster.js';
import { managedPreflightReport, managedRequirements } from '../lib/preflight/managed-rules.js';
import { isOnpremInstallation } from '../lib/spec/schema.js';
import { parseSpecText } from '../lib/spec/validate.js';
import { startHarness, type Harness } from './support/e2e-harness.js';
import { startFlakyProxy } from './support/flaky-api-proxy.js';
import { readInertYaml } from './support/inert-yaml-reader.js';
import { bearerToken, createClusterObjects, deleteNodes, execPluginKubeconfig, registerNodes } from './support/managed-cluster-setup.js';
import { asManagedSpec, clusterObjects, csiDrivers, node } from './support/managed-clusters.js';

let h: Harness;
let token: string;
let kubeconfig: string;
beforeAll(async () => {
  h = await startHarness('eks', { ownControlPlane: true });
  await h.startWorker();
  token = await bearerToken(h.cluster.kc, 'katonic-installer');
  kubeconfig = await execPluginKubeconfig(join(h.dataDir, 'kube'), h.cluster.kc, { token });
});
afterAll(() => h?.close());

const specOf = async (file: string) => {
  const parsed = parseSpecText(await readFile(file, 'utf8'));
  if (!parsed.ok || isOnpremInstallation(parsed.spec)) throw new Error(`${file}: not a managed spec`);
  return parsed.spec;
};
const platform = (i: number) => `ip-10-0-1-${10 + i}.ec2.internal`;
const compute = (i: number) => `ip-10-0-2-${10 + i}.ec2.internal`;
const classView = (c: V1StorageClass) => ({
  provisioner: c.provisioner,
  parameters: c.parameters,
  volumeBindingMode: c.volumeBindingMode,
  reclaimPolicy: c.reclaimPolicy,
  allowVolumeExpansion: c.allowVolumeExpansion,
  mountOptions: c.mountOptions,
  managedBy: c.metadata?.labels?.['app.kubernetes.io/managed-by'],
});

describe('the EKS flow on an EKS-shaped cluster (own real kube-apiserver, exec-plugin kubeconfig, stand-in Katonic role)', () => {
  it('a cluster with a Docker node, a too-small compute pool and the VPC CNI policy agent off (chart 1.23.1: aws-node carries aws-eks-nodeagent with --enable-network-policy=false) fails preflight with all three reasons at once and waits; fixed (=true), it installs to completion', async () => {
    const nodes = [
      node('eks', { name: platform(0), pool: 'platform', runtime: 'docker://20.10.25' }),
      node('eks', { name: platform(1), pool: 'platform' }),
      node('eks', { name: compute(0), pool: 'compute', cpus: 4, memoryGiB: 16 }),
      node('eks', { name: compute(1), pool: 'compute', cpus: 4, memoryGiB: 16 }),
    ];
    await createClusterObjects(h.cluster.kc, clusterObjects('eks', 0, { nodes, networkPolicy: false }));
    const storage = h.cluster.kc.makeApiClient(StorageV1Api);
    const gp2Before = await storage.readStorageClass({ name: 'gp2' });

    const file = await h.writeSpec('eks', asManagedSpec('eks', kubeconfig));
    expect((await h.cli('start', file)).exitCode).toBe(0);
    const stuck = await h.waitFor('eks', (s) => s.state === 'waiting-for-operator');
    expect(stuck.phase).toBe('preflight');
    expect(stuck.phases.find((p) => p.name === 'preflight')).toMatchObject({ state: 'failed', attempts: 1 });
    expect(stuck.error?.type).toBe('PreflightFailed');
    const failedRows = (stuck.error?.message ?? '').split('\n').filter((l) => l.startsWith('FAILED'));
    expect(failedRows).toHaveLength(3);
    expect(failedRows[0]).toMatch(new RegExp(`^FAILED\\s+container-runtime\\s+Node ${platform(0)}\\s+docker://20.10.25`));
    expect(failedRows[1]).toMatch(
      new RegExp(`^FAILED\\s+node-pools\\s+Nodes ${compute(0)}, ${compute(1)} of the compute pool \\(eks.amazonaws.com/nodegroup=compute\\)\\s+4 CPUs`),
    );
    // The VPC CNI's agent is there, off: named with the argument that says so.
    expect(failedRows[2]).toMatch(
      /^FAILED\s+network-policy\s+kube-system, calico-system, kube-flannel\s+no CNI enforces NetworkPolicy .*; Amazon VPC CNI present but off: aws-node carries aws-eks-nodeagent with --enable-network-policy=false\)/,
    );
    expect((await h.cli('status', 'install-eks')).stdout).toMatch(/FAILED +container-runtime/);

    // The operator replaces the Docker node and the small compute nodes, and enables the agent (the VPC CNI add-on's enableNetworkPolicy).
    await deleteNodes(h.cluster.kc, [platform(0), compute(0), compute(1)]);
    await registerNodes(h.cluster.kc, [
      node('eks', { name: platform(2), pool: 'platform' }),
      node('eks', { name: compute(2), pool: 'compute' }),
      node('eks', { name: compute(3), pool: 'compute' }),
    ]);
    const apps = h.cluster.kc.makeApiClient(AppsV1Api);
    const awsNode = await apps.readNamespacedDaemonSet({ name: 'aws-node', namespace: 'kube-system' });
    const containers = awsNode.spec!.template.spec!.containers;
    const agent = containers.findIndex((c) => c.name === 'aws-eks-nodeagent');
    const args = containers[agent]!.args!.map((a) => (a === '--enable-network-policy=false' ? '--enable-network-policy=true' : a));
    await apps.patchNamespacedDaemonSet({
      name: 'aws-node',
      namespace: 'kube-system',
      body: [{ op: 'replace', path: `/spec/template/spec/containers/${agent}/args`, value: args }],
    });
    expect((await h.cli('retry', 'install-eks')).exitCode).toBe(0);

    const done = await h.waitFor('eks', (s) => s.state === 'completed' || s.state === 'waiting-for-operator');
    expect(done.error).toBeUndefined();
    expect(done.phases.map((p) => [p.name, p.state, p.attempts])).toEqual([
      ['preflight', 'completed', 2],
      ['storage-classes', 'completed', 1],
      ['katonic', 'completed', 1],
      ['verify', 'completed', 1],
    ]);
    // The rule passed on the agent's argument, as the preflight activity reads it through the API.
    const observed = await readManagedCluster(h.cluster.kc, (await specOf(file)).spec.katonic);
    expect(managedPreflightReport(observed, managedRequirements(await specOf(file), observed)).findings.find((f) => f.rule === 'network-policy')).toMatchObject(
      {
        result: 'ok',
        object: 'DaemonSet kube-system/aws-node (Amazon VPC CNI)',
        observed: 'aws-node carries aws-eks-nodeagent with --enable-network-policy=true',
      },
    );
    // The classes the flow created, read back from the API server; the one EKS ships is untouched.
    const classes = new Map((await storage.listStorageClass()).items.map((c) => [c.metadata!.name!, c]));
    expect([...classes.keys()].sort()).toEqual(['gp2', 'kdisk', 'kfs']);
    expect(classView(classes.get('kdisk')!)).toEqual({
      provisioner: 'ebs.csi.aws.com',
      parameters: { type: 'gp3', fsType: 'ext4', encrypted: 'true' },
      volumeBindingMode: 'WaitForFirstConsumer',
      reclaimPolicy: 'Delete',
      allowVolumeExpansion: true,
      mountOptions: undefined,
      managedBy: 'katonic-installer',
    });
    expect(classView(classes.get('kfs')!)).toEqual({
      provisioner: 'efs.csi.aws.com',
      parameters: { provisioningMode: 'efs-ap', fileSystemId: 'fs-0123456789abcdef0', directoryPerms: '700', basePath: '/katonic' },
      volumeBindingMode: 'Immediate',
      reclaimPolicy: 'Delete',
      allowVolumeExpansion: false,
      mountOptions: ['tls'],
      managedBy: 'katonic-installer',
    });
    expect(classes.get('gp2')?.metadata?.resourceVersion).toBe(gp2Before.metadata?.resourceVersion);

    // Every phase went through the exec plugin; the Katonic role got the cloud vars; no kubeconfig or token was left behind or recorded.
    const journal = await h.journal('eks');
    expect(journal.filter((l) => l.startsWith('katonic '))).toEqual([
      'katonic Check the cluster localhost',
      'katonic Deploy the mesh localhost',
      'katonic Create the Katonic namespaces localhost',
      'katonic Deploy the platform localhost',
      'katonic Wait for the platform localhost',
    ]);
    const vars = readInertYaml(await readFile(join(h.dataDir, 'runs', 'eks', 'inventory', 'katonic-vars.yml'), 'utf8'));
    expect(vars).toMatchObject({
      katonic_cloud: 'aws',
      katonic_blob_store: { kind: 's3', bucket: 'acme-katonic-backups', region: 'us-east-1' },
      katonic_image_registry: '123456789012.dkr.ecr.us-east-1.amazonaws.com',
      katonic_storage_classes: { rwo: 'kdisk', rwx: 'kfs' },
    });
    await expect(access(join(h.dataDir, 'runs', 'eks', 'katonic', 'kubeconfig'))).rejects.toThrow();
    const history = JSON.stringify(await h.client.workflow.getHandle('install-eks').fetchHistory());
    expect(history).not.toContain(token);
    expect(history).not.toContain(h.cluster.kc.getCurrentCluster()!.caData!);
  });

  it('a kubeconfig whose exec plugin fails: a clear, non-retryable error naming the reference, never its content', async () => {
    const failing = await execPluginKubeconfig(join(h.dataDir, 'kube'), h.cluster.kc, {
      token,
      fail: 'An error occurred (ExpiredToken) when calling the GetCallerIdentity operation',
    });
    const file = await h.writeSpec('eks-badcred', asManagedSpec('eks', failing));
    expect((await h.cli('start', file)).exitCode).toBe(0);
    const stuck = await h.waitFor('eks-badcred', (s) => s.state === 'waiting-for-operator');
    expect(stuck.phases.find((p) => p.name === 'preflight')).toMatchObject({ state: 'failed', attempts: 1 });
    expect(stuck.error?.type).toBe('KubeconfigCredentialFailed');
    expect(stuck.error?.message).toBe(
      `preflight: the exec credential plugin of the kubeconfig file:${failing} (user "arn:aws:eks:us-east-1:123456789012:cluster/acme", command get-token-failing) failed (exit 1): An error occurred (ExpiredToken) when calling the GetCallerIdentity operation`,
    );
    expect(stuck.error?.message).not.toContain(h.cluster.kc.getCurrentCluster()!.server);
    expect((await h.cli('cancel', 'install-eks-badcred')).exitCode).toBe(0);
  });

  it('an API server that answers 503 twice, then works: the phase retries by itself and completes', async () => {
    const proxy = await startFlakyProxy(h.cluster.kc.getCurrentCluster()!.server, join(dirname(h.cluster.kubeconfig), 'pki'), 2);
    try {
      const flaky = await execPluginKubeconfig(join(h.dataDir, 'kube-flaky'), h.cluster.kc, { token, server: proxy.url });
      // The mesh the 'eks' install deployed is on this cluster: this one joins it (deploying a second would be refused).
      const file = await h.writeSpec('eks-flaky', (spec) => {
        asManagedSpec('eks', flaky)(spec);
        spec.spec.katonic.mesh = { mode: 'existing' };
      });
      expect((await h.cli('start', file)).exitCode).toBe(0);
      const done = await h.waitFor('eks-flaky', (s) => s.state === 'completed' || s.state === 'waiting-for-operator');
      expect(done.error).toBeUndefined();
      expect(proxy.refused()).toBe(2);
      expect(done.phases.map((p) => [p.name, p.attempts])).toEqual([
        ['preflight', 2],
        ['storage-classes', 1],
        ['katonic', 1],
        ['verify', 1],
      ]);
    } finally {
      await proxy.close();
    }
  });

  it('the cluster made EKS Auto Mode (nodes of Karpenter NodePools, no aws-node, its EBS driver, the network policy controller enabled): preflight reads it as such, and an install makes kdisk for its driver', async () => {
    const core = h.cluster.kc.makeApiClient(CoreV1Api);
    const apps = h.cluster.kc.makeApiClient(AppsV1Api);
    const storage = h.cluster.kc.makeApiClient(StorageV1Api);
    // The mesh the 'eks' install deployed is on this cluster: this one joins it (deploying a second would be refused).
    const file = await h.writeSpec('eks-auto', (spec) => {
      asManagedSpec('eks', kubeconfig)(spec);
      spec.spec.katonic.mesh = { mode: 'existing' };
    });
    const spec = await specOf(file);
    // As Auto Mode labels its nodes: the NodePool's name instead of a node group's.
    const nodes = (await core.listNode()).items;
    for (const n of nodes) {
      const autoMode = node('eks', { name: n.metadata!.name!, pool: n.metadata!.labels!['eks.amazonaws.com/nodegroup']!, autoMode: true }).metadata!.labels!;
      await core.patchNode({ name: n.metadata!.name!, body: [{ op: 'replace', path: '/metadata/labels', value: autoMode }] });
    }
    await apps.deleteNamespacedDaemonSet({ name: 'aws-node', namespace: 'kube-system' });
    await storage.createCSIDriver({ body: csiDrivers('eks', true)[0]! });
    const observed = await readManagedCluster(h.cluster.kc, spec.spec.katonic);
    const req = managedRequirements(spec, observed);
    expect(req.eksAutoMode).toBe(true);
    const report = managedPreflightReport(observed, req);
    expect(
      report.findings.filter((f) => ['node-pools', 'network-policy', 'csi-drivers'].includes(f.rule)).map((f) => [f.result, f.object, f.observed]),
    ).toEqual([
      ['ok', 'platform pool (karpenter.sh/nodepool=platform)', expect.stringMatching(/^2 nodes/)],
      ['ok', 'compute pool (karpenter.sh/nodepool=compute)', expect.stringMatching(/^2 nodes/)],
      // amazon-vpc-cni as the cluster was made (the chart's, enableNetworkPolicy false): Auto Mode reads the same key.
      ['failed', 'EKS Auto Mode VPC CNI', 'NetworkPolicy not enforced: kube-system/amazon-vpc-cni sets enable-network-policy-controller: "false"'],
      ['ok', 'CSIDriver ebs.csi.eks.amazonaws.com', 'installed'],
      ['ok', 'CSIDriver efs.csi.aws.com', 'installed'],
    ]);
    // The step of AWS's guide: the ConfigMap that enables the network policy controller.
    await core.patchNamespacedConfigMap({
      name: 'amazon-vpc-cni',
      namespace: 'kube-system',
      body: [{ op: 'replace', path: '/data/enable-network-policy-controller', value: 'true' }],
    });
    const enabled = await readManagedCluster(h.cluster.kc, spec.spec.katonic);
    expect(managedPreflightReport(enabled, managedRequirements(spec, enabled)).findings.find((f) => f.rule === 'network-policy')).toMatchObject({
      result: 'ok',
      observed: 'kube-system/amazon-vpc-cni sets enable-network-policy-controller: "true"',
    });

    // An install on it (this cluster's kdisk and kfs were the node-group cluster's: gone, as on a new cluster): preflight hands
    // eksAutoMode on, storage-classes makes kdisk on Auto Mode's driver, and verify expects that class.
    await storage.deleteStorageClass({ name: 'kdisk' });
    await storage.deleteStorageClass({ name: 'kfs' });
    expect((await h.cli('start', file)).exitCode).toBe(0);
    const done = await h.waitFor('eks-auto', (s) => s.state === 'completed' || s.state === 'waiting-for-operator');
    expect(done.error).toBeUndefined();
    expect(done.phases.find((p) => p.name === 'preflight')?.summary).toMatch(/ \(EKS Auto Mode\): every requirement met/);
    expect(done.handoffs?.eksAutoMode).toBe(true);
    const kdisk = await storage.readStorageClass({ name: 'kdisk' });
    expect(classView(kdisk)).toMatchObject({ provisioner: 'ebs.csi.eks.amazonaws.com', parameters: { type: 'gp3', fsType: 'ext4', encrypted: 'true' } });
    expect((await storage.readStorageClass({ name: 'kfs' })).provisioner).toBe('efs.csi.aws.com');
  });
});
