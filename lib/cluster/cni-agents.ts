// The DaemonSets that are a CNI's node agent, by name and namespace, as upstream manifests
// deploy them (read there, not recalled):
// - calico-node: Kubespray roles/network_plugin/calico/templates/calico-node.yml.j2 (kube-system);
//   the Tigera operator, tigera/operator pkg/common/common.go (CalicoNamespace "calico-system",
//   NodeDaemonSetName "calico-node"). The tigera-operator namespace holds the operator's
//   Deployment only, no node agent.
// - canal: projectcalico/calico manifests/canal.yaml (kube-system).
// - cilium: Cilium's Helm chart, into kube-system as Kubespray's cilium role installs it (it waits
//   for k8s-app=cilium pods there); AKS's "Azure CNI powered by Cilium" runs it there too.
// - kube-flannel-ds: flannel-io/flannel Documentation/kube-flannel.yml (namespace kube-flannel);
//   Kubespray's cni-flannel.yml.j2 names it kube-flannel (amd64) and kube-flannel-ds-<arch>
//   (kube-system), as older flannel releases did.
// - weave-net: weaveworks/weave's add-on manifest (kube-system).
// - kube-router: Kubespray kube-router.yml.j2 (kube-system).
// - kube-ovn-cni: Kubespray cni-kube-ovn.yml.j2 (kube-system).
// - antrea-agent: antrea-io/antrea's Helm chart and build/yamls (kube-system).
// - aws-node: aws/amazon-vpc-cni-k8s charts/aws-vpc-cni (kube-system on EKS). EKS's network
//   policy agent is a container of aws-node (aws-eks-nodeagent), not a DaemonSet of its own.
// - azure-cns: Azure/azure-container-networking cns/azure-cns.yaml (kube-system), Azure CNI's
//   node service on AKS. No DaemonSet named azure-cni is deployed (the repo's azure-cni-manager
//   is a development tool); AKS with kubenet has no CNI DaemonSet at all.

/** Where CNI node agents run. */
export const CNI_AGENT_NAMESPACES = ['kube-system', 'calico-system', 'kube-flannel'];

const AGENT_NAMES = [
  'calico-node',
  'canal',
  'cilium',
  'kube-flannel-ds',
  'kube-flannel',
  'weave-net',
  'kube-router',
  'kube-ovn-cni',
  'antrea-agent',
  'aws-node',
  'azure-cns',
];
const FLANNEL_PER_ARCH = /^kube-flannel-ds-(amd64|arm64|arm|ppc64le|s390x)$/;

/** Whether a DaemonSet of CNI_AGENT_NAMESPACES named `name` is a CNI's node agent. */
export const isCniAgent = (name: string): boolean => AGENT_NAMES.includes(name) || FLANNEL_PER_ARCH.test(name);
