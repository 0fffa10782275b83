// Verify's storage smoke: on each class the install made (kdisk, kfs), a small claim, and a pod
// using it where the class waits for the first consumer; bound within spec.verify.bindTimeout,
// then deleted with everything it made. The objects and the judgement of what was seen; the
// API calls are activities/checks/storage-smoke.ts.
import type { Finding } from '../checks/finding.js';
import { KATONIC_NAMESPACES } from '../katonic-platform.js';
import type { Handoffs } from '../install/phase-io.js';
import type { Installation } from '../spec/schema.js';
import { storageObjectsFor } from '../storage/cluster-storage.js';
import { INSTALLER_LABELS, type KubeObject } from '../storage/storage-objects.js';

export const STORAGE_SMOKE_RULE = 'storage-binds';
/** Where the smoke's objects live: a namespace the install made and verify saw. */
export const SMOKE_NAMESPACE = KATONIC_NAMESPACES[0];
const SIZE = '1Mi';
/** How much of one event's message a finding quotes. */
const MESSAGE_CHARS = 300;

export interface SmokeClass {
  name: string;
  provisioner: string;
  accessMode: 'ReadWriteOnce' | 'ReadWriteMany';
  bindingMode: 'Immediate' | 'WaitForFirstConsumer';
}

/** The classes the install made (on EKS Auto Mode, as preflight found it), as the smoke tries them. */
export function smokeClasses(doc: Installation, found: Pick<Handoffs, 'eksAutoMode'> = {}): SmokeClass[] {
  return storageObjectsFor(doc, found)
    .filter((o) => o.kind === 'StorageClass')
    .map((o) => ({
      name: o.metadata.name,
      provisioner: o.provisioner as string,
      accessMode: o.metadata.annotations?.['katonic.ai/access-mode'] as SmokeClass['accessMode'],
      bindingMode: o.volumeBindingMode as SmokeClass['bindingMode'],
    }));
}

export interface SmokeObjects {
  claim: KubeObject;
  /** The pod that makes a WaitForFirstConsumer class bind. */
  consumer?: KubeObject;
}

/**
 * The claim (and pod) for one class: named after the install and the class, so installs that
 * verify at once on one cluster do not meet, and an attempt finds what an interrupted one left.
 */
export function smokeObjects(install: string, namespace: string, cls: SmokeClass): SmokeObjects {
  const name = `katonic-smoke-${install}-${cls.name}`;
  const metadata = { name, namespace, labels: { ...INSTALLER_LABELS, 'app.kubernetes.io/component': 'storage-smoke', 'katonic.ai/install': install } };
  const claim: KubeObject = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata,
    spec: { storageClassName: cls.name, accessModes: [cls.accessMode], resources: { requests: { storage: SIZE } } },
  };
  if (cls.bindingMode !== 'WaitForFirstConsumer') return { claim };
  // The pause image: every node has it (the pod sandbox's), so nothing is pulled; it never exits.
  // It passes the restricted Pod Security level, and its requests and limits fit a namespace
  // whose quota asks for both.
  const consumer: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata,
    spec: {
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 0,
      securityContext: { runAsNonRoot: true, runAsUser: 65535, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'consumer',
          image: 'registry.k8s.io/pause:3.10',
          imagePullPolicy: 'IfNotPresent',
          resources: { requests: { cpu: '1m', memory: '8Mi' }, limits: { cpu: '10m', memory: '8Mi' } },
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          volumeMounts: [{ name: 'volume', mountPath: '/volume' }],
        },
      ],
      volumes: [{ name: 'volume', persistentVolumeClaim: { claimName: name } }],
    },
  };
  return { claim, consumer };
}

export interface SmokeEvent {
  type?: string;
  reason?: string;
  message?: string;
  /** Who reported it (source.component or reportingComponent). */
  source?: string;
  /** When, in ms since the epoch (for order). */
  at: number;
}

export interface SmokeObservation {
  cls: SmokeClass;
  /** Seconds from the claim's creation to Bound; unset: not bound within the bound. */
  boundSeconds?: number;
  /** The claim's phase when the smoke gave up waiting. */
  phase?: string;
  /** WaitForFirstConsumer: the node the scheduler chose for the pod (the claim's selected-node). */
  selectedNode?: string;
  claimEvents: SmokeEvent[];
  consumerEvents: SmokeEvent[];
  /** What was still there when cleaning up ran out of time ("PersistentVolume pvc-…"). */
  left: string[];
  /** Events on a volume that was not deleted (VolumeFailedDelete). */
  volumeEvents: SmokeEvent[];
}

/** What the smoke expects of a class. */
const expectation = (cls: SmokeClass, bindTimeout: string) =>
  `a ${SIZE} ${cls.accessMode} claim${cls.bindingMode === 'WaitForFirstConsumer' ? ' (with a pod using it)' : ''} bound within ${bindTimeout}, then deleted with its volume`;

const said = (e: SmokeEvent) => `${e.reason ?? 'event'}: ${(e.message ?? '').replace(/\s+/g, ' ').trim().slice(0, MESSAGE_CHARS)}`;

/** The sidecar-provisioner library names its events' source `<provisioner>_<host>_<uuid>`. */
const fromProvisioner = (e: SmokeEvent, provisioner: string) => e.source === provisioner || Boolean(e.source?.startsWith(`${provisioner}_`));

/** The event that says most: the last warning, else the last event. */
function telling(events: SmokeEvent[]): SmokeEvent | undefined {
  const ordered = [...events].sort((a, b) => a.at - b.at);
  return ordered.filter((e) => e.type === 'Warning').at(-1) ?? ordered.at(-1);
}

/** Why a claim did not bind, from the events of its provisioner (or of its pod's scheduling). */
function whyNotBound(o: SmokeObservation): string {
  const { provisioner } = o.cls;
  if (o.cls.bindingMode === 'WaitForFirstConsumer' && !o.selectedNode) {
    const scheduling = telling(o.consumerEvents);
    return `its pod was not scheduled, so provisioner ${provisioner} was not asked${scheduling ? ` (${said(scheduling)})` : ''}`;
  }
  const event = telling(o.claimEvents.filter((e) => fromProvisioner(e, provisioner)));
  return event ? `provisioner ${provisioner}: ${said(event)}` : `no event from provisioner ${provisioner}: nobody answers for it`;
}

export function smokeFinding(o: SmokeObservation, bindTimeout: string): Finding {
  const { cls } = o;
  const observed: string[] = [];
  if (o.boundSeconds === undefined) observed.push(`not bound within ${bindTimeout} (${o.phase ?? 'Pending'}): ${whyNotBound(o)}`);
  else observed.push(`bound in ${o.boundSeconds.toFixed(1)} s by ${cls.provisioner}`);
  if (o.left.length) {
    const event = telling(o.volumeEvents);
    observed.push(`${o.left.join(', ')} still there ${bindTimeout} after deleting${event ? ` (${said(event)})` : ''}`);
  } else observed.push('then deleted, nothing left behind');
  const ok = o.boundSeconds !== undefined && !o.left.length;
  return {
    rule: STORAGE_SMOKE_RULE,
    object: `StorageClass ${cls.name}`,
    observed: observed.join('; '),
    expected: expectation(cls, bindTimeout),
    result: ok ? 'ok' : 'failed',
  };
}

/** spec.verify.storageSmoke false: each class reported as not checked. */
export function skippedSmokeFindings(classes: SmokeClass[], bindTimeout: string): Finding[] {
  return classes.map((cls) => ({
    rule: STORAGE_SMOKE_RULE,
    object: `StorageClass ${cls.name}`,
    observed: 'not checked: spec.verify.storageSmoke is false',
    expected: expectation(cls, bindTimeout),
    result: 'skipped',
  }));
}
