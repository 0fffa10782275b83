// What an install says on its ticket, without a server: the notes, the commands per phase,
// Jira's ADF and ServiceNow's plain text.
import { noteAsAdf } from '../lib/tickets/adf.js';
import { phasePlan } from '../lib/plan/phases.js';
import { noteAsText, operatorCommands, progressNote } from '../lib/tickets/progress-note.js';
import type { PhaseError } from '../lib/install/status.js';

const error: PhaseError = {
  type: 'AnsibleTaskFailed',
  message: 'task "Configure etcd" failed on master-1\nmore',
  failedHosts: ['master-1'],
  unreachableHosts: ['worker-2'],
  failures: [{ host: 'master-1', task: 'Configure etcd', message: 'injected failure 3 of 3', output: '', unreachable: false }],
};

describe('progress notes', () => {
  it('says where an install waits: the task, the hosts and the commands for that phase', () => {
    const note = progressNote({ kind: 'waiting-for-operator', id: 'install-ops-1', flow: 'onprem', phase: 'kubespray', error });
    expect(note).toEqual({
      title: 'install-ops-1 waits for an operator: the kubespray phase failed (AnsibleTaskFailed)',
      lines: [
        'task "Configure etcd" failed on master-1',
        'Task "Configure etcd" on master-1: injected failure 3 of 3',
        'Failed hosts: master-1',
        'Unreachable hosts: worker-2',
      ],
      commands: [
        'kinstall retry install-ops-1',
        'kinstall retry install-ops-1 --failed-hosts',
        'kinstall retry install-ops-1 --vars FILE',
        'kinstall cancel install-ops-1',
      ],
    });
  });

  it('offers --failed-hosts only where the phase allows a partial run', () => {
    expect(operatorCommands('install-x', phasePlan('onprem', 'katonic'), 'katonic', error)).not.toContain('kinstall retry install-x --failed-hosts');
    expect(operatorCommands('install-x', phasePlan('onprem', 'storage'), 'storage', { ...error, failedHosts: [], unreachableHosts: [] })).not.toContain(
      'kinstall retry install-x --failed-hosts',
    );
  });

  it('names who started the install and who retried a phase', () => {
    expect(progressNote({ kind: 'started', id: 'install-x', flow: 'onprem', phases: ['preflight'], by: { name: 'alice', via: 'cli' } }).title).toBe(
      'Katonic install install-x started by alice (cli)',
    );
    const finished = progressNote({
      kind: 'phase-finished',
      id: 'install-x',
      phase: { name: 'kubespray', attempts: 4 },
      retriedBy: { name: 'Ops Bot', via: 'jira' },
    });
    expect(finished.lines).toEqual(['Attempts: 4.', 'Retried by Ops Bot (jira).']);
  });

  it('ends each note with the ETA as the install stood, in UTC', () => {
    const eta = { p50: '2026-01-01T14:32:00.000Z', p90: '2026-01-01T14:40:00.000Z', basis: '3 runs' };
    const note = progressNote({ kind: 'phase-finished', id: 'install-x', phase: { name: 'kubespray', attempts: 1 }, eta }, '2026-01-01T14:00:00.000Z');
    expect(note.lines).toEqual(['Attempts: 1.', 'ETA 14:32 UTC (p90 14:40, 3 runs).']);
  });

  it("carries what the failure's type reports (a preflight report) when it waits for an operator", () => {
    const error = { type: 'PreflightFailed', message: 'preflight: nodes fall short', failedHosts: ['worker-1'], unreachableHosts: [], failures: [] };
    const note = progressNote({
      kind: 'waiting-for-operator',
      id: 'install-x',
      flow: 'onprem',
      phase: 'preflight',
      error: { ...error, details: { report: { hosts: [{ host: 'worker-1', lacks: ['8 CPUs (has 4)'] }] } } },
    });
    expect(note.lines).toContain('report: {"hosts":[{"host":"worker-1","lacks":["8 CPUs (has 4)"]}]}');
  });

  it('names who acted: the approver of a passed gate, who cancelled and why', () => {
    expect(progressNote({ kind: 'gate-passed', id: 'install-x', gate: 'before-kubespray', by: { name: 'Carol C', id: 'acc-1', via: 'jira' } }).title).toBe(
      'install-x: before-kubespray approved by Carol C (jira)',
    );
    const cancelled = progressNote({ kind: 'ended', id: 'install-x', state: 'cancelled', by: { name: 'alice', via: 'cli' }, reason: 'wrong cluster' });
    expect([cancelled.title, ...cancelled.lines]).toEqual(['Katonic install install-x cancelled by alice (cli)', 'Reason: wrong cluster']);
  });

  it('renders Jira ADF (text nodes only, a code block for commands) and ServiceNow text', () => {
    const note = progressNote({ kind: 'ended', id: 'install-x', state: 'failed', error: { phase: 'verify', type: 'VerifyFailed', message: '<b>{{ x }}</b>' } });
    expect(noteAsAdf(note)).toEqual({
      type: 'doc',
      version: 1,
      content: [
        { type: 'paragraph', content: [{ type: 'text', text: 'Katonic install install-x failed', marks: [{ type: 'strong' }] }] },
        {
          type: 'bulletList',
          content: [
            { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'The verify phase: VerifyFailed: <b>{{ x }}</b>' }] }] },
          ],
        },
        { type: 'codeBlock', attrs: { language: 'shell' }, content: [{ type: 'text', text: 'kinstall resume install-x' }] },
      ],
    });
    expect(noteAsText(note)).toBe('Katonic install install-x failed\nThe verify phase: VerifyFailed: <b>{{ x }}</b>\n\nkinstall resume install-x');
  });
});
