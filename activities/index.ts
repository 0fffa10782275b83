// The activities a worker registers, bound to its configuration, under the names the flow
// plans use (lib/plan/phases.ts).
import type { PhaseInput, PhaseResult } from '../lib/install/phase-io.js';
import type { ActivityName } from '../lib/plan/phases.js';
import type { ActivityConfig } from './activity-config.js';
import { checkSpec } from './check-spec.js';
import { writeInventory } from './inventory.js';
import { runKatonicRole } from './katonic.js';
import { runKubespray } from './kubespray.js';
import { checkManagedCluster } from './managed-preflight.js';
import { preflight } from './preflight.js';
import { registeredSearchAttributes, requestCancellation } from './temporal-server.js';
import { applyStorageClasses, prepareStorageNodes } from './storage.js';
import { postTicketComment } from './ticket-comment.js';
import { verifyCluster } from './verify.js';

export type PhaseActivities = Record<ActivityName, (input: PhaseInput) => Promise<PhaseResult>>;

export function createActivities(config: ActivityConfig) {
  const phaseActivities: PhaseActivities = {
    preflight: (input) => preflight(config, input),
    checkManagedCluster: (input) => checkManagedCluster(config, input),
    writeInventory: (input) => writeInventory(config, input),
    runKubespray: (input) => runKubespray(config, input),
    prepareStorageNodes: (input) => prepareStorageNodes(config, input),
    applyStorageClasses: (input) => applyStorageClasses(config, input),
    runKatonicRole: (input) => runKatonicRole(config, input),
    verifyCluster: (input) => verifyCluster(config, input),
  };
  return { checkSpec, postTicketComment, registeredSearchAttributes, requestCancellation, ...phaseActivities };
}

export type InstallActivities = ReturnType<typeof createActivities>;
