// Every failure an activity raises, in one table: its type (the ApplicationFailure's type, what
// the status and the ticket notes show), whether trying again can help, what it means, and the
// keys of its details. Whether a failure is retried is decided here and nowhere else.
//
// The contract with the workflow: `details[0]` is one object. `attempt` (the activity's attempt
// that failed), `adminConf` (kubespray's, handed on), `failedHosts`, `unreachableHosts` and
// `failures` (Ansible's) have their own places in the status; every other key is copied into
// the phase's `error.details`. The on-prem preflight's report is `report` (the nodes); the
// rows of the seed's other requirements are `findings` in both flows (the managed preflight's
// whole table; on-prem, the FQDN), so a reader needs no flow.
//
// Pure: activities build their failures through activities/phase-failure.ts; workflow code
// imports this file for its types only.
import { ApplicationFailure } from '@temporalio/common';
import type { TaskFailure } from '../ansible/events.js';
import type { BudgetBlocker } from '../cluster/disruption-budgets.js';
import type { SealedValue } from '../codec/sealed-value.js';
import type { Finding as AnyFinding } from '../checks/finding.js';
import type { Finding } from '../preflight/managed-rules.js';
import type { PreflightReport } from '../preflight/requirements.js';
import type { SpecError } from '../spec/validate.js';
import type { StorageClassConflict } from '../storage/storage-class-check.js';

/** What an Ansible run that failed tells: bounded, no secrets. */
export interface AnsibleDetails {
  failedHosts: string[];
  unreachableHosts: string[];
  failures: TaskFailure[];
}

/** An API call that failed: which kubeconfig (its reference, never its content), what was asked, and the HTTP status when there was an answer. */
export interface KubernetesDetails {
  kubeconfig: string;
  request: string;
  status?: number;
}

/** A ticket system's answer to a comment or a status update. */
export interface TicketDetails {
  system: string;
  status?: number;
}

/** The details of each failure type. */
export interface PhaseFailureDetails {
  InvalidSpec: { errors: SpecError[] };
  WrongFlow: { activity: string; flow: string };
  InventoryChanged: { handedOn: string; rendered: string };
  SecretMissing: { reference: string };
  KatonicRoleNotFound: { roleDir: string };
  KubesprayNotFound: { dir: string };
  KubeconfigMissing: Record<never, never>;
  KubeconfigInvalid: { kubeconfig: string };
  KubeconfigCredentialFailed: { kubeconfig: string; command: string };
  KubernetesAccessDenied: KubernetesDetails;
  KubernetesServerUntrusted: KubernetesDetails;
  KubernetesNotFound: KubernetesDetails;
  KubernetesConflict: KubernetesDetails;
  KubernetesObjectInvalid: KubernetesDetails;
  KubernetesRequestRefused: KubernetesDetails;
  KubernetesUnavailable: KubernetesDetails;
  PreflightFailed: { failedHosts: string[]; report: { hosts: PreflightReport['hosts']; kubespray?: string }; findings: AnyFinding[] } | { findings: Finding[] };
  StorageClassConflict: { conflicts: StorageClassConflict[] };
  MeshNotFound: { problem: string };
  /** settleSeconds: the cluster's objects were not as expected at the end of the settle window; findings: a check after it failed. */
  VerifyFailed: { problems: string[]; settleSeconds?: number; findings?: AnyFinding[] };
  DrainBlocked: { node: string; timeoutSeconds: number; blockers: BudgetBlocker[]; pods: string[] };
  DrainTimedOut: { node: string; timeoutSeconds: number; pods: string[] };
  AnsibleNotStarted: { command: string };
  AnsibleTaskFailed: AnsibleDetails;
  AnsibleHostUnreachable: AnsibleDetails;
  AnsibleAuthRefused: AnsibleDetails;
  AnsibleHostKeyChanged: AnsibleDetails;
  AnsiblePlaybookInvalid: AnsibleDetails;
  AnsibleBadOptions: AnsibleDetails;
  AnsibleError: AnsibleDetails;
  AnsibleCrashed: AnsibleDetails;
  AnsibleInterrupted: AnsibleDetails;
  TicketCommentRefused: TicketDetails;
  TicketStatusRefused: TicketDetails;
  TicketSystemUnavailable: TicketDetails;
}

export type PhaseFailureType = keyof PhaseFailureDetails;

/** What every failure may carry besides its own details. */
export interface CommonDetails {
  /** The activity's attempt that failed (absent when raised outside an activity). */
  attempt?: number;
  /** Kubespray's admin.conf, sealed, when its run wrote one before it failed. */
  adminConf?: SealedValue;
}

export type DetailsOf<T extends PhaseFailureType> = PhaseFailureDetails[T] & CommonDetails;

export interface PhaseFailureEntry<T extends PhaseFailureType> {
  retryable: boolean;
  meaning: string;
  /** The keys of its details (besides the common ones): the lead's and the docs' list, checked by the tests. */
  details: readonly DetailKey<T>[];
}

// Every key of every member of a union (PreflightFailed's two shapes).
type DetailKey<T extends PhaseFailureType> = PhaseFailureDetails[T] extends infer D ? (D extends unknown ? keyof D : never) : never;

const ANSIBLE_KEYS = ['failedHosts', 'unreachableHosts', 'failures'] as const;
const KUBERNETES_KEYS = ['kubeconfig', 'request', 'status'] as const;
const TICKET_KEYS = ['system', 'status'] as const;

export const PHASE_FAILURES: { readonly [T in PhaseFailureType]: PhaseFailureEntry<T> } = {
  InvalidSpec: { retryable: false, meaning: 'the spec is not valid, or lacks what this phase needs', details: ['errors'] },
  InventoryChanged: {
    retryable: false,
    meaning: 'this worker renders another inventory than the inventory phase wrote (workers of two versions): run the inventory phase again',
    details: ['handedOn', 'rendered'],
  },
  WrongFlow: { retryable: false, meaning: "an activity was run for another flow than its plan's (a bug: the plan decides)", details: ['activity', 'flow'] },
  SecretMissing: { retryable: false, meaning: 'a secret reference does not resolve on the worker (variable unset, file unreadable)', details: ['reference'] },
  KatonicRoleNotFound: { retryable: false, meaning: 'spec.katonic.roleDir is not a role directory', details: ['roleDir'] },
  KubesprayNotFound: { retryable: false, meaning: 'spec.onprem.kubespray.dir has no cluster.yml', details: ['dir'] },
  KubeconfigMissing: { retryable: false, meaning: 'no admin.conf was handed on by the kubespray phase (run it again)', details: [] },
  KubeconfigInvalid: { retryable: false, meaning: 'the managed kubeconfig is not a usable kubeconfig', details: ['kubeconfig'] },
  KubeconfigCredentialFailed: { retryable: false, meaning: "the kubeconfig's exec credential plugin gave no credential", details: ['kubeconfig', 'command'] },
  KubernetesAccessDenied: { retryable: false, meaning: 'the API server refused the credentials (401) or an operation (403)', details: KUBERNETES_KEYS },
  KubernetesServerUntrusted: { retryable: false, meaning: "the API server's TLS certificate is not the one the kubeconfig trusts", details: KUBERNETES_KEYS },
  // The reads that expect absence handle 404 themselves: one that reaches here is a kind this
  // cluster does not serve, or a namespace that is not there, which a minute will not change.
  KubernetesNotFound: { retryable: false, meaning: 'the API server has no such resource (404)', details: KUBERNETES_KEYS },
  // Server-side apply is forced, so a 409 is not a field-manager conflict but a write that raced
  // another (a stale resourceVersion, an object being deleted): the next attempt applies again.
  KubernetesConflict: { retryable: true, meaning: 'the API server refused a write that raced another (409)', details: KUBERNETES_KEYS },
  KubernetesObjectInvalid: {
    retryable: false,
    meaning: 'the API server refused an object as invalid (422): the same object is refused again',
    details: KUBERNETES_KEYS,
  },
  KubernetesRequestRefused: { retryable: false, meaning: 'the API server refused the request (another 4xx)', details: KUBERNETES_KEYS },
  KubernetesUnavailable: {
    retryable: true,
    meaning: 'the API server did not serve the request (429, 5xx, an expired list, a timeout or a connection error)',
    details: KUBERNETES_KEYS,
  },
  PreflightFailed: {
    retryable: false,
    meaning: 'the nodes or the cluster do not meet the requirements, or the FQDN does not resolve',
    details: ['failedHosts', 'report', 'findings'],
  },
  StorageClassConflict: { retryable: false, meaning: 'an existing StorageClass differs in a field that cannot be changed', details: ['conflicts'] },
  MeshNotFound: {
    retryable: false,
    meaning: 'spec.katonic.mesh.mode is existing and the cluster runs no ready istiod to join (or several revisions and none named)',
    details: ['problem'],
  },
  VerifyFailed: {
    retryable: false,
    meaning: 'the cluster was not as expected at the end of its settle window, or a check of its front door, mesh or storage failed',
    details: ['problems', 'settleSeconds', 'findings'],
  },
  // Both had the drain's whole timeout: another attempt would wait the same way until a person
  // changes something (a budget, a replica count, a stuck finalizer).
  DrainBlocked: {
    retryable: false,
    meaning: "PodDisruptionBudgets refused evicting a node's pods for the drain's whole timeout (the node stays cordoned)",
    details: ['node', 'timeoutSeconds', 'blockers', 'pods'],
  },
  DrainTimedOut: {
    retryable: false,
    meaning: "a drained node's evicted pods were still terminating at the end of its timeout (the node stays cordoned)",
    details: ['node', 'timeoutSeconds', 'pods'],
  },
  AnsibleNotStarted: { retryable: false, meaning: 'ansible-playbook could not be started on the worker', details: ['command'] },
  AnsibleTaskFailed: { retryable: true, meaning: 'a task failed on some hosts (exit 2)', details: ANSIBLE_KEYS },
  AnsibleHostUnreachable: { retryable: true, meaning: 'some hosts could not be reached (exit 4)', details: ANSIBLE_KEYS },
  AnsibleAuthRefused: { retryable: false, meaning: 'SSH refused the login: another try uses the same key', details: ANSIBLE_KEYS },
  AnsibleHostKeyChanged: { retryable: false, meaning: "a host's SSH key is not the one this install recorded", details: ANSIBLE_KEYS },
  AnsiblePlaybookInvalid: { retryable: false, meaning: 'the playbook or inventory could not be parsed (exit 4 without host failures)', details: ANSIBLE_KEYS },
  AnsibleBadOptions: { retryable: false, meaning: 'ansible-playbook refused its options (exit 5, or 2 before any event)', details: ANSIBLE_KEYS },
  AnsibleError: {
    retryable: false,
    meaning: "Ansible's own error (exit 1: a missing file, an undefined variable): a person must fix it",
    details: ANSIBLE_KEYS,
  },
  AnsibleCrashed: { retryable: true, meaning: 'ansible-playbook hit an unexpected exception (exit 250)', details: ANSIBLE_KEYS },
  AnsibleInterrupted: { retryable: true, meaning: 'ansible-playbook was interrupted or killed by a signal', details: ANSIBLE_KEYS },
  TicketCommentRefused: { retryable: false, meaning: 'the ticket system refused the comment (400, 401, 403, 404)', details: TICKET_KEYS },
  TicketStatusRefused: { retryable: false, meaning: "the ticket system refused the install's live status (400, 401, 403, 404)", details: TICKET_KEYS },
  TicketSystemUnavailable: { retryable: true, meaning: 'the ticket system did not take the comment or the status (5xx, 429, no answer)', details: TICKET_KEYS },
};

export const isPhaseFailureType = (type: unknown): type is PhaseFailureType => typeof type === 'string' && Object.hasOwn(PHASE_FAILURES, type);

/** The failure of `type`, retryable as the table says; `details` becomes `details[0]`. */
export function phaseFailureOf<T extends PhaseFailureType>(type: T, message: string, details: DetailsOf<T>): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: !PHASE_FAILURES[type].retryable, details: [details] });
}
