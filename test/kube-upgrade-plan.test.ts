import { join } from 'node:path';
import { checkoutFiles } from '../activities/kubespray-checkout.js';
import { planKubeUpgrade, upgradeOrder, type KubeUpgradePlan } from '../lib/cluster/kube-upgrade-plan.js';
import { readCheckout, type KubesprayCheckout } from '../lib/preflight/kubespray-checkout.js';
import type { NodeRole, NodeSpec } from '../lib/spec/schema.js';
import { REPO_ROOT } from './support/repo.js';

const STANDIN_DIR = join(REPO_ROOT, 'standins', 'kubespray');

/** A checkout listing, for each minor, patches 0 to the given one (newest first, as readCheckout lists them). */
function checkoutOf(release: string, dir: string, newestPatch: Record<string, number>): KubesprayCheckout {
  const versions = Object.entries(newestPatch)
    .flatMap(([minor, newest]) => Array.from({ length: newest + 1 }, (_, patch) => `${minor}.${patch}`))
    .reverse();
  return {
    dir,
    release,
    versions,
    defaultVersion: versions[0]!,
    minVersion: versions.at(-1)!,
    checksumsPath: 'roles/kubespray_defaults/vars/main/checksums.yml',
  };
}

// The ranges of KUBESPRAY_KUBE_VERSIONS (lib/spec/kubespray-releases.ts).
const V2_29 = checkoutOf('v2.29.1 (git tag)', '/opt/kubespray-2.29', { '1.31': 12, '1.32': 9, '1.33': 7 });
const V2_30 = checkoutOf('v2.30.0 (git tag)', '/opt/kubespray-2.30', { '1.32': 11, '1.33': 9, '1.34': 3 });

async function standin(): Promise<KubesprayCheckout> {
  const found = readCheckout(await checkoutFiles(STANDIN_DIR));
  if ('problem' in found) throw new Error(found.problem);
  return found;
}

const hops = (plan: KubeUpgradePlan) => {
  if ('problem' in plan) throw new Error(plan.problem);
  return plan.hops.map((h) => [h.version, h.kubesprayDir, h.release]);
};
const problem = (plan: KubeUpgradePlan) => ('problem' in plan ? plan.problem : `no problem: ${JSON.stringify(plan)}`);

describe('upgrade --kube: the Kubespray runs from one version to another', () => {
  it('reads the stand-in as a checkout offering 1.33.0 to 1.35.4', async () => {
    const found = await standin();
    expect([found.versions.at(-1), found.versions[0], found.release]).toEqual(['1.33.0', '1.35.4', 'v2.31.0 (galaxy.yml)']);
  });

  it('upgrades to the next minor version in one run', async () => {
    expect(hops(planKubeUpgrade('1.33.7', '1.34.2', [await standin()]))).toEqual([['1.34.2', STANDIN_DIR, 'v2.31.0 (galaxy.yml)']]);
    expect(hops(planKubeUpgrade('v1.33.7', 'v1.34.2', [await standin()]))).toEqual([['1.34.2', STANDIN_DIR, 'v2.31.0 (galaxy.yml)']]);
  });

  it('upgrades a patch release in one run', async () => {
    expect(hops(planKubeUpgrade('1.33.7', '1.33.11', [await standin()]))).toEqual([['1.33.11', STANDIN_DIR, 'v2.31.0 (galaxy.yml)']]);
  });

  it('goes one minor version at a time, through the newest patch release of each minor in between', async () => {
    expect(hops(planKubeUpgrade('1.33.7', '1.35.0', [await standin()]))).toEqual([
      ['1.34.7', STANDIN_DIR, 'v2.31.0 (galaxy.yml)'],
      ['1.35.0', STANDIN_DIR, 'v2.31.0 (galaxy.yml)'],
    ]);
  });

  it('runs each hop with the oldest release that installs its version, in whatever order the checkouts come', async () => {
    const checkouts = [await standin(), V2_30, V2_29];
    // 1.32.11 only v2.30 lists; v2.29 is the oldest to list 1.33.2; only the stand-in (v2.31) lists 1.35.
    expect(hops(planKubeUpgrade('1.31.5', '1.33.2', checkouts))).toEqual([
      ['1.32.11', '/opt/kubespray-2.30', 'v2.30.0 (git tag)'],
      ['1.33.2', '/opt/kubespray-2.29', 'v2.29.1 (git tag)'],
    ]);
    expect(hops(planKubeUpgrade('1.31.5', '1.35.4', checkouts))).toEqual([
      ['1.32.11', '/opt/kubespray-2.30', 'v2.30.0 (git tag)'],
      ['1.33.11', STANDIN_DIR, 'v2.31.0 (galaxy.yml)'],
      ['1.34.7', STANDIN_DIR, 'v2.31.0 (galaxy.yml)'],
      ['1.35.4', STANDIN_DIR, 'v2.31.0 (galaxy.yml)'],
    ]);
  });

  it('prefers a checkout of known release to one of unknown release, then the one whose Kubernetes is older', () => {
    const unknown = { ...V2_30, dir: '/opt/kubespray-fork', release: 'of an unknown release' };
    expect(hops(planKubeUpgrade('1.32.0', '1.33.1', [unknown, V2_30]))).toEqual([['1.33.1', '/opt/kubespray-2.30', 'v2.30.0 (git tag)']]);
    const older = checkoutOf('of an unknown release', '/opt/kubespray-old', { '1.33': 2 });
    expect(hops(planKubeUpgrade('1.32.0', '1.33.1', [unknown, older]))).toEqual([['1.33.1', '/opt/kubespray-old', 'of an unknown release']]);
  });

  it('refuses the same version and a downgrade', async () => {
    expect(problem(planKubeUpgrade('1.34.2', 'v1.34.2', [await standin()]))).toBe('--kube 1.34.2: the cluster runs 1.34.2 already');
    expect(problem(planKubeUpgrade('1.34.2', '1.33.9', [await standin()]))).toBe('--kube 1.33.9: the cluster runs 1.34.2, and Kubernetes cannot be downgraded');
  });

  it('refuses a version no checkout installs, listing what each offers', async () => {
    expect(problem(planKubeUpgrade('1.35.0', '1.36.0', [await standin()]))).toBe(
      `--kube 1.36.0: no Kubespray checkout installs it; Kubespray v2.31.0 (galaxy.yml) at ${STANDIN_DIR} offers 1.33.0-1.35.4`,
    );
    expect(problem(planKubeUpgrade('1.33.0', '1.34.99', [V2_30, V2_29]))).toBe(
      '--kube 1.34.99: no Kubespray checkout installs it; Kubespray v2.29.1 (git tag) at /opt/kubespray-2.29 offers 1.31.0-1.33.7; Kubespray v2.30.0 (git tag) at /opt/kubespray-2.30 offers 1.32.0-1.34.3',
    );
    expect(problem(planKubeUpgrade('1.33.0', '1.34.2', []))).toBe('--kube 1.34.2: no Kubespray checkout installs it; none was given');
  });

  it('refuses an upgrade through a minor version no checkout installs', async () => {
    expect(problem(planKubeUpgrade('1.31.5', '1.33.2', [await standin()]))).toBe(
      `--kube 1.33.2: the cluster runs 1.31.5 and upgrades one minor version at a time, through 1.32, which no Kubespray checkout installs; Kubespray v2.31.0 (galaxy.yml) at ${STANDIN_DIR} offers 1.33.0-1.35.4`,
    );
  });

  it('refuses what is not a version, and a change of major version', async () => {
    expect(problem(planKubeUpgrade('1.33.7', '1.34', [await standin()]))).toBe('--kube: expected a Kubernetes version such as 1.33.7');
    expect(problem(planKubeUpgrade('1.33.7+k3s1', '1.34.2', [await standin()]))).toBe(
      `the cluster's Kubernetes version "1.33.7+k3s1" is not a version such as 1.33.7`,
    );
    expect(problem(planKubeUpgrade('1.35.4', '2.0.0', [await standin()]))).toBe('--kube 2.0.0: the cluster runs 1.35.4; upgrades stay within major version 1');
  });
});

describe('upgrade --kube: the order of the nodes', () => {
  const node = (name: string, ...roles: NodeRole[]): NodeSpec => ({ name, address: `${name}.acme.internal`, roles });

  it('takes the control plane (and etcd-only nodes) first, then the workers, each once, in spec order', () => {
    const nodes = [
      node('worker-1', 'worker'),
      node('master-1', 'control-plane', 'etcd'),
      node('etcd-1', 'etcd'),
      node('master-2', 'control-plane', 'worker'),
      node('worker-2', 'worker'),
    ];
    expect(upgradeOrder(nodes)).toEqual(['master-1', 'etcd-1', 'master-2', 'worker-1', 'worker-2']);
    expect(upgradeOrder([node('all-in-one', 'control-plane', 'etcd', 'worker')])).toEqual(['all-in-one']);
  });
});
