// What a drain that did not finish says: one line naming the node, the budgets and the pods,
// and what the operator can do about it.
import type { BudgetBlocker } from './disruption-budgets.js';

const SHOWN = 5;

/** "a, b, c, d, e and 3 more". */
export function namesShown(names: string[]): string {
  return `${names.slice(0, SHOWN).join(', ')}${names.length > SHOWN ? ` and ${names.length - SHOWN} more` : ''}`;
}

/** "PodDisruptionBudget katonic/api-pdb (pod katonic/api-7f9: needs 1 healthy, 1 available)", and the others after it. */
export function describeBlockers(blockers: BudgetBlocker[]): string {
  const each = blockers.map((b) => `PodDisruptionBudget ${b.pdb} (${b.pods.length === 1 ? 'pod' : 'pods'} ${namesShown(b.pods)}: ${b.reason})`);
  return each.length > 1 ? `${each.slice(0, -1).join(', ')} and ${each.at(-1)}` : (each[0] ?? '');
}

/** A refused eviction that no budget explains (the API server's 429 without naming one). */
export interface UnexplainedRefusal {
  pod: string;
  message: string;
}

/** "drain of worker-2 blocked by PodDisruptionBudget katonic/api-pdb (pod katonic/api-7f9: needs 1 healthy, 1 available) after 60 s. ...". */
export function drainBlockedMessage(node: string, timeoutSeconds: number, blockers: BudgetBlocker[], unexplained: UnexplainedRefusal[]): string {
  const byBudgets = blockers.length ? ` by ${describeBlockers(blockers)}` : '';
  const refused = unexplained.length
    ? `${blockers.length ? ';' : ':'} the API server refused evicting ${namesShown(unexplained.map((u) => u.pod))} (${unexplained[0]!.message || 'no message'})`
    : '';
  return (
    `drain of ${node} blocked${byBudgets}${refused} after ${timeoutSeconds} s. ${node} stays cordoned: ` +
    'let the budget allow a disruption (more healthy replicas on other nodes, or a relaxed budget), then retry'
  );
}

export function drainTimedOutMessage(node: string, timeoutSeconds: number, terminating: string[]): string {
  return (
    `drain of ${node}: evicted ${terminating.length === 1 ? 'pod' : 'pods'} ${namesShown(terminating)} still terminating after ${timeoutSeconds} s ` +
    `(a finalizer, or a kubelet that does not answer). ${node} stays cordoned: see why the pods do not go, then retry`
  );
}
