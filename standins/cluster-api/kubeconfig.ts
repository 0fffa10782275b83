// A kubeconfig for the stand-in API server, shaped like the admin.conf Kubespray leaves on a
// control-plane node, so code reading a real cluster's kubeconfig reads this one the same way.
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';

export interface StandinClusterAccess {
  url: string;
  caFile: string;
  token: string;
}

const ADMIN_USER = 'kubernetes-admin';

/** Kubeconfig YAML for `cluster`; `name` is the cluster name (Kubespray's default: cluster.local). */
export function standinKubeconfig(cluster: StandinClusterAccess, name = 'cluster.local'): string {
  const context = `${ADMIN_USER}@${name}`;
  return yaml.dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name,
        cluster: {
          'certificate-authority-data': readFileSync(cluster.caFile).toString('base64'),
          server: cluster.url,
        },
      },
    ],
    contexts: [{ name: context, context: { cluster: name, user: ADMIN_USER } }],
    'current-context': context,
    preferences: {},
    users: [{ name: ADMIN_USER, user: { token: cluster.token } }],
  });
}
