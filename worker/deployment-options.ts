// The worker's Worker Deployment Version (lib/temporal/worker-version.ts) from its environment,
// and the Worker options that declare it. Unversioned (no KATONIC_WORKER_DEPLOYMENT), a worker
// is what it was before versioning: any worker on the task queue takes any task.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { WorkerDeploymentVersion } from '@temporalio/common';
import type { WorkerOptions } from '@temporalio/worker';
import { bundleBuildId, VERSIONING_BEHAVIOR, workerVersion } from '../lib/temporal/worker-version.js';
import { WORKFLOW_BUNDLE } from './paths.js';

/** The version this process's environment declares; the default build id is the digest of the bundle it runs. */
export function workerVersionFromEnv(): WorkerDeploymentVersion | undefined {
  return workerVersion(process.env, () => bundleBuildId(createHash('sha256').update(readFileSync(WORKFLOW_BUNDLE)).digest('hex')));
}

/** Worker.create's options for `version`; none when unversioned. */
export function workerDeploymentOptions(version: WorkerDeploymentVersion | undefined): WorkerOptions['workerDeploymentOptions'] {
  return version && { useWorkerVersioning: true, version, defaultVersioningBehavior: VERSIONING_BEHAVIOR };
}
