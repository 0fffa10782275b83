// A node's pods and the PodDisruptionBudgets, read through the API and cut down to what a drain
// and its check judge (lib/cluster/node-pods.ts, lib/cluster/disruption-budgets.ts).
import { PolicyV1Api, type CoreV1Api, type KubeConfig, type V1Pod, type V1PodDisruptionBudget } from '@kubernetes/client-node';
import type { DisruptionBudget } from '../../lib/cluster/disruption-budgets.js';
import type { NodePod } from '../../lib/cluster/node-pods.js';
import { listAll } from './kube-client.js';

const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

export function nodePod(pod: V1Pod): NodePod {
  const controller = pod.metadata?.ownerReferences?.find((o) => o.controller);
  return {
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    uid: pod.metadata?.uid ?? '',
    labels: pod.metadata?.labels ?? {},
    ...(controller ? { controllerKind: controller.kind } : {}),
    mirror: Object.hasOwn(pod.metadata?.annotations ?? {}, MIRROR_ANNOTATION),
    phase: pod.status?.phase ?? '',
    ready: (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    terminating: Boolean(pod.metadata?.deletionTimestamp),
  };
}

export function disruptionBudget(pdb: V1PodDisruptionBudget): DisruptionBudget {
  return {
    namespace: pdb.metadata?.namespace ?? '',
    name: pdb.metadata?.name ?? '',
    ...(pdb.spec?.selector ? { selector: pdb.spec.selector } : {}),
    disruptionsAllowed: pdb.status?.disruptionsAllowed ?? 0,
    desiredHealthy: pdb.status?.desiredHealthy ?? 0,
    currentHealthy: pdb.status?.currentHealthy ?? 0,
    ...(pdb.spec?.unhealthyPodEvictionPolicy ? { unhealthyPodEvictionPolicy: pdb.spec.unhealthyPodEvictionPolicy } : {}),
  };
}

/** Every pod bound to `node`, terminating ones included. */
export async function podsOnNode(core: CoreV1Api, node: string): Promise<NodePod[]> {
  const pods = await listAll((page) => core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}`, ...page }));
  return pods.map(nodePod);
}

/** The PodDisruptionBudgets of `namespaces`, or of every namespace when none are given. */
export async function disruptionBudgets(kc: KubeConfig, namespaces?: string[]): Promise<DisruptionBudget[]> {
  const policy = kc.makeApiClient(PolicyV1Api);
  const lists = namespaces
    ? await Promise.all(namespaces.map((namespace) => listAll((page) => policy.listNamespacedPodDisruptionBudget({ namespace, ...page }))))
    : [await listAll((page) => policy.listPodDisruptionBudgetForAllNamespaces(page))];
  return lists.flat().map(disruptionBudget);
}
