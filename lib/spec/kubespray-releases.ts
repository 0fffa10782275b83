// The Kubernetes versions each Kubespray release installs (its kube_version_min_required up
// to its default, from roles/kubespray_defaults). Kubespray's validate_inventory refuses others.
export const KUBESPRAY_KUBE_VERSIONS: Record<string, { min: string; max: string }> = {
  'v2.29': { min: '1.31.0', max: '1.33.7' },
  'v2.30': { min: '1.32.0', max: '1.34.3' },
  'v2.31': { min: '1.33.0', max: '1.35.4' },
};

const parts = (v: string) => v.replace(/^v/, '').split('.').map(Number);

export function compareVersions(a: string, b: string): number {
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

/** Why Kubespray `release` would refuse `kubeVersion`, or undefined (also for releases not in the table). */
export function kubeVersionProblem(release: string, kubeVersion: string): string | undefined {
  const range = KUBESPRAY_KUBE_VERSIONS[release.split('.').slice(0, 2).join('.')];
  if (!range) return undefined;
  if (compareVersions(kubeVersion, range.min) < 0 || compareVersions(kubeVersion, range.max) > 0) {
    return `expected a Kubernetes version Kubespray ${release} installs (${range.min} to ${range.max})`;
  }
  return undefined;
}
