// What the workflow hands a phase activity and what it gets back. Shared, so that the
// workflow, the activities and the status agree on one shape.
import type { HostCounts } from '../ansible/events.js';
import type { SealedValue } from '../codec/sealed-value.js';
import type { Installation } from '../spec/schema.js';

/** `Spec`: an activity that only one flow's plan runs takes that flow's spec (activities/index.ts narrows it). */
export interface PhaseInput<Spec extends Installation = Installation> {
  spec: Spec;
  /** `retry --failed-hosts`: run Ansible with `--limit` on these hosts only. */
  limitHosts?: string[];
  /** `retry --vars`: extra vars the operator changed for this phase. */
  operatorVars?: Record<string, unknown>;
  /** Kubespray's admin.conf as the kubespray phase returned it, sealed: no phase reads another's files. */
  adminConf?: SealedValue;
}

export interface PhaseResult {
  /** The activity attempt that succeeded (1 when it worked the first time). */
  attempt: number;
  summary: string;
  hosts?: HostCounts;
  tasksDone?: number;
  /** The kubespray phase: the cluster's admin.conf, sealed, for the phases after it. */
  adminConf?: SealedValue;
}
