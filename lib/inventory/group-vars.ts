// Kubespray group_vars, typed as Kubespray expects (booleans as booleans), written as YAML.
import type { OnpremSpec } from '../spec/schema.js';
import type { RunLayout } from '../run-layout.js';

/** The CNI the product asks Kubespray for, and the DaemonSet Kubespray runs it as. */
export const NETWORK_PLUGIN = { kubeNetworkPlugin: 'calico', daemonSet: { namespace: 'kube-system', name: 'calico-node' } } as const;

export interface ClusterGroupVars {
  all: Record<string, unknown>;
  k8s_cluster: Record<string, unknown>;
}

export function clusterGroupVars(onprem: OnpremSpec, layout: RunLayout): ClusterGroupVars {
  const all: Record<string, unknown> = {
    // Kubespray copies admin.conf to artifacts_dir; `verify` reads it from there.
    kubeconfig_localhost: true,
    artifacts_dir: layout.artifactsDir,
  };
  if (onprem.connection !== 'local' && onprem.ssh) {
    all.ansible_user = onprem.ssh.user;
    if (onprem.ssh.port) all.ansible_port = onprem.ssh.port;
  }
  const k8sCluster: Record<string, unknown> = {
    container_manager: 'containerd',
    kube_network_plugin: NETWORK_PLUGIN.kubeNetworkPlugin,
  };
  // Current Kubespray wants the version without a leading "v".
  if (onprem.kubeVersion) k8sCluster.kube_version = onprem.kubeVersion.replace(/^v/, '');
  return { all, k8s_cluster: k8sCluster };
}
