import { KATONIC_NAMESPACES, STORAGE_CLASSES } from '../lib/katonic-platform.js';
import { clusterProblems, type ObservedCluster } from '../lib/verify/cluster-checks.js';

const NODES = ['master-1', 'worker-1', 'worker-2'];

/** A cluster as a finished on-prem install leaves it, fresh each call. */
function healthy(): ObservedCluster {
  return {
    nodes: NODES.map((name) => ({ name, ready: true })),
    storageClasses: [
      { name: 'kdisk', volumeBindingMode: 'WaitForFirstConsumer' },
      { name: 'kfs', volumeBindingMode: 'Immediate' },
      { name: 'standard', volumeBindingMode: 'Immediate' },
    ],
    namespaces: ['default', 'kube-system', 'katonic-system', 'katonic-platform', 'katonic-workloads'],
  };
}

describe('verify: cluster checks (pure)', () => {
  it('checks the classes and namespaces Katonic needs', () => {
    expect(STORAGE_CLASSES).toEqual({ rwo: 'kdisk', rwx: 'kfs' });
    expect([...KATONIC_NAMESPACES]).toEqual(['katonic-system', 'katonic-platform', 'katonic-workloads']);
  });

  it('finds no problem in a finished install', () => {
    expect(clusterProblems(healthy(), { nodeNames: NODES })).toEqual([]);
  });

  it('accepts kdisk with any binding mode (Immediate over NFS, WaitForFirstConsumer for host volumes)', () => {
    const observed = healthy();
    observed.storageClasses = [{ name: 'kdisk', volumeBindingMode: 'Immediate' }, { name: 'kfs', volumeBindingMode: 'Immediate' }];
    expect(clusterProblems(observed, { nodeNames: NODES })).toEqual([]);
    observed.storageClasses = [{ name: 'kdisk' }, { name: 'kfs', volumeBindingMode: 'Immediate' }];
    expect(clusterProblems(observed, { nodeNames: NODES })).toEqual([]);
  });

  it('names a spec node that is not registered and one that is not Ready', () => {
    const observed = healthy();
    observed.nodes = [
      { name: 'master-1', ready: true },
      { name: 'worker-2', ready: false },
    ];
    expect(clusterProblems(observed, { nodeNames: NODES })).toEqual(['node worker-1 is not registered', 'node worker-2 is not Ready']);
  });

  it('ignores nodes the spec does not name', () => {
    const observed = healthy();
    observed.nodes.push({ name: 'gpu-9', ready: false });
    expect(clusterProblems(observed, { nodeNames: NODES })).toEqual([]);
  });

  it('asks a managed cluster (no node names) only for one Ready node', () => {
    const observed = healthy();
    observed.nodes = [
      { name: 'aks-pool-0', ready: false },
      { name: 'aks-pool-1', ready: true },
    ];
    expect(clusterProblems(observed, {})).toEqual([]);
    observed.nodes = [{ name: 'aks-pool-0', ready: false }];
    expect(clusterProblems(observed, {})).toEqual(['no node is Ready']);
    observed.nodes = [];
    expect(clusterProblems(observed, {})).toEqual(['no node is Ready']);
  });

  it('reports no Ready node in addition to the spec nodes that are down', () => {
    const observed = healthy();
    observed.nodes = NODES.map((name) => ({ name, ready: false }));
    expect(clusterProblems(observed, { nodeNames: NODES })).toEqual(['node master-1 is not Ready', 'node worker-1 is not Ready', 'node worker-2 is not Ready', 'no node is Ready']);
  });

  it('names each missing storage class', () => {
    const observed = healthy();
    observed.storageClasses = [{ name: 'standard', volumeBindingMode: 'Immediate' }];
    expect(clusterProblems(observed, { nodeNames: NODES })).toEqual(['storage class kdisk is missing', 'storage class kfs is missing']);
  });

  it('requires kfs to bind Immediately and says what it found', () => {
    const observed = healthy();
    observed.storageClasses = [{ name: 'kdisk' }, { name: 'kfs', volumeBindingMode: 'WaitForFirstConsumer' }];
    expect(clusterProblems(observed, { nodeNames: NODES })).toEqual(['storage class kfs has volumeBindingMode WaitForFirstConsumer, expected Immediate']);
    observed.storageClasses = [{ name: 'kdisk' }, { name: 'kfs' }];
    expect(clusterProblems(observed, { nodeNames: NODES })).toEqual(['storage class kfs has volumeBindingMode (unset), expected Immediate']);
  });

  it('names each missing Katonic namespace', () => {
    const observed = healthy();
    observed.namespaces = ['default', 'katonic-platform'];
    expect(clusterProblems(observed, { nodeNames: NODES })).toEqual(['namespace katonic-system is missing', 'namespace katonic-workloads is missing']);
  });

  it('lists every problem at once, in a stable order: nodes, storage classes, namespaces', () => {
    const observed: ObservedCluster = { nodes: [], storageClasses: [], namespaces: [] };
    expect(clusterProblems(observed, { nodeNames: ['master-1'] })).toEqual([
      'node master-1 is not registered',
      'no node is Ready',
      'storage class kdisk is missing',
      'storage class kfs is missing',
      'namespace katonic-system is missing',
      'namespace katonic-platform is missing',
      'namespace katonic-workloads is missing',
    ]);
  });
});
