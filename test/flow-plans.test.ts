import { failedHostsRefusal, hostsToRetry } from '../lib/plan/failed-hosts.js';
import { FLOW_PLANS, maximumAttemptsOf, phasePlan, phasesOf, planOf, type ActivityName } from '../lib/plan/phases.js';

describe('one plan per flow (pure)', () => {
  it("has the contract's phases, in order", () => {
    expect(phasesOf('onprem')).toEqual(['preflight', 'inventory', 'kubespray', 'storage', 'katonic', 'verify']);
    expect(phasesOf('aks')).toEqual(['preflight', 'storage-classes', 'katonic', 'verify']);
    expect(phasesOf('eks')).toEqual(['preflight', 'storage-classes', 'katonic', 'verify']);
  });

  it('gives a managed preflight the API check, not the on-prem Ansible fact gathering', () => {
    expect(phasePlan('onprem', 'preflight')?.steps.map((s) => s.activity)).toEqual(['preflight']);
    expect(phasePlan('eks', 'preflight')?.steps.map((s) => s.activity)).toEqual(['checkManagedCluster']);
    expect(phasePlan('aks', 'preflight')?.steps.map((s) => s.activity)).toEqual(['checkManagedCluster']);
  });

  it('shares the storage-class step between storage (after the node playbook) and storage-classes', () => {
    expect(phasePlan('onprem', 'storage')?.steps.map((s) => s.activity)).toEqual(['prepareStorageNodes', 'applyStorageClasses']);
    expect(phasePlan('eks', 'storage-classes')?.steps.map((s) => s.activity)).toEqual(['applyStorageClasses']);
  });

  it('allows --failed-hosts only where a playbook runs on hosts, and says why elsewhere', () => {
    const limited = (flow: keyof typeof FLOW_PLANS) =>
      planOf(flow)
        .filter((p) => p.failedHosts === 'limit')
        .map((p) => p.name);
    expect(limited('onprem')).toEqual(['preflight', 'kubespray', 'storage']);
    expect(limited('eks')).toEqual([]);
    const refusals = planOf('aks').map((p) => [p.name, p.failedHosts === 'limit' ? 'limit' : p.failedHosts.refused]);
    expect(refusals).toEqual([
      ['preflight', 'the managed preflight reads the cluster through its API; it has no hosts to limit'],
      ['storage-classes', 'storage classes are cluster objects, not per host'],
      ['katonic', 'the Katonic role runs once against the cluster API from the controller'],
      ['verify', 'verify reads the whole cluster through its API'],
    ]);
  });

  it('limits a --failed-hosts retry to the failed and unreachable hosts, and refuses it with no hosts or on a refused phase', () => {
    const error = { failedHosts: ['node-2'], unreachableHosts: ['node-3'] };
    expect(hostsToRetry(error)).toEqual(['node-2', 'node-3']);
    expect(failedHostsRefusal(phasePlan('onprem', 'kubespray'), 'kubespray', error)).toBeUndefined();
    expect(failedHostsRefusal(phasePlan('onprem', 'kubespray'), 'kubespray', { failedHosts: [], unreachableHosts: [] })).toBe(
      'retry --failed-hosts: the kubespray phase has no failed or unreachable hosts recorded; retry the whole phase',
    );
    expect(failedHostsRefusal(phasePlan('onprem', 'katonic'), 'katonic', error)).toBe(
      'retry --failed-hosts is refused for the katonic phase: the Katonic role runs once against the cluster API from the controller',
    );
  });

  it('runs again on resume only the phases that read a cluster that may have changed', () => {
    const again = (flow: keyof typeof FLOW_PLANS) =>
      planOf(flow)
        .filter((p) => p.onResume === 'run-again')
        .map((p) => p.name);
    expect(again('onprem')).toEqual(['verify']);
    expect(again('aks')).toEqual(['preflight', 'verify']);
  });

  it('gives Ansible runs against a whole cluster hours, API calls minutes', () => {
    expect(phasePlan('onprem', 'kubespray')?.steps[0]?.timeout).toBe('4h');
    expect(phasePlan('aks', 'katonic')?.steps[0]?.timeout).toBe('4h');
    expect(phasePlan('aks', 'storage-classes')?.steps[0]?.timeout).toBe('10m');
  });

  it('tries a playbook run 3 times, spaced out, and an API step more often, sooner', () => {
    const attempts = new Map<ActivityName, number>();
    for (const phase of [...planOf('onprem'), ...planOf('eks')]) for (const step of phase.steps) attempts.set(step.activity, maximumAttemptsOf(step));
    expect(Object.fromEntries(attempts)).toEqual({
      preflight: 3,
      writeInventory: 3,
      runKubespray: 3,
      prepareStorageNodes: 3,
      applyStorageClasses: 8,
      runKatonicRole: 3,
      verifyCluster: 8,
      checkManagedCluster: 8,
    });
    expect(phasePlan('onprem', 'kubespray')?.steps[0]?.retry).toEqual({
      initialInterval: '2s',
      backoffCoefficient: 2,
      maximumInterval: '1m',
      maximumAttempts: 3,
    });
    expect(phasePlan('aks', 'storage-classes')?.steps[0]?.retry).toEqual({
      initialInterval: '1s',
      backoffCoefficient: 2,
      maximumInterval: '30s',
      maximumAttempts: 8,
    });
  });
});
