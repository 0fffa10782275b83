// Draining a node through the API, as Kubespray drains before an upgrade or a removal
// (`kubectl drain --force --ignore-daemonsets --delete-emptydir-data`): cordon it, evict each
// of its pods through the Eviction API (policy/v1) so that PodDisruptionBudgets are respected,
// leave DaemonSet and mirror pods, and wait until the evicted pods are gone. An eviction a
// budget refuses is tried again every few seconds until the timeout; then the drain fails with
// DrainBlocked naming the budgets and the pods. Draining a drained node returns at once; a node
// that is not registered has nothing to drain (Kubespray's remove-node skips it too).
//
// API errors other than a budget's refusal are thrown as the client raised them: the activity
// runs this inside kubernetesCall (api-errors.ts), which maps them to the catalogue and lets
// DrainBlocked and DrainTimedOut through unchanged.
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiException, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { ApplicationFailure } from '@temporalio/common';
import { parseEvictionRefusal, refusalBlockers, refusedByBudget, type EvictionRefusal } from '../../lib/cluster/disruption-budgets.js';
import { drainBlockedMessage, drainTimedOutMessage, namesShown } from '../../lib/cluster/drain-failures.js';
import { podName, skipReason, type NodePod, type SkipReason } from '../../lib/cluster/node-pods.js';
import { phaseFailure } from '../phase-failure.js';
import { readIfExists } from './kube-client.js';
import { disruptionBudgets, podsOnNode } from './node-pods.js';

/** How often refused evictions are tried again (kubectl drain's interval). */
const EVICTION_RETRY_MS = 5000;
/** How often the node's pods are listed while evicted ones terminate (and progress is reported). */
const DELETION_POLL_MS = 1000;

export interface DrainOptions {
  /** How long refused evictions are tried again and evicted pods may take to go, in all. */
  timeoutSeconds: number;
  /** The evicted pods' termination grace period, instead of their own. */
  gracePeriodSeconds?: number;
  /** Ends the waits (an activity's cancellation signal): the signal's reason is thrown. */
  signal?: AbortSignal;
}

export interface DrainSummary {
  node: string;
  /** False when no such Node is registered: nothing was drained. */
  registered: boolean;
  /** "namespace/name" of each pod evicted (and gone). */
  evicted: string[];
  /** Of those, the pods no controller recreates: deleted for good, as `kubectl drain --force` does. */
  withoutController: string[];
  /** The pods left on the node, and why. */
  skipped: { pod: string; reason: SkipReason }[];
}

/** What a drain reports as it goes, for the activity's heartbeat. */
export interface DrainProgress {
  task: string;
}

/** Cordons (true) or uncordons (false) `node`: spec.unschedulable. */
export async function setUnschedulable(kc: KubeConfig, node: string, unschedulable: boolean): Promise<void> {
  // A JSON patch (the client's default patch type): "add" sets the field whether or not it is there.
  await kc.makeApiClient(CoreV1Api).patchNode({ name: node, body: [{ op: 'add', path: '/spec/unschedulable', value: unschedulable }] });
}

/** Evicts `pod`: undefined once the API server accepted it (or the pod is gone already), the refusal when a budget refused it. */
async function evict(core: CoreV1Api, pod: NodePod, gracePeriodSeconds: number | undefined): Promise<EvictionRefusal | undefined> {
  try {
    await core.createNamespacedPodEviction({
      name: pod.name,
      namespace: pod.namespace,
      body: {
        apiVersion: 'policy/v1',
        kind: 'Eviction',
        metadata: { name: pod.name, namespace: pod.namespace },
        ...(gracePeriodSeconds === undefined ? {} : { deleteOptions: { gracePeriodSeconds } }),
      },
    });
    return undefined;
  } catch (err) {
    if (!(err instanceof ApiException)) throw err;
    if (err.code === 404) return undefined;
    const refusal = parseEvictionRefusal(err.body);
    if (refusedByBudget(err.code, refusal)) return refusal;
    throw err;
  }
}

async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (err) {
    throw signal?.aborted ? signal.reason : err;
  }
}

function progress(node: string, total: number, refused: Map<NodePod, EvictionRefusal>, terminating: number): string {
  const budgets = [...new Set([...refused.values()].flatMap((r) => r.budgets.map((b) => b.name)))];
  const gone = total - refused.size - terminating;
  return (
    `draining ${node}: ${gone} of ${total} pods gone` +
    (refused.size ? `, ${refused.size} refused${budgets.length ? ` by PodDisruptionBudget ${namesShown(budgets)}` : ''}` : '') +
    (terminating ? `, ${terminating} terminating` : '')
  );
}

async function drainBlocked(kc: KubeConfig, node: string, timeoutSeconds: number, refused: Map<NodePod, EvictionRefusal>): Promise<ApplicationFailure> {
  const refusals = [...refused].map(([pod, refusal]) => ({ pod, refusal }));
  const budgets = await disruptionBudgets(kc, [...new Set(refusals.map((r) => r.pod.namespace))]);
  const blockers = refusalBlockers(refusals, budgets);
  const unexplained = refusals
    .filter(({ pod }) => !blockers.some((b) => b.pods.includes(podName(pod))))
    .map(({ pod, refusal }) => ({ pod: podName(pod), message: refusal.message }));
  const pods = refusals.map((r) => podName(r.pod));
  return phaseFailure('DrainBlocked', drainBlockedMessage(node, timeoutSeconds, blockers, unexplained), { node, timeoutSeconds, blockers, pods });
}

export async function drainNode(
  kc: KubeConfig,
  node: string,
  opts: DrainOptions,
  heartbeat: (detail: DrainProgress) => void = () => {},
): Promise<DrainSummary> {
  const core = kc.makeApiClient(CoreV1Api);
  const existing = await readIfExists(() => core.readNode({ name: node }));
  if (!existing) return { node, registered: false, evicted: [], withoutController: [], skipped: [] };
  if (!existing.spec?.unschedulable) await setUnschedulable(kc, node, true);

  const pods = await podsOnNode(core, node);
  const skipped = pods.flatMap((pod) => {
    const reason = skipReason(pod);
    return reason ? [{ pod: podName(pod), reason }] : [];
  });
  const toEvict = pods.filter((pod) => !skipReason(pod));
  const deadline = Date.now() + opts.timeoutSeconds * 1000;
  // Not evicted yet (the refusal once a budget refused it), and evicted but still on the node.
  const waiting = new Map<NodePod, EvictionRefusal | undefined>(toEvict.map((pod) => [pod, undefined]));
  const terminating = new Set<NodePod>();
  let nextEvictions = 0;
  for (;;) {
    if (waiting.size && Date.now() >= nextEvictions) {
      for (const pod of [...waiting.keys()]) {
        const refusal = await evict(core, pod, opts.gracePeriodSeconds);
        if (refusal) waiting.set(pod, refusal);
        else {
          waiting.delete(pod);
          terminating.add(pod);
        }
      }
      nextEvictions = Date.now() + EVICTION_RETRY_MS;
    }
    if (terminating.size) {
      // Gone once no pod of that UID is bound to the node (a StatefulSet's replacement has the same name, not the same UID).
      const present = new Set((await podsOnNode(core, node)).map((pod) => pod.uid));
      for (const pod of terminating) if (!present.has(pod.uid)) terminating.delete(pod);
    }
    if (!waiting.size && !terminating.size) break;
    const refused = new Map([...waiting].filter((e): e is [NodePod, EvictionRefusal] => e[1] !== undefined));
    if (Date.now() >= deadline) {
      if (refused.size) throw await drainBlocked(kc, node, opts.timeoutSeconds, refused);
      const stuck = [...terminating].map(podName);
      throw phaseFailure('DrainTimedOut', drainTimedOutMessage(node, opts.timeoutSeconds, stuck), { node, timeoutSeconds: opts.timeoutSeconds, pods: stuck });
    }
    heartbeat({ task: progress(node, toEvict.length, refused, terminating.size) });
    await pause(Math.max(0, Math.min(DELETION_POLL_MS, deadline - Date.now())), opts.signal);
  }
  return {
    node,
    registered: true,
    evicted: toEvict.map(podName),
    withoutController: toEvict.filter((pod) => !pod.controllerKind).map(podName),
    skipped,
  };
}
