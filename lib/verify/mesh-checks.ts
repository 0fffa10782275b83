// Verify's mesh check: the istiod of the mesh the install deployed or joined is ready, each
// Katonic namespace is enrolled in it, and a PeerAuthentication in STRICT mode covers each.
// Istio's rules, as its docs state them: istio-injection (enabled: the default revision) wins
// over istio.io/rev; a namespace-wide PeerAuthentication (no selector) overrides the mesh-wide
// one (no selector, in the root namespace: istiod's); mode UNSET inherits; with none, Istio
// accepts plain text (PERMISSIVE). A mesh that accepts plain text is reported (a warning), a
// mesh with mTLS off (DISABLE) or a namespace outside the mesh fails verify.
import type { Finding } from '../checks/finding.js';
import {
  DEFAULT_REVISION,
  DEPLOYED_MESH,
  describeIstiod,
  INJECTION_LABEL,
  isReady,
  meshToJoin,
  REVISION_LABEL,
  runningRevisions,
  type MeshRef,
  type ObservedMesh,
} from '../mesh/istio-mesh.js';
import type { MeshSettings } from '../spec/mesh-settings.js';

export interface ObservedPeerAuthentication {
  namespace: string;
  name: string;
  /** spec.mtls.mode: STRICT, PERMISSIVE, DISABLE or UNSET (also when left out). */
  mode: string;
  /** Whether it selects workloads (spec.selector): then it covers no namespace as a whole. */
  selector: boolean;
}

export interface ObservedMeshEnrolment {
  mesh: ObservedMesh;
  /** The Katonic namespaces; labels left out when the namespace does not exist. */
  namespaces: { name: string; labels?: Record<string, string> }[];
  /** Left out when the cluster does not serve the PeerAuthentication API (security.istio.io). */
  peerAuthentications?: ObservedPeerAuthentication[];
}

type MeshFinding = Finding<'mesh'>;

const describePa = (pa: ObservedPeerAuthentication) => `PeerAuthentication ${pa.namespace}/${pa.name}`;

/** The mesh verify expects: the one the role deployed, or the one mode existing joins. */
function expectedMesh(settings: MeshSettings, mesh: ObservedMesh): { mesh: MeshRef } | { problem: string } {
  if (settings.mode === 'existing') return meshToJoin(mesh, settings.revision);
  const ready = mesh.istiods.some((i) => isReady(i) && i.namespace === DEPLOYED_MESH.namespace && i.revision === DEPLOYED_MESH.revision);
  const seen = mesh.istiods.map(describeIstiod).join(', ') || 'none';
  return ready
    ? { mesh: DEPLOYED_MESH }
    : { problem: `no ready istiod of revision ${DEPLOYED_MESH.revision} in ${DEPLOYED_MESH.namespace} (istiods: ${seen})` };
}

function enrolment(ns: { name: string; labels: Record<string, string> }, mesh: ObservedMesh, expected: MeshRef): MeshFinding {
  const running = runningRevisions(mesh);
  const injection = ns.labels[INJECTION_LABEL];
  const revision = ns.labels[REVISION_LABEL];
  const base = {
    rule: 'mesh' as const,
    object: `Namespace ${ns.name}`,
    expected: `${REVISION_LABEL}=${expected.revision}${expected.revision === DEFAULT_REVISION ? ` or ${INJECTION_LABEL}=enabled` : ''} (sidecar injection by a running istiod)`,
  };
  if (injection !== undefined) {
    const enrolled = injection === 'enabled' && running.has(DEFAULT_REVISION);
    const why = injection === 'enabled' && !enrolled ? ': no default revision runs to inject (the AKS add-on ignores this label)' : '';
    return { ...base, observed: `${INJECTION_LABEL}=${injection}${why}`, result: enrolled ? 'ok' : 'failed' };
  }
  if (revision === undefined) return { ...base, observed: `neither ${INJECTION_LABEL} nor ${REVISION_LABEL}`, result: 'failed' };
  const enrolled = running.has(revision);
  return { ...base, observed: `${REVISION_LABEL}=${revision}${enrolled ? '' : ': no ready istiod of that revision'}`, result: enrolled ? 'ok' : 'failed' };
}

function mutualTls(namespace: string, observed: ObservedMeshEnrolment, root: string): MeshFinding {
  const base = {
    rule: 'mesh' as const,
    object: `Namespace ${namespace}`,
    expected: `mTLS STRICT: a PeerAuthentication without selector in ${namespace} or mesh-wide in ${root}`,
  };
  if (!observed.peerAuthentications) return { ...base, observed: 'the PeerAuthentication API (security.istio.io) is not served', result: 'failed' };
  const wide = (ns: string) => observed.peerAuthentications!.find((pa) => pa.namespace === ns && !pa.selector && pa.mode !== 'UNSET');
  const covering = wide(namespace) ?? wide(root);
  if (!covering) return { ...base, observed: "no PeerAuthentication covers it: Istio's default, PERMISSIVE (plain text accepted)", result: 'warning' };
  const observedMode = `${describePa(covering)} mode ${covering.mode}`;
  if (covering.mode === 'STRICT') return { ...base, observed: observedMode, result: 'ok' };
  if (covering.mode === 'PERMISSIVE') return { ...base, observed: `${observedMode} (plain text accepted)`, result: 'warning' };
  return { ...base, observed: `${observedMode} (mTLS off)`, result: 'failed' };
}

export function meshFindings(settings: MeshSettings, observed: ObservedMeshEnrolment): MeshFinding[] {
  // Not 'skipped': the seed asks for encryption in transit, and mode none is a cluster without it.
  if (settings.mode === 'none')
    return [
      {
        rule: 'mesh',
        object: 'spec.katonic.mesh (mode none)',
        observed: 'no mesh: nothing encrypts in transit',
        expected: 'Istio (mode deploy or existing)',
        result: 'warning',
      },
    ];
  const expected = expectedMesh(settings, observed.mesh);
  const object = `spec.katonic.mesh (mode ${settings.mode})`;
  if ('problem' in expected) return [{ rule: 'mesh', object, observed: expected.problem, expected: 'a ready istiod of the mesh', result: 'failed' }];
  const { revision, namespace } = expected.mesh;
  const istiods = observed.mesh.istiods.filter((i) => isReady(i) && i.revision === revision && i.namespace === namespace);
  const findings: MeshFinding[] = [
    { rule: 'mesh', object, observed: istiods.map(describeIstiod).join(', '), expected: `a ready istiod of revision ${revision}`, result: 'ok' },
  ];
  for (const ns of observed.namespaces) {
    if (!ns.labels) {
      findings.push({ rule: 'mesh', object: `Namespace ${ns.name}`, observed: 'not found', expected: 'the Katonic namespace, in the mesh', result: 'failed' });
      continue;
    }
    findings.push(enrolment({ name: ns.name, labels: ns.labels }, observed.mesh, expected.mesh), mutualTls(ns.name, observed, namespace));
  }
  return findings;
}
