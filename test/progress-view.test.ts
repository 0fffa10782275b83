import { BAR_DONE, BAR_LEFT, BAR_UNKNOWN, pipedLine, progressLine, progressView, truncate } from '../lib/format/progress-view.js';
import type { InstallStatus, PhaseStatus } from '../lib/install/status.js';

const NOW = new Date('2025-03-01T10:10:00.000Z');
/** `seconds` before NOW, as an ISO time. */
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString();
/** `seconds` after NOW, as an ISO time. */
const ahead = (seconds: number) => new Date(NOW.getTime() + seconds * 1000).toISOString();
/** HH:MM in the local time zone, as a person reads the clock (independent of the code under test). */
const localClock = (iso: string) => new Date(iso).toTimeString().slice(0, 5);

const pending = (name: string): PhaseStatus => ({ name, state: 'pending', attempts: 0 });

/** An on-prem install that finished preflight and inventory and is halfway through kubespray. */
function running(): InstallStatus {
  return {
    id: 'install-acme',
    cluster: 'acme',
    flow: 'onprem',
    state: 'running',
    phase: 'kubespray',
    startedAt: ago(600),
    phases: [
      { name: 'preflight', state: 'completed', attempts: 1, startedAt: ago(600), endedAt: ago(540), tasksDone: 4, tasksKnown: 4 },
      { name: 'inventory', state: 'completed', attempts: 1, startedAt: ago(539), endedAt: ago(538) },
      {
        name: 'kubespray',
        state: 'running',
        attempts: 1,
        startedAt: ago(65),
        runs: [{ startedAt: ago(65) }],
        task: 'Configure etcd',
        hosts: { ok: 2, changed: 1, failed: 0, unreachable: 1 },
        tasksDone: 5,
        tasksKnown: 10,
      },
      pending('storage'),
      pending('katonic'),
      pending('verify'),
    ],
    operatorActions: [],
  };
}

/** The row of a phase, and its bar (between the brackets). */
function rowOf(lines: string[], phase: string): { row: string; bar: string } {
  const row = lines.find((l) => l.startsWith(`${phase} `));
  if (!row) throw new Error(`no row for ${phase} in:\n${lines.join('\n')}`);
  return { row, bar: /\[([^\]]*)\]/.exec(row)?.[1] ?? '' };
}
const count = (text: string, char: string) => [...text].filter((c) => c === char).length;

describe('the terminal view of `kinstall watch`', () => {
  it('draws a completed phase full, a pending one empty, and the running one in proportion to its tasks done of known', () => {
    const lines = progressView(running(), NOW, 100);
    const { bar: full } = rowOf(lines, 'preflight');
    expect(full.length).toBeGreaterThanOrEqual(10);
    expect(full).toBe(BAR_DONE.repeat(full.length));
    // A completed phase without task counts is full all the same.
    expect(rowOf(lines, 'inventory').bar).toBe(full);
    expect(rowOf(lines, 'storage').bar).toBe(BAR_LEFT.repeat(full.length));
    const { row, bar } = rowOf(lines, 'kubespray');
    expect(bar.length).toBe(full.length);
    expect(count(bar, BAR_DONE)).toBe(Math.round(full.length / 2));
    expect(bar).toBe(BAR_DONE.repeat(count(bar, BAR_DONE)) + BAR_LEFT.repeat(bar.length - count(bar, BAR_DONE)));
    expect(row).toMatch(/^kubespray +running +\[.*\] +5\/10 +1m 05s$/);
    expect(rowOf(lines, 'preflight').row).toMatch(/\] +4\/4 +1m 00s$/);
    expect(rowOf(lines, 'storage').row).toMatch(/^storage +pending +\[░+\]$/);
  });

  it("shows the running phase's host counts and task under its row, and the attempt once it is not the first", () => {
    const status = running();
    expect(progressView(status, NOW, 100)).toContain('  hosts ok 3, failed 1 · Configure etcd');
    status.phases[2]!.attempts = 2;
    expect(progressView(status, NOW, 100)).toContain('  attempt 2 · hosts ok 3, failed 1 · Configure etcd');
  });

  it('draws a running phase whose task total is not known as a moving mark on an empty bar, with "n tasks"', () => {
    const status = running();
    delete status.phases[2]!.tasksKnown;
    const { row, bar } = rowOf(progressView(status, NOW, 100), 'kubespray');
    expect(row).toMatch(/\] +5 tasks +1m 05s$/);
    expect(count(bar, BAR_DONE)).toBe(0);
    expect(bar).toContain(BAR_UNKNOWN.repeat(3));
    expect(count(bar, BAR_LEFT)).toBe(bar.length - 3);
    // A second later the mark has moved a cell.
    const later = rowOf(progressView(status, new Date(NOW.getTime() + 1000), 100), 'kubespray').bar;
    expect(later.indexOf(BAR_UNKNOWN)).not.toBe(bar.indexOf(BAR_UNKNOWN));
  });

  it('says the ETA in local clock times with how far off they are and what the estimate rests on', () => {
    const status = { ...running(), eta: { p50: ahead(5 * 60 - 10), p90: ahead(13 * 60), basis: '3 runs' } };
    const lines = progressView(status, NOW, 120);
    expect(lines.slice(-2)).toEqual([
      'running · 10m 00s so far',
      `ETA ${localClock(status.eta.p50)} (in 5m), p90 ${localClock(status.eta.p90)} (in 13m), basis: 3 runs`,
    ]);
    const far = { ...status, eta: { p50: ahead(65 * 60), p90: ahead(125 * 60), basis: 'no history' } };
    expect(progressView(far, NOW, 120).at(-1)).toContain('(in 1h 05m), p90 ');
    expect(progressView(far, NOW, 120).at(-1)).toContain('(in 2h 05m), basis: no history');
  });

  it('draws a status with only names and states: no times, counts, details or ETA, and nothing undefined', () => {
    const bare: InstallStatus = {
      id: 'install-bare',
      cluster: 'bare',
      flow: 'onprem',
      state: 'running',
      phases: [{ name: 'preflight', state: 'running', attempts: 0 }, pending('inventory')],
      operatorActions: [],
    };
    const lines = progressView(bare, NOW, 80);
    expect(lines.join('\n')).not.toMatch(/undefined|NaN|ETA/);
    expect(lines).toEqual([
      'install-bare  cluster bare  flow onprem',
      '',
      expect.stringMatching(/^preflight running +\[▒▒▒░+\]$/),
      expect.stringMatching(/^inventory pending +\[░+\]$/),
      '',
      'running',
    ]);
  });

  it('keeps every line within the width, cutting a long task name, and leaves the bars out when too narrow for them', () => {
    const status = running();
    status.phases[2]!.task = 'Download the container images for every node, then check their digests against the list';
    const lines = progressView(status, NOW, 60);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(60);
    const detail = lines.find((l) => l.includes('Download'))!;
    expect(detail).toHaveLength(60);
    expect(detail.endsWith('…')).toBe(true);
    expect(rowOf(lines, 'kubespray').bar.length).toBeGreaterThanOrEqual(5);
    const narrow = progressView(status, NOW, 36);
    expect(narrow.some((l) => l.includes('['))).toBe(false);
    expect(rowOf(narrow, 'kubespray').row).toMatch(/^kubespray running +5\/10 1m 05s$/);
    expect(truncate('Configure etcd', 9)).toBe('Configur…');
    expect(truncate('Configure etcd', 14)).toBe('Configure etcd');
  });

  it('says at the failed phase that it waits for an operator, wrapped so the retry command is whole', () => {
    const status: InstallStatus = {
      ...running(),
      state: 'waiting-for-operator',
      waitingFor:
        'an operator: the kubespray phase failed (AnsibleTaskFailed); kinstall retry install-acme [--failed-hosts] [--vars FILE], or kinstall cancel install-acme',
    };
    Object.assign(status.phases[2]!, { state: 'failed', endedAt: ago(5), task: undefined, hosts: undefined, runs: [{ startedAt: ago(65), endedAt: ago(5) }] });
    const lines = progressView(status, NOW, 60);
    const at = lines.findIndex((l) => l.startsWith('kubespray '));
    // It failed halfway: the bar stays where it got to.
    expect(lines[at]).toMatch(/^kubespray failed +\[█+░+\] +5\/10 +1m 00s$/);
    const waits = lines.slice(
      at + 1,
      lines.findIndex((l, i) => i > at && !l.startsWith('  ')),
    );
    expect(waits.length).toBeGreaterThan(1);
    for (const line of waits) expect(line.length).toBeLessThanOrEqual(60);
    expect(waits.map((l) => l.trim()).join(' ')).toBe(`waits for ${status.waitingFor}`);
    expect(lines.at(-1)).toBe('waiting-for-operator · 10m 00s so far');
  });

  it('says at the gated phase that it waits for approval, who may approve and the command', () => {
    const status: InstallStatus = {
      ...running(),
      state: 'waiting-for-approval',
      phase: 'storage',
      waitingFor: 'before-storage',
      gates: [{ gate: 'before-storage', state: 'waiting', approvers: ['ops-lead', 'sre'] }],
    };
    Object.assign(status.phases[2]!, { state: 'completed', endedAt: ago(5), task: undefined, hosts: undefined, tasksDone: 10 });
    const lines = progressView(status, NOW, 120);
    expect(lines[lines.findIndex((l) => l.startsWith('storage ')) + 1]).toBe(
      '  waits for approval at gate before-storage (approvers ops-lead, sre): kinstall approve install-acme',
    );
  });

  it('ends with how long the install took and, when it failed, its error', () => {
    const status: InstallStatus = {
      ...running(),
      state: 'failed',
      durationSeconds: 185,
      error: {
        phase: 'kubespray',
        type: 'AnsibleNotStarted',
        message: 'could not start ansible-playbook',
        failedHosts: [],
        unreachableHosts: [],
        failures: [],
      },
    };
    expect(progressView(status, NOW, 120).slice(-2)).toEqual([
      'failed · took 3m 05s',
      'error in kubespray: AnsibleNotStarted: could not start ansible-playbook',
    ]);
  });

  it('counts a retried phase by its runs, not the wait for the operator between them', () => {
    const status = running();
    status.phases[2]!.startedAt = ago(600);
    status.phases[2]!.runs = [
      { startedAt: ago(600), endedAt: ago(570), outcome: 'failed' },
      { startedAt: ago(20), by: { name: 'ops', via: 'cli' } },
    ];
    expect(rowOf(progressView(status, NOW, 100), 'kubespray').row).toMatch(/ 50s$/);
  });

  it('says when no worker answered that live progress is unavailable', () => {
    expect(progressView({ ...running(), source: 'server' }, NOW, 100).at(-1)).toBe('no worker answered: live progress (task, host counts) is unavailable');
  });
});

describe('the piped lines of `kinstall watch`', () => {
  it('have the state, phase and attempt, the tasks done of known, the task and host counts, and the ETA when there is one', () => {
    const status = running();
    expect(progressLine(status)).toBe('running · kubespray (attempt 1) · tasks 5/10 · Configure etcd · hosts ok 3, failed 1');
    const eta = { p50: ahead(300), p90: ahead(600), basis: 'no history' };
    expect(pipedLine({ ...status, eta }, NOW)).toBe(
      `${NOW.toTimeString().slice(0, 8)} ${progressLine(status)} · ETA ${localClock(eta.p50)} (in 5m), p90 ${localClock(eta.p90)} (in 10m), basis: no history`,
    );
  });

  it('change with the progress, not with the ETA (a new line is printed on change only)', () => {
    const status = running();
    const first = progressLine({ ...status, eta: { p50: ahead(300), p90: ahead(600), basis: '2 runs' } });
    expect(progressLine({ ...status, eta: { p50: ahead(320), p90: ahead(700), basis: '2 runs' } })).toBe(first);
    status.phases[2]!.tasksDone = 6;
    expect(progressLine(status)).not.toBe(first);
  });

  it('say "tasks n" when only the tasks done are known, and leave out what is absent', () => {
    const status = running();
    delete status.phases[2]!.tasksKnown;
    expect(progressLine(status)).toBe('running · kubespray (attempt 1) · tasks 5 · Configure etcd · hosts ok 3, failed 1');
    const bare: InstallStatus = { id: 'install-bare', cluster: 'bare', flow: 'onprem', state: 'running', phases: [pending('preflight')], operatorActions: [] };
    expect(progressLine(bare)).toBe('running');
    expect(pipedLine(bare, NOW)).toBe(`${NOW.toTimeString().slice(0, 8)} running`);
  });
});
