// Whether `kinstall remove-node NAME NODE` may remove a node: the cluster left behind must still
// work. Kubespray's remove-node.yml removes whatever node it is given, so the rules are ours.
import { quoteText } from '../safe-text.js';
import type { NodeRole, NodeSpec } from '../spec/schema.js';

/**
 * Katonic's cluster requirements (the seed's cluster-requirements.rst) size the nodes but set no
 * node count; a cluster needs one worker for its workloads, as validate requires of a spec.
 */
export const DEFAULT_MINIMUM_WORKERS = 1;

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** Why removing node `name` is refused, in one line; undefined when it may go. */
export function nodeRemovalProblem(nodes: NodeSpec[], name: string, minimums: { workers?: number } = {}): string | undefined {
  const node = nodes.find((n) => n.name === name);
  if (!node) return `NODE ${quoteText(name, 64)}: not a node of the cluster; its nodes are ${nodes.map((n) => n.name).join(', ')}`;
  const left = (role: NodeRole) => nodes.filter((n) => n !== node && n.roles.includes(role)).length;
  const problems: string[] = [];
  if (node.roles.includes('control-plane') && left('control-plane') === 0) problems.push('it is the last control-plane node');
  if (node.roles.includes('etcd')) {
    const members = left('etcd');
    if (members === 0) problems.push('it is the last etcd member');
    else if (members % 2 === 0) problems.push(`it would leave ${plural(members, 'etcd member')}, and etcd needs an odd number for quorum`);
  }
  if (node.roles.includes('worker')) {
    const minimum = minimums.workers ?? DEFAULT_MINIMUM_WORKERS;
    const why = minimums.workers === undefined ? "the default: Katonic's cluster requirements set no node count" : 'the minimum set for this cluster';
    const workers = left('worker');
    if (workers < minimum) problems.push(`it would leave ${plural(workers, 'worker')}, fewer than ${minimum} (${why})`);
  }
  return problems.length ? `NODE ${name}: cannot be removed: ${problems.join('; ')}` : undefined;
}
