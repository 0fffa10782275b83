// Which Kubernetes versions a Kubespray checkout installs, read from the checkout itself, as
// Kubespray's own validate_inventory decides: kube_version must be listed in the kubelet,
// kubeadm and kubectl checksums for the architecture, and be at least kube_version_min_required.
// Since v2.28 the default and the minimum are the first and last kubelet checksum keys
// (templates in roles/kubespray_defaults/defaults/main/main.yml); before, they were literals.
// So a newer Kubespray works without a table in our code.
import yaml from 'js-yaml';
import { compareVersions } from '../spec/kubespray-releases.js';

/** Where Kubespray has kept its defaults and checksums, newest layout first. */
export const KUBESPRAY_DEFAULTS_FILES = [
  'roles/kubespray_defaults/defaults/main/main.yml',
  'roles/kubespray-defaults/defaults/main/main.yml',
  'roles/kubespray-defaults/defaults/main.yaml',
];
export const KUBESPRAY_CHECKSUMS_FILES = [
  'roles/kubespray_defaults/vars/main/checksums.yml',
  'roles/kubespray-defaults/defaults/main/checksums.yml',
  'roles/download/defaults/main/checksums.yml',
];
/** The binaries whose checksums Kubespray's validate_inventory looks kube_version up in. */
const CHECKED_BINARIES = ['kubelet_checksums', 'kubeadm_checksums', 'kubectl_checksums'];

export interface CheckoutFiles {
  dir: string;
  /** The release: the checkout's git tag, else galaxy.yml's version. */
  release?: { version: string; from: string };
  defaults?: { path: string; text: string };
  checksums?: { path: string; text: string };
}

export interface KubesprayCheckout {
  dir: string;
  release: string;
  /** Every version it installs, newest first. */
  versions: string[];
  defaultVersion: string;
  minVersion: string;
  checksumsPath: string;
}

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : undefined);
const bare = (v: string) => v.trim().replace(/^v/, '');
const literalVersion = (v: unknown): string | undefined => (typeof v === 'string' && /^v?\d+\.\d+\.\d+$/.test(v.trim()) ? bare(v) : undefined);

function parse(file: { path: string; text: string }): Raw {
  try {
    return obj(yaml.load(file.text)) ?? {};
  } catch (err) {
    throw new Error(`cannot read ${file.path}: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** The checkout's supported versions, or why they cannot be known. */
export function readCheckout(files: CheckoutFiles, arch = 'amd64'): KubesprayCheckout | { problem: string } {
  if (!files.checksums || !files.defaults) {
    const missing = !files.defaults ? KUBESPRAY_DEFAULTS_FILES[0] : KUBESPRAY_CHECKSUMS_FILES[0];
    return { problem: `spec.onprem.kubespray.dir (${files.dir}) is not a Kubespray checkout: it has no ${missing} (nor an older layout of it)` };
  }
  let defaults: Raw;
  let checksums: Raw;
  try {
    defaults = parse(files.defaults);
    checksums = parse(files.checksums);
  } catch (err) {
    return { problem: `Kubespray at ${files.dir}: ${(err as Error).message}` };
  }
  const listed = CHECKED_BINARIES.map((name) => Object.keys(obj(obj(checksums[name])?.[arch]) ?? {}).map(bare));
  const [kubelet = [], ...others] = listed;
  const all = kubelet.filter((v) => others.every((list) => list.includes(v))).sort((a, b) => compareVersions(b, a));
  if (!all.length)
    return {
      problem: `Kubespray at ${files.dir}: ${files.checksums.path} lists no Kubernetes version with kubelet, kubeadm and kubectl checksums for ${arch}`,
    };
  const minVersion = literalVersion(defaults.kube_version_min_required) ?? all.at(-1)!;
  const versions = all.filter((v) => compareVersions(v, minVersion) >= 0);
  return {
    dir: files.dir,
    release: files.release ? `${files.release.version} (${files.release.from})` : 'of an unknown release',
    versions,
    defaultVersion: literalVersion(defaults.kube_version) ?? all[0]!,
    minVersion,
    checksumsPath: files.checksums.path,
  };
}

/** Why the checkout would refuse `kubeVersion`, naming the release and its range; undefined when it installs it. */
export function kubeVersionRefusal(checkout: KubesprayCheckout, kubeVersion: string): string | undefined {
  const wanted = bare(kubeVersion);
  if (checkout.versions.includes(wanted)) return undefined;
  const range = `${checkout.versions.at(-1)} to ${checkout.versions[0]}`;
  const why =
    compareVersions(wanted, checkout.versions.at(-1)!) >= 0 && compareVersions(wanted, checkout.versions[0]!) <= 0
      ? 'that patch release is not among'
      : 'it is outside';
  return `spec.onprem.kubeVersion ${wanted}: Kubespray ${checkout.release} at ${checkout.dir} does not install it (${why} the versions it supports, ${range}, listed in ${checkout.checksumsPath})`;
}
