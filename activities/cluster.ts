// What a cluster's entity (workflows/cluster.ts) asks of the world itself, outside its operations'
// phases: the Kubernetes upgrade's hops from the Kubespray checkouts, a drift check of the live
// cluster, and the daily Schedule that asks for that check.
import { Context } from '@temporalio/activity';
import { ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import { expectedCluster } from '../lib/cluster/expected-cluster.js';
import { compareDrift } from '../lib/cluster/drift.js';
import { planKubeUpgrade, type KubeUpgradePlan } from '../lib/cluster/kube-upgrade-plan.js';
import type { DriftReport } from '../lib/cluster/live-cluster.js';
import type { Handoffs } from '../lib/install/phase-io.js';
import { readCheckout, type KubesprayCheckout } from '../lib/preflight/kubespray-checkout.js';
import type { Installation } from '../lib/spec/schema.js';
import { clusterWorkflowId, DRIFT_CHECK_WORKFLOW, driftScheduleId } from '../workflows/cluster-definitions.js';
import { adoptCompleted } from '../client/api/clusters.js';
import { InstallApiError } from '../client/api/errors.js';
import type { InstallStatus } from '../lib/install/status.js';
import type { ActivityConfig } from './activity-config.js';
import { kubernetesCall } from './kubernetes/api-errors.js';
import { clusterApi } from './kubernetes/cluster-kubeconfig.js';
import { readLiveCluster } from './kubernetes/read-live-cluster.js';
import { checkoutFiles } from './kubespray-checkout.js';

export interface UpgradeRequest {
  spec: Installation;
  /** The version the cluster runs, when its spec named one; else the checkout's default is what it was installed with. */
  from?: string;
  to: string;
  /** More checkouts than the cluster's own, for the hops it cannot make. */
  kubesprayDirs: string[];
}

export async function planKubeHops(request: UpgradeRequest): Promise<KubeUpgradePlan> {
  const own = request.spec.spec.onprem?.kubespray.dir;
  if (!own) return { problem: 'upgrade --kube: only an on-prem cluster has Kubespray checkouts' };
  const checkouts: KubesprayCheckout[] = [];
  for (const dir of [own, ...request.kubesprayDirs.filter((d) => d !== own)]) {
    const read = readCheckout(await checkoutFiles(dir));
    if ('problem' in read) return { problem: `--kubespray ${dir}: ${read.problem}` };
    checkouts.push(read);
  }
  return planKubeUpgrade(request.from ?? checkouts[0]!.defaultVersion, request.to, checkouts);
}

export async function checkDrift(config: ActivityConfig, input: { spec: Installation } & Pick<Handoffs, 'adminConf' | 'eksAutoMode'>): Promise<DriftReport> {
  const expected = expectedCluster(input.spec, input.spec.spec.onprem?.kubeVersion?.replace(/^v/, ''), input);
  const cluster = await clusterApi(config, input, 'drift');
  const observed = await kubernetesCall(cluster, 'reading the nodes, StorageClasses, namespaces and CNI', () =>
    readLiveCluster(cluster.kc, { namespaces: expected.namespaces }),
  );
  return compareDrift(expected, observed);
}

export async function ensureDriftSchedule({ name, taskQueue }: { name: string; taskQueue: string }): Promise<void> {
  const { client } = Context.current();
  const scheduleId = driftScheduleId(name);
  try {
    await client.schedule.getHandle(scheduleId).describe();
    return;
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
  await client.schedule.create({
    scheduleId,
    spec: { intervals: [{ every: '1d' }] },
    action: { type: 'startWorkflow', workflowType: DRIFT_CHECK_WORKFLOW, args: [name], taskQueue, workflowId: `${scheduleId}-check` },
    // A day's check that finds yesterday's still running is skipped, not stacked.
    policies: { overlap: ScheduleOverlapPolicy.SKIP },
  });
}

export async function removeDriftSchedule({ name }: { name: string }): Promise<void> {
  await Context.current()
    .client.schedule.getHandle(driftScheduleId(name))
    .delete()
    .catch((err: unknown) => {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    });
}

/**
 * An install that completed outside its cluster's entity (a Web UI start, a resumed run) hands
 * the cluster to it: the entity is created if need be. Its answer, or why the entity refused (one
 * that has an install already keeps it): the install notes it and ends as it would have.
 */
export async function adoptIntoCluster(spec: Installation, status: InstallStatus): Promise<string> {
  const { client, info } = Context.current();
  try {
    const answer = await adoptCompleted(client, spec, status, info.taskQueue, status.startedBy);
    return `adopted by ${clusterWorkflowId(spec.metadata.name)} (operation ${answer.seq})`;
  } catch (err) {
    if (err instanceof InstallApiError && err.kind !== 'failed') return `not adopted by ${clusterWorkflowId(spec.metadata.name)}: ${err.message}`;
    throw err;
  }
}

export function createClusterActivities(config: ActivityConfig) {
  return {
    planKubeHops,
    adoptIntoCluster,
    checkDrift: (input: Parameters<typeof checkDrift>[1]) => checkDrift(config, input),
    ensureDriftSchedule,
    removeDriftSchedule,
  };
}

export type ClusterActivities = ReturnType<typeof createClusterActivities>;
