// Phase verify: the finished cluster read through the Kubernetes API. A cluster that was just
// installed is still settling (nodes joining, provisioners rolling out), so the checks are
// repeated with backoff through a settle window, heartbeating what is still missing; what
// remains after it goes to the operator.
import { Context } from '@temporalio/activity';
import { msToNumber } from '@temporalio/common/lib/time.js';
import { AppsV1Api, CoreV1Api, StorageV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { PhaseInput, PhaseResult } from '../lib/install/phase-io.js';
import {
  clusterProblems,
  verifyExpectations,
  type ClusterExpectations,
  type Condition,
  type ObservedCluster,
  type ObservedWorkload,
  type WorkloadRef,
} from '../lib/verify/cluster-checks.js';
import { findingsPass, formatFindings, type Finding } from '../lib/checks/finding.js';
import { verifySettings } from '../lib/spec/verify-settings.js';
import type { ActivityConfig } from './activity-config.js';
import { checkFrontDoor } from './checks/front-door.js';
import { checkMesh } from './checks/mesh.js';
import { checkStorageSmoke } from './checks/storage-smoke.js';
import type { VerifyCheck } from './checks/verify-check.js';
import { kubernetesCall } from './kubernetes/api-errors.js';
import { clusterApi } from './kubernetes/cluster-kubeconfig.js';
import { listAll, readIfExists } from './kubernetes/kube-client.js';
import { phaseFailure } from './phase-failure.js';

// The seed's requirements looked at from outside, in this order, once the cluster has settled.
const VERIFY_CHECKS: VerifyCheck[] = [checkFrontDoor, checkMesh, checkStorageSmoke];

const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 15_000;

const conditions = (list?: { type: string; status: string; reason?: string; message?: string }[]): Condition[] =>
  (list ?? []).map((c) => ({ type: c.type, status: c.status, reason: c.reason, message: c.message }));

async function observeWorkload(apps: AppsV1Api, ref: WorkloadRef): Promise<ObservedWorkload> {
  const params = { name: ref.name, namespace: ref.namespace };
  if (ref.kind === 'Deployment') {
    const d = await readIfExists(() => apps.readNamespacedDeployment(params));
    return {
      ...ref,
      found: Boolean(d),
      generation: d?.metadata?.generation,
      observedGeneration: d?.status?.observedGeneration,
      desired: d?.spec?.replicas ?? 1,
      available: d?.status?.availableReplicas ?? 0,
      conditions: conditions(d?.status?.conditions),
    };
  }
  const ds = await readIfExists(() => apps.readNamespacedDaemonSet(params));
  return {
    ...ref,
    found: Boolean(ds),
    generation: ds?.metadata?.generation,
    observedGeneration: ds?.status?.observedGeneration,
    desired: ds?.status?.desiredNumberScheduled ?? 0,
    available: ds?.status?.numberAvailable ?? 0,
    conditions: conditions(ds?.status?.conditions),
  };
}

export async function observeCluster(kc: KubeConfig, expected: ClusterExpectations): Promise<ObservedCluster> {
  const core = kc.makeApiClient(CoreV1Api);
  const storage = kc.makeApiClient(StorageV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const [nodes, classes, namespaces, workloads] = await Promise.all([
    listAll((page) => core.listNode(page)),
    listAll((page) => storage.listStorageClass(page)),
    listAll((page) => core.listNamespace(page)),
    Promise.all(expected.workloads.map((ref) => observeWorkload(apps, ref))),
  ]);
  return {
    nodes: nodes.map((n) => {
      const nodeConditions = conditions(n.status?.conditions);
      return { name: n.metadata?.name ?? '', ready: nodeConditions.some((c) => c.type === 'Ready' && c.status === 'True'), conditions: nodeConditions };
    }),
    storageClasses: classes as unknown as ObservedCluster['storageClasses'],
    namespaces: namespaces.map((n) => n.metadata?.name ?? ''),
    workloads,
  };
}

export async function verifyCluster(config: ActivityConfig, input: PhaseInput): Promise<PhaseResult> {
  const ctx = Context.current();
  const cluster = await clusterApi(config, input, 'verify');
  // A run from before the seed's checks (patch seed-checks) verifies what it was started to: the cluster's objects.
  const seedChecks = input.seedChecks === true;
  const expected = verifyExpectations(input.spec, input.target?.absentNodes, input, seedChecks);
  const settleMs = msToNumber(input.spec.spec.verify.settleTimeout as Parameters<typeof msToNumber>[0]);
  const until = Date.now() + settleMs;
  let delay = FIRST_DELAY_MS;
  for (;;) {
    const observed = await kubernetesCall(cluster, 'reading the nodes, StorageClasses, namespaces and workloads', () => observeCluster(cluster.kc, expected));
    const problems = clusterProblems(observed, expected);
    if (!problems.length) break;
    if (Date.now() >= until) {
      // The cluster had its settle window; trying again at once would only wait again.
      const settleSeconds = Math.round(settleMs / 1000);
      throw phaseFailure('VerifyFailed', `verify: after ${settleSeconds} s: ${problems.join('; ')}`, { problems, settleSeconds });
    }
    ctx.heartbeat({ task: `waiting for the cluster to settle: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}` });
    await ctx.sleep(Math.min(delay, Math.max(until - Date.now(), 0)));
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  }
  const settings = verifySettings(input.spec);
  const findings: Finding[] = [];
  for (const check of seedChecks ? VERIFY_CHECKS : [])
    findings.push(...(await check({ config, input, cluster, settings, progress: (task) => ctx.heartbeat({ task }) })));
  if (!findingsPass(findings)) {
    const problems = findings.filter((f) => f.result === 'failed').map((f) => `${f.rule} ${f.object}: ${f.observed} (expected ${f.expected})`);
    throw phaseFailure('VerifyFailed', `verify: the cluster does not meet the requirements:\n${formatFindings(findings)}`, { problems, findings });
  }
  const objects = `${expected.nodeNames?.length ?? 'all'} nodes Ready, storage classes kdisk and kfs, ${expected.namespaces.length} Katonic namespaces, ${expected.workloads.map((w) => w.name).join(', ')} Available`;
  const notRun = seedChecks ? [] : ['the front door, the mesh and the storage smoke not checked: this install started before those checks'];
  return { attempt: ctx.info.attempt, summary: [objects, ...findingsSummary(findings), ...notRun].join('; ') };
}

/** What the checks found besides ok: warnings and skipped checks, each named. */
function findingsSummary(findings: Finding[]): string[] {
  return findings.filter((f) => f.result !== 'ok').map((f) => `${f.rule} ${f.result}: ${f.object}: ${f.observed}`);
}
