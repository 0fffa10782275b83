// The phases of each flow, in the order they run (see the product contract).
export const FLOW_PHASES = {
  onprem: ['preflight', 'inventory', 'kubespray', 'storage', 'katonic', 'verify'],
  aks: ['preflight', 'storage-classes', 'katonic', 'verify'],
  eks: ['preflight', 'storage-classes', 'katonic', 'verify'],
} as const;

export type Flow = keyof typeof FLOW_PHASES;
export type PhaseName = (typeof FLOW_PHASES)[Flow][number];

export function phasesOf(flow: Flow): readonly PhaseName[] {
  return FLOW_PHASES[flow];
}

/** Phases a resumed install runs again even when their inputs did not change: they change nothing, and the cluster may have. */
export const ALWAYS_RERUN: readonly PhaseName[] = ['verify'];
