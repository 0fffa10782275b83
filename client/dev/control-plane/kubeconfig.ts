// The admin kubeconfig, shaped like the admin.conf Kubespray leaves on a control-plane node
// (cluster cluster.local, user kubernetes-admin, certificates embedded), so code that reads a
// real cluster's kubeconfig reads this one the same way.
import { readFile } from 'node:fs/promises';
import yaml from 'js-yaml';
import type { ControlPlanePki } from './pki.js';

const CLUSTER = 'cluster.local';
const USER = 'kubernetes-admin';

const base64File = async (path: string) => (await readFile(path)).toString('base64');

export async function adminKubeconfig(server: string, pki: ControlPlanePki): Promise<string> {
  const context = `${USER}@${CLUSTER}`;
  return yaml.dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: CLUSTER, cluster: { 'certificate-authority-data': await base64File(pki.caCert), server } }],
    contexts: [{ name: context, context: { cluster: CLUSTER, user: USER } }],
    'current-context': context,
    preferences: {},
    users: [{ name: USER, user: { 'client-certificate-data': await base64File(pki.adminCert), 'client-key-data': await base64File(pki.adminKey) } }],
  });
}
