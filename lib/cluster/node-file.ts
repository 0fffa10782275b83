// The file `kinstall scale NAME --add FILE` reads: `nodes:`, a list of the nodes to add, each in
// the shape of spec.onprem.nodes, checked against the cluster they join. Only workers: Kubespray's
// scale.yml joins nodes of its kube_node group; control-plane and etcd nodes are added with
// cluster.yml. Problems are one line each, naming the field, as `kinstall validate` says them.
import { z } from 'zod';
import { escapeText } from '../safe-text.js';
import { formatPath } from '../spec/format-path.js';
import { parseYaml } from '../spec/parse-yaml.js';
import { nodeSchema, type NodeSpec, type SpecIssue } from '../spec/schema.js';
import { issueMessage } from '../spec/validate.js';

const nodeFileSchema = z.strictObject({
  nodes: z.array(nodeSchema, { error: 'expected a list of nodes, each as in spec.onprem.nodes (name, address, roles)' }).min(1, 'expected at least one node'),
});

const ONLY_WORKERS = "expected only the worker role: scale adds workers with Kubespray's scale.yml (control-plane and etcd nodes are added with cluster.yml)";

export type NodeFileResult = { nodes: NodeSpec[] } | { problems: string[] };

type Raw = Record<string, unknown>;
const isRecord = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Roles the schema accepts but scale does not. */
function roleProblems(nodes: Raw[]): SpecIssue[] {
  return nodes.flatMap((n, i) => {
    const roles = Array.isArray(n.roles) ? n.roles : [];
    return roles.some((r) => r === 'control-plane' || r === 'etcd') ? [{ path: ['nodes', i, 'roles'], message: ONLY_WORKERS }] : [];
  });
}

type Field = 'name' | 'address' | 'ip';
const FIELDS = ['name', 'address', 'ip'] as const;
/** Who holds a value: a node of the cluster (its name), or a node earlier in the file (its index). */
type Holder = { field: Field; node: string | number };

// An address and an IP are compared with each other (both reach a host), host names without regard to case.
const valueKey = (field: Field, value: string) => (field === 'name' ? `name:${value}` : `host:${value.toLowerCase()}`);

function clashMessage(value: string, holder: Holder): string {
  if (typeof holder.node === 'number') return `${value} is also the ${holder.field} of nodes[${holder.node}] in this file`;
  return holder.field === 'name' ? `${value} is already a node of the cluster` : `${value} is already the ${holder.field} of node ${holder.node}`;
}

/**
 * Names, addresses and IPs already taken, by the cluster's nodes or by an earlier node of the
 * file. A field the schema refused is not compared: its own error says enough.
 */
function clashProblems(nodes: Raw[], cluster: NodeSpec[], refused: Set<string>): SpecIssue[] {
  const taken = new Map<string, Holder>();
  const hold = (field: Field, value: string, node: string | number) => {
    if (!taken.has(valueKey(field, value))) taken.set(valueKey(field, value), { field, node });
  };
  for (const n of cluster) for (const field of FIELDS) if (n[field]) hold(field, n[field], n.name);
  const problems: SpecIssue[] = [];
  nodes.forEach((n, i) => {
    const fields = FIELDS.filter((field) => typeof n[field] === 'string' && !refused.has(formatPath(['nodes', i, field])));
    for (const field of fields) {
      const holder = taken.get(valueKey(field, n[field] as string));
      if (holder) problems.push({ path: ['nodes', i, field], message: clashMessage(n[field] as string, holder) });
    }
    // Only after the checks: a node's own address and ip may be the same.
    for (const field of fields) hold(field, n[field] as string, i);
  });
  return problems;
}

/** The nodes to add (as the schema accepted them), or every problem of the file. */
export function parseNodeFile(text: string, cluster: { nodes: NodeSpec[] }): NodeFileResult {
  const parsed = parseYaml(text);
  if (!parsed.ok) return { problems: [`(document): ${escapeText(parsed.message)}`] };
  if (!isRecord(parsed.value)) return { problems: ['(document): expected a YAML mapping with nodes: the list of nodes to add, each as in spec.onprem.nodes'] };
  const result = nodeFileSchema.safeParse(parsed.value);
  const problems: SpecIssue[] = (result.error?.issues ?? []).map((issue) => ({ path: issue.path as (string | number)[], message: issueMessage(issue) }));
  const refused = new Set(problems.map((p) => formatPath(p.path)));
  const nodes = (Array.isArray(parsed.value.nodes) ? parsed.value.nodes : []).map((n) => (isRecord(n) ? n : {}));
  problems.push(...roleProblems(nodes), ...clashProblems(nodes, cluster.nodes, refused));
  if (result.success && !problems.length) return { nodes: result.data.nodes };
  return { problems: problems.map((p) => `${formatPath(p.path)}: ${escapeText(p.message)}`) };
}
