// The activities a worker registers, bound to its configuration, under the names the flow
// plans use (lib/plan/phases.ts).
import type { PhaseInput, PhaseResult } from '../lib/install/phase-io.js';
import type { ActivityName } from '../lib/plan/phases.js';
import { isOnpremInstallation, type ManagedInstallation, type OnpremInstallation } from '../lib/spec/schema.js';
import type { ActivityConfig } from './activity-config.js';
import { checkSpec } from './check-spec.js';
import { createClusterActivities } from './cluster.js';
import { expectedPhases, recordPhaseDurations } from './durations.js';
import { writeInventory } from './inventory.js';
import { runKatonicRole } from './katonic.js';
import { runKubespray } from './kubespray.js';
import { gatherKubesprayFacts, runKubesprayRemoveNode, runKubesprayReset, runKubesprayScale, upgradeNode } from './kubespray-operations.js';
import { checkDrains, drainNode } from './node-drain.js';
import { checkManagedCluster } from './managed-preflight.js';
import { preflight } from './preflight.js';
import { registeredSearchAttributes, requestCancellation } from './temporal-server.js';
import { applyStorageClasses, prepareStorageNodes } from './storage.js';
import { postTicketComment } from './ticket-comment.js';
import { updateTicketStatus } from './ticket-status.js';
import { phaseFailure } from './phase-failure.js';
import { verifyCluster } from './verify.js';

export type PhaseActivities = Record<ActivityName, (input: PhaseInput) => Promise<PhaseResult>>;

// The workflow runs an activity under its name from the spec's flow plan (lib/plan/phases.ts),
// so an on-prem activity gets an on-prem spec; these say so to the type checker, once.
const wrongFlow = (activity: string, flow: string) => phaseFailure('WrongFlow', `${activity} is not an activity of the ${flow} flow`, { activity, flow });

function onpremInput(activity: ActivityName, { spec, ...rest }: PhaseInput): PhaseInput<OnpremInstallation> {
  if (!isOnpremInstallation(spec)) throw wrongFlow(activity, spec.spec.flow);
  return { ...rest, spec };
}

function managedInput(activity: ActivityName, { spec, ...rest }: PhaseInput): PhaseInput<ManagedInstallation> {
  if (isOnpremInstallation(spec)) throw wrongFlow(activity, spec.spec.flow);
  return { ...rest, spec };
}

export function createActivities(config: ActivityConfig) {
  const phaseActivities: PhaseActivities = {
    preflight: (input) => preflight(config, onpremInput('preflight', input)),
    checkManagedCluster: (input) => checkManagedCluster(config, managedInput('checkManagedCluster', input)),
    writeInventory: (input) => writeInventory(config, onpremInput('writeInventory', input)),
    runKubespray: (input) => runKubespray(config, onpremInput('runKubespray', input)),
    prepareStorageNodes: (input) => prepareStorageNodes(config, onpremInput('prepareStorageNodes', input)),
    applyStorageClasses: (input) => applyStorageClasses(config, input),
    runKatonicRole: (input) => runKatonicRole(config, input),
    verifyCluster: (input) => verifyCluster(config, input),
    gatherKubesprayFacts: (input) => gatherKubesprayFacts(config, onpremInput('gatherKubesprayFacts', input)),
    runKubesprayScale: (input) => runKubesprayScale(config, onpremInput('runKubesprayScale', input)),
    drainNode: (input) => drainNode(config, input),
    runKubesprayRemoveNode: (input) => runKubesprayRemoveNode(config, onpremInput('runKubesprayRemoveNode', input)),
    checkDrains: (input) => checkDrains(config, input),
    upgradeNode: (input) => upgradeNode(config, onpremInput('upgradeNode', input)),
    runKubesprayReset: (input) => runKubesprayReset(config, onpremInput('runKubesprayReset', input)),
    removeKatonic: (input) => runKatonicRole(config, input, 'remove-katonic'),
  };
  return {
    checkSpec,
    postTicketComment,
    updateTicketStatus,
    registeredSearchAttributes,
    requestCancellation,
    expectedPhases,
    recordPhaseDurations,
    ...phaseActivities,
    ...createClusterActivities(config),
  };
}

export type InstallActivities = ReturnType<typeof createActivities>;
