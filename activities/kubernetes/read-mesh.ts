// The meshes a cluster runs and how the Katonic namespaces are in them, read through the
// Kubernetes API and cut down to what lib/mesh and lib/verify/mesh-checks.ts judge: istiod
// Deployments in every namespace, the Sail operator's Istio resources (where that API is
// served), the namespaces' labels and the PeerAuthentications.
import { AppsV1Api, CoreV1Api, CustomObjectsApi, type KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import { INSTALLED_BY_LABEL, ISTIOD_SELECTOR, REVISION_LABEL, DEFAULT_REVISION, type ObservedIstiod, type ObservedMesh } from '../../lib/mesh/istio-mesh.js';
import type { ObservedMeshEnrolment, ObservedPeerAuthentication } from '../../lib/verify/mesh-checks.js';
import { listAll, readIfExists } from './kube-client.js';

interface CustomList {
  items: Record<string, unknown>[];
  metadata?: { _continue?: string };
}

// What a custom resource list reads of an object: untyped JSON, looked at field by field.
type Json = Record<string, unknown> | undefined;
const field = (o: Json, key: string): Json => (o?.[key] && typeof o[key] === 'object' ? (o[key] as Record<string, unknown>) : undefined);
const text = (o: Json, key: string): string | undefined => (typeof o?.[key] === 'string' ? o[key] : undefined);

export function observedIstiod(d: V1Deployment): ObservedIstiod {
  const labels = d.metadata?.labels ?? {};
  return {
    namespace: d.metadata?.namespace ?? '',
    name: d.metadata?.name ?? '',
    revision: labels[REVISION_LABEL] || DEFAULT_REVISION,
    desired: d.spec?.replicas ?? 1,
    ready: d.status?.readyReplicas ?? 0,
    ...(labels[INSTALLED_BY_LABEL] ? { installedBy: labels[INSTALLED_BY_LABEL] } : {}),
  };
}

/** Every object of a custom resource (cluster-wide), or undefined when the API server does not serve it. */
function listCustom(kc: KubeConfig, group: string, version: string, plural: string): Promise<Record<string, unknown>[] | undefined> {
  const api = kc.makeApiClient(CustomObjectsApi);
  return readIfExists(() => listAll((page) => api.listCustomObjectForAllNamespaces({ group, version, plural, ...page }) as Promise<CustomList>));
}

export async function readMesh(kc: KubeConfig): Promise<ObservedMesh> {
  const apps = kc.makeApiClient(AppsV1Api);
  const [deployments, sail] = await Promise.all([
    listAll((page) => apps.listDeploymentForAllNamespaces({ labelSelector: ISTIOD_SELECTOR, ...page })),
    listCustom(kc, 'sailoperator.io', 'v1', 'istios'),
  ]);
  return {
    istiods: deployments.map(observedIstiod),
    ...(sail
      ? {
          sailIstios: sail.map((o) => {
            const spec = field(o, 'spec');
            const status = field(o, 'status');
            return {
              name: text(field(o, 'metadata'), 'name') ?? '',
              namespace: text(spec, 'namespace') ?? 'istio-system',
              version: text(spec, 'version'),
              state: text(status, 'state'),
              activeRevision: text(status, 'activeRevisionName'),
            };
          }),
        }
      : {}),
  };
}

/** PeerAuthentications of security.istio.io v1 (Istio 1.22 on), else v1beta1; undefined when neither is served. */
async function readPeerAuthentications(kc: KubeConfig): Promise<ObservedPeerAuthentication[] | undefined> {
  const items =
    (await listCustom(kc, 'security.istio.io', 'v1', 'peerauthentications')) ?? (await listCustom(kc, 'security.istio.io', 'v1beta1', 'peerauthentications'));
  return items?.map((o) => {
    const spec = field(o, 'spec');
    const metadata = field(o, 'metadata');
    return {
      namespace: text(metadata, 'namespace') ?? '',
      name: text(metadata, 'name') ?? '',
      mode: text(field(spec, 'mtls'), 'mode') ?? 'UNSET',
      selector: Boolean(field(spec, 'selector')),
    };
  });
}

export async function readMeshEnrolment(kc: KubeConfig, namespaces: readonly string[]): Promise<ObservedMeshEnrolment> {
  const core = kc.makeApiClient(CoreV1Api);
  const [mesh, found, peerAuthentications] = await Promise.all([
    readMesh(kc),
    Promise.all(namespaces.map((name) => readIfExists(() => core.readNamespace({ name })))),
    readPeerAuthentications(kc),
  ]);
  return {
    mesh,
    namespaces: namespaces.map((name, i) => ({ name, labels: found[i] ? (found[i].metadata?.labels ?? {}) : undefined })),
    peerAuthentications,
  };
}
