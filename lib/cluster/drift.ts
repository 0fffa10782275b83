// What differs between the cluster an entity recorded and the cluster as it is: nodes gone or
// added behind the installer's back, kubelets on another version, nodes NotReady or cordoned,
// kdisk / kfs changed or gone, Katonic namespaces gone, the CNI agent gone or not ready. Each
// difference is one line a person reads (describeDifference), and plain data for the entity.
import { escapeText } from '../safe-text.js';
import { immutableFieldDifferences } from '../storage/storage-class-check.js';
import type { DriftDifference, DriftReport, ExpectedCluster, ObservedCluster, ObservedStorageClass } from './live-cluster.js';

const bare = (v: string) => v.replace(/^v/, '');

function nodeDrift(expected: ExpectedCluster, observed: ObservedCluster): DriftDifference[] {
  const seen = new Set(observed.nodes.map((n) => n.name));
  const recorded = new Set(expected.nodes.map((n) => n.name));
  const wantedVersion = expected.kubernetesVersion && bare(expected.kubernetesVersion);
  return [
    ...expected.nodes.filter((n) => !seen.has(n.name)).map((n) => ({ what: `node ${n.name}`, expected: 'in the cluster', observed: 'missing' })),
    ...observed.nodes.flatMap((n) => {
      const differences: DriftDifference[] = [];
      if (!recorded.has(n.name)) differences.push({ what: `node ${n.name}`, expected: 'not in the cluster (no operation added it)', observed: 'present' });
      if (wantedVersion && bare(n.kubeletVersion) !== wantedVersion)
        differences.push({ what: `node ${n.name}: kubelet version`, expected: wantedVersion, observed: bare(n.kubeletVersion) });
      if (!n.ready) differences.push({ what: `node ${n.name}`, expected: 'Ready', observed: 'NotReady' });
      // A drain that was never undone (a failed upgrade or removal) leaves the node cordoned.
      if (n.unschedulable) differences.push({ what: `node ${n.name}`, expected: 'schedulable', observed: 'cordoned (unschedulable)' });
      return differences;
    }),
  ];
}

const defaultText = (isDefault: boolean) => (isDefault ? 'the default class' : 'not the default class');

function storageClassDrift(expected: ObservedStorageClass[], observed: ObservedStorageClass[]): DriftDifference[] {
  return expected.flatMap((want): DriftDifference[] => {
    const found = observed.find((c) => c.name === want.name);
    if (!found) return [{ what: `storage class ${want.name}`, expected: 'present', observed: 'missing' }];
    const fields = immutableFieldDifferences({ ...found }, { ...want }).map((d) => ({
      what: `storage class ${want.name}: ${d.field}`,
      expected: d.wanted,
      observed: d.existing,
    }));
    const defaultFlag =
      found.isDefault === want.isDefault
        ? []
        : [{ what: `storage class ${want.name}: default`, expected: defaultText(want.isDefault), observed: defaultText(found.isDefault) }];
    return [...fields, ...defaultFlag];
  });
}

function cniDrift(agent: string | undefined, observed: ObservedCluster['cni']): DriftDifference[] {
  if (!agent) return [];
  const running = observed.filter((c) => c.name === agent);
  if (!running.length) return [{ what: `CNI agent ${agent}`, expected: 'a DaemonSet ready on every node', observed: 'missing' }];
  return running
    .filter((c) => c.desired === 0 || c.ready < c.desired)
    .map((c) => ({ what: `CNI agent ${c.namespace}/${c.name}`, expected: 'ready on every node', observed: `ready on ${c.ready} of ${c.desired}` }));
}

/** Every difference between what the entity recorded and what the cluster shows; none when they agree. */
export function compareDrift(expected: ExpectedCluster, observed: ObservedCluster): DriftReport {
  const namespaces = new Set(observed.namespaces);
  return {
    checkedAt: observed.readAt,
    differences: [
      ...nodeDrift(expected, observed),
      ...storageClassDrift(expected.storageClasses, observed.storageClasses),
      ...expected.namespaces.filter((ns) => !namespaces.has(ns)).map((ns) => ({ what: `namespace ${ns}`, expected: 'present', observed: 'missing' })),
      ...cniDrift(expected.cni, observed.cni),
    ],
  };
}

/** One difference as a line: "storage class kdisk: provisioner: expected katonic.ai/nfs, observed example.com/x". */
export function describeDifference(d: DriftDifference): string {
  return escapeText(`${d.what}: expected ${d.expected}, observed ${d.observed}`);
}
