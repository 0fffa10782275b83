// The phases of each day-2 operation (lib/plan/operation-plans.ts) and the spec each runs with
// (lib/cluster/cluster-spec.ts): what a reader checks against the runbook, without a server.
import { specAfterOperation, specForOperation } from '../lib/cluster/cluster-spec.js';
import { operationGate, operationPlan } from '../lib/plan/operation-plans.js';
import { planOf } from '../lib/plan/phases.js';
import { onpremSpec } from './support/workflow-specs.js';

const spec = onpremSpec('plans');
const nodes = spec.spec.onprem!.nodes;
const worker = (name: string) => ({ name, address: `10.0.1.${name.length}`, roles: ['worker' as const] });
const hops = [
  { version: '1.34.4', kubesprayDir: '/opt/kubespray-2.30', release: 'v2.30.0' },
  { version: '1.35.1', kubesprayDir: '/opt/kubespray-2.31', release: 'v2.31.0' },
];

describe('the plans of day-2 operations', () => {
  it('install is the flow plan, unchanged', () => {
    expect(operationPlan({ kind: 'install' }, 'onprem', nodes)).toBe(planOf('onprem'));
  });

  it('scale: preflight, scale and storage limited to the new nodes; the inventory, the facts of every node and verify whole', () => {
    const plan = operationPlan({ kind: 'scale', add: [worker('worker-3')] }, 'onprem', nodes);
    expect(plan.map((p) => [p.name, p.target?.limit, p.steps.map((s) => s.activity)])).toEqual([
      ['preflight', ['worker-3'], ['preflight']],
      ['inventory', undefined, ['writeInventory']],
      ['facts', undefined, ['gatherKubesprayFacts']],
      ['scale', ['worker-3'], ['runKubesprayScale']],
      ['storage', ['worker-3'], ['prepareStorageNodes', 'applyStorageClasses']],
      ['verify', undefined, ['verifyCluster']],
    ]);
  });

  it('remove-node: drain, remove-node.yml, and a verify that expects the node gone; --failed-hosts refused on each', () => {
    const plan = operationPlan({ kind: 'remove-node', node: 'worker-1' }, 'onprem', nodes);
    expect(plan.map((p) => [p.name, p.target])).toEqual([
      ['drain', { node: 'worker-1' }],
      ['remove-node', { node: 'worker-1' }],
      ['verify', { absentNodes: ['worker-1'] }],
    ]);
    expect(plan.every((p) => typeof p.failedHosts === 'object')).toBe(true);
  });

  it('upgrade --kube: the drain check, then each node of each hop, control plane first, from that hop`s checkout; then verify', () => {
    const plan = operationPlan({ kind: 'upgrade-kube', version: '1.35.1', hops }, 'onprem', [...nodes].reverse());
    expect(plan.map((p) => p.name)).toEqual([
      'drain-check',
      'facts',
      ...['1.34.4', '1.35.1'].flatMap((v) => ['master-3', 'master-2', 'master-1', 'worker-2', 'worker-1'].map((n) => `upgrade-${n}@${v}`)),
      'verify',
    ]);
    expect(plan[7]?.target).toEqual({ node: 'master-3', limit: ['master-3'], kubeVersion: '1.35.1', kubesprayDir: '/opt/kubespray-2.31' });
    expect(plan[7]?.onResume).toBe('skip-if-unchanged');
  });

  it('upgrade --katonic waits at before-katonic; reset at before-reset (on-prem) or before-remove-katonic (managed, the platform only)', () => {
    const katonic = { kind: 'upgrade-katonic' as const, version: '5.1' };
    expect(operationGate(katonic, operationPlan(katonic, 'onprem', nodes))).toBe('before-katonic');
    const reset = { kind: 'reset' as const };
    expect(operationPlan(reset, 'onprem', nodes).map((p) => p.steps[0]!.activity)).toEqual(['runKubesprayReset']);
    expect(operationGate(reset, operationPlan(reset, 'onprem', nodes))).toBe('before-reset');
    expect(operationGate(reset, operationPlan(reset, 'eks', []))).toBe('before-remove-katonic');
    expect(operationGate({ kind: 'scale', add: [] }, [])).toBeUndefined();
  });

  it('the spec an operation runs with, and the one the cluster keeps after it', () => {
    const added = specForOperation(spec, { kind: 'scale', add: [worker('worker-3')] });
    expect(added.spec.onprem!.nodes.map((n) => n.name)).toEqual([...nodes.map((n) => n.name), 'worker-3']);
    const removal = { kind: 'remove-node' as const, node: 'worker-1' };
    expect(specForOperation(spec, removal).spec.onprem!.nodes).toHaveLength(nodes.length);
    expect(specAfterOperation(spec, removal).spec.onprem!.nodes.map((n) => n.name)).not.toContain('worker-1');
    const upgraded = specAfterOperation(spec, { kind: 'upgrade-kube', version: '1.35.1', hops });
    expect([upgraded.spec.onprem!.kubeVersion, upgraded.spec.onprem!.kubespray.dir]).toEqual(['1.35.1', '/opt/kubespray-2.31']);
    expect(specAfterOperation(spec, { kind: 'upgrade-katonic', version: '5.1' }).spec.katonic.version).toBe('5.1');
    expect(spec.spec.onprem!.nodes).toHaveLength(5); // the cluster's own spec is not changed in place
  });
});
