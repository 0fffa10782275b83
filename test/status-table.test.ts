import { formatStatus } from '../client/status-table.js';
import type { InstallStatus, PhaseStatus } from '../lib/install/status.js';

const pending = (name: PhaseStatus['name']): PhaseStatus => ({ name, state: 'pending', attempts: 0 });

/** An on-prem install that finished preflight and inventory and is in kubespray. */
function running(): InstallStatus {
  return {
    id: 'install-acme-prod',
    cluster: 'acme-prod',
    ticket: 'OPS-123',
    flow: 'onprem',
    state: 'running',
    phase: 'kubespray',
    phases: [
      {
        name: 'preflight',
        state: 'completed',
        attempts: 1,
        startedAt: '2025-03-01T10:00:05.123Z',
        endedAt: '2025-03-01T10:01:10.000Z',
        summary: '5 hosts meet the requirements',
      },
      {
        name: 'inventory',
        state: 'completed',
        attempts: 1,
        startedAt: '2025-03-01T10:01:11.000Z',
        endedAt: '2025-03-01T10:01:12.000Z',
        summary: 'inventory written',
      },
      {
        name: 'kubespray',
        state: 'running',
        attempts: 2,
        startedAt: '2025-03-01T10:01:13.000Z',
        task: 'Download container images',
        hosts: { ok: 3, changed: 1, failed: 0, unreachable: 1 },
      },
      pending('storage'),
      pending('katonic'),
      pending('verify'),
    ],
    operatorActions: [],
  };
}

const lines = (text: string) => text.split('\n');
/** The table row of a phase, split into its cells (cells are separated by two or more spaces). */
function row(text: string, phase: string): string[] {
  const line = lines(text).find((l) => l.startsWith(`${phase} `) || l === phase);
  if (!line) throw new Error(`no row for ${phase} in:\n${text}`);
  return line.split(/ {2,}/);
}

describe('kinstall status table (pure)', () => {
  it('starts with the install, its cluster, flow, state and ticket', () => {
    const [first, second] = lines(formatStatus(running()));
    expect(first).toBe('install-acme-prod  cluster acme-prod  flow onprem  state running  ticket OPS-123');
    expect(second).toBe('');
    const withoutTicket = running();
    delete withoutTicket.ticket;
    expect(lines(formatStatus(withoutTicket))[0]).toBe('install-acme-prod  cluster acme-prod  flow onprem  state running');
  });

  it('has a header and a row per phase, in order, with state, attempts and times', () => {
    const text = formatStatus(running());
    const all = lines(text);
    const header = all.findIndex((l) => l.startsWith('PHASE'));
    expect(all[header]?.split(/ {2,}/)).toEqual(['PHASE', 'STATE', 'ATTEMPTS', 'STARTED', 'ENDED', 'HOSTS OK/FAILED', 'TASK / SUMMARY']);
    expect(all.slice(header + 1, header + 7).map((l) => l.split(' ')[0])).toEqual(['preflight', 'inventory', 'kubespray', 'storage', 'katonic', 'verify']);
    expect(row(text, 'preflight')).toEqual(['preflight', 'completed', '1', '10:00:05', '10:01:10', '5 hosts meet the requirements']);
    expect(row(text, 'storage')).toEqual(['storage', 'pending', '0']);
  });

  it('shows a running phase with its attempts, start, host counts (ok+changed / failed+unreachable) and task', () => {
    expect(row(formatStatus(running()), 'kubespray')).toEqual(['kubespray', 'running', '2', '10:01:13', '4/1', 'Download container images']);
  });

  it('aligns the columns', () => {
    const all = lines(formatStatus(running()));
    const table = all.slice(
      all.findIndex((l) => l.startsWith('PHASE')),
      all.findIndex((l) => l.startsWith('verify')) + 1,
    );
    const attemptsAt = (table[0] ?? '').indexOf('ATTEMPTS');
    expect(attemptsAt).toBeGreaterThan(0);
    // Every row has its attempts count where the ATTEMPTS header starts.
    for (const l of table.slice(1)) expect(l.slice(attemptsAt)).toMatch(/^\d/);
    for (const l of table) expect(l).toBe(l.trimEnd());
  });

  it('says what a waiting install waits for', () => {
    const waiting: InstallStatus = {
      ...running(),
      state: 'waiting-for-approval',
      waitingFor: 'approval before-kubespray (kinstall approve install-acme-prod)',
    };
    const text = formatStatus(waiting);
    expect(lines(text).slice(-2)).toEqual(['', 'Waiting for approval before-kubespray (kinstall approve install-acme-prod)']);
    expect(formatStatus(running())).not.toContain('Waiting for');
  });

  it('explains a failed install: the phase, the error, the failed and unreachable hosts, each failure with its output', () => {
    const failed: InstallStatus = {
      ...running(),
      state: 'waiting-for-operator',
      error: {
        phase: 'kubespray',
        type: 'AnsibleTaskFailed',
        message: 'task "Install containerd" failed on worker-1, worker-2',
        failedHosts: ['worker-1'],
        unreachableHosts: ['worker-2'],
        failures: [
          {
            host: 'worker-1',
            task: 'Install containerd',
            message: 'non-zero return code',
            output: 'E: dpkg was interrupted\nrun dpkg --configure -a',
            unreachable: false,
          },
          { host: 'worker-2', task: 'Install containerd', message: 'Connection timed out', output: '', unreachable: true },
        ],
      },
    };
    const text = formatStatus(failed);
    const at = lines(text).indexOf('Error in kubespray: AnsibleTaskFailed: task "Install containerd" failed on worker-1, worker-2');
    expect(at).toBeGreaterThan(0);
    expect(lines(text)[at - 1]).toBe('');
    expect(lines(text).slice(at + 1)).toEqual([
      '  failed hosts: worker-1',
      '  unreachable hosts: worker-2',
      '  task "Install containerd" on worker-1: non-zero return code',
      '    | E: dpkg was interrupted',
      '    | run dpkg --configure -a',
      '  task "Install containerd" on worker-2: Connection timed out',
    ]);
  });

  it('names the install when the error belongs to no phase, and leaves out empty host lists', () => {
    const text = formatStatus({
      ...running(),
      state: 'failed',
      error: { type: 'InvalidSpec', message: 'spec.onprem: expected onprem settings', failedHosts: [], unreachableHosts: [], failures: [] },
    });
    expect(lines(text).at(-1)).toBe('Error in the install: InvalidSpec: spec.onprem: expected onprem settings');
    expect(text).not.toContain('failed hosts');
    expect(text).not.toContain('unreachable hosts');
  });

  it('lists the operator actions with their time, phase, limits, vars and reason', () => {
    const text = formatStatus({
      ...running(),
      operatorActions: [
        { at: '2025-03-01T10:05:00.456Z', action: 'approve', phase: 'kubespray' },
        {
          at: '2025-03-01T10:20:00.000Z',
          action: 'retry',
          phase: 'kubespray',
          limitHosts: ['worker-1', 'worker-2'],
          vars: { download_retries: 8 },
          reason: 'mirror was down',
        },
        { at: '2025-03-01T11:00:00.000Z', action: 'abort', reason: 'change window over' },
      ],
    });
    expect(lines(text).slice(lines(text).indexOf('Operator actions:'))).toEqual([
      'Operator actions:',
      '  2025-03-01T10:05:00 approve kubespray',
      '  2025-03-01T10:20:00 retry kubespray --limit worker-1,worker-2 vars {"download_retries":8} (mirror was down)',
      '  2025-03-01T11:00:00 abort (change window over)',
    ]);
    expect(formatStatus(running())).not.toContain('Operator actions');
  });

  it('puts the waiting line, the error and the operator actions after the table, in that order', () => {
    const text = formatStatus({
      ...running(),
      state: 'waiting-for-operator',
      waitingFor: 'an operator: kinstall retry or abort',
      error: {
        phase: 'kubespray',
        type: 'AnsibleHostUnreachable',
        message: 'hosts unreachable: worker-2',
        failedHosts: [],
        unreachableHosts: ['worker-2'],
        failures: [],
      },
      operatorActions: [{ at: '2025-03-01T10:05:00.000Z', action: 'retry', phase: 'kubespray' }],
    });
    const order = ['verify ', 'Waiting for an operator', 'Error in kubespray', 'Operator actions:'].map((s) => text.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('gives the install its start, end and duration, and lists the runs of a retried phase', () => {
    const kubespray: PhaseStatus = {
      name: 'kubespray',
      state: 'completed',
      attempts: 4,
      startedAt: '2025-03-01T10:01:13.000Z',
      endedAt: '2025-03-01T10:40:00.000Z',
      runs: [
        { startedAt: '2025-03-01T10:01:13.000Z', endedAt: '2025-03-01T10:09:18.000Z', durationSeconds: 485, outcome: 'failed', attempts: 3 },
        {
          startedAt: '2025-03-01T10:30:00.000Z',
          endedAt: '2025-03-01T10:40:00.000Z',
          durationSeconds: 600,
          outcome: 'completed',
          attempts: 1,
          limitHosts: ['worker-2'],
        },
      ],
    };
    const status: InstallStatus = {
      ...running(),
      state: 'completed',
      startedAt: '2025-03-01T10:00:00.000Z',
      endedAt: '2025-03-01T12:00:09.000Z',
      durationSeconds: 7209,
    };
    status.phases[2] = kubespray;
    const text = formatStatus(status);
    expect(lines(text)[1]).toBe('started 2025-03-01 10:00:00  ended 2025-03-01 12:00:09  took 2h 00m 09s');
    expect(lines(text).slice(lines(text).indexOf('Runs of kubespray:'), lines(text).indexOf('Runs of kubespray:') + 3)).toEqual([
      'Runs of kubespray:',
      '    1. 2025-03-01 10:01:13 to 10:09:18  took 8m 05s  failed  attempts 3',
      '    2. 2025-03-01 10:30:00 to 10:40:00  took 10m 00s  completed  attempts 1  --limit worker-2',
    ]);
    // A phase that ran once has no runs section.
    expect(text).not.toContain('Runs of preflight');
  });

  it('says when the status comes from the server with no worker answering, while the install is not over', () => {
    const note =
      'No worker answered: this is the status the install last published on the server; live progress (task, host counts) is unavailable until a worker runs.';
    expect(lines(formatStatus({ ...running(), source: 'server' }))[1]).toBe(note);
    expect(formatStatus({ ...running(), source: 'worker' })).not.toContain(note);
    expect(formatStatus({ ...running(), state: 'completed', source: 'server' })).not.toContain(note);
  });
});
