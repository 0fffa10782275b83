// The pods of a node as a drain sees them, and which of them it leaves alone. As Kubespray
// drains (`kubectl drain --force --ignore-daemonsets --delete-emptydir-data`): DaemonSet pods
// stay (their controller ignores the cordon and would put them back), mirror pods stay (the
// kubelet's static pods: the API cannot remove them), every other pod is evicted, emptyDir
// data and pods no controller recreates included.

export interface NodePod {
  namespace: string;
  name: string;
  uid: string;
  labels: Record<string, string>;
  /** The kind of the owner that controls it (ReplicaSet, StatefulSet, DaemonSet, ...); absent for a bare pod. */
  controllerKind?: string;
  /** A mirror of a static pod (annotation kubernetes.io/config.mirror). */
  mirror: boolean;
  /** status.phase: Pending, Running, Succeeded, Failed. */
  phase: string;
  /** Its Ready condition is True. */
  ready: boolean;
  /** It has a deletionTimestamp: on its way out already. */
  terminating: boolean;
}

export type SkipReason = 'DaemonSet pod' | 'mirror pod';

/** "namespace/name": how messages and summaries name a pod. */
export const podName = (pod: Pick<NodePod, 'namespace' | 'name'>): string => `${pod.namespace}/${pod.name}`;

/** Why a drain leaves `pod` on its node, or undefined when it evicts it. */
export function skipReason(pod: NodePod): SkipReason | undefined {
  if (pod.mirror) return 'mirror pod';
  if (pod.controllerKind === 'DaemonSet') return 'DaemonSet pod';
  return undefined;
}
