import { readFileSync } from 'node:fs';
import { KATONIC_NAMESPACES, STORAGE_CLASSES } from '../lib/katonic-platform.js';
import { parseSpecText } from '../lib/spec/validate.js';
import { isOnpremInstallation, type OnpremInstallation } from '../lib/spec/schema.js';
import { clusterProblems, onpremExpectations, type ClusterExpectations, type ObservedCluster, type ObservedWorkload } from '../lib/verify/cluster-checks.js';
import { DEMO_SPEC, fixture } from './support/repo.js';

function spec(file: string): OnpremInstallation {
  const result = parseSpecText(readFileSync(file, 'utf8'));
  if (!result.ok || !isOnpremInstallation(result.spec)) throw new Error(`${file} should be a valid on-prem spec: ${JSON.stringify(result)}`);
  return result.spec;
}

const NODES = ['master-1', 'worker-1', 'worker-2'];
const available = (w: ClusterExpectations['workloads'][number]): ObservedWorkload => ({
  ...w,
  found: true,
  generation: 1,
  observedGeneration: 1,
  desired: w.kind === 'Deployment' ? 1 : 3,
  available: w.kind === 'Deployment' ? 1 : 3,
  conditions: w.kind === 'Deployment' ? [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }] : [],
});

/** A cluster as a finished install of `expected` leaves it, fresh each call. */
function healthy(expected: ClusterExpectations): ObservedCluster {
  return {
    nodes: NODES.map((name) => ({ name, ready: true })),
    storageClasses: [
      ...expected.storageClasses.map((c) => structuredClone(c) as ObservedCluster['storageClasses'][number]),
      { metadata: { name: 'standard' }, provisioner: 'example.com/x' },
    ],
    namespaces: ['default', 'kube-system', ...KATONIC_NAMESPACES],
    workloads: expected.workloads.map(available),
  };
}

describe('verify: cluster checks (pure)', () => {
  const demo = onpremExpectations(spec(DEMO_SPEC));
  const acme = onpremExpectations(spec(fixture('acme-prod.yaml')));

  it('expects what the install creates: its nodes, kdisk and kfs, the Katonic namespaces, the provisioners, the CNI DaemonSet and the istiod of mesh mode deploy', () => {
    expect(STORAGE_CLASSES).toEqual({ rwo: 'kdisk', rwx: 'kfs' });
    expect(demo.nodeNames).toEqual(NODES);
    expect(demo.storageClasses.map((c) => [c.metadata.name, c.provisioner, c.volumeBindingMode])).toEqual([
      ['kfs', 'katonic.ai/nfs', 'Immediate'],
      ['kdisk', 'rancher.io/local-path', 'WaitForFirstConsumer'],
    ]);
    expect([...demo.namespaces]).toEqual(['katonic-system', 'katonic-platform', 'katonic-workloads']);
    expect(demo.workloads).toEqual([
      { kind: 'Deployment', namespace: 'katonic-storage', name: 'nfs-provisioner' },
      { kind: 'Deployment', namespace: 'katonic-storage', name: 'local-path-provisioner' },
      { kind: 'DaemonSet', namespace: 'kube-system', name: 'calico-node' },
      { kind: 'Deployment', namespace: 'istio-system', name: 'istiod' },
    ]);
    // NFS storage: one provisioner serves both classes. Mesh mode none: no istiod of the install's.
    expect(acme.workloads.map((w) => w.name)).toEqual(['nfs-provisioner', 'calico-node', 'istiod']);
    const noMesh = spec(fixture('acme-prod.yaml'));
    noMesh.spec.katonic.mesh = { mode: 'none' };
    expect(onpremExpectations(noMesh).workloads.map((w) => w.name)).toEqual(['nfs-provisioner', 'calico-node']);
    // A run from before the seed's checks (patch seed-checks): its role was not asked for a mesh.
    expect(onpremExpectations(spec(fixture('acme-prod.yaml')), false).workloads.map((w) => w.name)).toEqual(['nfs-provisioner', 'calico-node']);
  });

  it('finds no problem in a finished install', () => {
    expect(clusterProblems(healthy(demo), demo)).toEqual([]);
  });

  it('names a spec node that is not registered and one that is not Ready, with its Ready condition', () => {
    const observed = healthy(demo);
    observed.nodes = [
      { name: 'master-1', ready: true },
      {
        name: 'worker-2',
        ready: false,
        conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' }],
      },
      { name: 'gpu-9', ready: false },
    ];
    expect(clusterProblems(observed, demo)).toEqual([
      'node worker-1 is not registered',
      'node worker-2 is not Ready: Ready=Unknown NodeStatusUnknown: Kubelet stopped posting node status.',
    ]);
  });

  it('asks a cluster without named nodes only for one Ready node', () => {
    const anyNodes = { ...demo, nodeNames: undefined };
    const observed = healthy(demo);
    observed.nodes = [
      { name: 'pool-0', ready: false },
      { name: 'pool-1', ready: true },
    ];
    expect(clusterProblems(observed, anyNodes)).toEqual([]);
    observed.nodes = [];
    expect(clusterProblems(observed, anyNodes)).toEqual(['no node is Ready']);
  });

  it('names each missing storage class, and a class that differs from what the install applies, field by field', () => {
    const observed = healthy(demo);
    observed.storageClasses = observed.storageClasses.filter((c) => c.metadata?.name !== 'kdisk');
    const kfs = observed.storageClasses.find((c) => c.metadata?.name === 'kfs')!;
    kfs.volumeBindingMode = 'WaitForFirstConsumer';
    kfs.parameters = { archiveOnDelete: 'false' };
    expect(clusterProblems(observed, demo)).toEqual([
      'storage class kfs has parameters {"archiveOnDelete":"false"}, expected {"archiveOnDelete":"true"}',
      'storage class kfs has volumeBindingMode WaitForFirstConsumer, expected Immediate',
      'storage class kdisk is missing',
    ]);
  });

  it('names each missing Katonic namespace', () => {
    const observed = healthy(demo);
    observed.namespaces = ['default', 'katonic-platform'];
    expect(clusterProblems(observed, demo)).toEqual(['namespace katonic-system is missing', 'namespace katonic-workloads is missing']);
  });

  it('says which workload is not Available and why, from its conditions', () => {
    const observed = healthy(demo);
    const [nfs, localPath, calico] = observed.workloads as [ObservedWorkload, ObservedWorkload, ObservedWorkload];
    Object.assign(nfs, {
      available: 0,
      conditions: [
        { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
        { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'pods "nfs-provisioner-5d4" is forbidden: exceeded quota: no-pods' },
        { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' },
      ],
    });
    Object.assign(localPath, { found: false, conditions: [] });
    Object.assign(calico, { available: 2 });
    expect(clusterProblems(observed, demo)).toEqual([
      'Deployment katonic-storage/nfs-provisioner is not Available (0 of 1 replicas available): Available=False MinimumReplicasUnavailable: Deployment does not have minimum availability.; ReplicaFailure=True FailedCreate: pods "nfs-provisioner-5d4" is forbidden: exceeded quota: no-pods',
      'Deployment katonic-storage/local-path-provisioner is missing',
      'DaemonSet kube-system/calico-node is not Available (2 of 3 pods available)',
    ]);
  });

  it('does not take a workload whose controller has not seen its latest change as Available', () => {
    const observed = healthy(demo);
    Object.assign(observed.workloads[0]!, { generation: 2, observedGeneration: 1 });
    expect(clusterProblems(observed, demo)).toEqual([
      'Deployment katonic-storage/nfs-provisioner is not Available (1 of 1 replicas available, its controller has not seen the latest change)',
    ]);
  });

  it('does not take a DaemonSet with no pods to schedule as Available', () => {
    const observed = healthy(demo);
    Object.assign(observed.workloads[2]!, { desired: 0, available: 0 });
    expect(clusterProblems(observed, demo)).toEqual(['DaemonSet kube-system/calico-node is not Available (0 of 0 pods available)']);
  });

  it('lists every problem at once, in a stable order: nodes, storage classes, namespaces, workloads', () => {
    const observed: ObservedCluster = {
      nodes: [],
      storageClasses: [],
      namespaces: [],
      workloads: demo.workloads.map((w) => ({ ...available(w), found: false })),
    };
    expect(clusterProblems(observed, demo)).toEqual([
      'node master-1 is not registered',
      'node worker-1 is not registered',
      'node worker-2 is not registered',
      'no node is Ready',
      'storage class kfs is missing',
      'storage class kdisk is missing',
      'namespace katonic-system is missing',
      'namespace katonic-platform is missing',
      'namespace katonic-workloads is missing',
      'Deployment katonic-storage/nfs-provisioner is missing',
      'Deployment katonic-storage/local-path-provisioner is missing',
      'DaemonSet kube-system/calico-node is missing',
      'Deployment istio-system/istiod is missing',
    ]);
  });
});
