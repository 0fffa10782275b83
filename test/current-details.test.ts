import { currentDetails, phaseTable, startDetails, startSummary, summaryLine } from '../lib/install/current-details.js';
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
  const now = '2026-01-01T10:00:00.000Z';

  it('current details: the summary line, what it waits for, the phase table', () => {
    expect(currentDetails(status, now).split('\n\n')).toEqual([
      '**acme · aks · phase katonic · waiting-for-approval**',
      'Waiting for before-katonic',
      [
        '```text',
        'PHASE            STATE      ATTEMPTS  TOOK  EXPECTED',
        'preflight        completed  1',
        'storage-classes  skipped    1',
        'katonic          pending    0',
        'verify           pending    0',
        '```',
      ].join('\n'),
    ]);
  });

  it('summary line: an operation, the ETA in UTC (a later day named), and the table with what phases took and are expected to take', () => {
    const running: InstallStatus = {
      ...status,
      operation: 'upgrade --katonic 3.5.0',
      state: 'running',
      waitingFor: undefined,
      eta: { p50: '2026-01-01T10:32:10.000Z', p90: '2026-01-02T00:40:00.000Z', basis: '3 runs' },
      phases: [
        { name: 'katonic', state: 'completed', attempts: 1, runs: [{ startedAt: now, durationSeconds: 185 }] },
        { name: 'verify', state: 'running', attempts: 0, expected: { p50Seconds: 60.4, p90Seconds: 90, runs: 3 } },
      ],
    };
    expect(summaryLine(running, now)).toBe('acme · aks upgrade --katonic 3.5.0 · phase katonic · running · ETA 10:32 UTC (p90 2026-01-02 00:40, 3 runs)');
    expect(phaseTable(running).split('\n').slice(2, -1)).toEqual([
      'katonic  completed  1         3m 05s',
      'verify   running    0                 1m 00s (p90 1m 30s)',
    ]);
    expect(summaryLine({ ...running, eta: undefined }, now)).toBe(
      'acme · aks upgrade --katonic 3.5.0 · phase katonic · running · ETA not known yet (no history)',
    );
  });

  it('current details: the gates and the last operator actions, each with who asked', () => {
    const acted: InstallStatus = {
      ...status,
      gates: [{ gate: 'before-katonic', state: 'approved', approvedBy: { name: 'bob', via: 'jira' }, at: '2026-01-01T10:05:00.000Z' }],
      operatorActions: [{ at: '2026-01-01T10:05:00.000Z', action: 'approve', phase: 'katonic', by: { name: 'bob', via: 'jira' } }],
    };
    expect(currentDetails(acted, now).split('\n\n').slice(-2)).toEqual([
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
    expect(currentDetails(waiting, now)).toContain('Failure details: conflicts: {"name":"kdisk","field":"parameters"}');
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
