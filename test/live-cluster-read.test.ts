// The live cluster's objects cut down for a drift check, without a server: a node's version,
// roles and state, a StorageClass's default mark, and which DaemonSets are CNI node agents.
import { liveNode, liveStorageClass } from '../activities/kubernetes/read-live-cluster.js';
import { observedDaemonSet } from '../activities/kubernetes/read-managed-cluster.js';
import { isCniAgent } from '../lib/cluster/cni-agents.js';
import { CNI_SHAPES, systemDaemonSets } from './support/managed-clusters.js';

describe('the live cluster, cut down (pure)', () => {
  it('reads a node: version without the "v", Ready, roles from node-role labels, cordoned', () => {
    const node = liveNode({
      metadata: {
        name: 'master-1',
        labels: { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/etcd': 'true', 'kubernetes.io/os': 'linux' },
      },
      spec: { unschedulable: true },
      status: { nodeInfo: { kubeletVersion: 'v1.32.5' } as never, conditions: [{ type: 'Ready', status: 'True' }] },
    });
    expect(node).toEqual({ name: 'master-1', kubeletVersion: '1.32.5', ready: true, roles: ['control-plane', 'etcd'], unschedulable: true });
    expect(liveNode({ metadata: { name: 'w' }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } })).toMatchObject({
      ready: false,
      roles: [],
      unschedulable: false,
    });
  });

  it('marks the default StorageClass by either annotation', () => {
    const sc = (annotations: Record<string, string>) =>
      liveStorageClass({ metadata: { name: 'kdisk', annotations }, provisioner: 'p', reclaimPolicy: 'Delete' });
    expect(sc({ 'storageclass.kubernetes.io/is-default-class': 'true' })).toEqual({
      name: 'kdisk',
      provisioner: 'p',
      reclaimPolicy: 'Delete',
      isDefault: true,
    });
    expect(sc({ 'storageclass.beta.kubernetes.io/is-default-class': 'true' }).isDefault).toBe(true);
    expect(sc({ 'storageclass.kubernetes.io/is-default-class': 'false' }).isDefault).toBe(false);
  });

  it('knows the CNI node agents by the images of their upstream manifests (CNI_SHAPES), and nothing else in kube-system', () => {
    const agents = [
      ...Object.values(CNI_SHAPES).flatMap((shape) => shape({ networkPolicy: true }).daemonSets),
      ...systemDaemonSets('aks', false),
      // flannel-io/flannel Documentation/kube-flannel.yml
      {
        metadata: { namespace: 'kube-flannel', name: 'kube-flannel-ds' },
        spec: { selector: {}, template: { spec: { containers: [{ name: 'kube-flannel', image: 'ghcr.io/flannel-io/flannel:v0.26.7' }] } } },
      },
    ].map(observedDaemonSet);
    expect(agents.filter(isCniAgent).map((ds) => `${ds.namespace}/${ds.name}`)).toEqual([
      'kube-system/aws-node',
      'kube-system/calico-node',
      'calico-system/calico-node',
      'kube-system/cilium',
      'kube-system/azure-npm',
      'kube-system/antrea-agent',
      'kube-system/azure-cns',
      'kube-flannel/kube-flannel-ds',
    ]);
    expect(
      systemDaemonSets('eks', true)
        .map(observedDaemonSet)
        .filter((ds) => !isCniAgent(ds))
        .map((ds) => ds.name),
    ).toEqual(['kube-proxy', 'ebs-csi-node', 'efs-csi-node']);
  });
});
