import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  StorageV1Api,
  VersionApi,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { ensureCertificates } from '../standins/cluster-api/certificates.js';
import { standinKubeconfig } from '../standins/cluster-api/kubeconfig.js';
import { startStandinCluster, type StandinCluster } from '../standins/cluster-api/server.js';

interface RawResponse {
  status: number;
  contentType: string | undefined;
  body: string;
}

/** A plain HTTPS request, for what client-node cannot send (no token, odd content types). */
function rawRequest(
  cluster: StandinCluster,
  method: string,
  path: string,
  options: { token?: string; contentType?: string; body?: string } = {},
): Promise<RawResponse> {
  return readFile(cluster.caFile).then(
    (ca) =>
      new Promise((resolve, reject) => {
        const headers: Record<string, string> = {};
        if (options.token) headers.Authorization = `Bearer ${options.token}`;
        if (options.contentType) headers['Content-Type'] = options.contentType;
        const outgoing = request(new URL(path, cluster.url), { method, ca, headers }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              contentType: response.headers['content-type'],
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        });
        outgoing.on('error', reject);
        outgoing.end(options.body);
      }),
  );
}

/** The Status object client-node received with a failed call (it keeps the body as text). */
async function failureStatus(call: Promise<unknown>): Promise<{ code: number; status: Record<string, unknown> }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ApiException) {
      return { code: error.code, status: JSON.parse(String(error.body)) as Record<string, unknown> };
    }
    throw error;
  }
  throw new Error('expected the call to fail');
}

function readyNode(name: string): KubernetesObject & Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'node-role.kubernetes.io/control-plane': '' } },
    spec: { podCIDR: '10.233.64.0/24' },
    status: {
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
      addresses: [
        { type: 'InternalIP', address: '10.0.0.11' },
        { type: 'Hostname', address: name },
      ],
      nodeInfo: { kubeletVersion: 'v1.31.4', containerRuntimeVersion: 'containerd://1.7.24' },
    },
  };
}

describe('standin cluster (local stand-in Kubernetes API over HTTPS)', () => {
  let dir: string;
  let cluster: StandinCluster;
  let kubeConfig: KubeConfig;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'standin-cluster-'));
    cluster = await startStandinCluster({ dir });
    kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(standinKubeconfig(cluster));
  }, 60_000);

  afterAll(async () => {
    await cluster?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the URL, CA and token for other programs, and a Kubespray-shaped kubeconfig', async () => {
    expect(cluster.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(await readFile(join(dir, 'server'), 'utf8')).toBe(cluster.url);
    expect((await readFile(join(dir, 'token'), 'utf8')).trim()).toBe(cluster.token);
    expect(cluster.caFile).toBe(join(dir, 'ca.crt'));
    expect(kubeConfig.getCurrentContext()).toBe('kubernetes-admin@cluster.local');
    expect(kubeConfig.getCurrentCluster()).toMatchObject({ name: 'cluster.local', server: cluster.url, skipTLSVerify: false });
    expect(kubeConfig.getCurrentUser()).toMatchObject({ name: 'kubernetes-admin', token: cluster.token });
  });

  it('serves version and the discovery documents client-node uses to map kinds to paths', async () => {
    const version = await kubeConfig.makeApiClient(VersionApi).getCode();
    expect(version.gitVersion).toBe('v1.31.4');

    const token = cluster.token;
    expect(JSON.parse((await rawRequest(cluster, 'GET', '/api', { token })).body)).toMatchObject({
      kind: 'APIVersions',
      versions: ['v1'],
    });
    const groups = JSON.parse((await rawRequest(cluster, 'GET', '/apis', { token })).body) as {
      kind: string;
      groups: { name: string; preferredVersion: { groupVersion: string } }[];
    };
    expect(groups.kind).toBe('APIGroupList');
    expect(groups.groups.map((group) => group.preferredVersion.groupVersion)).toEqual([
      'apps/v1',
      'storage.k8s.io/v1',
      'rbac.authorization.k8s.io/v1',
    ]);
    const core = JSON.parse((await rawRequest(cluster, 'GET', '/api/v1', { token })).body) as {
      groupVersion: string;
      resources: { name: string; kind: string; namespaced: boolean }[];
    };
    expect(core.groupVersion).toBe('v1');
    expect(core.resources).toContainEqual(expect.objectContaining({ name: 'nodes', kind: 'Node', namespaced: false }));

    // KubernetesObjectApi finds each kind's path through discovery.
    const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
    expect(await objects.read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } })).toMatchObject({
      kind: 'Namespace',
      metadata: { name: 'kube-system' },
    });
    expect(await objects.list('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding')).toMatchObject({
      kind: 'ClusterRoleBindingList',
      items: [],
    });
    expect(await objects.list('apps/v1', 'Deployment', 'kube-system')).toMatchObject({ kind: 'DeploymentList' });
  });

  it('lists the namespaces a fresh Kubespray cluster has', async () => {
    const namespaces = await kubeConfig.makeApiClient(CoreV1Api).listNamespace();
    expect(namespaces.items.map((namespace) => namespace.metadata?.name)).toEqual([
      'default',
      'kube-node-lease',
      'kube-public',
      'kube-system',
    ]);
    for (const namespace of namespaces.items) {
      expect(namespace.status?.phase).toBe('Active');
      expect(namespace.metadata?.labels?.['kubernetes.io/metadata.name']).toBe(namespace.metadata?.name);
    }
    expect(await kubeConfig.makeApiClient(CoreV1Api).listNode()).toMatchObject({ items: [] });
  });

  it('registers a Node, status included, through server-side apply', async () => {
    const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
    const applied = await objects.patch(readyNode('node1'), undefined, undefined, 'test', true, PatchStrategy.ServerSideApply);
    expect(applied.metadata?.uid).toBeDefined();

    const nodes = await kubeConfig.makeApiClient(CoreV1Api).listNode();
    expect(nodes.items).toHaveLength(1);
    const ready = nodes.items[0]?.status?.conditions?.find((condition) => condition.type === 'Ready');
    expect(ready?.status).toBe('True');
    expect(nodes.items[0]?.status?.nodeInfo?.kubeletVersion).toBe('v1.31.4');

    const again = await objects.patch(readyNode('node1'), undefined, undefined, 'test', true, PatchStrategy.ServerSideApply);
    expect(again.metadata?.resourceVersion).toBe(applied.metadata?.resourceVersion);
  });

  it('creates a StorageClass and reads it back; apply then merges into it', async () => {
    const storage = kubeConfig.makeApiClient(StorageV1Api);
    await storage.createStorageClass({
      body: {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: 'local-storage' },
        provisioner: 'kubernetes.io/no-provisioner',
        volumeBindingMode: 'Immediate',
      },
    });
    expect((await storage.readStorageClass({ name: 'local-storage' })).volumeBindingMode).toBe('Immediate');

    const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
    const defaultClass = 'storageclass.kubernetes.io/is-default-class';
    await objects.patch(
      { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'local-storage', annotations: { [defaultClass]: 'true' } } },
      undefined,
      undefined,
      'test',
      true,
      PatchStrategy.ServerSideApply,
    );
    const merged = await storage.readStorageClass({ name: 'local-storage' });
    expect(merged.metadata?.annotations?.[defaultClass]).toBe('true');
    expect(merged.volumeBindingMode).toBe('Immediate');
    expect(merged.provisioner).toBe('kubernetes.io/no-provisioner');
  });

  it('applies a Namespace, ServiceAccount and Deployment, and refuses objects in a namespace that does not exist', async () => {
    const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
    const apply = (spec: KubernetesObject & Record<string, unknown>): Promise<KubernetesObject> =>
      objects.patch(spec, undefined, undefined, 'test', true, PatchStrategy.ServerSideApply);
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'katonic-ui', namespace: 'katonic', labels: { app: 'katonic-ui' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'katonic-ui' } },
        template: {
          metadata: { labels: { app: 'katonic-ui' } },
          spec: { serviceAccountName: 'katonic', containers: [{ name: 'ui', image: 'katonic/ui:1.0' }] },
        },
      },
    };

    expect(await failureStatus(apply(deployment))).toMatchObject({
      code: 404,
      status: { kind: 'Status', reason: 'NotFound', message: 'namespaces "katonic" not found' },
    });

    await apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'katonic' } });
    await apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'katonic', namespace: 'katonic' } });
    await apply(deployment);

    const read = await kubeConfig.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: 'katonic-ui', namespace: 'katonic' });
    expect(read.spec?.replicas).toBe(2);
    expect(read.spec?.template.spec?.serviceAccountName).toBe('katonic');
    const accounts = await kubeConfig.makeApiClient(CoreV1Api).listNamespacedServiceAccount({ namespace: 'katonic' });
    expect(accounts.items.map((account) => account.metadata?.name)).toEqual(['katonic']);
    const selected = await kubeConfig
      .makeApiClient(AppsV1Api)
      .listDeploymentForAllNamespaces({ labelSelector: 'app=katonic-ui' });
    expect(selected.items.map((item) => item.metadata?.namespace)).toEqual(['katonic']);
  });

  it('merge-patches, replaces and deletes through client-node', async () => {
    const core = kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'settings' }, data: { a: '1' } } });
    const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
    await objects.patch(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default' }, data: { b: '2' } } as KubernetesObject,
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.MergePatch,
    );
    const patched = await core.readNamespacedConfigMap({ name: 'settings', namespace: 'default' });
    expect(patched.data).toEqual({ a: '1', b: '2' });

    const replaced = await core.replaceNamespacedConfigMap({
      name: 'settings',
      namespace: 'default',
      body: { metadata: { name: 'settings', resourceVersion: patched.metadata?.resourceVersion }, data: { c: '3' } },
    });
    expect(replaced.data).toEqual({ c: '3' });
    expect(replaced.metadata?.uid).toBe(patched.metadata?.uid);

    const deleted = await core.deleteNamespacedConfigMap({ name: 'settings', namespace: 'default' });
    expect(deleted.status).toBe('Success');
    expect(await failureStatus(core.readNamespacedConfigMap({ name: 'settings', namespace: 'default' }))).toMatchObject({
      code: 404,
    });
  });

  it('answers 409 AlreadyExists to a duplicate create', async () => {
    const core = kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'twice' } } });
    expect(await failureStatus(core.createNamespace({ body: { metadata: { name: 'twice' } } }))).toMatchObject({
      code: 409,
      status: { kind: 'Status', status: 'Failure', reason: 'AlreadyExists', message: 'namespaces "twice" already exists' },
    });
  });

  it('answers a 404 Status for a missing object', async () => {
    const apps = kubeConfig.makeApiClient(AppsV1Api);
    expect(await failureStatus(apps.readNamespacedDaemonSet({ name: 'absent', namespace: 'kube-system' }))).toEqual({
      code: 404,
      status: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'daemonsets.apps "absent" not found',
        reason: 'NotFound',
        details: { name: 'absent', group: 'apps', kind: 'daemonsets' },
        code: 404,
      },
    });
  });

  it('answers 401 without a valid token, but serves health checks anonymously', async () => {
    const anonymous = await rawRequest(cluster, 'GET', '/api/v1/namespaces');
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.body)).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    expect((await rawRequest(cluster, 'GET', '/api/v1/namespaces', { token: 'wrong' })).status).toBe(401);

    const wrongToken = new KubeConfig();
    wrongToken.loadFromString(standinKubeconfig({ ...cluster, token: 'wrong' }));
    await expect(wrongToken.makeApiClient(CoreV1Api).listNamespace()).rejects.toMatchObject({ code: 401 });

    expect(await rawRequest(cluster, 'GET', '/healthz')).toMatchObject({ status: 200, body: 'ok' });
  });

  it('requires a fieldManager for apply and refuses patch types it does not implement', async () => {
    const token = cluster.token;
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
    const withoutManager = await rawRequest(cluster, 'PATCH', '/api/v1/namespaces/default/configmaps/c', {
      token,
      contentType: 'application/apply-patch+yaml',
      body,
    });
    expect(withoutManager.status).toBe(422);
    expect(JSON.parse(withoutManager.body)).toMatchObject({ reason: 'Invalid' });

    const yamlApply = await rawRequest(cluster, 'PATCH', '/api/v1/namespaces/default/configmaps/c?fieldManager=test', {
      token,
      contentType: 'application/apply-patch+yaml',
      body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  when: 2024-01-01T00:00:00Z\n',
    });
    expect(yamlApply.status).toBe(201);
    expect(yamlApply.contentType).toBe('application/json');
    expect(JSON.parse(yamlApply.body)).toMatchObject({ data: { when: '2024-01-01T00:00:00Z' } });

    const strategic = await rawRequest(cluster, 'PATCH', '/api/v1/namespaces/default/configmaps/c', {
      token,
      contentType: 'application/strategic-merge-patch+json',
      body: '{}',
    });
    expect(strategic.status).toBe(415);
  });

  it('reuses its certificates, re-issuing only the server certificate when an address is added', async () => {
    const before = { ca: await readFile(join(dir, 'ca.crt'), 'utf8'), server: await readFile(join(dir, 'server.crt'), 'utf8') };
    await ensureCertificates(dir);
    expect(await readFile(join(dir, 'server.crt'), 'utf8')).toBe(before.server);

    await ensureCertificates(dir, ['10.0.0.5']);
    const reissued = new X509Certificate(await readFile(join(dir, 'server.crt')));
    expect(await readFile(join(dir, 'ca.crt'), 'utf8')).toBe(before.ca);
    expect(reissued.subjectAltName).toBe('IP Address:127.0.0.1, DNS:localhost, IP Address:10.0.0.5');
    expect(reissued.verify(new X509Certificate(before.ca).publicKey)).toBe(true);
  }, 60_000);

  it('fails TLS verification for a client that trusts another CA', async () => {
    const otherCaDir = await mkdtemp(join(tmpdir(), 'standin-other-ca-'));
    try {
      const otherCa = await ensureCertificates(otherCaDir);
      const untrusting = new KubeConfig();
      untrusting.loadFromString(standinKubeconfig({ ...cluster, caFile: otherCa.caCert }));
      await expect(untrusting.makeApiClient(CoreV1Api).listNamespace()).rejects.toThrow(/certificate/);
    } finally {
      await rm(otherCaDir, { recursive: true, force: true });
    }
  }, 60_000);
});
