// The Worker Deployment Version a worker declares (Temporal's Worker Versioning): a deployment
// name, which turns versioning on, and a build id, given or else the workflow bundle's digest.
import type { VersioningBehavior, WorkerDeploymentVersion } from '@temporalio/common';

export const WORKER_DEPLOYMENT_ENV = 'KATONIC_WORKER_DEPLOYMENT';
export const BUILD_ID_ENV = 'KATONIC_BUILD_ID';

/**
 * How every workflow type moves between builds: to the current build at its next workflow task,
 * which replays its history, so changes stay behind patched(). Pinned, a build would run until its
 * slowest install left its approval gate, days later (docs/development.md, the table of types and
 * why). The worker's default, not each type's own declaration: with SDK 1.24 a type that declares
 * one cannot run on an unversioned worker (the server refuses its workflow tasks), and workers are
 * unversioned unless configured.
 */
export const VERSIONING_BEHAVIOR: VersioningBehavior = 'AUTO_UPGRADE';

/** The server's limit on each part is about 490 characters (limit.maxIDLength); an image tag is far shorter. */
const MAX_LENGTH = 255;

/** The default build id: two bundles that differ never share it; the same code built twice does. */
export const bundleBuildId = (bundleSha256: string): string => `bundle-${bundleSha256.slice(0, 16)}`;

/**
 * The worker's version, undefined without a deployment name (unversioned, as workers were before
 * versioning); a value the server would refuse is one line naming the variable. `defaultBuildId`
 * is called only when `KATONIC_BUILD_ID` is unset.
 */
export function workerVersion(env: Record<string, string | undefined>, defaultBuildId: () => string): WorkerDeploymentVersion | undefined {
  const deploymentName = env[WORKER_DEPLOYMENT_ENV] || undefined;
  if (deploymentName === undefined) {
    if (env[BUILD_ID_ENV]) throw new Error(`${BUILD_ID_ENV} ${env[BUILD_ID_ENV]}: set ${WORKER_DEPLOYMENT_ENV} too (a build id alone versions nothing)`);
    return undefined;
  }
  if (/[.:]/.test(deploymentName) || !validPart(deploymentName))
    throw new Error(
      `${WORKER_DEPLOYMENT_ENV} ${deploymentName}: expected a name without '.', ':' or spaces, not starting with '__', at most ${MAX_LENGTH} characters`,
    );
  const buildId = env[BUILD_ID_ENV] || defaultBuildId();
  if (!validPart(buildId))
    throw new Error(
      `${BUILD_ID_ENV} ${buildId}: expected an id without spaces, not starting with '__', at most ${MAX_LENGTH} characters, such as the image tag`,
    );
  return { deploymentName, buildId };
}

const validPart = (part: string) => !part.startsWith('__') && part.length <= MAX_LENGTH && !/\s/.test(part);
