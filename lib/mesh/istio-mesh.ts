// The Istio meshes a cluster runs, as the Kubernetes API shows them, and which one an install
// joins. Shapes: Istio's istiod chart (manifests/charts/istio-control/istio-discovery: a
// Deployment `istiod[-<revision>]` labelled app=istiod and istio.io/rev=<revision or default>),
// which the AKS add-on and the Sail operator also deploy (the add-on in aks-istio-system,
// revisions asm-1-<minor>), and the Sail operator's cluster-scoped `Istio` resources.

/** An istiod Deployment in any namespace. */
export interface ObservedIstiod {
  namespace: string;
  name: string;
  /** Its istio.io/rev label (the chart sets `default` when no revision is named). */
  revision: string;
  desired: number;
  ready: number;
  /** The install whose Katonic role deployed it (INSTALLED_BY_LABEL), if one did. */
  installedBy?: string;
}

/** A Sail operator `Istio` (sailoperator.io/v1): the control plane it manages. */
export interface ObservedSailIstio {
  name: string;
  namespace: string;
  version?: string;
  state?: string;
  activeRevision?: string;
}

export interface ObservedMesh {
  istiods: ObservedIstiod[];
  /** Left out when the cluster does not serve the Sail operator's API. */
  sailIstios?: ObservedSailIstio[];
}

export const ISTIOD_SELECTOR = 'app=istiod';
export const REVISION_LABEL = 'istio.io/rev';
export const INJECTION_LABEL = 'istio-injection';
/** What the Katonic role labels the istiod it deploys with: the install's name (metadata.name). */
export const INSTALLED_BY_LABEL = 'katonic.ai/install';
/** Istio's revision when none is named: what istio-injection=enabled selects. */
export const DEFAULT_REVISION = 'default';
/** What the Katonic role deploys in mode deploy: Istio's default revision in istio-system (the chart names its Deployment istiod). */
export const DEPLOYED_MESH = { namespace: 'istio-system', revision: DEFAULT_REVISION, deployment: 'istiod' } as const;

/** The mesh an install is in: a revision and the namespace of its istiod (Istio's root namespace). */
export interface MeshRef {
  revision: string;
  namespace: string;
}

export const isReady = (i: ObservedIstiod) => i.ready > 0;

export const describeIstiod = (i: ObservedIstiod) => `istiod ${i.namespace}/${i.name} (revision ${i.revision}, ${i.ready}/${i.desired} ready)`;

export const describeSailIstio = (s: ObservedSailIstio) =>
  `Istio ${s.name} (sailoperator.io: namespace ${s.namespace}${s.version ? `, version ${s.version}` : ''}${s.state ? `, ${s.state}` : ''})`;

/** What detection looks at, for a finding that found nothing. */
export const LOOKED_FOR = `Deployments labelled ${ISTIOD_SELECTOR} in every namespace (Istio's istiod, the AKS add-on's in aks-istio-system), and the Sail operator's Istio resources`;

/** The revisions that have a ready istiod, each with its namespace. */
export function runningRevisions(mesh: ObservedMesh): Map<string, string> {
  return new Map(mesh.istiods.filter(isReady).map((i) => [i.revision, i.namespace]));
}

/** The mesh mode existing joins: the spec's revision, or the only revision running; or why there is none. */
export function meshToJoin(mesh: ObservedMesh, revision?: string): { mesh: MeshRef } | { problem: string } {
  const running = runningRevisions(mesh);
  const seen = mesh.istiods.length ? mesh.istiods.map(describeIstiod).join(', ') : `none (looked for ${LOOKED_FOR})`;
  if (revision) {
    const namespace = running.get(revision);
    return namespace ? { mesh: { revision, namespace } } : { problem: `no ready istiod of revision ${revision} (istiods: ${seen})` };
  }
  const [only, ...more] = [...running];
  if (!only) return { problem: `no ready istiod (istiods: ${seen})` };
  if (more.length) return { problem: `several revisions run: ${[...running.keys()].join(', ')}; name one in spec.katonic.mesh.revision` };
  return { mesh: { revision: only[0], namespace: only[1] } };
}
