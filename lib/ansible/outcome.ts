// What an ansible-playbook exit means for the install: success, or a typed failure. Exit codes are ansible-core's (TaskQueueManager and
// the CLI): 2 failed hosts (or, before any event, an option argparse refused), 4 unreachable hosts *or* a parser error (told apart by the
// events), 5 bad options, 1 other errors, 99 interrupted, 250 unexpected. Whether each type is
// retried is the failure catalogue's (lib/install/phase-failure.ts).
import type { PhaseFailureType } from '../install/phase-failure.js';
import type { AnsibleProgress } from './events.js';

export const ANSIBLE_FAILURE = {
  taskFailed: 'AnsibleTaskFailed',
  unreachable: 'AnsibleHostUnreachable',
  authRefused: 'AnsibleAuthRefused',
  hostKeyChanged: 'AnsibleHostKeyChanged',
  invalidPlaybook: 'AnsiblePlaybookInvalid',
  badOptions: 'AnsibleBadOptions',
  error: 'AnsibleError',
  crashed: 'AnsibleCrashed',
  interrupted: 'AnsibleInterrupted',
} as const satisfies Record<string, PhaseFailureType>;
export type AnsibleFailureType = (typeof ANSIBLE_FAILURE)[keyof typeof ANSIBLE_FAILURE];

export type AnsibleOutcome = { ok: true } | { ok: false; type: AnsibleFailureType; message: string };

function describeFailures(progress: AnsibleProgress): string {
  const first = progress.failures[0];
  if (!first) return '';
  const hosts = [...progress.failedHosts, ...progress.unreachableHosts].join(', ');
  return `task "${first.task}" failed on ${hosts}: ${first.message}`;
}

// What ssh says when trying again cannot help: the key is refused, or the host's key is not the
// one recorded for this install (a different machine answers at that address, or it was rebuilt).
const AUTH_REFUSED = /Permission denied \((publickey|password|keyboard-interactive)/;
const HOST_KEY_CHANGED = /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/;

function unreachableOutcome(progress: AnsibleProgress): AnsibleOutcome {
  const unreachable = progress.failures.filter((f) => f.unreachable);
  const hosts = (pattern: RegExp) => unreachable.filter((f) => pattern.test(f.message)).map((f) => f.host);
  const [refused, changed] = [hosts(AUTH_REFUSED), hosts(HOST_KEY_CHANGED)];
  if (changed.length)
    return {
      ok: false,
      type: ANSIBLE_FAILURE.hostKeyChanged,
      message: `the SSH host key of ${changed.join(', ')} is not the one this install recorded for it`,
    };
  if (refused.length)
    return {
      ok: false,
      type: ANSIBLE_FAILURE.authRefused,
      message: `SSH login refused by ${refused.join(', ')}: ${unreachable.find((f) => refused.includes(f.host))?.message ?? ''}`.trim(),
    };
  return {
    ok: false,
    type: ANSIBLE_FAILURE.unreachable,
    message: `hosts unreachable: ${progress.unreachableHosts.join(', ')}: ${progress.failures[0]?.message ?? ''}`.trim(),
  };
}

export function classifyExit(exitCode: number | undefined, signal: string | undefined, progress: AnsibleProgress, stderrTail: string): AnsibleOutcome {
  if (exitCode === 0) return { ok: true };
  const lastError = stderrTail.trim().split('\n').slice(-3).join(' ').trim();
  if (exitCode === undefined) {
    return { ok: false, type: ANSIBLE_FAILURE.interrupted, message: `ansible-playbook was stopped by ${signal ?? 'a signal'}` };
  }
  const hadHostFailures = progress.failedHosts.length + progress.unreachableHosts.length > 0;
  switch (exitCode) {
    case 2:
      // argparse also exits 2, on an unknown option, before any event.
      if (!progress.playbook) return { ok: false, type: ANSIBLE_FAILURE.badOptions, message: `ansible-playbook refused its options: ${lastError}` };
      return { ok: false, type: ANSIBLE_FAILURE.taskFailed, message: describeFailures(progress) || `a task failed (exit 2) ${lastError}` };
    case 4:
      if (hadHostFailures) return unreachableOutcome(progress);
      return { ok: false, type: ANSIBLE_FAILURE.invalidPlaybook, message: `the playbook or inventory could not be parsed: ${lastError}` };
    case 5:
      return { ok: false, type: ANSIBLE_FAILURE.badOptions, message: `ansible-playbook refused its options: ${lastError}` };
    case 99:
      return { ok: false, type: ANSIBLE_FAILURE.interrupted, message: 'ansible-playbook was interrupted' };
    case 250:
      return { ok: false, type: ANSIBLE_FAILURE.crashed, message: `ansible-playbook hit an unexpected error: ${lastError}` };
    default:
      // Exit 1 is Ansible's "error" (missing playbook, undefined variable, bad role path): fixing it needs a person.
      return { ok: false, type: ANSIBLE_FAILURE.error, message: `ansible-playbook failed (exit ${exitCode}): ${lastError}` };
  }
}
