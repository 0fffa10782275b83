// The phases of each day-2 operation, made from the same steps as the install's (lib/plan/phases.ts),
// so retry, --failed-hosts, resume, gates, ticket notes and progress work for them as for an install.
// A Kubernetes upgrade is one phase per node and hop: a retry or resume after node k fails runs
// nodes k.. only, the phase table is the per-node progress.
import { upgradeOrder } from '../cluster/kube-upgrade-plan.js';
import type { ClusterOperation } from '../cluster/operation.js';
import type { NodeSpec } from '../spec/schema.js';
import { api, LIMIT, planOf, playbook, refused, type Flow, type PlannedPhase } from './phases.js';

const VERIFY = planOf('onprem').find((p) => p.name === 'verify')!;
const INVENTORY = planOf('onprem').find((p) => p.name === 'inventory')!;
// Kubespray asks for playbooks/facts.yml on the whole cluster before a playbook run with --limit
// (scale.yml on the new nodes, upgrade-cluster.yml node by node): its fact cache holds the others'.
const FACTS: PlannedPhase = {
  name: 'facts',
  steps: [playbook('gatherKubesprayFacts', '4h')],
  failedHosts: LIMIT,
  onResume: 'run-again',
};

/** The phase name of one node's upgrade in one hop. */
export const upgradePhaseName = (node: string, version: string): string => `upgrade-${node}@${version}`;

/** The gate an operation waits at, if any: a Katonic upgrade and a reset ask for an approval first. */
export function operationGate(op: ClusterOperation, plan: readonly PlannedPhase[]): string | undefined {
  if (op.kind === 'upgrade-katonic') return 'before-katonic';
  if (op.kind === 'reset') return `before-${plan[0]!.name}`;
  return undefined;
}

/** The phases of an operation on a cluster whose nodes (before the operation) are `nodes`. */
export function operationPlan(op: ClusterOperation, flow: Flow, nodes: NodeSpec[]): readonly PlannedPhase[] {
  switch (op.kind) {
    case 'install':
      return planOf(flow);
    case 'scale': {
      const limit = op.add.map((n) => n.name);
      return [
        { name: 'preflight', target: { limit }, steps: [playbook('preflight', '10m')], failedHosts: LIMIT, onResume: 'skip-if-unchanged' },
        INVENTORY,
        FACTS,
        { name: 'scale', target: { limit }, steps: [playbook('runKubesprayScale', '4h')], failedHosts: LIMIT, onResume: 'skip-if-unchanged' },
        {
          name: 'storage',
          target: { limit },
          steps: [playbook('prepareStorageNodes', '10m'), api('applyStorageClasses', '10m')],
          failedHosts: LIMIT,
          onResume: 'skip-if-unchanged',
        },
        VERIFY,
      ];
    }
    case 'remove-node':
      return [
        {
          name: 'drain',
          target: { node: op.node },
          steps: [api('drainNode', '4h')],
          failedHosts: refused('drain evicts the pods of one node through the Kubernetes API'),
          onResume: 'run-again',
        },
        {
          name: 'remove-node',
          target: { node: op.node },
          steps: [playbook('runKubesprayRemoveNode', '4h')],
          failedHosts: refused('remove-node.yml acts on the node it is given (-e node=...), not on a --limit'),
          onResume: 'skip-if-unchanged',
        },
        { ...VERIFY, target: { absentNodes: [op.node] } },
      ];
    case 'upgrade-kube': {
      const order = upgradeOrder(nodes);
      return [
        {
          name: 'drain-check',
          target: { limit: order },
          steps: [api('checkDrains', '10m')],
          failedHosts: refused('the drain check reads PodDisruptionBudgets through the Kubernetes API'),
          onResume: 'run-again',
        },
        FACTS,
        ...op.hops.flatMap((hop) =>
          order.map((node): PlannedPhase => ({
            name: upgradePhaseName(node, hop.version),
            target: { node, limit: [node], kubeVersion: hop.version, kubesprayDir: hop.kubesprayDir },
            steps: [playbook('upgradeNode', '4h')],
            failedHosts: LIMIT,
            onResume: 'skip-if-unchanged',
          })),
        ),
        VERIFY,
      ];
    }
    case 'upgrade-katonic':
      // The child's spec carries the new version (lib/cluster/cluster-spec.ts).
      return [planOf(flow).find((p) => p.name === 'katonic')!, VERIFY];
    case 'reset':
      // On-prem, Kubespray's reset.yml takes the cluster down; a managed cluster belongs to its cloud: only the platform is removed.
      return flow === 'onprem'
        ? [{ name: 'reset', steps: [playbook('runKubesprayReset', '4h')], failedHosts: LIMIT, onResume: 'run-again' }]
        : [
            {
              name: 'remove-katonic',
              steps: [playbook('removeKatonic', '4h')],
              failedHosts: refused('the Katonic role runs once against the cluster API from the controller'),
              onResume: 'run-again',
            },
          ];
  }
}
