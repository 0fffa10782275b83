import { readFileSync } from 'node:fs';
import type { OnpremSpec } from '../lib/spec/schema.js';
import { parseSpecText } from '../lib/spec/validate.js';
import {
  SEED_REQUIREMENTS,
  checkNodes,
  describeReport,
  hostShortfalls,
  osAccepted,
  requirementsFor,
  type HostFacts,
  type Requirements,
} from '../lib/preflight/requirements.js';
import { fixture } from './support/repo.js';

const GIB = 1024 ** 3;
const SECTOR = 512;
const sectorsOf = (gib: number) => (gib * GIB) / SECTOR;

function acmeOnprem(): OnpremSpec {
  const result = parseSpecText(readFileSync(fixture('acme-prod.yaml'), 'utf8'));
  if (!result.ok || !result.spec.spec.onprem) throw new Error('the acme-prod fixture should be a valid on-prem spec');
  return result.spec.spec.onprem;
}

/** The worker facts preflight.yml wrote for an Ubuntu 20.04 VM (8 vCPU, 16 GB, 49 GB root on sda2, sdb 200 GB), fresh each call. */
const ubuntuWorker = (): HostFacts => JSON.parse(readFileSync(fixture('facts-ubuntu-worker.json'), 'utf8')) as HostFacts;

/** A host built in the test: Ubuntu 20.04 with a 50 GB root on sda1 and the given extra devices. */
function host(over: Partial<HostFacts> = {}): HostFacts {
  return {
    host: 'h',
    processor_vcpus: 8,
    memtotal_mb: 16 * 1024,
    distribution: 'Ubuntu',
    distribution_version: '20.04',
    mounts: [{ mount: '/', device: '/dev/sda1', size_total: 50 * GIB }],
    devices: { sda: { sectors: sectorsOf(50), sectorsize: 512, partitions: ['sda1'] } },
    ...over,
  };
}

const seed = SEED_REQUIREMENTS;

describe('preflight requirements (pure)', () => {
  describe('the requirements', () => {
    it('are the seed node table by default', () => {
      expect(SEED_REQUIREMENTS).toEqual({
        controlPlane: { cpus: 4, memoryGb: 8, osDiskGb: 30, extraDiskGb: 0 },
        worker: { cpus: 8, memoryGb: 16, osDiskGb: 30, extraDiskGb: 100 },
        acceptedOs: ['Ubuntu 20.04'],
      });
      expect(requirementsFor(acmeOnprem())).toEqual(SEED_REQUIREMENTS);
    });

    it('take the overrides of spec.onprem.preflight field by field, keeping the seed for the rest', () => {
      const onprem: OnpremSpec = {
        ...acmeOnprem(),
        preflight: { controlPlane: { osDiskGb: 50 }, worker: { cpus: 2, extraDiskGb: 0 }, acceptedOs: ['Ubuntu 22.04', 'Debian *'] },
      };
      expect(requirementsFor(onprem)).toEqual({
        controlPlane: { cpus: 4, memoryGb: 8, osDiskGb: 50, extraDiskGb: 0 },
        worker: { cpus: 2, memoryGb: 16, osDiskGb: 30, extraDiskGb: 0 },
        acceptedOs: ['Ubuntu 22.04', 'Debian *'],
      });
    });

    it('do not change the seed table when a spec overrides it', () => {
      requirementsFor({ ...acmeOnprem(), preflight: { worker: { cpus: 1 } } });
      expect(SEED_REQUIREMENTS.worker.cpus).toBe(8);
    });
  });

  describe('a host against its roles', () => {
    it('passes the recorded Ubuntu worker facts as a worker', () => {
      expect(hostShortfalls(ubuntuWorker(), ['worker'], seed)).toEqual([]);
    });

    it('names each shortfall of a small host with what it has and what it needs', () => {
      const small: HostFacts = {
        ...ubuntuWorker(),
        processor_vcpus: 2,
        memtotal_mb: 4096,
        distribution: 'CentOS',
        distribution_version: '7.9',
        mounts: [{ mount: '/', device: '/dev/sda2', size_total: 20 * GIB }],
      };
      expect(hostShortfalls(small, ['worker'], seed)).toEqual([
        '2 CPUs, needs 8',
        '4.0 GB memory, needs 16 GB',
        'OS disk of 20.0 GB, needs 30 GB',
        'OS CentOS 7.9, needs Ubuntu 20.04',
      ]);
    });

    it('reports an OS disk of 0 GB when no filesystem is mounted at /', () => {
      expect(hostShortfalls(host({ mounts: [{ mount: '/boot', device: '/dev/sda1', size_total: 100 * GIB }] }), ['control-plane'], seed)).toEqual([
        'OS disk of 0.0 GB, needs 30 GB',
      ]);
    });

    it('tolerates memory 5% under the nominal size (kernel and firmware reservations)', () => {
      // 8 GB nominal: 8 * 1024 * 0.95 = 7782.4 MB.
      expect(hostShortfalls(host({ memtotal_mb: 7783 }), ['control-plane'], seed)).toEqual([]);
      expect(hostShortfalls(host({ memtotal_mb: 7782 }), ['control-plane'], seed)).toEqual(['7.6 GB memory, needs 8 GB']);
      // 16 GB nominal: the recorded worker reports 16008 MB; 15565 MB is still a 16 GB machine.
      expect(hostShortfalls({ ...ubuntuWorker(), memtotal_mb: 15565 }, ['worker'], seed)).toEqual([]);
      expect(hostShortfalls({ ...ubuntuWorker(), memtotal_mb: 15564 }, ['worker'], seed)).toEqual(['15.2 GB memory, needs 16 GB']);
    });

    it('gives a control-plane or etcd node the control-plane minimums (no extra disk)', () => {
      const cp = host({ processor_vcpus: 4, memtotal_mb: 8 * 1024 });
      expect(hostShortfalls(cp, ['control-plane'], seed)).toEqual([]);
      expect(hostShortfalls(cp, ['etcd'], seed)).toEqual([]);
      expect(hostShortfalls(cp, ['control-plane', 'etcd'], seed)).toEqual([]);
      expect(hostShortfalls(cp, ['worker'], seed)).toEqual(['4 CPUs, needs 8', '8.0 GB memory, needs 16 GB', 'no extra disk, needs one of 100 GB']);
    });

    it('gives a node that is both control plane and worker the larger of each minimum', () => {
      const req: Requirements = {
        controlPlane: { cpus: 4, memoryGb: 32, osDiskGb: 80, extraDiskGb: 0 },
        worker: { cpus: 8, memoryGb: 16, osDiskGb: 30, extraDiskGb: 100 },
        acceptedOs: ['Ubuntu 20.04'],
      };
      const h = host({ processor_vcpus: 4, memtotal_mb: 16 * 1024 });
      expect(hostShortfalls(h, ['control-plane', 'etcd', 'worker'], req)).toEqual([
        '4 CPUs, needs 8',
        '16.0 GB memory, needs 32 GB',
        'OS disk of 50.0 GB, needs 80 GB',
        'no extra disk, needs one of 100 GB',
      ]);
      // Each role alone asks less of it.
      expect(hostShortfalls(h, ['control-plane'], req)).toEqual(['16.0 GB memory, needs 32 GB', 'OS disk of 50.0 GB, needs 80 GB']);
      expect(hostShortfalls(h, ['worker'], req)).toEqual(['4 CPUs, needs 8', 'no extra disk, needs one of 100 GB']);
    });
  });

  describe('the extra disk', () => {
    it('is a disk other than the one holding the root partition', () => {
      const h = host({ devices: { sda: { sectors: sectorsOf(500), sectorsize: 512, partitions: ['sda1', 'sda2'] } } });
      // sda is large, but it holds / (sda1): it is not an extra disk.
      expect(hostShortfalls(h, ['worker'], seed)).toEqual(['no extra disk, needs one of 100 GB']);
    });

    it('is not the disk mounted whole at / (as on the local demo VM: /dev/vda, no partitions)', () => {
      const h = host({
        mounts: [{ mount: '/', device: '/dev/vda', size_total: 256 * GIB }],
        devices: { vda: { sectors: sectorsOf(256), sectorsize: '512', partitions: [] } },
      });
      expect(hostShortfalls(h, ['worker'], seed)).toEqual(['no extra disk, needs one of 100 GB']);
    });

    it('recognises the root partition in the raw Ansible form too (partitions as an object)', () => {
      const h = host({ devices: { sda: { sectors: sectorsOf(500), sectorsize: 512, partitions: { sda1: { holders: [] } } } } });
      expect(hostShortfalls(h, ['worker'], seed)).toEqual(['no extra disk, needs one of 100 GB']);
    });

    it('ignores loop, ram, optical, zram, device-mapper, md and nbd devices however large', () => {
      const huge = { sectors: sectorsOf(1000), sectorsize: '512', partitions: [] };
      const devices: HostFacts['devices'] = { sda: { sectors: sectorsOf(50), sectorsize: 512, partitions: ['sda1'] } };
      for (const name of ['loop0', 'ram0', 'sr0', 'zram0', 'dm-0', 'md0', 'nbd0']) devices[name] = huge;
      expect(hostShortfalls(host({ devices }), ['worker'], seed)).toEqual(['no extra disk, needs one of 100 GB']);
    });

    it('is the largest other disk, measured in sectors times sector size (strings or numbers)', () => {
      const h = host({
        devices: {
          sda: { sectors: sectorsOf(50), sectorsize: 512, partitions: ['sda1'] },
          sdb: { sectors: String(sectorsOf(40)), sectorsize: '512', partitions: [] },
          nvme0n1: { sectors: (120 * GIB) / 4096, sectorsize: '4096', partitions: ['nvme0n1p1'] },
        },
      });
      expect(hostShortfalls(h, ['worker'], seed)).toEqual([]);
    });

    it('says how large the extra disk is when it is too small', () => {
      const h = host({ devices: { sda: { sectors: sectorsOf(50), sectorsize: 512, partitions: ['sda1'] }, sdb: { sectors: sectorsOf(64), sectorsize: 512 } } });
      expect(hostShortfalls(h, ['worker'], seed)).toEqual(['extra disk of 64.0 GB, needs 100 GB']);
    });

    it('is found in the recorded worker facts (sdb) and not in its loop, sr0 or root sda devices', () => {
      const facts = ubuntuWorker();
      delete facts.devices.sdb;
      expect(hostShortfalls(facts, ['worker'], seed)).toEqual(['no extra disk, needs one of 100 GB']);
    });

    it('is not required when the minimum is 0', () => {
      expect(hostShortfalls(host(), ['worker'], { ...seed, worker: { ...seed.worker, extraDiskGb: 0 } })).toEqual([]);
    });

    // Ubuntu 20.04's installer puts / on
    // LVM by default. The root mount is then /dev/mapper/ubuntu--vg-ubuntu--lv, whose basename is
    // no device or partition name, so the OS disk (sda, the LVM physical volume) is taken for the
    // extra disk and a one-disk worker passes. preflight.yml keeps only partition names, not the
    // partitions' holders, so the facts cannot tell either.
    it('does not take the OS disk for the extra disk when / is on LVM', () => {
      const h = host({
        mounts: [{ mount: '/', device: '/dev/mapper/ubuntu--vg-ubuntu--lv', size_total: 98 * GIB }],
        devices: {
          sda: { sectors: sectorsOf(200), sectorsize: '512', partitions: ['sda1', 'sda2', 'sda3'] },
          'dm-0': { sectors: sectorsOf(98), sectorsize: '512', partitions: [] },
        },
      });
      expect(hostShortfalls(h, ['worker'], seed)).toEqual(['no extra disk, needs one of 100 GB']);
    });
    it('with / on LVM, still finds an extra disk that is no LVM member (holders as preflight.yml writes them)', () => {
      const h = host({
        mounts: [{ mount: '/', device: '/dev/mapper/ubuntu--vg-ubuntu--lv', size_total: 98 * GIB }],
        devices: {
          sda: { sectors: sectorsOf(200), sectorsize: '512', partitions: { sda1: { holders: [] }, sda3: { holders: ['dm-0'] } } },
          sdb: { sectors: sectorsOf(150), sectorsize: '512', partitions: {} },
        },
      });
      expect(hostShortfalls(h, ['worker'], seed)).toEqual([]);
    });
  });

  describe('accepted operating systems', () => {
    it('match exactly without a trailing *', () => {
      expect(osAccepted({ distribution: 'Ubuntu', distribution_version: '20.04' }, ['Ubuntu 20.04'])).toBe(true);
      expect(osAccepted({ distribution: 'Ubuntu', distribution_version: '22.04' }, ['Ubuntu 20.04'])).toBe(false);
      expect(osAccepted({ distribution: 'Ubuntu', distribution_version: '20.04' }, ['Ubuntu 20'])).toBe(false);
      expect(osAccepted({ distribution: 'ubuntu', distribution_version: '20.04' }, ['Ubuntu 20.04'])).toBe(false);
    });

    it('match a prefix with a trailing *', () => {
      expect(osAccepted({ distribution: 'Debian', distribution_version: '12.11' }, ['Debian *'])).toBe(true);
      expect(osAccepted({ distribution: 'Ubuntu', distribution_version: '22.04' }, ['Ubuntu 2*'])).toBe(true);
      expect(osAccepted({ distribution: 'Ubuntu', distribution_version: '18.04' }, ['Ubuntu 2*'])).toBe(false);
      expect(osAccepted({ distribution: 'Debian', distribution_version: '12.11' }, ['Ubuntu *'])).toBe(false);
      expect(osAccepted({ distribution: 'Rocky', distribution_version: '9.4' }, ['*'])).toBe(true);
    });

    it('accept a host matching any entry, and name them all when none matches', () => {
      const req = { ...seed, acceptedOs: ['Ubuntu 20.04', 'Ubuntu 22.04', 'Debian *'] };
      expect(hostShortfalls(host({ distribution: 'Debian', distribution_version: '11' }), ['control-plane'], req)).toEqual([]);
      expect(hostShortfalls(host({ distribution: 'Rocky', distribution_version: '9.4' }), ['control-plane'], req)).toEqual([
        'OS Rocky 9.4, needs Ubuntu 20.04 or Ubuntu 22.04 or Debian *',
      ]);
    });
  });

  describe('checking the nodes of a spec', () => {
    const controlPlane = (name: string): HostFacts => host({ host: name, processor_vcpus: 4, memtotal_mb: 8 * 1024 });

    it('passes when every node has facts that meet its role', () => {
      const facts = new Map<string, HostFacts>([
        ['master-1', controlPlane('master-1')],
        ['master-2', controlPlane('master-2')],
        ['master-3', controlPlane('master-3')],
        ['worker-1', ubuntuWorker()],
        ['worker-2', { ...ubuntuWorker(), host: 'worker-2' }],
      ]);
      const report = checkNodes(acmeOnprem(), facts);
      expect(report.passed).toBe(true);
      expect(report.hosts.map((h) => h.host)).toEqual(['master-1', 'master-2', 'master-3', 'worker-1', 'worker-2']);
      expect(report.hosts.every((h) => h.lacks.length === 0)).toBe(true);
      expect(describeReport(report)).toBe('');
    });

    it('names each host and what it lacks, and says when no facts were gathered for a host', () => {
      const facts = new Map<string, HostFacts>([
        ['master-1', controlPlane('master-1')],
        ['master-2', { ...controlPlane('master-2'), processor_vcpus: 2 }],
        ['master-3', controlPlane('master-3')],
        // A control-plane-sized machine where a worker is expected.
        ['worker-1', { ...controlPlane('worker-1') }],
        // Facts of a host that is not in the spec are ignored.
        ['stranger', host({ host: 'stranger', processor_vcpus: 1 })],
      ]);
      const report = checkNodes(acmeOnprem(), facts);
      expect(report.passed).toBe(false);
      expect(report.hosts).toEqual([
        { host: 'master-1', lacks: [] },
        { host: 'master-2', lacks: ['2 CPUs, needs 4'] },
        { host: 'master-3', lacks: [] },
        { host: 'worker-1', lacks: ['4 CPUs, needs 8', '8.0 GB memory, needs 16 GB', 'no extra disk, needs one of 100 GB'] },
        { host: 'worker-2', lacks: ['no facts were gathered'] },
      ]);
      expect(describeReport(report)).toBe(
        [
          'master-2: 2 CPUs, needs 4',
          'worker-1: 4 CPUs, needs 8; 8.0 GB memory, needs 16 GB; no extra disk, needs one of 100 GB',
          'worker-2: no facts were gathered',
        ].join('\n'),
      );
    });

    it("uses the spec's preflight overrides", () => {
      const onprem: OnpremSpec = {
        ...acmeOnprem(),
        preflight: {
          controlPlane: { cpus: 1, memoryGb: 1, osDiskGb: 1 },
          worker: { cpus: 1, memoryGb: 1, osDiskGb: 1, extraDiskGb: 0 },
          acceptedOs: ['Debian *'],
        },
      };
      const lab = (name: string): HostFacts =>
        host({ host: name, processor_vcpus: 2, memtotal_mb: 2048, distribution: 'Debian', distribution_version: '12.11' });
      const report = checkNodes(onprem, new Map(onprem.nodes.map((n) => [n.name, lab(n.name)])));
      expect(report).toEqual({ passed: true, hosts: onprem.nodes.map((n) => ({ host: n.name, lacks: [] })) });
    });
  });
});
