// Kubespray group_vars, typed as Kubespray expects (booleans as booleans), written as YAML.
// Only variables on the reserved list (lib/vars/reserved.ts) may be written here, so that
// extraVars and retry --vars can never override them.
import type { OnpremSpec } from '../spec/schema.js';
import type { RunLayout } from '../run-layout.js';
import type { WrittenKubesprayVar } from '../vars/reserved.js';

type GroupVars = Partial<Record<WrittenKubesprayVar | `ansible_${string}`, unknown>>;

/** The CNI the product asks Kubespray for, and the DaemonSet Kubespray runs it as. */
export const NETWORK_PLUGIN = { kubeNetworkPlugin: 'calico', daemonSet: { namespace: 'kube-system', name: 'calico-node' } } as const;

export interface ClusterGroupVars {
  all: GroupVars;
  k8s_cluster: GroupVars;
}

export function clusterGroupVars(onprem: OnpremSpec, layout: RunLayout): ClusterGroupVars {
  const all: GroupVars = {
    // Kubespray copies admin.conf to artifacts_dir; `verify` reads it from there.
    kubeconfig_localhost: true,
    artifacts_dir: layout.artifactsDir,
  };
  if (onprem.connection !== 'local' && onprem.ssh) {
    all.ansible_user = onprem.ssh.user;
    if (onprem.ssh.port) all.ansible_port = onprem.ssh.port;
  }
  const k8sCluster: GroupVars = {
    container_manager: 'containerd',
    kube_network_plugin: NETWORK_PLUGIN.kubeNetworkPlugin,
  };
  // Current Kubespray wants the version without a leading "v".
  if (onprem.kubeVersion) k8sCluster.kube_version = onprem.kubeVersion.replace(/^v/, '');
  return { all, k8s_cluster: k8sCluster };
}
