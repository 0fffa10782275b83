// Verify's storage smoke through the API (objects and judgement: lib/verify/storage-smoke.ts):
// the claims (and pods) of every class at once, polled until Bound or spec.verify.bindTimeout;
// then deleted, and polled until they and their volumes (reclaim policy Delete: the provisioner
// deletes them) are gone, within the same bound again. What an interrupted attempt left is
// deleted first.
import { setTimeout as sleep } from 'node:timers/promises';
import { msToNumber } from '@temporalio/common/lib/time.js';
import { CoreV1Api, type CoreV1Event, type V1PersistentVolumeClaim } from '@kubernetes/client-node';
import type { Finding } from '../../lib/checks/finding.js';
import {
  SMOKE_NAMESPACE,
  skippedSmokeFindings,
  smokeClasses,
  smokeFinding,
  smokeObjects,
  type SmokeClass,
  type SmokeEvent,
  type SmokeObjects,
  type SmokeObservation,
} from '../../lib/verify/storage-smoke.js';
import { kubernetesCall } from '../kubernetes/api-errors.js';
import type { ClusterApi } from '../kubernetes/cluster-kubeconfig.js';
import { readIfExists } from '../kubernetes/kube-client.js';
import type { VerifyCheck } from './verify-check.js';

const POLL_MS = 250;
const SELECTED_NODE = 'volume.kubernetes.io/selected-node';

export interface StorageSmokePlan {
  /** Names the objects (metadata.name of the install). */
  install: string;
  namespace: string;
  classes: SmokeClass[];
  bindTimeout: string;
}

export const checkStorageSmoke: VerifyCheck = async ({ input, cluster, settings, progress }) => {
  const classes = smokeClasses(input.spec, { eksAutoMode: input.eksAutoMode });
  if (!settings.storageSmoke) return skippedSmokeFindings(classes, settings.bindTimeout);
  return runStorageSmoke(cluster, { install: input.spec.metadata.name, namespace: SMOKE_NAMESPACE, classes, bindTimeout: settings.bindTimeout }, progress);
};

interface Trial {
  cls: SmokeClass;
  objects: SmokeObjects;
  claim?: V1PersistentVolumeClaim;
  consumerUid?: string;
  boundSeconds?: number;
}

export async function runStorageSmoke(cluster: ClusterApi, plan: StorageSmokePlan, progress: (task: string) => void): Promise<Finding[]> {
  const core = cluster.kc.makeApiClient(CoreV1Api);
  const call = <T>(request: string, fn: () => Promise<T>) => kubernetesCall(cluster, `storage smoke: ${request}`, fn);
  const { namespace } = plan;
  const timeoutMs = msToNumber(plan.bindTimeout as Parameters<typeof msToNumber>[0]);
  const trials: Trial[] = plan.classes.map((cls) => ({ cls, objects: smokeObjects(plan.install, namespace, cls) }));
  const names = (t: Trial) => t.objects.claim.metadata.name;

  const readClaim = (name: string) =>
    call(`reading PersistentVolumeClaim ${namespace}/${name}`, () => readIfExists(() => core.readNamespacedPersistentVolumeClaim({ name, namespace })));
  const readConsumer = (name: string) => call(`reading Pod ${namespace}/${name}`, () => readIfExists(() => core.readNamespacedPod({ name, namespace })));
  const readVolume = (name: string) => call(`reading PersistentVolume ${name}`, () => readIfExists(() => core.readPersistentVolume({ name })));
  const remove = async (t: Trial) => {
    const name = names(t);
    if (t.objects.consumer) await call(`deleting Pod ${namespace}/${name}`, () => readIfExists(() => core.deleteNamespacedPod({ name, namespace })));
    await call(`deleting PersistentVolumeClaim ${namespace}/${name}`, () =>
      readIfExists(() => core.deleteNamespacedPersistentVolumeClaim({ name, namespace })),
    );
  };
  /** What of a trial is still there: its pod, its claim, its volume. */
  const remaining = async (t: Trial): Promise<string[]> => {
    const name = names(t);
    const volume = t.claim?.spec?.volumeName;
    const [consumer, claim, pv] = await Promise.all([
      t.objects.consumer ? readConsumer(name) : undefined,
      readClaim(name),
      volume ? readVolume(volume) : undefined,
    ]);
    return [consumer && `Pod ${name}`, claim && `PersistentVolumeClaim ${name}`, pv && `PersistentVolume ${volume} (${pv.status?.phase ?? 'no phase'})`].filter(
      (s): s is string => Boolean(s),
    );
  };
  const events = async (kind: string, name: string, uid: string | undefined, where = namespace): Promise<SmokeEvent[]> => {
    if (!uid) return [];
    const list = await call(`listing the events of ${kind} ${name}`, () =>
      core.listNamespacedEvent({ namespace: where, fieldSelector: `involvedObject.kind=${kind},involvedObject.name=${name},involvedObject.uid=${uid}` }),
    );
    return list.items.map((e: CoreV1Event) => ({
      type: e.type,
      reason: e.reason,
      message: e.message,
      source: e.source?.component ?? e.reportingComponent,
      at: new Date(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? 0).getTime(),
    }));
  };
  /** Polls `pending` until it is empty or `until`; returns what was still pending. */
  const pollUntil = async <T>(until: number, items: T[], done: (item: T) => Promise<boolean>, task: (left: T[]) => string): Promise<T[]> => {
    let pending = items;
    for (;;) {
      const finished = await Promise.all(pending.map(done));
      pending = pending.filter((_, i) => !finished[i]);
      if (!pending.length || Date.now() >= until) return pending;
      progress(task(pending));
      await sleep(POLL_MS);
    }
  };

  // What an interrupted attempt left, deleted before anything is created again.
  const leftovers: Trial[] = [];
  for (const t of trials) if ((await remaining(t)).length) leftovers.push(t);
  for (const t of leftovers) await remove(t);
  await pollUntil(
    Date.now() + timeoutMs,
    leftovers,
    async (t) => !(await remaining(t)).length,
    (left) => `storage smoke: waiting for an earlier attempt's ${left.map(names).join(', ')} to go`,
  );

  const started = Date.now();
  for (const t of trials) {
    const { claim, consumer } = t.objects;
    t.claim = await call(`creating PersistentVolumeClaim ${namespace}/${names(t)}`, () =>
      core.createNamespacedPersistentVolumeClaim({ namespace, body: claim as V1PersistentVolumeClaim }),
    );
    if (consumer)
      t.consumerUid = (await call(`creating Pod ${namespace}/${names(t)}`, () => core.createNamespacedPod({ namespace, body: consumer }))).metadata?.uid;
  }
  const unbound = await pollUntil(
    started + timeoutMs,
    trials,
    async (t) => {
      t.claim = (await readClaim(names(t))) ?? t.claim;
      if (t.claim?.status?.phase !== 'Bound') return false;
      t.boundSeconds = (Date.now() - started) / 1000;
      return true;
    },
    (left) => `storage smoke: waiting for ${left.map((t) => `${t.cls.name} (${t.cls.provisioner})`).join(', ')} to bind`,
  );
  const diagnosis = new Map<Trial, Pick<SmokeObservation, 'claimEvents' | 'consumerEvents'>>();
  for (const t of unbound) {
    const name = names(t);
    // As it is now: it may have bound since the last poll (then its volume is waited for too).
    t.claim = (await readClaim(name)) ?? t.claim;
    diagnosis.set(t, {
      claimEvents: await events('PersistentVolumeClaim', name, t.claim?.metadata?.uid),
      consumerEvents: await events('Pod', name, t.consumerUid),
    });
  }

  for (const t of trials) await remove(t);
  const removing = Date.now();
  const lingering = await pollUntil(
    removing + timeoutMs,
    trials,
    async (t) => !(await remaining(t)).length,
    (left) => `storage smoke: waiting for ${left.map(names).join(', ')} and their volumes to go`,
  );

  const findings: Finding[] = [];
  for (const t of trials) {
    const left = lingering.includes(t) ? await remaining(t) : [];
    const volume = t.claim?.spec?.volumeName;
    const pv = left.length && volume ? await readVolume(volume) : undefined;
    const observation: SmokeObservation = {
      cls: t.cls,
      boundSeconds: t.boundSeconds,
      phase: t.claim?.status?.phase,
      selectedNode: t.claim?.metadata?.annotations?.[SELECTED_NODE],
      claimEvents: diagnosis.get(t)?.claimEvents ?? [],
      consumerEvents: diagnosis.get(t)?.consumerEvents ?? [],
      left,
      // A volume's events are in the default namespace (it has none of its own).
      volumeEvents: pv && volume ? await events('PersistentVolume', volume, pv.metadata?.uid, 'default') : [],
    };
    findings.push(smokeFinding(observation, plan.bindTimeout));
  }
  return findings;
}
