// The Kubespray inventory (hosts.yaml), in the layout of Kubespray's sample inventory.
import { AnsibleTemplate } from '../ansible/inert-yaml.js';
import { isDnsLabel, isIpv4, type NodeRole, type NodeSpec, type OnpremSpec } from '../spec/schema.js';
import type { WrittenKubesprayVar } from '../vars/reserved.js';

// Only reserved variables (lib/vars/reserved.ts), so that extraVars cannot override them.
type HostVars = Partial<Record<WrittenKubesprayVar | `ansible_${string}`, string | number | AnsibleTemplate>>;
// The installer's own template: a local node runs its tasks with the Python that runs Ansible.
const LOCAL_PYTHON = new AnsibleTemplate('{{ ansible_playbook_python }}');
type Group = { hosts: Record<string, null> };

export interface KubesprayInventory {
  all: {
    hosts: Record<string, HostVars>;
    children: {
      kube_control_plane: Group;
      kube_node: Group;
      etcd: Group;
      k8s_cluster: { children: Record<'kube_control_plane' | 'kube_node' | 'calico_rr', null> };
      calico_rr: Group;
    };
  };
}

function hostVars(node: NodeSpec, local: boolean): HostVars {
  // Kubespray's ip and access_ip are IPs (it checks ip against the node's addresses).
  const ip = node.ip ?? (isIpv4(node.address) ? node.address : undefined);
  const vars: HostVars = { ansible_host: node.address, ...(ip ? { ip, access_ip: ip } : {}) };
  // A local-connection node is this machine: Ansible runs its tasks with its own Python.
  if (local) Object.assign(vars, { ansible_connection: 'local', ansible_python_interpreter: LOCAL_PYTHON });
  return vars;
}

export function kubesprayInventory(onprem: OnpremSpec): KubesprayInventory {
  // Host names become inventory_hostname, which Ansible does not keep unsafe: only DNS labels.
  for (const node of onprem.nodes) if (!isDnsLabel(node.name)) throw new Error(`node name ${JSON.stringify(node.name)} is not a DNS label`);
  const local = onprem.connection === 'local';
  const group = (role: NodeRole): Group => ({
    hosts: Object.fromEntries(onprem.nodes.filter((n) => n.roles.includes(role)).map((n) => [n.name, null])),
  });
  return {
    all: {
      hosts: Object.fromEntries(onprem.nodes.map((n) => [n.name, hostVars(n, local)])),
      children: {
        kube_control_plane: group('control-plane'),
        kube_node: group('worker'),
        etcd: group('etcd'),
        k8s_cluster: { children: { kube_control_plane: null, kube_node: null, calico_rr: null } },
        calico_rr: { hosts: {} },
      },
    },
  };
}

/** The inventory for playbooks that run on the controller against the cluster's API (katonic). */
export function localhostInventory(): { all: { hosts: { localhost: HostVars } } } {
  return { all: { hosts: { localhost: { ansible_connection: 'local', ansible_python_interpreter: LOCAL_PYTHON } } } };
}
