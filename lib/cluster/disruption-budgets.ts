// Which PodDisruptionBudgets stand in a drain's way, by the rules of the API server's eviction
// handler (pkg/registry/core/pod/storage/eviction.go): a pod that is not Running, or already
// terminating, is evicted without asking its budget; an unready pod is evicted without using up
// the budget when the budget's unhealthyPodEvictionPolicy is AlwaysAllow or (IfHealthyBudget,
// the default) when the application has its desired healthy pods; a pod without labels has no
// budget; a pod with more than one budget cannot be evicted at all (HTTP 500). Every other pod
// takes one of its budget's status.disruptionsAllowed.
import { selectorMatches, type LabelSelector } from './label-selector.js';
import { podName, type NodePod } from './node-pods.js';

export interface DisruptionBudget {
  namespace: string;
  name: string;
  /** spec.selector; absent selects no pods (policy/v1), {} selects every pod of the namespace. */
  selector?: LabelSelector;
  disruptionsAllowed: number;
  desiredHealthy: number;
  currentHealthy: number;
  /** spec.unhealthyPodEvictionPolicy: IfHealthyBudget (the default) or AlwaysAllow. */
  unhealthyPodEvictionPolicy?: string;
}

/** A budget that keeps pods of a node from being evicted now. */
export interface BudgetBlocker {
  /** "namespace/name" of the PodDisruptionBudget. */
  pdb: string;
  /** "namespace/name" of each of its pods on the node whose eviction it refuses. */
  pods: string[];
  disruptionsAllowed: number;
  /** Why, in the API server's terms: "needs 2 healthy, 2 available". */
  reason: string;
}

const budgetName = (budget: Pick<DisruptionBudget, 'namespace' | 'name'>): string => `${budget.namespace}/${budget.name}`;

// The API server answers HTTP 500 for such a pod: "This pod has more than one PodDisruptionBudget,
// which the eviction subresource does not support."
const SHARED_POD = 'selected by another PodDisruptionBudget too: the eviction API refuses pods of more than one';

const statusReason = (budget: DisruptionBudget): string => `needs ${budget.desiredHealthy} healthy, ${budget.currentHealthy} available`;

/** The budgets of `pod`: those of its namespace whose selector selects it. */
export function budgetsOf(pod: NodePod, budgets: DisruptionBudget[]): DisruptionBudget[] {
  if (!Object.keys(pod.labels).length) return [];
  return budgets.filter((b) => b.namespace === pod.namespace && b.selector !== undefined && selectorMatches(b.selector, pod.labels));
}

/** Whether the API server evicts `pod` without looking at budgets: it has finished, has not started, or is terminating already. */
const ignoresBudgets = (pod: NodePod): boolean => ['Succeeded', 'Failed', 'Pending'].includes(pod.phase) || pod.terminating;

/** Whether evicting `pod`, of the one budget `budget`, takes one of its allowed disruptions (otherwise it is evicted without asking). */
export function takesDisruption(pod: NodePod, budget: DisruptionBudget): boolean {
  if (ignoresBudgets(pod)) return false;
  if (pod.ready) return true;
  if (budget.unhealthyPodEvictionPolicy === 'AlwaysAllow') return false;
  return !(budget.currentHealthy >= budget.desiredHealthy && budget.desiredHealthy > 0);
}

/**
 * The budgets that would refuse evicting `pods` (a node's pods that a drain evicts) now: those
 * with fewer allowed disruptions than pods of theirs here that take one, and those sharing a pod
 * with another budget. A budget that allows 1 while 2 of its pods are here is listed too: the
 * drain gets past it only as replacements elsewhere become healthy, if they do.
 */
export function nodeBlockers(pods: NodePod[], budgets: DisruptionBudget[]): BudgetBlocker[] {
  const guarded = new Map<DisruptionBudget, { pods: NodePod[]; shared: boolean }>();
  for (const pod of pods) {
    const own = ignoresBudgets(pod) ? [] : budgetsOf(pod, budgets);
    for (const budget of own) {
      if (own.length === 1 && !takesDisruption(pod, budget)) continue;
      const entry = guarded.get(budget) ?? { pods: [], shared: false };
      entry.pods.push(pod);
      entry.shared ||= own.length > 1;
      guarded.set(budget, entry);
    }
  }
  return [...guarded].flatMap(([budget, { pods: its, shared }]) =>
    shared || budget.disruptionsAllowed < its.length
      ? [{ pdb: budgetName(budget), pods: its.map(podName), disruptionsAllowed: budget.disruptionsAllowed, reason: shared ? SHARED_POD : statusReason(budget) }]
      : [],
  );
}

/** What the API server said when it refused an eviction: its message, and each budget its causes name (with the reason given). */
export interface EvictionRefusal {
  message: string;
  budgets: { name: string; reason: string }[];
}

// "The disruption budget api-pdb needs 1 healthy pods and has 1 currently", "The disruption
// budget api-pdb is still being processed by the server.", "... does not allow evicting pods
// currently because it failed sync: ...": each cause of type DisruptionBudget names the budget.
const BUDGET_CAUSE = /^The disruption budget (\S+) (.*?)\.?$/;
const NEEDS_HEALTHY = /^needs (\d+) healthy pods and has (\d+) currently$/;

/** The refusal in an eviction's error body (a metav1.Status), for a drain's messages. */
export function parseEvictionRefusal(body: unknown): EvictionRefusal {
  let status: { message?: unknown; details?: { causes?: { reason?: unknown; message?: unknown }[] } } = {};
  try {
    status = (typeof body === 'string' ? JSON.parse(body) : body) ?? {};
  } catch {
    return { message: String(body).slice(0, 300), budgets: [] };
  }
  const budgets = (status.details?.causes ?? []).flatMap((cause) => {
    const found = cause.reason === 'DisruptionBudget' ? BUDGET_CAUSE.exec(String(cause.message ?? '')) : null;
    if (!found) return [];
    const needs = NEEDS_HEALTHY.exec(found[2]!);
    return [{ name: found[1]!, reason: needs ? `needs ${needs[1]} healthy, ${needs[2]} available` : found[2]! }];
  });
  return { message: String(status.message ?? ''), budgets };
}

/** Whether an eviction answered with HTTP `code` and `refusal` was refused by a budget: 429, or 500 for a pod of two budgets. A drain waits on those. */
export const refusedByBudget = (code: number, refusal: EvictionRefusal): boolean =>
  code === 429 || (code === 500 && refusal.message.includes('more than one PodDisruptionBudget'));

/** The blockers behind refused evictions: each budget a refusal names, or else the budgets whose selectors select the pod. */
export function refusalBlockers(refusals: { pod: NodePod; refusal: EvictionRefusal }[], budgets: DisruptionBudget[]): BudgetBlocker[] {
  const blockers = new Map<string, BudgetBlocker>();
  for (const { pod, refusal } of refusals) {
    const own = budgetsOf(pod, budgets);
    const named = refusal.budgets.length
      ? refusal.budgets.map((cause) => ({
          pdb: `${pod.namespace}/${cause.name}`,
          budget: budgets.find((b) => b.namespace === pod.namespace && b.name === cause.name),
          reason: cause.reason,
        }))
      : own.map((budget) => ({ pdb: budgetName(budget), budget, reason: own.length > 1 ? SHARED_POD : statusReason(budget) }));
    for (const { pdb, budget, reason } of named) {
      const blocker = blockers.get(pdb) ?? { pdb, pods: [], disruptionsAllowed: budget?.disruptionsAllowed ?? 0, reason };
      blocker.pods.push(podName(pod));
      blockers.set(pdb, blocker);
    }
  }
  return [...blockers.values()];
}
