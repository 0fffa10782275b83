// The Kubernetes side of day-2 phases: drain a node before remove-node.yml (budgets respected;
// blocked, the phase waits for an operator naming the budget), and before an upgrade changes
// anything, the budgets that would block draining each node.
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { Context } from '@temporalio/activity';
import { describeBlockers } from '../lib/cluster/drain-failures.js';
import { drainSettings } from '../lib/cluster/drain-settings.js';
import type { PhaseInput, PhaseResult } from '../lib/install/phase-io.js';
import type { ActivityConfig } from './activity-config.js';
import { kubernetesCall } from './kubernetes/api-errors.js';
import { clusterApi } from './kubernetes/cluster-kubeconfig.js';
import { drainCheck } from './kubernetes/drain-check.js';
import { drainNode as drain, setUnschedulable } from './kubernetes/drain-node.js';
import { phaseFailure } from './phase-failure.js';

export async function drainNode(config: ActivityConfig, input: PhaseInput): Promise<PhaseResult> {
  const ctx = Context.current();
  const node = input.target?.node ?? '';
  const cluster = await clusterApi(config, input, 'drain');
  const settings = drainSettings({ ...input.spec.spec.extraVars, ...input.operatorVars });
  const summary = await kubernetesCall(cluster, `draining ${node}`, () =>
    drain(cluster.kc, node, { ...settings, signal: ctx.cancellationSignal }, (progress) => ctx.heartbeat(progress)),
  );
  const evicted = summary.registered ? `${summary.evicted.length} pods evicted, ${summary.skipped.length} DaemonSet or mirror pods left` : 'not registered';
  return { attempt: ctx.info.attempt, summary: `${node} drained: ${evicted}` };
}

/** Fails (for an operator) when a budget allows no disruption of a node's pods now: the upgrade would stop at that node's drain. */
export async function checkDrains(config: ActivityConfig, input: PhaseInput): Promise<PhaseResult> {
  const ctx = Context.current();
  const nodes = input.target?.limit ?? [];
  const cluster = await clusterApi(config, input, 'drain-check');
  const [checks, cordonedBefore] = await kubernetesCall(cluster, 'reading the PodDisruptionBudgets and pods of each node', () =>
    Promise.all([drainCheck(cluster.kc, nodes), cordonedNodes(cluster.kc)]),
  );
  const blocked = checks.map((c) => ({ node: c.node, blockers: c.blockers.filter((b) => b.disruptionsAllowed === 0) })).filter((c) => c.blockers.length);
  if (blocked.length) {
    const lines = blocked.map((c) => `${c.node}: ${describeBlockers(c.blockers)}`);
    throw phaseFailure(
      'DrainBlocked',
      `drain check: draining would be blocked on ${lines.join('; ')}; nothing was changed. Let the budgets allow a disruption, then retry`,
      {
        node: blocked[0]!.node,
        timeoutSeconds: 0,
        blockers: blocked.flatMap((c) => c.blockers),
        pods: [],
      },
    );
  }
  const limited = checks.filter((c) => c.blockers.length).map((c) => c.node);
  return {
    attempt: ctx.info.attempt,
    summary: `${nodes.length} nodes can be drained${limited.length ? ` (one pod at a time on ${limited.join(', ')})` : ''}${cordonedBefore.length ? `; cordoned already, left so: ${cordonedBefore.join(', ')}` : ''}`,
    cordonedBefore,
  };
}

async function cordonedNodes(kc: KubeConfig): Promise<string[]> {
  return (await kc.makeApiClient(CoreV1Api).listNode()).items.filter((n) => n.spec?.unschedulable).map((n) => n.metadata?.name ?? '');
}

/**
 * After a node's upgrade-cluster.yml: schedulable again, unless it was cordoned before the upgrade
 * began. Kubespray uncordons only the nodes its run cordoned, so a node whose first run failed
 * after its drain would stay cordoned after the retry that upgraded it.
 */
export async function uncordonUpgradedNode(config: ActivityConfig, input: PhaseInput): Promise<void> {
  const node = input.target?.node;
  if (!node || input.cordonedBefore?.includes(node)) return;
  const cluster = await clusterApi(config, input, 'upgrade');
  await kubernetesCall(cluster, `uncordoning ${node}`, () => setUnschedulable(cluster.kc, node, false));
}
