import type { AnsibleProgress } from '../lib/ansible/events.js';
import { ANSIBLE_FAILURE, classifyExit, type AnsibleOutcome } from '../lib/ansible/outcome.js';
import { PHASE_FAILURES } from '../lib/install/phase-failure.js';

const progress = (over: Partial<AnsibleProgress> = {}): AnsibleProgress => ({
  playbook: 'cluster.yml',
  tasksDone: 3,
  hosts: { ok: 0, changed: 0, failed: 0, unreachable: 0 },
  failedHosts: [],
  unreachableHosts: [],
  failures: [],
  ...over,
});

const withFailedTask = progress({
  hosts: { ok: 2, changed: 0, failed: 1, unreachable: 0 },
  failedHosts: ['worker-1'],
  failures: [
    { host: 'worker-1', task: 'Install containerd', message: 'No package matching containerd.io', output: 'E: Unable to locate package', unreachable: false },
  ],
});

const withUnreachable = progress({
  hosts: { ok: 2, changed: 0, failed: 0, unreachable: 1 },
  unreachableHosts: ['worker-2'],
  failures: [{ host: 'worker-2', task: 'Gathering Facts', message: 'Failed to connect to the host via ssh', output: '', unreachable: true }],
});

const STDERR = ['[WARNING]: something harmless', 'ERROR! line one', 'line two', 'line three'].join('\n');

/** The failure part of an outcome, with whether the failure catalogue retries it, or a test failure when it is a success. */
function failure(outcome: AnsibleOutcome) {
  if (outcome.ok) throw new Error('expected a failed outcome');
  return { ...outcome, retryable: PHASE_FAILURES[outcome.type].retryable };
}

describe('ansible-playbook exit classification (pure)', () => {
  it('treats exit 0 as success, whatever the progress says', () => {
    expect(classifyExit(0, undefined, progress(), '')).toEqual({ ok: true });
    expect(classifyExit(0, undefined, withFailedTask, 'noise')).toEqual({ ok: true });
  });

  it('reports exit 2 as a retryable task failure naming the task, the hosts and the message', () => {
    const f = failure(classifyExit(2, undefined, withFailedTask, STDERR));
    expect(f).toMatchObject({ type: ANSIBLE_FAILURE.taskFailed, retryable: true });
    expect(f.type).toBe('AnsibleTaskFailed');
    expect(f.message).toBe('task "Install containerd" failed on worker-1: No package matching containerd.io');
  });

  it('falls back to the end of stderr for exit 2 when no failure event was seen', () => {
    const f = failure(classifyExit(2, undefined, progress(), STDERR));
    expect(f).toMatchObject({ type: ANSIBLE_FAILURE.taskFailed, retryable: true });
    expect(f.message).toBe('a task failed (exit 2) ERROR! line one line two line three');
  });

  it('reports exit 2 before any event (argparse refusing an option) as bad options, not retryable', () => {
    const f = failure(classifyExit(2, undefined, progress({ playbook: undefined, tasksDone: 0 }), 'ansible-playbook: error: unrecognized arguments: --bogus'));
    expect(f).toMatchObject({ type: ANSIBLE_FAILURE.badOptions, retryable: false });
  });

  it('reports exit 4 with unreachable hosts as retryable, naming them', () => {
    const f = failure(classifyExit(4, undefined, withUnreachable, STDERR));
    expect(f).toMatchObject({ type: ANSIBLE_FAILURE.unreachable, retryable: true });
    expect(f.type).toBe('AnsibleHostUnreachable');
    expect(f.message).toBe('hosts unreachable: worker-2: Failed to connect to the host via ssh');
  });

  const unreachableWith = (messages: Record<string, string>) =>
    progress({
      unreachableHosts: Object.keys(messages),
      failures: Object.entries(messages).map(([host, message]) => ({ host, task: 'Gathering Facts', message, output: '', unreachable: true })),
    });

  it('reports a refused SSH login as not retryable (another try uses the same key), naming the hosts', () => {
    const f = failure(
      classifyExit(
        4,
        undefined,
        unreachableWith({
          'node-1': 'Failed to connect to the host via ssh: ubuntu@10.0.0.11: Permission denied (publickey).',
          'node-2': 'Failed to connect to the host via ssh: ssh: connect to host 10.0.0.12 port 22: Connection timed out',
        }),
        '',
      ),
    );
    expect(f).toEqual({
      ok: false,
      type: 'AnsibleAuthRefused',
      retryable: false,
      message: 'SSH login refused by node-1: Failed to connect to the host via ssh: ubuntu@10.0.0.11: Permission denied (publickey).',
    });
  });

  it('reports a host key that changed since the install recorded it as not retryable', () => {
    const f = failure(
      classifyExit(
        4,
        undefined,
        unreachableWith({
          'node-3': 'Failed to connect to the host via ssh: @@@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @@@ ... Host key verification failed.',
        }),
        '',
      ),
    );
    expect(f).toEqual({
      ok: false,
      type: 'AnsibleHostKeyChanged',
      retryable: false,
      message: 'the SSH host key of node-3 is not the one this install recorded for it',
    });
  });

  it('reports exit 4 without unreachable or failed hosts as an unparseable playbook, not retryable', () => {
    const f = failure(
      classifyExit(4, undefined, progress({ tasksDone: 0 }), 'ERROR! conflicting action statements: shell, command\n\nThe error appears to be in site.yml'),
    );
    expect(f).toMatchObject({ type: ANSIBLE_FAILURE.invalidPlaybook, retryable: false });
    expect(f.type).toBe('AnsiblePlaybookInvalid');
    expect(f.message).toBe(
      'the playbook or inventory could not be parsed: ERROR! conflicting action statements: shell, command  The error appears to be in site.yml',
    );
  });

  it('reports exit 5 as bad options, not retryable, with the end of stderr', () => {
    const f = failure(classifyExit(5, undefined, progress(), 'usage: ansible-playbook ...\nansible-playbook: error: unrecognized arguments: --bogus'));
    expect(f).toMatchObject({ type: ANSIBLE_FAILURE.badOptions, retryable: false });
    expect(f.message).toBe('ansible-playbook refused its options: usage: ansible-playbook ... ansible-playbook: error: unrecognized arguments: --bogus');
  });

  it('reports exit 1 as an error a person must fix, not retryable', () => {
    const f = failure(classifyExit(1, undefined, progress(), 'ERROR! the playbook: missing.yml could not be found\n'));
    expect(f).toMatchObject({ type: ANSIBLE_FAILURE.error, retryable: false });
    expect(f.type).toBe('AnsibleError');
    expect(f.message).toBe('ansible-playbook failed (exit 1): ERROR! the playbook: missing.yml could not be found');
  });

  it('reports exit 99 as a retryable interruption', () => {
    const f = failure(classifyExit(99, undefined, progress(), 'User interrupted execution'));
    expect(f).toMatchObject({ type: ANSIBLE_FAILURE.interrupted, retryable: true, message: 'ansible-playbook was interrupted' });
    expect(f.type).toBe('AnsibleInterrupted');
  });

  it('reports exit 250 as an unexpected error worth retrying', () => {
    const f = failure(classifyExit(250, undefined, progress(), 'ERROR! Unexpected Exception, this is probably a bug: boom'));
    expect(f).toMatchObject({ type: ANSIBLE_FAILURE.crashed, retryable: true });
    expect(f.message).toBe('ansible-playbook hit an unexpected error: ERROR! Unexpected Exception, this is probably a bug: boom');
  });

  it('reports any other exit code as a non-retryable error naming the code', () => {
    const f = failure(classifyExit(3, undefined, progress(), ''));
    expect(f).toMatchObject({ type: ANSIBLE_FAILURE.error, retryable: false });
    expect(f.message).toMatch(/^ansible-playbook failed \(exit 3\):/);
  });

  it('reports a process killed by a signal (no exit code) as a retryable interruption naming the signal', () => {
    const f = failure(classifyExit(undefined, 'SIGKILL', withFailedTask, STDERR));
    expect(f).toMatchObject({ type: ANSIBLE_FAILURE.interrupted, retryable: true, message: 'ansible-playbook was stopped by SIGKILL' });
    expect(failure(classifyExit(undefined, undefined, progress(), '')).message).toBe('ansible-playbook was stopped by a signal');
  });

  it('uses only the last three lines of stderr', () => {
    const stderr = Array.from({ length: 50 }, (_, i) => `stderr ${i}`).join('\n');
    expect(failure(classifyExit(1, undefined, progress(), stderr)).message).toBe('ansible-playbook failed (exit 1): stderr 47 stderr 48 stderr 49');
  });

  it('marks exactly the failures a retry can fix as retryable', () => {
    const retryable = (code: number | undefined, p = progress()) => failure(classifyExit(code, code === undefined ? 'SIGTERM' : undefined, p, '')).retryable;
    expect({
      2: retryable(2, withFailedTask),
      '4 unreachable': retryable(4, withUnreachable),
      '4 parse': retryable(4),
      5: retryable(5),
      1: retryable(1),
      99: retryable(99),
      250: retryable(250),
      signal: retryable(undefined),
    }).toEqual({
      2: true,
      '4 unreachable': true,
      '4 parse': false,
      5: false,
      1: false,
      99: true,
      250: true,
      signal: true,
    });
  });
});
