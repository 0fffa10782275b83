// A spec for SSH test nodes: the first node control plane and etcd, the others workers,
// reached as the node user with `become`, with the set's key given as a `file:` reference.
import type { Installation } from '../../lib/spec/schema.js';
import type { SshNodes } from '../../client/dev/ssh-nodes/ssh-nodes.js';

export function onSshNodes(spec: Installation, set: SshNodes, keyFile = set.privateKeyFile): void {
  const onprem = spec.spec.onprem!;
  onprem.connection = 'ssh';
  onprem.ssh = { user: set.user, privateKeyRef: `file:${keyFile}` };
  onprem.nodes = set.nodes.map((node, i) => ({ name: node.name, address: node.address, roles: i === 0 ? ['control-plane', 'etcd'] : ['worker'] }));
}
