// Before an upgrade changes anything: for each node, the PodDisruptionBudgets that would refuse
// evicting its pods now, judged from the budgets' status (lib/cluster/disruption-budgets.ts).
//
// Not the API's server-side dry run (an eviction with dryRun=All): it answers for one pod at a
// time against the budget as it stands, so two pods of a budget that allows one disruption both
// pass, while a drain of their node would be refused the second. Asking it would also take one
// request per pod. The eviction handler's rules that decide whether a pod needs its budget at
// all (phase, terminating, readiness and the unhealthy-pod policy, a second budget) are few and
// are applied by nodeBlockers, tested without a server.
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { nodeBlockers, type BudgetBlocker } from '../../lib/cluster/disruption-budgets.js';
import { skipReason } from '../../lib/cluster/node-pods.js';
import { disruptionBudgets, podsOnNode } from './node-pods.js';

export interface NodeDrainCheck {
  node: string;
  /** Empty when a drain of the node would not be refused now. */
  blockers: BudgetBlocker[];
}

export async function drainCheck(kc: KubeConfig, nodes: string[]): Promise<NodeDrainCheck[]> {
  const core = kc.makeApiClient(CoreV1Api);
  const budgets = await disruptionBudgets(kc);
  const checks: NodeDrainCheck[] = [];
  for (const node of nodes) {
    // The pods a drain evicts: DaemonSet and mirror pods stay, whatever their budgets say.
    const evicted = (await podsOnNode(core, node)).filter((pod) => !skipReason(pod));
    checks.push({ node, blockers: nodeBlockers(evicted, budgets) });
  }
  return checks;
}
