import { currentDetails, startDetails, startSummary } from '../lib/install/current-details.js';
import type { InstallStatus } from '../lib/install/status.js';
import { formatDuration } from '../lib/format/duration.js';

const status: InstallStatus = {
  id: 'install-acme',
  cluster: 'acme',
  flow: 'aks',
  state: 'waiting-for-approval',
  phase: 'katonic',
  waitingFor: 'before-katonic',
  phases: [
    { name: 'preflight', state: 'completed', attempts: 1 },
    { name: 'storage-classes', state: 'skipped', attempts: 1 },
    { name: 'katonic', state: 'pending', attempts: 0 },
    { name: 'verify', state: 'pending', attempts: 0 },
  ],
  operatorActions: [],
};

describe('what the Web UI shows of an install (user metadata, pure)', () => {
  it('current details: state, phase, what it waits for, phases done', () => {
    expect(currentDetails(status).split('\n\n')).toEqual([
      '**waiting-for-approval** · phase **katonic**',
      'Waiting for before-katonic',
      'Phases done: 2 of 4 (preflight completed, storage-classes skipped, katonic pending, verify pending)',
    ]);
  });

  it('current details: the gates and the last operator actions, each with who asked', () => {
    const acted: InstallStatus = {
      ...status,
      gates: [{ gate: 'before-katonic', state: 'approved', approvedBy: { name: 'bob', via: 'jira' }, at: '2026-01-01T10:05:00.000Z' }],
      operatorActions: [{ at: '2026-01-01T10:05:00.000Z', action: 'approve', phase: 'katonic', by: { name: 'bob', via: 'jira' } }],
    };
    expect(currentDetails(acted).split('\n\n').slice(-2)).toEqual([
      'Gates: before-katonic approved by bob',
      'Operator actions: 2026-01-01 10:05 approve katonic by bob (jira)',
    ]);
  });

  it('current details: what the failure it waits on reports (the storage class conflicts)', () => {
    const waiting: InstallStatus = {
      ...status,
      state: 'waiting-for-operator',
      waitingFor: 'an operator',
      error: {
        phase: 'storage-classes',
        type: 'StorageClassConflict',
        message: 'm',
        failedHosts: [],
        unreachableHosts: [],
        failures: [],
        details: { conflicts: [{ name: 'kdisk', field: 'parameters' }] },
      },
    };
    expect(currentDetails(waiting)).toContain('Failure details: conflicts: {"name":"kdisk","field":"parameters"}');
  });

  it('summary and details at start: cluster, flow, ticket', () => {
    expect(startSummary({ cluster: 'acme', flow: 'aks', ticket: 'OPS-1' })).toBe('Katonic install of acme (aks) for OPS-1');
    expect(startSummary({ cluster: 'acme', flow: 'onprem' })).toBe('Katonic install of acme (onprem)');
    expect(startDetails({ cluster: 'acme', flow: 'eks' })).toBe('Cluster: **acme**\n\nFlow: **eks**\n\nTicket: **none**');
  });
});

describe('durations (pure)', () => {
  it('reads as seconds, minutes or hours', () => {
    expect([0, 45, 60, 185, 3600, 7209].map(formatDuration)).toEqual(['0s', '45s', '1m 00s', '3m 05s', '1h 00m 00s', '2h 00m 09s']);
  });
});
