// Phase verify: the finished cluster read through the Kubernetes API.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { CoreV1Api, StorageV1Api } from '@kubernetes/client-node';
import type { PhaseInput, PhaseResult } from '../lib/install/phase-io.js';
import { clusterProblems, type ObservedCluster } from '../lib/verify/cluster-checks.js';
import type { ActivityConfig } from './activity-config.js';
import { clusterKubeConfig } from './kubernetes/cluster-kubeconfig.js';

export async function verifyCluster(config: ActivityConfig, input: PhaseInput): Promise<PhaseResult> {
  const kc = await clusterKubeConfig(config, input.spec, 'verify');
  const core = kc.makeApiClient(CoreV1Api);
  const storage = kc.makeApiClient(StorageV1Api);
  const [nodes, classes, namespaces] = await Promise.all([core.listNode(), storage.listStorageClass(), core.listNamespace()]);
  const observed: ObservedCluster = {
    nodes: nodes.items.map((n) => ({
      name: n.metadata?.name ?? '',
      ready: (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    })),
    storageClasses: classes.items.map((c) => ({ name: c.metadata?.name ?? '', volumeBindingMode: c.volumeBindingMode })),
    namespaces: namespaces.items.map((n) => n.metadata?.name ?? ''),
  };
  const problems = clusterProblems(observed, { nodeNames: input.spec.spec.onprem?.nodes.map((n) => n.name) });
  if (problems.length) {
    // Retryable: a cluster that was just installed may still be settling.
    throw ApplicationFailure.create({ type: 'VerifyFailed', message: `verify: ${problems.join('; ')}`, details: [{ phase: 'verify', problems }] });
  }
  return {
    attempt: Context.current().info.attempt,
    summary: `${observed.nodes.length} nodes Ready, storage classes kdisk and kfs, ${observed.namespaces.length} namespaces`,
  };
}
