// What the workflow hands a phase activity and what it gets back. Shared, so that the
// workflow, the activities and the status agree on one shape.
import type { HostCounts } from '../ansible/events.js';
import type { SealedValue } from '../codec/sealed-value.js';
import type { PhaseTarget } from '../plan/phases.js';
import type { Installation } from '../spec/schema.js';

/** `Spec`: an activity that only one flow's plan runs takes that flow's spec (activities/index.ts narrows it). */
/**
 * What phases hand on to later ones, through the workflow (no phase reads another's files):
 * returned by the phase that makes it, kept in the status, passed to every phase after it.
 */
export interface Handoffs {
  /** Kubespray's admin.conf, sealed: storage, katonic and verify reach the cluster with it. */
  adminConf?: SealedValue;
  /** The inventory phase's digest of what it rendered (lib/inventory/render.ts): the later Ansible phases render the same or refuse to run. */
  inventoryDigest?: string;
  /** An upgrade's drain check: the nodes cordoned before it changed anything, which its node phases leave cordoned (the others they uncordon). */
  cordonedBefore?: string[];
  /** The managed preflight's reading of an EKS cluster: Auto Mode's nodes (lib/managed/clouds.ts), whose kdisk is on Auto Mode's EBS driver. */
  eksAutoMode?: boolean;
}

export interface PhaseInput<Spec extends Installation = Installation> extends Handoffs {
  spec: Spec;
  /** `retry --failed-hosts`: run Ansible with `--limit` on these hosts only. */
  limitHosts?: string[];
  /** `retry --vars`: extra vars the operator changed for this phase. */
  operatorVars?: Record<string, unknown>;
  /** A day-2 operation's phase: what it acts on (the node, the version, the checkout). */
  target?: PhaseTarget;
  /** Verify checks the seed's requirements from outside (patch seed-checks); a run from before verifies the cluster's objects only. */
  seedChecks?: boolean;
}

export interface PhaseResult extends Handoffs {
  /** The activity attempt that succeeded (1 when it worked the first time). */
  attempt: number;
  summary: string;
  hosts?: HostCounts;
  tasksDone?: number;
}
