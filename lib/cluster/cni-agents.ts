// The CNIs (and NetworkPolicy engines) the installer knows, recognised by what their node-agent
// DaemonSets carry: the image of a container and, where the provider can switch NetworkPolicy
// off, its enabling argument or config. One table: day-2 reads which DaemonSets are CNI node
// agents from it, the managed preflight whether one of them enforces NetworkPolicy.
//
// Read in the upstream manifests, not recalled:
// - Amazon VPC CNI: aws/amazon-vpc-cni-k8s charts/aws-vpc-cni 1.23.1 (templates/daemonset.yaml,
//   values.yaml) and config/master/aws-k8s-cni.yaml: DaemonSet aws-node (kube-system), container
//   aws-node (image .../amazon-k8s-cni:v1.23.1); with nodeAgent.enabled (the default) a second
//   container aws-eks-nodeagent (image .../amazon/aws-network-policy-agent:v1.4.2) whose args
//   carry --enable-network-policy={{ .Values.enableNetworkPolicy }}, "false" by default: the agent
//   is present but off until the add-on's enableNetworkPolicy is set.
// - Calico by manifest: projectcalico/calico manifests/calico.yaml (release-v3.31, v3.31.7):
//   DaemonSet calico-node (kube-system), container calico-node, image quay.io/calico/node;
//   canal.yaml runs the same container in DaemonSet canal. By the Tigera operator (tigera/operator
//   release-v1.40, Calico v3.31.7): pkg/common/common.go (namespace calico-system, DaemonSet
//   calico-node), pkg/render/node.go (container calico-node), pkg/components/images.go (registry
//   quay.io/, path calico/). Felix enforces NetworkPolicy whenever calico-node runs.
// - Cilium: cilium/cilium install/kubernetes/cilium (1.19): DaemonSet cilium, container
//   cilium-agent, image quay.io/cilium/cilium, configured by the ConfigMap cilium-config:
//   enable-policy (policyEnforcementMode: default | always | never) and enable-k8s-networkpolicy
//   (k8sNetworkPolicy.enabled, true by default). "never" or "false" turns NetworkPolicy off.
// - Azure NPM: Azure/azure-container-networking npm/azure-npm.yaml: DaemonSet azure-npm
//   (kube-system), image mcr.microsoft.com/containernetworking/azure-npm:v1.6.29. Azure CNI's own
//   node service is azure-cns (cns/azure-cns.yaml), which enforces nothing.
// - Antrea: antrea-io/antrea build/yamls/antrea.yml (v2.8.0-dev): DaemonSet antrea-agent
//   (kube-system), image antrea/antrea-agent-ubuntu (antrea/antrea-ubuntu before 2.0); Kubernetes
//   NetworkPolicy is always on.
// - Flannel: flannel-io/flannel Documentation/kube-flannel.yml (DaemonSet kube-flannel-ds in
//   kube-flannel, image ghcr.io/flannel-io/flannel; docker.io/flannel/flannel and
//   quay.io/coreos/flannel before); no NetworkPolicy. Weave Net (weaveworks/weave-kube),
//   kube-router (cloudnativelabs/kube-router), Kube-OVN (kubeovn/kube-ovn) as Kubespray deploys them.
// - EKS Auto Mode runs no aws-node: its VPC CNI is managed, and NetworkPolicy is on when the
//   ConfigMap kube-system/amazon-vpc-cni says enable-network-policy-controller: "true" (AWS EKS
//   user guide, "Use Network Policies with EKS Auto Mode"; until then policies are accepted but
//   not enforced). The NodeClass's networkPolicy (DefaultAllow or DefaultDeny) only chooses what
//   unselected traffic gets.

/** A container of a DaemonSet's pod template (init containers included). */
export interface AgentContainer {
  name: string;
  image: string;
  /** command and args, in order. */
  args: string[];
}

/** A DaemonSet of CNI_AGENT_NAMESPACES, as far as recognising a CNI needs it. */
export interface AgentDaemonSet {
  namespace: string;
  name: string;
  containers: AgentContainer[];
}

/** The data of the CNI ConfigMaps that exist (CNI_CONFIG_MAPS), by "namespace/name". */
export type CniConfigMaps = Record<string, Record<string, string>>;

/** Whether a CNI enforces NetworkPolicy, and what says so. */
export type PolicyEnforcement = { enforced: true; by: string } | { enforced: false; because: string };

export interface Cni {
  /** How messages name it. */
  name: string;
  /** Repositories of its node agent's images (the path after the registry, without tag). */
  images: readonly string[];
  /** Its NetworkPolicy enforcement on this DaemonSet; absent for a CNI that enforces none. */
  networkPolicy?: (ds: AgentDaemonSet, config: CniConfigMaps) => PolicyEnforcement;
}

/** Where CNI node agents run. */
export const CNI_AGENT_NAMESPACES = ['kube-system', 'calico-system', 'kube-flannel'];

/** A ConfigMap's key in CniConfigMaps. */
export const configMapKey = (cm: { namespace: string; name: string }): string => `${cm.namespace}/${cm.name}`;
const CILIUM_CONFIG_MAP = { namespace: 'kube-system', name: 'cilium-config' };
const VPC_CNI_CONFIG_MAP = { namespace: 'kube-system', name: 'amazon-vpc-cni' };
/** The ConfigMaps a CNI's NetworkPolicy setting is read from (in kube-system, where their charts put them). */
export const CNI_CONFIG_MAPS = [CILIUM_CONFIG_MAP, VPC_CNI_CONFIG_MAP];
const CILIUM_CONFIG = configMapKey(CILIUM_CONFIG_MAP);
const VPC_CNI_CONFIG = configMapKey(VPC_CNI_CONFIG_MAP);

/** An image's repository: the reference without digest and tag (a registry's port kept). */
export function imageRepository(image: string): string {
  const withoutDigest = image.split('@')[0]!;
  const tag = withoutDigest.lastIndexOf(':');
  return tag > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(0, tag) : withoutDigest;
}

/** Whether an image is of `repository`, from whichever registry (quay.io, mcr.microsoft.com/oss, ECR, a mirror). */
const isImageOf = (image: string, repository: string) => {
  const repo = imageRepository(image);
  return repo === repository || repo.endsWith(`/${repository}`);
};
const containerOf = (ds: AgentDaemonSet, repository: string) => ds.containers.find((c) => isImageOf(c.image, repository));
const always = (name: string) => () => ({ enforced: true, by: `${name} enforces NetworkPolicy` }) as const;

const VPC_CNI_POLICY_AGENT = 'amazon/aws-network-policy-agent';
const ENABLE_NETWORK_POLICY = '--enable-network-policy';

/** The VPC CNI's policy agent: a container of aws-node, on when its --enable-network-policy is true. */
function vpcCniPolicy(ds: AgentDaemonSet): PolicyEnforcement {
  const agent = containerOf(ds, VPC_CNI_POLICY_AGENT);
  if (!agent) return { enforced: false, because: `${ds.name} carries no network policy agent (no ${VPC_CNI_POLICY_AGENT} container)` };
  const flag = agent.args.filter((a) => a === ENABLE_NETWORK_POLICY || a.startsWith(`${ENABLE_NETWORK_POLICY}=`)).pop();
  const value = flag === ENABLE_NETWORK_POLICY ? 'true' : flag?.split('=')[1];
  if (value === 'true') return { enforced: true, by: `${ds.name} carries ${agent.name} with ${ENABLE_NETWORK_POLICY}=true` };
  return { enforced: false, because: `${ds.name} carries ${agent.name} with ${flag ?? `no ${ENABLE_NETWORK_POLICY}`}` };
}

/** Cilium: on unless cilium-config sets enable-policy: never or enable-k8s-networkpolicy: "false". */
function ciliumPolicy(_ds: AgentDaemonSet, config: CniConfigMaps): PolicyEnforcement {
  const data = config[CILIUM_CONFIG] ?? {};
  if (data['enable-policy'] === 'never') return { enforced: false, because: `${CILIUM_CONFIG} sets enable-policy: never` };
  if (data['enable-k8s-networkpolicy'] === 'false') return { enforced: false, because: `${CILIUM_CONFIG} sets enable-k8s-networkpolicy: "false"` };
  return { enforced: true, by: `Cilium enforces NetworkPolicy (enable-policy: ${data['enable-policy'] ?? 'default'})` };
}

/** The CNIs, in the order they are recognised (canal carries calico/node and flannel: Calico). */
export const CNIS: readonly Cni[] = [
  { name: 'Calico', images: ['calico/node'], networkPolicy: always('calico-node') },
  { name: 'Cilium', images: ['cilium/cilium'], networkPolicy: ciliumPolicy },
  { name: 'Azure NPM', images: ['containernetworking/azure-npm'], networkPolicy: always('Azure NPM') },
  { name: 'Amazon VPC CNI', images: ['amazon-k8s-cni'], networkPolicy: vpcCniPolicy },
  { name: 'Antrea', images: ['antrea/antrea-agent-ubuntu', 'antrea/antrea-ubuntu'], networkPolicy: always('antrea-agent') },
  { name: 'Weave Net', images: ['weaveworks/weave-kube'], networkPolicy: always('weave-net') },
  { name: 'kube-router', images: ['cloudnativelabs/kube-router'], networkPolicy: always('kube-router') },
  { name: 'Flannel', images: ['flannel-io/flannel', 'flannel/flannel', 'coreos/flannel'] },
  { name: 'Kube-OVN', images: ['kubeovn/kube-ovn'] },
  { name: 'Azure CNI', images: ['containernetworking/azure-cns'] },
];

/** The CNI whose node agent this DaemonSet is, by the images it carries. */
export const cniOf = (ds: AgentDaemonSet): Cni | undefined => CNIS.find((cni) => cni.images.some((image) => containerOf(ds, image)));

/** Whether a DaemonSet of CNI_AGENT_NAMESPACES is a CNI's node agent. */
export const isCniAgent = (ds: AgentDaemonSet): boolean => cniOf(ds) !== undefined;

/** EKS Auto Mode's managed VPC CNI: NetworkPolicy is on when amazon-vpc-cni enables the network policy controller. */
export function autoModePolicy(config: CniConfigMaps): PolicyEnforcement {
  const value = config[VPC_CNI_CONFIG]?.['enable-network-policy-controller'];
  if (value === 'true') return { enforced: true, by: `${VPC_CNI_CONFIG} sets enable-network-policy-controller: "true"` };
  return {
    enforced: false,
    because:
      value === undefined
        ? `no ${VPC_CNI_CONFIG} with enable-network-policy-controller`
        : `${VPC_CNI_CONFIG} sets enable-network-policy-controller: "${value}"`,
  };
}
