// One plan per flow (see the product contract's phases): for each phase, in the order they
// run, the activities it runs, whether `retry --failed-hosts` applies, and whether a resumed
// install runs it again. The workflow, `kinstall plan`, `status` and the retry validator read
// this table and nothing else.

/** The activities a phase is made of (the worker registers them under these names). */
export type ActivityName =
  'preflight' | 'checkManagedCluster' | 'writeInventory' | 'runKubespray' | 'prepareStorageNodes' | 'applyStorageClasses' | 'runKatonicRole' | 'verifyCluster';

export interface PlannedStep {
  activity: ActivityName;
  /** The activity's start-to-close timeout: Ansible against a whole cluster may take hours. */
  timeout: '10m' | '4h';
}

interface Phase<Name extends string = string> {
  name: Name;
  steps: readonly PlannedStep[];
  /** `retry --failed-hosts`: 'limit' runs the phase's playbook with --limit; otherwise why it is refused. */
  failedHosts: 'limit' | { refused: string };
  /** On resume: skipped when it finished with the same inputs, or run again (it only reads, and the cluster may have changed). */
  onResume: 'skip-if-unchanged' | 'run-again';
  /** What it hands on to later phases (in the status's hand-offs): a resume skips it only when the earlier run kept that. */
  handsOn?: 'adminConf';
}

const quick = (activity: ActivityName): PlannedStep => ({ activity, timeout: '10m' });
const long = (activity: ActivityName): PlannedStep => ({ activity, timeout: '4h' });
const LIMIT = 'limit' as const;
const refused = (why: string) => ({ refused: why });

const ONPREM = [
  { name: 'preflight', steps: [quick('preflight')], failedHosts: LIMIT, onResume: 'skip-if-unchanged' },
  {
    name: 'inventory',
    steps: [quick('writeInventory')],
    failedHosts: refused('the inventory phase writes files on the controller; it has no hosts to limit'),
    onResume: 'skip-if-unchanged',
  },
  { name: 'kubespray', steps: [long('runKubespray')], failedHosts: LIMIT, onResume: 'skip-if-unchanged', handsOn: 'adminConf' },
  // The node playbook takes --limit; the StorageClasses after it are cluster objects, applied whole.
  { name: 'storage', steps: [quick('prepareStorageNodes'), quick('applyStorageClasses')], failedHosts: LIMIT, onResume: 'skip-if-unchanged' },
  {
    name: 'katonic',
    steps: [long('runKatonicRole')],
    failedHosts: refused('the Katonic role runs once against the cluster API from the controller'),
    onResume: 'skip-if-unchanged',
  },
  // long: verify waits through the cluster's settle window (spec.verify.settleTimeout).
  { name: 'verify', steps: [long('verifyCluster')], failedHosts: refused('verify reads the whole cluster through its API'), onResume: 'run-again' },
] as const satisfies readonly Phase[];

// AKS and EKS: the cluster exists; every phase talks to its API (katonic through the role, from the controller).
const MANAGED = [
  {
    name: 'preflight',
    steps: [quick('checkManagedCluster')],
    failedHosts: refused('the managed preflight reads the cluster through its API; it has no hosts to limit'),
    onResume: 'run-again',
  },
  {
    name: 'storage-classes',
    steps: [quick('applyStorageClasses')],
    failedHosts: refused('storage classes are cluster objects, not per host'),
    onResume: 'skip-if-unchanged',
  },
  {
    name: 'katonic',
    steps: [long('runKatonicRole')],
    failedHosts: refused('the Katonic role runs once against the cluster API from the controller'),
    onResume: 'skip-if-unchanged',
  },
  // long: verify waits through the cluster's settle window (spec.verify.settleTimeout).
  { name: 'verify', steps: [long('verifyCluster')], failedHosts: refused('verify reads the whole cluster through its API'), onResume: 'run-again' },
] as const satisfies readonly Phase[];

export const FLOW_PLANS = { onprem: ONPREM, aks: MANAGED, eks: MANAGED } as const;

export type Flow = keyof typeof FLOW_PLANS;
export type PhaseName = (typeof FLOW_PLANS)[Flow][number]['name'];
export type PhasePlan = Phase<PhaseName>;

export const isFlow = (value: unknown): value is Flow => typeof value === 'string' && Object.hasOwn(FLOW_PLANS, value);

export function planOf(flow: Flow): readonly PhasePlan[] {
  return FLOW_PLANS[flow];
}

export function phasesOf(flow: Flow): PhaseName[] {
  return planOf(flow).map((p) => p.name);
}

export function phasePlan(flow: Flow, phase: PhaseName): PhasePlan | undefined {
  return planOf(flow).find((p) => p.name === phase);
}
