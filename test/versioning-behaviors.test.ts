// Worker Versioning's settings, without a server: the table of docs/development.md decides for
// every workflow type the worker registers what the worker declares, and the worker's version is
// read from its environment as docs/production.md says (the e2e of a rollout:
// test/e2e-worker-versioning.test.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD_ID_ENV, bundleBuildId, VERSIONING_BEHAVIOR, WORKER_DEPLOYMENT_ENV, workerVersion } from '../lib/temporal/worker-version.js';
import { workerDeploymentOptions } from '../worker/deployment-options.js';
import * as workflows from '../workflows/index.js';
import { REPO_ROOT } from './support/repo.js';

const noDefault = () => {
  throw new Error('the default build id was asked for');
};

describe('versioning behaviors', () => {
  it("docs/development.md's table decides for every workflow type the worker registers what the worker declares", () => {
    const text = readFileSync(join(REPO_ROOT, 'docs', 'development.md'), 'utf8');
    const rows = [...text.matchAll(/^\| `(\w+)` \| (PINNED|AUTO_UPGRADE) \|/gm)].map((m) => [m[1], m[2]]);
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(Object.keys(workflows).map((type) => [type, VERSIONING_BEHAVIOR])));
  });
});

describe("the worker's version (KATONIC_WORKER_DEPLOYMENT, KATONIC_BUILD_ID)", () => {
  it('is none without a deployment name: the worker is unversioned, as before', () => {
    expect(workerVersion({}, noDefault)).toBeUndefined();
    expect(workerDeploymentOptions(undefined)).toBeUndefined();
  });

  it('takes the build id given, else the default', () => {
    expect(workerVersion({ [WORKER_DEPLOYMENT_ENV]: 'katonic-installer', [BUILD_ID_ENV]: '0.2.0' }, noDefault)).toEqual({
      deploymentName: 'katonic-installer',
      buildId: '0.2.0',
    });
    const version = workerVersion({ [WORKER_DEPLOYMENT_ENV]: 'katonic-installer' }, () => bundleBuildId('ab'.repeat(32)));
    expect(version).toEqual({ deploymentName: 'katonic-installer', buildId: 'bundle-abababababababab' });
    expect(workerDeploymentOptions(version)).toEqual({ useWorkerVersioning: true, version, defaultVersioningBehavior: 'AUTO_UPGRADE' });
  });

  it.each([
    ['a build id alone', { [BUILD_ID_ENV]: '0.2.0' }, `${BUILD_ID_ENV} 0.2.0: set ${WORKER_DEPLOYMENT_ENV} too`],
    [
      "a deployment name with '.'",
      { [WORKER_DEPLOYMENT_ENV]: 'katonic.installer' },
      `${WORKER_DEPLOYMENT_ENV} katonic.installer: expected a name without '.', ':' or spaces`,
    ],
    ["a deployment name starting with '__'", { [WORKER_DEPLOYMENT_ENV]: '__katonic' }, `${WORKER_DEPLOYMENT_ENV} __katonic: expected a name`],
    [
      'a build id of 256 characters',
      { [WORKER_DEPLOYMENT_ENV]: 'katonic', [BUILD_ID_ENV]: 'x'.repeat(256) },
      `${BUILD_ID_ENV} ${'x'.repeat(256)}: expected an id without spaces`,
    ],
  ] as const)('refuses %s in one line naming the variable', (_, env, message) => {
    expect(() => workerVersion(env, noDefault)).toThrow(message);
  });
});
