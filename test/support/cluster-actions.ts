// A cluster entity's actions as the workflow tests take them, through the cluster client API
// (client/api/clusters.ts): an install through its entity, an operation answered as data (done,
// or refused and why), and polling the entity's status while the test server skips time.
import { clusterStatus, installThroughCluster, operateCluster, type OperationAnswer } from '../../client/api/clusters.js';
import { InstallApiError } from '../../client/api/errors.js';
import type { OperationRequest } from '../../lib/cluster/cluster-entity.js';
import type { ClusterStatus } from '../../lib/cluster/cluster-status.js';
import type { Installation } from '../../lib/spec/schema.js';
import { STARTER, type Answer } from './install-actions.js';
import type { TimeSkipping } from './time-skipping.js';
import { STANDIN_KUBESPRAY } from './repo.js';
import { onpremSpec } from './workflow-specs.js';

/** The operation as STARTER (unless the request says who): the entity's answer, or its refusal. */
export const operate = (t: TimeSkipping, name: string, request: OperationRequest): Promise<Answer<OperationAnswer>> =>
  operateCluster(t.client, name, { by: STARTER, ...request }).then(
    (value) => ({ done: true as const, value }),
    (err: unknown) => {
      if (err instanceof InstallApiError) return { done: false as const, refused: err.message };
      throw err;
    },
  );

/** Polls the entity's status until `until` holds, skipping a second of server time between polls. */
export async function entityWhere(t: TimeSkipping, name: string, until: (s: ClusterStatus) => boolean): Promise<ClusterStatus> {
  let last: ClusterStatus | undefined;
  for (let poll = 0; poll < 200; poll++) {
    last = await clusterStatus(t.client, name);
    if (until(last)) return last;
    await t.env.sleep('1s');
  }
  throw new Error(`cluster ${name} did not get there; last: ${JSON.stringify(last)}`);
}

/** The on-prem example managed by the stand-in Kubespray checkout (Kubernetes 1.33.0 to 1.35.4), installed through its entity as STARTER. */
export async function installedCluster(t: TimeSkipping, name: string, change?: (spec: Installation) => void): Promise<ClusterStatus> {
  const spec = onpremSpec(name, (s) => {
    s.spec.onprem!.kubespray.dir = STANDIN_KUBESPRAY;
    change?.(s);
  });
  await installThroughCluster(t.client, spec, { by: STARTER });
  return entityWhere(t, name, (s) => s.state === 'ready');
}
