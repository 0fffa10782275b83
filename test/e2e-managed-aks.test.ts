// The AKS flow on a real kube-apiserver of its own, shaped like AKS (agentpool labels, nodeInfo
// and capacities of Standard_D8s_v3 nodes, Azure CNI with Azure NPM, the Azure Disk and Files CSI
// drivers, the default / managed-csi / azurefile-csi classes AKS ships), with a kdisk someone made
// before on another provisioner, and the cluster's admin kubeconfig as the reference.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  loadYaml,
  PatchStrategy,
  StorageV1Api,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import type { ApplicationFailure } from '@temporalio/common';
import yaml from 'js-yaml';
import type { ActivityConfig } from '../activities/activity-config.js';
import { checkMesh } from '../activities/checks/mesh.js';
import { clusterApi } from '../activities/kubernetes/cluster-kubeconfig.js';
import { readMesh } from '../activities/kubernetes/read-mesh.js';
import { checkManagedCluster } from '../activities/managed-preflight.js';
import type { Finding } from '../lib/checks/finding.js';
import { newKeyLine, parseKeyRing } from '../lib/codec/key-ring.js';
import type { Installation, ManagedInstallation } from '../lib/spec/schema.js';
import { verifySettings } from '../lib/spec/verify-settings.js';
import { activityEnvironment } from './support/activity-environment.js';
import { loadDemoSpec, startHarness, type Harness } from './support/e2e-harness.js';
import { readInertYaml } from './support/inert-yaml-reader.js';
import { createClusterObjects } from './support/managed-cluster-setup.js';
import { aksIstioAddon, asManagedSpec, clusterObjects } from './support/managed-clusters.js';
import { REPO_ROOT } from './support/repo.js';

let h: Harness;
let config: ActivityConfig;
beforeAll(async () => {
  h = await startHarness('aks', { ownControlPlane: true });
  await h.startWorker();
  config = { dataDir: await mkdtemp(join(tmpdir(), 'katonic-aks-mesh-')), keyRing: parseKeyRing(newKeyLine(), 'the test') };
});
afterAll(() => h?.close());

describe('the AKS flow on an AKS-shaped cluster (own real kube-apiserver, stand-in Katonic role)', () => {
  it('a kdisk that exists on another provisioner stops the flow with a clear error and is left untouched; removed by the operator, the install completes', async () => {
    await createClusterObjects(h.cluster.kc, clusterObjects('aks', 2));
    const storage = h.cluster.kc.makeApiClient(StorageV1Api);
    // As the seed's example: the in-tree azure-disk provisioner, Standard_LRS.
    const theirs = await storage.createStorageClass({
      body: { metadata: { name: 'kdisk' }, provisioner: 'kubernetes.io/azure-disk', parameters: { storageaccounttype: 'Standard_LRS', kind: 'managed' } },
    });
    const shipped = new Map((await storage.listStorageClass()).items.map((c) => [c.metadata!.name!, c.metadata!.resourceVersion]));

    const file = await h.writeSpec('aks', asManagedSpec('aks', h.cluster.kubeconfig));
    // plan reads the cluster: preflight would pass, kdisk is in the way, kfs would be created.
    const plan = await h.cli('plan', file);
    expect(plan.stdout).toContain('Preflight, as the cluster is now (passes)');
    expect(plan.stdout).toContain(
      '  kdisk: CONFLICT: StorageClass kdisk exists with provisioner kubernetes.io/azure-disk, the install wants disk.csi.azure.com',
    );
    expect(plan.stdout).toContain('  kfs: created');
    expect((await h.cli('start', file)).exitCode).toBe(0);
    const stuck = await h.waitFor('aks', (s) => s.state === 'waiting-for-operator');
    expect(stuck.phase).toBe('storage-classes');
    expect(stuck.phases.map((p) => [p.name, p.state, p.attempts])).toEqual([
      ['preflight', 'completed', 1],
      ['storage-classes', 'failed', 1],
      ['katonic', 'pending', 0],
      ['verify', 'pending', 0],
    ]);
    expect(stuck.error?.type).toBe('StorageClassConflict');
    expect(stuck.error?.message).toContain('StorageClass kdisk exists with provisioner kubernetes.io/azure-disk, the install wants disk.csi.azure.com');
    expect((await storage.readStorageClass({ name: 'kdisk' })).metadata?.resourceVersion).toBe(theirs.metadata?.resourceVersion);
    // kfs is applied only when every class can be: nothing was half done.
    await expect(storage.readStorageClass({ name: 'kfs' })).rejects.toMatchObject({ code: 404 });

    await storage.deleteStorageClass({ name: 'kdisk' });
    expect((await h.cli('retry', 'install-aks')).exitCode).toBe(0);
    const done = await h.waitFor('aks', (s) => s.state === 'completed' || s.state === 'waiting-for-operator');
    expect(done.error).toBeUndefined();
    expect(done.phases.map((p) => [p.name, p.state])).toEqual([
      ['preflight', 'completed'],
      ['storage-classes', 'completed'],
      ['katonic', 'completed'],
      ['verify', 'completed'],
    ]);
    const after = new Map((await storage.listStorageClass()).items.map((c) => [c.metadata!.name!, c]));
    expect([...after.keys()].sort()).toEqual(['azurefile-csi', 'default', 'kdisk', 'kfs', 'managed-csi']);
    expect(after.get('kdisk')).toMatchObject({
      provisioner: 'disk.csi.azure.com',
      parameters: { skuName: 'Premium_LRS', cachingMode: 'ReadOnly' },
      volumeBindingMode: 'WaitForFirstConsumer',
      metadata: { labels: { 'app.kubernetes.io/managed-by': 'katonic-installer' } },
    });
    expect(after.get('kfs')).toMatchObject({
      provisioner: 'file.csi.azure.com',
      parameters: { skuName: 'Standard_LRS' },
      volumeBindingMode: 'Immediate',
      metadata: { labels: { 'app.kubernetes.io/managed-by': 'katonic-installer' } },
    });
    for (const name of ['default', 'managed-csi', 'azurefile-csi']) expect(after.get(name)?.metadata?.resourceVersion).toBe(shipped.get(name));
    // The DaemonSets kwok runs on the AKS-shaped nodes are what the preflight found Azure NPM in.
    const npm = await h.cluster.kc.makeApiClient(AppsV1Api).readNamespacedDaemonSet({ name: 'azure-npm', namespace: 'kube-system' });
    expect(npm.status?.desiredNumberScheduled).toBe(4);
    // The warning: the demo's FQDN has no address, and its spec says the load balancer comes later.
    expect(done.phases.find((p) => p.name === 'preflight')?.summary).toBe('v1.34.4, 4 nodes: every requirement met (1 warnings or ignored)');
  });

  // Runs on the cluster the install above left: its stand-in role deployed Istio (mesh mode deploy).
  it("the AKS Istio add-on (Microsoft's istio-deploy-addon doc: istiod-asm-1-24 in aks-istio-system): existing without an istiod is refused; deploy beside it is refused naming it; existing joins it, the revision reaches the role; PERMISSIVE is reported", async () => {
    const apps = h.cluster.kc.makeApiClient(AppsV1Api);
    const core = h.cluster.kc.makeApiClient(CoreV1Api);
    const ours = await apps.readNamespacedDeployment({ name: 'istiod', namespace: 'istio-system' });
    expect(ours.metadata?.labels).toMatchObject({ app: 'istiod', 'istio.io/rev': 'default', 'katonic.ai/install': 'aks' });
    expect((await core.readNamespace({ name: 'katonic-system' })).metadata?.labels).toMatchObject({ 'istio-injection': 'enabled' });
    await apps.deleteNamespacedDeployment({ name: 'istiod', namespace: 'istio-system' });

    const withMesh = (mesh: Installation['spec']['katonic']['mesh']) => (spec: Installation) => {
      asManagedSpec('aks', h.cluster.kubeconfig)(spec);
      spec.spec.katonic.mesh = mesh;
    };
    const spec = async (name: string, mesh: Installation['spec']['katonic']['mesh']) => {
      const doc = await loadDemoSpec();
      doc.metadata.name = name;
      withMesh(mesh)(doc);
      return doc as ManagedInstallation;
    };
    // Preflight, the real activity against this API server: the mesh row of its table.
    const meshFinding = async (doc: ManagedInstallation) => {
      const err = await activityEnvironment().run((): Promise<ApplicationFailure | undefined> =>
        checkManagedCluster(config, { spec: doc }).then(
          () => undefined,
          (e: ApplicationFailure) => e,
        ),
      );
      expect(err?.type).toBe('PreflightFailed');
      return (err!.details![0] as { findings: Finding[] }).findings.filter((f) => f.rule === 'mesh');
    };
    const [none] = await meshFinding(await spec('aks-existing', { mode: 'existing' }));
    expect(none).toMatchObject({ result: 'failed', expected: 'a ready istiod to join' });
    expect(none!.observed).toMatch(/^no ready istiod \(istiods: none \(looked for Deployments labelled app=istiod in every namespace/);

    // The add-on's control plane, with the CRDs it ships (the PeerAuthentication CRD as Istio's base chart names it).
    const addon = aksIstioAddon('asm-1-24');
    await core.createNamespace({ body: addon.namespace });
    await apps.createNamespacedDeployment({ namespace: 'aks-istio-system', body: addon.deployment });
    // Loaded as the client's typed object: from a plain one its serializer drops the x-kubernetes-* keys.
    const crd = loadYaml<V1CustomResourceDefinition>(
      await readFile(join(REPO_ROOT, 'standins', 'katonic-role', 'files', 'peerauthentication-crd.yaml'), 'utf8'),
    );
    await KubernetesObjectApi.makeApiClient(h.cluster.kc).patch(crd, undefined, undefined, 'aks-istio-addon', true, PatchStrategy.ServerSideApply);
    for (let deadline = Date.now() + 60_000; ; await sleep(200)) {
      const d = await apps.readNamespacedDeployment({ name: 'istiod-asm-1-24', namespace: 'aks-istio-system' });
      if (d.status?.readyReplicas === 2) break;
      if (Date.now() > deadline) throw new Error(`istiod-asm-1-24 not ready in 60 s: ${JSON.stringify(d.status)}`);
    }
    expect(await meshFinding(await spec('aks-deploy', { mode: 'deploy' }))).toEqual([
      {
        rule: 'mesh',
        object: 'spec.katonic.mesh (mode deploy)',
        observed: 'another mesh runs: istiod aks-istio-system/istiod-asm-1-24 (revision asm-1-24, 2/2 ready)',
        expected:
          'no other mesh beside Istio deployed by the Katonic role (istio-system, revision default): join it (mode existing), or set spec.katonic.mesh.besideExisting: true',
        result: 'failed',
      },
    ]);

    // existing: a whole install joins the add-on's revision; the role got it from the katonic phase's reading.
    const file = await h.writeSpec('aks-mesh', withMesh({ mode: 'existing' }));
    expect((await h.cli('start', file)).exitCode).toBe(0);
    const done = await h.waitFor('aks-mesh', (s) => s.state === 'completed' || s.state === 'waiting-for-operator');
    expect([done.state, done.error]).toEqual(['completed', undefined]);
    // verify found the mesh as the role left it: no warning (a STRICT policy in each namespace).
    expect(done.phases.find((p) => p.name === 'verify')?.summary).not.toContain('mesh');
    expect(readInertYaml(await readFile(join(h.dataDir, 'runs', 'aks-mesh', 'katonic', 'mesh-vars.yml'), 'utf8'))).toEqual({
      katonic_mesh_mode: 'existing',
      katonic_mesh_revision: 'asm-1-24',
      katonic_mesh_namespace: 'aks-istio-system',
    });
    expect((await h.journal('aks-mesh')).filter((l) => l.startsWith('katonic '))).not.toContain('katonic Deploy the mesh localhost');
    // The revision label only (the add-on ignores istio-injection): the role's earlier label is gone.
    const labels = (await core.readNamespace({ name: 'katonic-workloads' })).metadata?.labels ?? {};
    expect([labels['istio.io/rev'], labels['istio-injection']]).toEqual(['asm-1-24', undefined]);

    // The mesh turned PERMISSIVE in one namespace: verify's check reports it, naming the policy.
    const permissive = {
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'default', namespace: 'katonic-workloads' },
      spec: { mtls: { mode: 'PERMISSIVE' } },
    };
    await KubernetesObjectApi.makeApiClient(h.cluster.kc).patch(permissive, undefined, undefined, 'platform-team', true, PatchStrategy.ServerSideApply);
    const doc = await spec('aks-mesh', { mode: 'existing' });
    const cluster = await clusterApi(config, { spec: doc }, 'verify');
    const findings = await checkMesh({ config, input: { spec: doc }, cluster, settings: verifySettings(doc), progress: () => undefined });
    expect(findings.filter((f) => f.result !== 'ok')).toEqual([
      {
        rule: 'mesh',
        object: 'Namespace katonic-workloads',
        observed: 'PeerAuthentication katonic-workloads/default mode PERMISSIVE (plain text accepted)',
        expected: 'mTLS STRICT: a PeerAuthentication without selector in katonic-workloads or mesh-wide in aks-istio-system',
        result: 'warning',
      },
    ]);
    expect(findings.filter((f) => f.result === 'ok').length).toBe(6);
  });

  // The double follows sail-operator's API (istio-ecosystem/sail-operator api/v1: Istio is
  // cluster-scoped; spec.namespace, spec.version; status.state, status.activeRevisionName).
  it("the Sail operator's Istio resources (sailoperator.io/v1) are read where the API is served (none reported where it is not)", async () => {
    expect((await readMesh(h.cluster.kc)).sailIstios).toBeUndefined();
    const objects = KubernetesObjectApi.makeApiClient(h.cluster.kc);
    const crd = loadYaml<V1CustomResourceDefinition>(
      yaml.dump({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'istios.sailoperator.io' },
        spec: {
          group: 'sailoperator.io',
          names: { kind: 'Istio', listKind: 'IstioList', plural: 'istios', singular: 'istio' },
          scope: 'Cluster',
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              subresources: { status: {} },
              schema: {
                openAPIV3Schema: {
                  type: 'object',
                  properties: {
                    spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                    status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                  },
                },
              },
            },
          ],
        },
      }),
    );
    await objects.patch(crd, undefined, undefined, 'sail-operator', true, PatchStrategy.ServerSideApply);
    const custom = h.cluster.kc.makeApiClient(CustomObjectsApi);
    for (let deadline = Date.now() + 30_000; ; await sleep(200)) {
      const created = await custom
        .createClusterCustomObject({
          group: 'sailoperator.io',
          version: 'v1',
          plural: 'istios',
          body: { apiVersion: 'sailoperator.io/v1', kind: 'Istio', metadata: { name: 'default' }, spec: { namespace: 'istio-system', version: 'v1.24.3' } },
        })
        .then(
          () => true,
          (err: unknown) => (Date.now() > deadline ? Promise.reject(err) : false),
        );
      if (created) break;
    }
    await custom.patchClusterCustomObjectStatus({
      group: 'sailoperator.io',
      version: 'v1',
      plural: 'istios',
      name: 'default',
      body: [{ op: 'add', path: '/status', value: { state: 'Healthy', activeRevisionName: 'default' } }],
    });
    expect((await readMesh(h.cluster.kc)).sailIstios).toEqual([
      { name: 'default', namespace: 'istio-system', version: 'v1.24.3', state: 'Healthy', activeRevision: 'default' },
    ]);
  });
});
