import { parseNodeFile } from '../lib/cluster/node-file.js';
import type { NodeSpec } from '../lib/spec/schema.js';

const CLUSTER: { nodes: NodeSpec[] } = {
  nodes: [
    { name: 'master-1', address: '10.0.0.1', roles: ['control-plane', 'etcd'] },
    { name: 'worker-1', address: '10.0.0.4', roles: ['worker'] },
    { name: 'worker-2', address: 'worker-2.acme.internal', ip: '10.0.0.5', roles: ['worker'], gpu: true },
  ],
};

const problems = (text: string): string[] => {
  const result = parseNodeFile(text, CLUSTER);
  if (!('problems' in result)) throw new Error(`expected problems, got ${JSON.stringify(result)}`);
  return result.problems;
};

describe('scale --add: the node file', () => {
  it('accepts new workers in the spec node shape and returns them as parsed', () => {
    const text = `nodes:
  - name: worker-3
    address: 10.0.0.6
    roles: [worker]
  - name: gpu-1
    address: gpu-1.acme.internal
    ip: 10.0.0.7
    roles: [worker]
    gpu: true
`;
    expect(parseNodeFile(text, CLUSTER)).toEqual({
      nodes: [
        { name: 'worker-3', address: '10.0.0.6', roles: ['worker'] },
        { name: 'gpu-1', address: 'gpu-1.acme.internal', ip: '10.0.0.7', roles: ['worker'], gpu: true },
      ],
    });
  });

  it('accepts a node whose address and ip are the same', () => {
    expect(parseNodeFile('nodes: [{name: worker-3, address: 10.0.0.6, ip: 10.0.0.6, roles: [worker]}]', CLUSTER)).toEqual({
      nodes: [{ name: 'worker-3', address: '10.0.0.6', ip: '10.0.0.6', roles: ['worker'] }],
    });
  });

  it('refuses a file that is not YAML, not a mapping, or lists no node', () => {
    expect(problems('nodes: [')).toEqual(['(document): expected YAML: unexpected end of the stream within a flow collection at line 2, column 1']);
    expect(problems('')).toEqual(['(document): expected a YAML mapping with nodes: the list of nodes to add, each as in spec.onprem.nodes']);
    expect(problems('- name: worker-3')).toEqual(['(document): expected a YAML mapping with nodes: the list of nodes to add, each as in spec.onprem.nodes']);
    expect(problems('nodes: []')).toEqual(['nodes: expected at least one node']);
    expect(problems('nodes: worker-3')).toEqual(['nodes: expected a list of nodes, each as in spec.onprem.nodes (name, address, roles)']);
    expect(problems('{}')).toEqual(['nodes: expected a list of nodes, each as in spec.onprem.nodes (name, address, roles)']);
  });

  it("says each shape error as validate does, one line naming the field, with the spec's own messages", () => {
    const text = `nodes:
  - name: Worker_3
    address: "not an address!"
    ip: worker-3.acme.internal
    roles: [worker, gpu]
    labels: {a: b}
extra: 1
`;
    expect(problems(text)).toEqual([
      'nodes[0].name: expected a DNS label: lower-case letters, digits and "-", at most 63 characters',
      'nodes[0].address: expected an IPv4 address or a host name',
      'nodes[0].ip: expected an IPv4 address',
      'nodes[0].roles[1]: expected one of control-plane, etcd, worker',
      'nodes[0]: unknown field labels',
      '(document): unknown field extra',
    ]);
    expect(problems('nodes: [{name: worker-3, roles: []}]')).toEqual([
      'nodes[0].address: required: expected string, received undefined',
      'nodes[0].roles: expected at least one role',
    ]);
  });

  it("accepts only workers, saying why: Kubespray's scale.yml adds workers", () => {
    const text = `nodes:
  - {name: master-2, address: 10.0.0.2, roles: [control-plane, worker]}
  - {name: etcd-2, address: 10.0.0.3, roles: [etcd]}
`;
    const onlyWorkers =
      "expected only the worker role: scale adds workers with Kubespray's scale.yml (control-plane and etcd nodes are added with cluster.yml)";
    expect(problems(text)).toEqual([`nodes[0].roles: ${onlyWorkers}`, `nodes[1].roles: ${onlyWorkers}`]);
  });

  it('refuses a name, address or ip the cluster already has, naming the node that has it', () => {
    const text = `nodes:
  - {name: worker-3, address: 10.0.0.6, roles: [worker]}
  - {name: worker-4, address: 10.0.0.5, roles: [worker]}
  - {name: worker-1, address: WORKER-2.acme.internal, roles: [worker]}
  - {name: worker-5, address: worker-5.acme.internal, ip: 10.0.0.1, roles: [worker]}
`;
    expect(problems(text)).toEqual([
      'nodes[1].address: 10.0.0.5 is already the ip of node worker-2',
      'nodes[2].name: worker-1 is already a node of the cluster',
      'nodes[2].address: WORKER-2.acme.internal is already the address of node worker-2',
      'nodes[3].ip: 10.0.0.1 is already the address of node master-1',
    ]);
  });

  it('refuses a name, address or ip repeated in the file, on the later node', () => {
    const text = `nodes:
  - {name: worker-3, address: 10.0.0.6, roles: [worker]}
  - {name: worker-3, address: 10.0.0.7, roles: [worker]}
  - {name: worker-4, address: worker-4.acme.internal, ip: 10.0.0.7, roles: [worker]}
  - {name: worker-5, address: 10.0.0.6, roles: [worker]}
`;
    expect(problems(text)).toEqual([
      'nodes[1].name: worker-3 is also the name of nodes[0] in this file',
      'nodes[2].ip: 10.0.0.7 is also the address of nodes[1] in this file',
      'nodes[3].address: 10.0.0.6 is also the address of nodes[0] in this file',
    ]);
  });

  it('reports a clash alongside the shape errors of other fields, and not for a field the schema refused', () => {
    const text = `nodes:
  - {name: worker-1, address: "bad address!", roles: [worker]}
  - {name: "worker-1\\u202e", address: 10.0.0.4, roles: [worker]}
`;
    expect(problems(text)).toEqual([
      'nodes[0].address: expected an IPv4 address or a host name',
      'nodes[1].name: expected a DNS label: lower-case letters, digits and "-", at most 63 characters',
      'nodes[0].name: worker-1 is already a node of the cluster',
      'nodes[1].address: 10.0.0.4 is already the address of node worker-1',
    ]);
  });

  it('parses inertly, within the limits of a spec: no custom tags, no alias bomb', () => {
    expect(problems('nodes: [!!js/function "() => 1"]')).toEqual([expect.stringMatching(/^\(document\): expected YAML: unknown tag/)]);
    // Ten levels of ten aliases each: 10^10 values once expanded.
    const levels = 'abcdefghij';
    const bomb = [`a: &a [${Array(10).fill('x').join(', ')}]`];
    for (let i = 1; i < levels.length; i++)
      bomb.push(
        `${levels[i]}: &${levels[i]} [${Array(10)
          .fill(`*${levels[i - 1]}`)
          .join(', ')}]`,
      );
    bomb.push('nodes: *j');
    expect(problems(bomb.join('\n'))).toEqual(['(document): expected at most 20000 values with YAML aliases expanded (an alias bomb?)']);
  });
});
