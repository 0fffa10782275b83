// One plan per flow (see the product contract's phases): for each phase, in the order they
// run, the activities it runs (each with its timeout and retry policy), whether `retry --failed-hosts` applies, and whether a resumed
// install runs it again. The workflow, `kinstall plan`, `status` and the retry validator read
// this table and nothing else.
import type { RetryPolicy } from '@temporalio/common';
import type { Handoffs } from '../install/phase-io.js';

/** The activities a phase is made of (the worker registers them under these names). */
export type ActivityName =
  | 'preflight'
  | 'checkManagedCluster'
  | 'writeInventory'
  | 'runKubespray'
  | 'prepareStorageNodes'
  | 'applyStorageClasses'
  | 'runKatonicRole'
  | 'verifyCluster'
  // day 2 (lib/plan/operation-plans.ts)
  | 'gatherKubesprayFacts'
  | 'runKubesprayScale'
  | 'drainNode'
  | 'runKubesprayRemoveNode'
  | 'checkDrains'
  | 'upgradeNode'
  | 'runKubesprayReset'
  | 'removeKatonic';

/** How often, and how far apart, a step's activity is tried before the phase waits for an operator. */
export type StepRetry = Required<Pick<RetryPolicy, 'initialInterval' | 'backoffCoefficient' | 'maximumInterval' | 'maximumAttempts'>>;

export interface PlannedStep {
  activity: ActivityName;
  /** The activity's start-to-close timeout: Ansible against a whole cluster may take hours. */
  timeout: '10m' | '4h';
  /** Only failures the catalogue calls retryable (lib/install/phase-failure.ts) are tried again. */
  retry: StepRetry;
  /**
   * It runs ansible-playbook: a CPU and half a GiB for minutes to hours. Such steps wait for one
   * of a worker's few Ansible slots, on a task queue of their own (workflows/phase-steps.ts,
   * worker/create-worker.ts); every other step starts at once beside them.
   */
  runsAnsible: boolean;
}

/**
 * What a day-2 operation's phase acts on (lib/plan/operation-plans.ts): the hosts its playbook is
 * limited to, the node it drains or upgrades, the versions it brings. Install phases have none.
 */
export interface PhaseTarget {
  /** Ansible's --limit. */
  limit?: string[];
  node?: string;
  kubeVersion?: string;
  /** The Kubespray checkout a hop of an upgrade runs from (else spec.onprem.kubespray.dir). */
  kubesprayDir?: string;
  /** Nodes verify expects gone (after remove-node). */
  absentNodes?: string[];
}

export interface Phase<Name extends string = string> {
  name: Name;
  target?: PhaseTarget;
  steps: readonly PlannedStep[];
  /** `retry --failed-hosts`: 'limit' runs the phase's playbook with --limit; otherwise why it is refused. */
  failedHosts: 'limit' | { refused: string };
  /** On resume: skipped when it finished with the same inputs, or run again (it only reads, and the cluster may have changed). */
  onResume: 'skip-if-unchanged' | 'run-again';
  /** What it hands on to later phases (in the status's hand-offs): a resume skips it only when the earlier run kept that. */
  handsOn?: keyof Handoffs;
}

// A playbook run takes minutes to hours and a failed one has usually met something a person
// must look at (a package mirror down, a host gone): a few tries, spaced out, then the operator.
const ANSIBLE_RETRY: StepRetry = { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 3 };
// Calls to the Kubernetes API take seconds; what fails them for a while is an API server that
// restarts (an upgrade, an etcd leader election, a load balancer's health check): more tries,
// sooner, covering about a minute and a half of waiting (1+2+4+8+16+30+30 s).
const API_RETRY: StepRetry = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 8 };
// Files written on the worker: a failure is the disk's, rarely gone in a second try.
const LOCAL_RETRY: StepRetry = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 3 };

const step = (activity: ActivityName, timeout: PlannedStep['timeout'], retry: StepRetry, runsAnsible = false): PlannedStep => ({
  activity,
  timeout,
  retry,
  runsAnsible,
});
/** A step that runs a playbook: the one place a step is said to run Ansible. */
export const playbook = (activity: ActivityName, timeout: PlannedStep['timeout']) => step(activity, timeout, ANSIBLE_RETRY, true);
export const api = (activity: ActivityName, timeout: PlannedStep['timeout']) => step(activity, timeout, API_RETRY);

/** The most attempts a step's policy makes: the workflow's count when a failure does not carry its attempt (a timeout). */
export const maximumAttemptsOf = (planned: PlannedStep): number => planned.retry.maximumAttempts;
export const LIMIT = 'limit' as const;
export const refused = (why: string) => ({ refused: why });

const ONPREM = [
  { name: 'preflight', steps: [playbook('preflight', '10m')], failedHosts: LIMIT, onResume: 'skip-if-unchanged' },
  {
    name: 'inventory',
    steps: [step('writeInventory', '10m', LOCAL_RETRY)],
    failedHosts: refused('the inventory phase writes files on the controller; it has no hosts to limit'),
    onResume: 'skip-if-unchanged',
    handsOn: 'inventoryDigest',
  },
  { name: 'kubespray', steps: [playbook('runKubespray', '4h')], failedHosts: LIMIT, onResume: 'skip-if-unchanged', handsOn: 'adminConf' },
  // The node playbook takes --limit; the StorageClasses after it are cluster objects, applied whole.
  { name: 'storage', steps: [playbook('prepareStorageNodes', '10m'), api('applyStorageClasses', '10m')], failedHosts: LIMIT, onResume: 'skip-if-unchanged' },
  {
    name: 'katonic',
    steps: [playbook('runKatonicRole', '4h')],
    failedHosts: refused('the Katonic role runs once against the cluster API from the controller'),
    onResume: 'skip-if-unchanged',
  },
  // long: verify waits through the cluster's settle window (spec.verify.settleTimeout).
  { name: 'verify', steps: [api('verifyCluster', '4h')], failedHosts: refused('verify reads the whole cluster through its API'), onResume: 'run-again' },
] as const satisfies readonly Phase[];

// AKS and EKS: the cluster exists; every phase talks to its API (katonic through the role, from the controller).
const MANAGED = [
  {
    name: 'preflight',
    steps: [api('checkManagedCluster', '10m')],
    failedHosts: refused('the managed preflight reads the cluster through its API; it has no hosts to limit'),
    onResume: 'run-again',
  },
  {
    name: 'storage-classes',
    steps: [api('applyStorageClasses', '10m')],
    failedHosts: refused('storage classes are cluster objects, not per host'),
    onResume: 'skip-if-unchanged',
  },
  {
    name: 'katonic',
    steps: [playbook('runKatonicRole', '4h')],
    failedHosts: refused('the Katonic role runs once against the cluster API from the controller'),
    onResume: 'skip-if-unchanged',
  },
  // long: verify waits through the cluster's settle window (spec.verify.settleTimeout).
  { name: 'verify', steps: [api('verifyCluster', '4h')], failedHosts: refused('verify reads the whole cluster through its API'), onResume: 'run-again' },
] as const satisfies readonly Phase[];

export const FLOW_PLANS = { onprem: ONPREM, aks: MANAGED, eks: MANAGED } as const;

export type Flow = keyof typeof FLOW_PLANS;
export type PhaseName = (typeof FLOW_PLANS)[Flow][number]['name'];
export type PhasePlan = Phase<PhaseName>;

/** A phase of any run: an install's (named after its flow's plan) or a day-2 operation's (named per node, per hop). */
export type PlannedPhase = Phase;

export const isFlow = (value: unknown): value is Flow => typeof value === 'string' && Object.hasOwn(FLOW_PLANS, value);

export function planOf(flow: Flow): readonly PhasePlan[] {
  return FLOW_PLANS[flow];
}

export function phasesOf(flow: Flow): PhaseName[] {
  return planOf(flow).map((p) => p.name);
}

export function phasePlan(flow: Flow, phase: string): PhasePlan | undefined {
  return planOf(flow).find((p) => p.name === phase);
}
