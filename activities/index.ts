// The activities a worker registers, bound to its configuration.
import type { PhaseInput } from '../lib/install/phase-io.js';
import type { ActivityConfig } from './activity-config.js';
import { checkSpec } from './check-spec.js';
import { writeInventory } from './inventory.js';
import { runKatonicRole } from './katonic.js';
import { runKubespray } from './kubespray.js';
import { preflight } from './preflight.js';
import { applyStorageClasses, prepareStorageNodes } from './storage.js';
import { verifyCluster } from './verify.js';

export function createActivities(config: ActivityConfig) {
  return {
    checkSpec,
    preflight: (input: PhaseInput) => preflight(config, input),
    writeInventory: (input: PhaseInput) => writeInventory(config, input),
    runKubespray: (input: PhaseInput) => runKubespray(config, input),
    prepareStorageNodes: (input: PhaseInput) => prepareStorageNodes(config, input),
    applyStorageClasses: (input: PhaseInput) => applyStorageClasses(config, input),
    runKatonicRole: (input: PhaseInput) => runKatonicRole(config, input),
    verifyCluster: (input: PhaseInput) => verifyCluster(config, input),
  };
}

export type InstallActivities = ReturnType<typeof createActivities>;
