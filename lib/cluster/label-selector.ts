// A Kubernetes label selector (metav1.LabelSelector) evaluated against a pod's labels, as the
// API server does: every matchLabels pair and every matchExpressions requirement must hold.

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

function requirementHolds(labels: Record<string, string>, req: { key: string; operator: string; values?: string[] }): boolean {
  const has = Object.hasOwn(labels, req.key);
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return has && values.includes(labels[req.key]!);
    case 'NotIn':
      // As Kubernetes: a pod without the label is "not in" any set.
      return !has || !values.includes(labels[req.key]!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      // The API server refuses other operators; one that got through selects nothing.
      return false;
  }
}

/** Whether `selector` selects a pod with `labels`. An empty selector ({}) selects every pod (policy/v1 PodDisruptionBudget semantics). */
export function selectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  return (
    Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value) &&
    (selector.matchExpressions ?? []).every((req) => requirementHolds(labels, req))
  );
}
