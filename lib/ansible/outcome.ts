// What an ansible-playbook exit means for the install: success, or a typed failure that
// says whether trying again can help. Exit codes are ansible-core's (TaskQueueManager and
// the CLI): 2 failed hosts (or, before any event, an option argparse refused), 4 unreachable hosts *or* a parser error (told apart by the
// events), 5 bad options, 1 other errors, 99 interrupted, 250 unexpected.
import type { AnsibleProgress } from './events.js';

export const ANSIBLE_FAILURE = {
  taskFailed: 'AnsibleTaskFailed',
  unreachable: 'AnsibleHostUnreachable',
  invalidPlaybook: 'AnsiblePlaybookInvalid',
  badOptions: 'AnsibleBadOptions',
  error: 'AnsibleError',
  interrupted: 'AnsibleInterrupted',
} as const;
export type AnsibleFailureType = (typeof ANSIBLE_FAILURE)[keyof typeof ANSIBLE_FAILURE];

export type AnsibleOutcome = { ok: true } | { ok: false; type: AnsibleFailureType; retryable: boolean; message: string };

function describeFailures(progress: AnsibleProgress): string {
  const first = progress.failures[0];
  if (!first) return '';
  const hosts = [...progress.failedHosts, ...progress.unreachableHosts].join(', ');
  return `task "${first.task}" failed on ${hosts}: ${first.message}`;
}

export function classifyExit(exitCode: number | undefined, signal: string | undefined, progress: AnsibleProgress, stderrTail: string): AnsibleOutcome {
  if (exitCode === 0) return { ok: true };
  const lastError = stderrTail.trim().split('\n').slice(-3).join(' ').trim();
  if (exitCode === undefined) {
    return { ok: false, type: ANSIBLE_FAILURE.interrupted, retryable: true, message: `ansible-playbook was stopped by ${signal ?? 'a signal'}` };
  }
  const hadHostFailures = progress.failedHosts.length + progress.unreachableHosts.length > 0;
  switch (exitCode) {
    case 2:
      // argparse also exits 2, on an unknown option, before any event.
      if (!progress.playbook) return { ok: false, type: ANSIBLE_FAILURE.badOptions, retryable: false, message: `ansible-playbook refused its options: ${lastError}` };
      return { ok: false, type: ANSIBLE_FAILURE.taskFailed, retryable: true, message: describeFailures(progress) || `a task failed (exit 2) ${lastError}` };
    case 4:
      if (hadHostFailures) return { ok: false, type: ANSIBLE_FAILURE.unreachable, retryable: true, message: `hosts unreachable: ${progress.unreachableHosts.join(', ')}: ${progress.failures[0]?.message ?? ''}`.trim() };
      return { ok: false, type: ANSIBLE_FAILURE.invalidPlaybook, retryable: false, message: `the playbook or inventory could not be parsed: ${lastError}` };
    case 5:
      return { ok: false, type: ANSIBLE_FAILURE.badOptions, retryable: false, message: `ansible-playbook refused its options: ${lastError}` };
    case 99:
      return { ok: false, type: ANSIBLE_FAILURE.interrupted, retryable: true, message: 'ansible-playbook was interrupted' };
    case 250:
      return { ok: false, type: ANSIBLE_FAILURE.error, retryable: true, message: `ansible-playbook hit an unexpected error: ${lastError}` };
    default:
      // Exit 1 is Ansible's "error" (missing playbook, undefined variable, bad role path): fixing it needs a person.
      return { ok: false, type: ANSIBLE_FAILURE.error, retryable: false, message: `ansible-playbook failed (exit ${exitCode}): ${lastError}` };
  }
}
