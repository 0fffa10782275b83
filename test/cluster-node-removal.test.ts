import { DEFAULT_MINIMUM_WORKERS, nodeRemovalProblem } from '../lib/cluster/node-removal.js';
import type { NodeRole, NodeSpec } from '../lib/spec/schema.js';

const node = (name: string, ...roles: NodeRole[]): NodeSpec => ({ name, address: `${name}.acme.internal`, roles });

// Three control-plane nodes that are also the etcd members, and three workers.
const HA = [
  node('master-1', 'control-plane', 'etcd'),
  node('master-2', 'control-plane', 'etcd'),
  node('master-3', 'control-plane', 'etcd'),
  node('worker-1', 'worker'),
  node('worker-2', 'worker'),
  node('worker-3', 'worker'),
];

describe('remove-node: what the cluster must keep', () => {
  it('lets a worker go while enough workers are left', () => {
    expect(nodeRemovalProblem(HA, 'worker-2')).toBeUndefined();
    expect(nodeRemovalProblem(HA, 'worker-2', { workers: 2 })).toBeUndefined();
  });

  it('refuses a node that is not in the cluster, listing its nodes', () => {
    expect(nodeRemovalProblem(HA, 'worker-9')).toBe(
      'NODE "worker-9": not a node of the cluster; its nodes are master-1, master-2, master-3, worker-1, worker-2, worker-3',
    );
    expect(nodeRemovalProblem(HA, 'worker-9\u001b[2J')).toMatch(/^NODE "worker-9\\u001b\[2J": not a node of the cluster/);
  });

  it('refuses to leave an even number of etcd members, saying how many', () => {
    expect(nodeRemovalProblem(HA, 'master-2')).toBe('NODE master-2: cannot be removed: it would leave 2 etcd members, and etcd needs an odd number for quorum');
    const fiveEtcd = [...HA, node('etcd-4', 'etcd'), node('etcd-5', 'etcd')];
    expect(nodeRemovalProblem(fiveEtcd, 'etcd-5')).toBe(
      'NODE etcd-5: cannot be removed: it would leave 4 etcd members, and etcd needs an odd number for quorum',
    );
  });

  it('lets an etcd member go when an odd number is left', () => {
    // An even count is not a valid spec, but a cluster may have been left so by hand.
    const fourEtcd = [...HA, node('etcd-4', 'etcd')];
    expect(nodeRemovalProblem(fourEtcd, 'etcd-4')).toBeUndefined();
  });

  it('refuses to remove the last control-plane node and the last etcd member', () => {
    const small = [node('master-1', 'control-plane'), node('etcd-1', 'etcd'), node('worker-1', 'worker'), node('worker-2', 'worker')];
    expect(nodeRemovalProblem(small, 'master-1')).toBe('NODE master-1: cannot be removed: it is the last control-plane node');
    expect(nodeRemovalProblem(small, 'etcd-1')).toBe('NODE etcd-1: cannot be removed: it is the last etcd member');
  });

  it('refuses to leave fewer workers than the default minimum, saying where the minimum comes from', () => {
    expect(DEFAULT_MINIMUM_WORKERS).toBe(1);
    const oneWorker = [node('master-1', 'control-plane', 'etcd'), node('worker-1', 'worker')];
    expect(nodeRemovalProblem(oneWorker, 'worker-1')).toBe(
      "NODE worker-1: cannot be removed: it would leave 0 workers, fewer than 1 (the default: Katonic's cluster requirements set no node count)",
    );
  });

  it('refuses to leave fewer workers than the minimum given', () => {
    expect(nodeRemovalProblem(HA, 'worker-1', { workers: 3 })).toBe(
      'NODE worker-1: cannot be removed: it would leave 2 workers, fewer than 3 (the minimum set for this cluster)',
    );
    expect(nodeRemovalProblem(HA.slice(0, 4), 'worker-1', { workers: 0 })).toBeUndefined();
  });

  it('counts a node in every role it has, and says every reason at once', () => {
    const single = [node('all-in-one', 'control-plane', 'etcd', 'worker')];
    expect(nodeRemovalProblem(single, 'all-in-one')).toBe(
      "NODE all-in-one: cannot be removed: it is the last control-plane node; it is the last etcd member; it would leave 0 workers, fewer than 1 (the default: Katonic's cluster requirements set no node count)",
    );
    const stacked = [node('master-1', 'control-plane', 'etcd', 'worker'), node('worker-1', 'worker')];
    expect(nodeRemovalProblem([...stacked, node('master-2', 'control-plane', 'worker')], 'master-2')).toBeUndefined();
  });
});
