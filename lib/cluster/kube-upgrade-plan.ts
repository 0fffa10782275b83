// How `kinstall upgrade NAME --kube VERSION` gets a cluster from its Kubernetes version to the
// one asked for, and in which order it takes the nodes. Kubernetes' version skew policy allows
// one minor version at a time, so 1.31.x to 1.33.y is two Kubespray upgrade-cluster.yml runs:
// to the newest 1.32 any checkout installs, then to 1.33.y.
import type { KubesprayCheckout } from '../preflight/kubespray-checkout.js';
import { compareVersions } from '../spec/kubespray-releases.js';
import type { NodeSpec } from '../spec/schema.js';
import { quoteText } from '../safe-text.js';
import { validateKubeVersion } from './operation-input.js';

export interface KubeUpgradeHop {
  /** The Kubernetes version this run upgrades to, without a leading "v". */
  version: string;
  /** The Kubespray checkout that runs it, and its release as the checkout says it. */
  kubesprayDir: string;
  release: string;
}

export type KubeUpgradePlan = { hops: KubeUpgradeHop[] } | { problem: string };

const bare = (v: string) => v.trim().replace(/^v/, '');
const minorOf = (v: string) => v.split('.').slice(0, 2).join('.');
const releaseNumber = (c: KubesprayCheckout) => /^v?(\d+\.\d+\.\d+)/.exec(c.release)?.[1];

/**
 * Oldest release first (a release of unknown number last), then the one whose newest Kubernetes
 * is oldest. A hop is run by the oldest checkout that installs its version: a newer Kubespray may
 * refuse to manage the older cluster (its kube_version_min_required), and an older one changes
 * least besides Kubernetes.
 */
function oldestFirst(a: KubesprayCheckout, b: KubesprayCheckout): number {
  const [x, y] = [releaseNumber(a), releaseNumber(b)];
  if (x && y && compareVersions(x, y) !== 0) return compareVersions(x, y);
  if (!x !== !y) return x ? -1 : 1;
  return compareVersions(a.versions[0] ?? '0', b.versions[0] ?? '0');
}

/** What each checkout installs, for a refusal. */
function offers(checkouts: KubesprayCheckout[]): string {
  if (!checkouts.length) return 'none was given';
  return checkouts.map((c) => `Kubespray ${c.release} at ${c.dir} offers ${c.versions.at(-1)}-${c.versions[0]}`).join('; ');
}

/** The Kubespray runs, in order, that take the cluster from `from` to `to`; or why there are none. */
export function planKubeUpgrade(from: string, to: string, checkouts: KubesprayCheckout[]): KubeUpgradePlan {
  const badTarget = validateKubeVersion(to);
  if (badTarget) return { problem: badTarget };
  if (validateKubeVersion(from)) return { problem: `the cluster's Kubernetes version ${quoteText(from, 40)} is not a version such as 1.33.7` };
  const [current, target] = [bare(from), bare(to)];
  const order = compareVersions(target, current);
  if (order === 0) return { problem: `--kube ${target}: the cluster runs ${current} already` };
  if (order < 0) return { problem: `--kube ${target}: the cluster runs ${current}, and Kubernetes cannot be downgraded` };
  const [major, fromMinor] = current.split('.').map(Number) as [number, number];
  const [toMajor, toMinor] = target.split('.').map(Number) as [number, number];
  if (major !== toMajor) return { problem: `--kube ${target}: the cluster runs ${current}; upgrades stay within major version ${major}` };

  const byAge = [...checkouts].sort(oldestFirst);
  const hop = (version: string): KubeUpgradeHop | undefined => {
    const runner = byAge.find((c) => c.versions.includes(version));
    return runner && { version, kubesprayDir: runner.dir, release: runner.release };
  };
  const last = hop(target);
  if (!last) return { problem: `--kube ${target}: no Kubespray checkout installs it; ${offers(byAge)}` };
  const hops: KubeUpgradeHop[] = [];
  for (let minor = fromMinor + 1; minor < toMinor; minor++) {
    const newest = byAge
      .flatMap((c) => c.versions)
      .filter((v) => minorOf(v) === `${major}.${minor}`)
      .sort((a, b) => compareVersions(b, a))[0];
    const step = newest && hop(newest);
    if (!step)
      return {
        problem: `--kube ${target}: the cluster runs ${current} and upgrades one minor version at a time, through ${major}.${minor}, which no Kubespray checkout installs; ${offers(byAge)}`,
      };
    hops.push(step);
  }
  return { hops: [...hops, last] };
}

/** The order upgrade-cluster.yml takes the nodes in: the control plane (and etcd-only nodes), then the workers; spec order within each. */
export function upgradeOrder(nodes: NodeSpec[]): string[] {
  const controlPlane = (n: NodeSpec) => n.roles.includes('control-plane') || n.roles.includes('etcd');
  return [...nodes.filter(controlPlane), ...nodes.filter((n) => !controlPlane(n))].map((n) => n.name);
}
