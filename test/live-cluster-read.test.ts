// The live cluster's objects cut down for a drift check, without a server: a node's version,
// roles and state, a StorageClass's default mark, and which DaemonSets are CNI node agents.
import { liveNode, liveStorageClass } from '../activities/kubernetes/read-live-cluster.js';
import { isCniAgent } from '../lib/cluster/cni-agents.js';

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

  it('knows the CNI node agents by their upstream names, and nothing else in kube-system', () => {
    for (const name of ['calico-node', 'canal', 'cilium', 'kube-flannel-ds', 'kube-flannel', 'kube-flannel-ds-arm64', 'weave-net', 'aws-node', 'azure-cns'])
      expect({ name, agent: isCniAgent(name) }).toEqual({ name, agent: true });
    for (const name of ['kube-proxy', 'ebs-csi-node', 'aws-network-policy-agent', 'calico-kube-controllers', 'kube-flannel-ds-mips'])
      expect({ name, agent: isCniAgent(name) }).toEqual({ name, agent: false });
  });
});
