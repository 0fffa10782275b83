// The operations a cluster entity runs (workflows/cluster.ts), as its Updates carry them once
// validated. Each but the drift check runs as a child workflow of the phase engine, with the
// plan lib/plan/operation-plans.ts makes for it.
import type { NodeSpec } from '../spec/schema.js';
import type { KubeUpgradeHop } from './kube-upgrade-plan.js';

export type ClusterOperation =
  | { kind: 'install' }
  | { kind: 'scale'; add: NodeSpec[] }
  | { kind: 'remove-node'; node: string }
  | { kind: 'upgrade-kube'; version: string; hops: KubeUpgradeHop[] }
  | { kind: 'upgrade-katonic'; version: string }
  | { kind: 'reset' };

/** Besides the operations of child workflows: a drift check, and the adoption of an install that ran outside the entity. */
export type OperationKind = ClusterOperation['kind'] | 'check-drift' | 'adopt';

/** The operation as a command line says it: in the log, the status and the ticket. */
export function describeOperation(op: ClusterOperation | { kind: 'check-drift' }): string {
  switch (op.kind) {
    case 'install':
    case 'reset':
    case 'check-drift':
      return op.kind;
    case 'scale':
      return `scale --add ${op.add.map((n) => n.name).join(', ')}`;
    case 'remove-node':
      return `remove-node ${op.node}`;
    case 'upgrade-kube':
      return `upgrade --kube ${op.version}${op.hops.length > 1 ? ` (${op.hops.map((h) => h.version).join(' -> ')})` : ''}`;
    case 'upgrade-katonic':
      return `upgrade --katonic ${op.version}`;
  }
}
