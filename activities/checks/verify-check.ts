// A check verify runs once the cluster has settled (activities/verify.ts): it looks at one of
// the seed's requirements from outside (the front door, the mesh, storage that binds) and
// reports findings; a check the spec turned off reports itself skipped, never ok.
import type { Finding } from '../../lib/checks/finding.js';
import type { PhaseInput } from '../../lib/install/phase-io.js';
import type { VerifySettings } from '../../lib/spec/verify-settings.js';
import type { ActivityConfig } from '../activity-config.js';
import type { ClusterApi } from '../kubernetes/cluster-kubeconfig.js';

export interface VerifyCheckContext {
  config: ActivityConfig;
  input: PhaseInput;
  cluster: ClusterApi;
  settings: VerifySettings;
  /** Shows what the check is waiting for (the phase's heartbeat). */
  progress(task: string): void;
}

export type VerifyCheck = (ctx: VerifyCheckContext) => Promise<Finding[]>;
