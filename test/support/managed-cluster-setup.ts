// Builds an EKS- or AKS-shaped cluster in a real kube-apiserver (see managed-clusters.ts for
// the shapes): Nodes registered as their kubelets would (kwok then keeps them Ready and runs
// their pods), the kube-system DaemonSets and CNI ConfigMaps, the CSIDriver
// objects and the StorageClasses the service ships. Also a ServiceAccount token, the kind of
// bearer token an exec credential plugin hands out, and kubeconfigs that use it.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppsV1Api, CoreV1Api, RbacAuthorizationV1Api, StorageV1Api, type KubeConfig, type V1Node } from '@kubernetes/client-node';
import yaml from 'js-yaml';
import { listAll } from '../../activities/kubernetes/kube-client.js';
import type { clusterObjects } from './managed-clusters.js';

type ClusterObjects = ReturnType<typeof clusterObjects>;

const CONCURRENCY = 25;

async function inBatches<T>(items: T[], work: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += CONCURRENCY) await Promise.all(items.slice(i, i + CONCURRENCY).map(work));
}

/**
 * Registers Nodes the way a kubelet does: one create with the status (capacity, nodeInfo);
 * the conditions are left to kwok, which keeps what it finds and from then on posts the
 * heartbeats, as the kubelet would.
 */
export async function registerNodes(kc: KubeConfig, nodes: V1Node[]): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  await inBatches(nodes, (node) => core.createNode({ body: { ...node, status: { ...node.status, conditions: undefined } } }));
  const names = new Set(nodes.map((n) => n.metadata!.name!));
  const deadline = Date.now() + 120_000;
  for (;;) {
    const ready = (await listAll((page) => core.listNode(page))).filter(
      (n) => names.has(n.metadata!.name!) && n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    );
    if (ready.length === names.size) return;
    if (Date.now() > deadline) throw new Error(`kwok made ${ready.length} of ${names.size} nodes Ready in 2 minutes`);
    await sleep(200);
  }
}

export async function deleteNodes(kc: KubeConfig, names: string[]): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  await inBatches(names, (name) => core.deleteNode({ name }));
}

export async function createClusterObjects(kc: KubeConfig, objects: ClusterObjects): Promise<void> {
  const apps = kc.makeApiClient(AppsV1Api);
  const storage = kc.makeApiClient(StorageV1Api);
  await registerNodes(kc, objects.nodes);
  const core = kc.makeApiClient(CoreV1Api);
  for (const cm of objects.configMaps) await core.createNamespacedConfigMap({ namespace: cm.metadata!.namespace!, body: cm });
  for (const ds of objects.daemonSets) await apps.createNamespacedDaemonSet({ namespace: ds.metadata!.namespace!, body: ds });
  for (const driver of objects.csiDrivers) await storage.createCSIDriver({ body: driver });
  for (const sc of objects.storageClasses) await storage.createStorageClass({ body: sc });
}

/** A cluster-admin ServiceAccount's token (what `aws eks get-token` or kubelogin would hand out). */
export async function bearerToken(kc: KubeConfig, name: string): Promise<string> {
  const core = kc.makeApiClient(CoreV1Api);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  await core.createNamespacedServiceAccount({ namespace: 'kube-system', body: { metadata: { name } } });
  await rbac.createClusterRoleBinding({
    body: {
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name, namespace: 'kube-system' }],
    },
  });
  const request = await core.createNamespacedServiceAccountToken({
    name,
    namespace: 'kube-system',
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  return request.status!.token;
}

/**
 * A kubeconfig as `aws eks update-kubeconfig` writes it: the cluster (`server`, the CA of `kc`),
 * and a user whose credential comes from an exec plugin, here a script next to the kubeconfig
 * (named relative to it) that prints an ExecCredential with `token`, or fails as told.
 */
export async function execPluginKubeconfig(dir: string, kc: KubeConfig, opts: { server?: string; token: string; fail?: string }): Promise<string> {
  const cluster = kc.getCurrentCluster()!;
  await mkdir(join(dir, 'bin'), { recursive: true });
  const plugin = join(dir, 'bin', opts.fail ? 'get-token-failing' : 'get-token');
  const credential = JSON.stringify({
    kind: 'ExecCredential',
    apiVersion: 'client.authentication.k8s.io/v1beta1',
    spec: {},
    status: { expirationTimestamp: new Date(Date.now() + 3_000_000).toISOString(), token: opts.token },
  });
  const body = opts.fail ? `echo '${opts.fail}' >&2\nexit 1` : `printf '%s' '${credential}'`;
  await writeFile(plugin, `#!/bin/sh\n# Stands for aws eks get-token: ${opts.fail ? 'fails' : 'prints a token the API server accepts'}.\n${body}\n`);
  await chmod(plugin, 0o755);
  const name = 'arn:aws:eks:us-east-1:123456789012:cluster/acme';
  const file = join(dir, opts.fail ? 'failing.kubeconfig' : 'exec.kubeconfig');
  const text = yaml.dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: opts.server ?? cluster.server, 'certificate-authority-data': cluster.caData } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
    users: [
      {
        name,
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1beta1',
            command: `./bin/${opts.fail ? 'get-token-failing' : 'get-token'}`,
            args: ['eks', 'get-token', '--cluster-name', 'acme'],
            interactiveMode: 'IfAvailable',
          },
        },
      },
    ],
  });
  await writeFile(file, text, { mode: 0o600 });
  return file;
}
