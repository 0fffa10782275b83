// How an operation changes the cluster's spec, the one record of what the cluster is: the spec
// its child runs with, and the one the entity keeps once the operation completed.
import type { Installation } from '../spec/schema.js';
import type { ClusterOperation } from './operation.js';

function withOnprem(spec: Installation, change: (onprem: NonNullable<Installation['spec']['onprem']>) => object): Installation {
  const onprem = spec.spec.onprem;
  return onprem ? ({ ...spec, spec: { ...spec.spec, onprem: { ...onprem, ...change(onprem) } } } as Installation) : spec;
}

/** The spec the operation's child workflow runs with: the new nodes in it for a scale; a node being removed still in it (remove-node.yml finds it in the inventory). */
export function specForOperation(spec: Installation, op: ClusterOperation): Installation {
  switch (op.kind) {
    case 'scale':
      return withOnprem(spec, (onprem) => ({ nodes: [...onprem.nodes, ...op.add] }));
    case 'upgrade-kube':
      // The last hop's checkout is the one that manages the cluster from now on.
      return withOnprem(spec, (onprem) => ({
        kubeVersion: op.version,
        kubespray: { ...onprem.kubespray, dir: op.hops.at(-1)?.kubesprayDir ?? onprem.kubespray.dir },
      }));
    case 'upgrade-katonic':
      return { ...spec, spec: { ...spec.spec, katonic: { ...spec.spec.katonic, version: op.version } } } as Installation;
    default:
      return spec;
  }
}

/** The spec the cluster has once the operation completed. */
export function specAfterOperation(spec: Installation, op: ClusterOperation): Installation {
  if (op.kind === 'remove-node') return withOnprem(spec, (onprem) => ({ nodes: onprem.nodes.filter((n) => n.name !== op.node) }));
  return specForOperation(spec, op);
}
