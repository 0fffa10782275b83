// The seed's node table (cluster-requirements.rst), compared with the facts Ansible gathered.
// Minimums and accepted OS are configurable per spec (a lab or the local demo is smaller).
import type { NodeRole, OnpremSpec } from '../spec/schema.js';

export interface NodeMinimums {
  cpus: number;
  memoryGb: number;
  osDiskGb: number;
  extraDiskGb: number;
}

export interface Requirements {
  controlPlane: NodeMinimums;
  worker: NodeMinimums;
  acceptedOs: string[];
}

export const SEED_REQUIREMENTS: Requirements = {
  controlPlane: { cpus: 4, memoryGb: 8, osDiskGb: 30, extraDiskGb: 0 },
  worker: { cpus: 8, memoryGb: 16, osDiskGb: 30, extraDiskGb: 100 },
  acceptedOs: ['Ubuntu 20.04'],
};

export function requirementsFor(onprem: OnpremSpec): Requirements {
  const p = onprem.preflight ?? {};
  return {
    controlPlane: { ...SEED_REQUIREMENTS.controlPlane, ...p.controlPlane },
    worker: { ...SEED_REQUIREMENTS.worker, ...p.worker },
    acceptedOs: p.acceptedOs ?? SEED_REQUIREMENTS.acceptedOs,
  };
}

/** The facts preflight.yml writes per host (a raw subset of Ansible's). */
export interface HostFacts {
  host: string;
  /** What the node says of itself: its host name, its default IPv4 address, the user tasks run as. */
  hostname?: string | null;
  address?: string | null;
  user?: string | null;
  processor_vcpus: number;
  memtotal_mb: number;
  distribution: string;
  distribution_version: string;
  mounts: { mount: string; device: string; size_total: number }[];
  devices: Record<
    string,
    { sectors: string | number; sectorsize: string | number; partitions?: Record<string, { holders?: string[] }> | string[]; holders?: string[] }
  >;
}

const GIB = 1024 ** 3;
// A machine sold as 8 GB reports a little less (kernel and firmware reservations).
export const MEMORY_TOLERANCE = 0.95;
const NOT_DISKS = /^(loop|ram|sr|zram|dm-|md|nbd)/;

function minimumsForRoles(roles: NodeRole[], req: Requirements): NodeMinimums {
  const sets = [...(roles.includes('control-plane') || roles.includes('etcd') ? [req.controlPlane] : []), ...(roles.includes('worker') ? [req.worker] : [])];
  return {
    cpus: Math.max(...sets.map((s) => s.cpus)),
    memoryGb: Math.max(...sets.map((s) => s.memoryGb)),
    osDiskGb: Math.max(...sets.map((s) => s.osDiskGb)),
    extraDiskGb: Math.max(...sets.map((s) => s.extraDiskGb)),
  };
}

export function osAccepted(facts: Pick<HostFacts, 'distribution' | 'distribution_version'>, accepted: string[]): boolean {
  const os = `${facts.distribution} ${facts.distribution_version}`;
  return accepted.some((a) => (a.endsWith('*') ? os.startsWith(a.slice(0, -1)) : os === a));
}

const partitionNames = (p: HostFacts['devices'][string]['partitions']): string[] => (Array.isArray(p) ? p : Object.keys(p ?? {}));
const deviceBytes = (d: HostFacts['devices'][string]) => Number(d.sectors) * Number(d.sectorsize);

/** Whether a disk may be a member of the device (LVM, RAID) that holds / . */
function mayHoldMappedRoot(d: HostFacts['devices'][string]): boolean {
  if (d.holders?.length) return true;
  // Facts with partition names only (no holders) cannot tell: a partitioned disk may be a member.
  if (Array.isArray(d.partitions)) return d.partitions.length > 0;
  return Object.values(d.partitions ?? {}).some((p) => p.holders?.length);
}

/** The largest disk that does not hold the root filesystem. */
function largestExtraDiskBytes(facts: HostFacts): number {
  const rootPath = facts.mounts.find((m) => m.mount === '/')?.device ?? '';
  // The device's name without node:path, so that the spec's rules (which import these) run in the workflow sandbox too.
  const rootDevice = rootPath.slice(rootPath.lastIndexOf('/') + 1);
  const rootOnMapper = /^\/dev\/(mapper\/|md|dm-)/.test(rootPath) || rootPath === '/dev/root';
  return Object.entries(facts.devices)
    .filter(([name, d]) => !NOT_DISKS.test(name) && name !== rootDevice && !partitionNames(d.partitions).includes(rootDevice))
    .filter(([, d]) => !(rootOnMapper && mayHoldMappedRoot(d)))
    .reduce((max, [, d]) => Math.max(max, deviceBytes(d)), 0);
}

const gb = (bytes: number) => `${(bytes / GIB).toFixed(1)} GB`;

/** What a host lacks, as sentences; empty when it meets every requirement. */
export function hostShortfalls(facts: HostFacts, roles: NodeRole[], req: Requirements): string[] {
  const min = minimumsForRoles(roles, req);
  const lacks: string[] = [];
  if (facts.processor_vcpus < min.cpus) lacks.push(`${facts.processor_vcpus} CPUs, needs ${min.cpus}`);
  if (facts.memtotal_mb < min.memoryGb * 1024 * MEMORY_TOLERANCE) lacks.push(`${(facts.memtotal_mb / 1024).toFixed(1)} GB memory, needs ${min.memoryGb} GB`);
  const rootBytes = facts.mounts.find((m) => m.mount === '/')?.size_total ?? 0;
  if (rootBytes < min.osDiskGb * GIB) lacks.push(`OS disk of ${gb(rootBytes)}, needs ${min.osDiskGb} GB`);
  if (min.extraDiskGb > 0) {
    const extra = largestExtraDiskBytes(facts);
    if (extra < min.extraDiskGb * GIB)
      lacks.push(extra ? `extra disk of ${gb(extra)}, needs ${min.extraDiskGb} GB` : `no extra disk, needs one of ${min.extraDiskGb} GB`);
  }
  if (!osAccepted(facts, req.acceptedOs)) lacks.push(`OS ${facts.distribution} ${facts.distribution_version}, needs ${req.acceptedOs.join(' or ')}`);
  return lacks;
}

export interface PreflightReport {
  passed: boolean;
  hosts: { host: string; lacks: string[] }[];
}

/** `only`: the nodes a limited run reached (`--limit`: a scale's new nodes, a retry's failed hosts); the others are not judged. */
export function checkNodes(onprem: OnpremSpec, factsByHost: Map<string, HostFacts>, only?: string[]): PreflightReport {
  const req = requirementsFor(onprem);
  const hosts = onprem.nodes
    .filter((node) => !only || only.includes(node.name))
    .map((node) => {
      const facts = factsByHost.get(node.name);
      return { host: node.name, lacks: facts ? hostShortfalls(facts, node.roles, req) : ['no facts were gathered'] };
    });
  return { passed: hosts.every((h) => h.lacks.length === 0), hosts };
}

export function describeReport(report: PreflightReport): string {
  return report.hosts
    .filter((h) => h.lacks.length)
    .map((h) => `${h.host}: ${h.lacks.join('; ')}`)
    .join('\n');
}
