// The cluster entity's rules (lib/cluster/cluster-entity.ts) without a server: which operation
// may start, one at a time, how each end is recorded, adoption, and the log's bound.
import { ApplicationFailure } from '@temporalio/common';
import { ClusterEntity, LOG_LIMIT, newClusterStatus, type OperationRequest } from '../lib/cluster/cluster-entity.js';
import type { InstallStatus } from '../lib/install/status.js';
import { asManagedSpec } from './support/managed-clusters.js';
import { aksSpec, onpremSpec } from './support/workflow-specs.js';

const clock = () => {
  let t = Date.parse('2026-12-03T10:00:00Z');
  return () => new Date((t += 1000)).toISOString();
};
const refusal = (entity: ClusterEntity, request: OperationRequest): string => {
  try {
    entity.validate(request);
    return 'accepted';
  } catch (err) {
    return `${(err as ApplicationFailure).type}: ${(err as Error).message}`;
  }
};
const completed = (phases: string[]): InstallStatus =>
  ({
    state: 'completed',
    phases: phases.map((name) => ({ name, state: 'completed', attempts: 1, inputHash: `h-${name}` })),
    handoffs: { adminConf: { sealed: 'x' } },
  }) as unknown as InstallStatus;

function installed(spec = onpremSpec('e1')): ClusterEntity {
  const entity = new ClusterEntity(newClusterStatus(spec.metadata.name, '2026-12-03T09:00:00Z'), clock());
  entity.adoptSpec(spec);
  entity.begin({ kind: 'install' }, undefined);
  entity.finish({ kind: 'install' }, { status: completed(['kubespray', 'verify']) });
  return entity;
}

describe('the cluster entity', () => {
  it('is installed once; operations need it installed; one runs at a time, the refusal names it', () => {
    const fresh = new ClusterEntity(newClusterStatus('e1', '2026-12-03T09:00:00Z'), clock());
    expect(refusal(fresh, { kind: 'scale', nodesFile: '' })).toBe(
      'InstallRequestRefused: e1 is not installed (state new); install it first: kinstall start SPEC',
    );
    expect(refusal(fresh, { kind: 'install', spec: onpremSpec('other') })).toMatch(/^InstallRequestInvalid: spec metadata.name: expected e1/);
    const entity = installed();
    expect(entity.status).toMatchObject({ state: 'ready', lastApplied: { kubespray: 'h-kubespray' }, handoffs: { adminConf: { sealed: 'x' } } });
    expect(refusal(entity, { kind: 'install', spec: onpremSpec('e1') })).toMatch(/is installed already \(state ready\)/);
    entity.begin({ kind: 'remove-node', node: 'worker-1' }, undefined);
    entity.started({ kind: 'remove-node', node: 'worker-1' }, 'cluster-e1-2-remove-node');
    expect(refusal(entity, { kind: 'reset' })).toBe(
      'InstallRequestRefused: e1 runs one operation at a time: remove-node worker-1 (operation 2, cluster-e1-2-remove-node) is running; wait for it, or cancel it',
    );
  });

  it('keeps what a managed install found for the operations after it: an EKS Auto Mode cluster (kdisk on its driver), until a later run reads otherwise', () => {
    const entity = new ClusterEntity(newClusterStatus('a1', '2026-12-03T09:00:00Z'), clock());
    entity.adoptSpec(aksSpec('a1', asManagedSpec('eks', 'kubeconfig')));
    entity.begin({ kind: 'install' }, undefined);
    const found = (eksAutoMode: boolean) => ({ ...completed(['preflight', 'verify']), handoffs: { eksAutoMode } }) as unknown as InstallStatus;
    entity.finish({ kind: 'install' }, { status: found(true) });
    expect(entity.status.handoffs).toEqual({ eksAutoMode: true });
    entity.begin({ kind: 'upgrade-katonic', version: '9.9' }, undefined);
    entity.finish({ kind: 'upgrade-katonic', version: '9.9' }, { status: found(false) });
    expect(entity.status.handoffs).toEqual({ eksAutoMode: false });
  });

  it('records each end: a completed operation changes the spec, a failed one leaves the cluster ready as it was, a reset ends it', () => {
    const entity = installed();
    entity.begin({ kind: 'remove-node', node: 'worker-1' }, undefined);
    entity.finish({ kind: 'remove-node', node: 'worker-1' }, { failed: 'drain blocked', cancelled: false });
    expect([entity.status.state, entity.status.nodes.length, entity.status.log.at(-1)?.outcome]).toEqual(['ready', 5, 'failed']);
    entity.begin({ kind: 'remove-node', node: 'worker-1' }, undefined);
    entity.finish({ kind: 'remove-node', node: 'worker-1' }, { status: completed(['drain', 'remove-node', 'verify']) });
    expect(entity.status.nodes.map((n) => n.name)).not.toContain('worker-1');
    entity.begin({ kind: 'reset' }, undefined);
    entity.finish({ kind: 'reset' }, { status: completed(['reset']) });
    expect(entity.status.state).toBe('reset');
    expect(refusal(entity, { kind: 'check-drift' })).toMatch(/^InstallRequestRefused: e1 was reset at .*; nothing more runs on it/);
  });

  it('validates versions like the spec, and refuses the Katonic version the cluster runs', () => {
    const entity = installed();
    expect(refusal(entity, { kind: 'upgrade-kube', version: 'latest' })).toMatch(/^InstallRequestInvalid: --kube: expected a Kubernetes version/);
    expect(refusal(entity, { kind: 'upgrade-katonic', version: entity.status.versions.katonic })).toMatch(/--katonic: e1 runs Katonic .* already/);
    expect(refusal(entity, { kind: 'upgrade-katonic', version: '9.9' })).toBe('accepted');
  });

  it("a managed cluster's entity refuses what belongs to the cloud, with the reason", () => {
    const entity = installed(aksSpec('m1'));
    expect(refusal(entity, { kind: 'remove-node', node: 'x' })).toMatch(/remove-node on m1 \(aks\): the cloud provider removes nodes/);
    expect(refusal(entity, { kind: 'upgrade-katonic', version: '9.9' })).toBe('accepted');
  });

  it('adopts a completed install once, and not one that has not completed', () => {
    const entity = new ClusterEntity(newClusterStatus('e2', '2026-12-03T09:00:00Z'), clock());
    const spec = onpremSpec('e2');
    const running = { id: 'install-e2', status: { ...completed([]), state: 'running' as const } };
    expect(refusal(entity, { kind: 'adopt', spec, install: running })).toMatch(/adopt: install-e2 has not completed \(state running\)/);
    entity.adopt(spec, { id: 'install-e2', status: completed(['kubespray']) }, { name: 'ops', via: 'cli' });
    expect(entity.status).toMatchObject({ state: 'ready', log: [{ seq: 1, kind: 'adopt', outcome: 'completed', by: { name: 'ops' } }] });
    expect(refusal(entity, { kind: 'adopt', spec, install: { id: 'install-e2', status: completed([]) } })).toMatch(/installed already/);
  });

  it(`keeps the last ${LOG_LIMIT} operations and counts the ones it dropped`, () => {
    const entity = installed();
    for (let i = 0; i < LOG_LIMIT + 5; i++) {
      entity.begin({ kind: 'check-drift' }, undefined);
      entity.drifted({ checkedAt: 'now', differences: [] });
    }
    expect(entity.status.log).toHaveLength(LOG_LIMIT);
    expect(entity.status.logDropped).toBe(6);
    expect(entity.status.log.at(-1)).toMatchObject({ seq: LOG_LIMIT + 6, summary: 'no drift' });
  });
});
