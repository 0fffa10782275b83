// The mesh rules, pure: preflight's rule 'mesh', the role's mesh vars, verify's mesh findings,
// and the validator's refusal of mode existing on-prem. The istiods are the AKS add-on's
// (test/support/managed-clusters.ts: Microsoft's istio-deploy-addon doc, 2026-09) and the one
// the stand-in role deploys (Istio's istio-discovery chart: istiod, revision default).
import { observedIstiod } from '../activities/kubernetes/read-mesh.js';
import { DEPLOYED_MESH, meshToJoin, type ObservedIstiod, type ObservedMesh } from '../lib/mesh/istio-mesh.js';
import { meshRoleVars } from '../lib/mesh/mesh-role-vars.js';
import { meshRule } from '../lib/preflight/mesh-rule.js';
import type { MeshSettings } from '../lib/spec/mesh-settings.js';
import { validateSpec } from '../lib/spec/validate.js';
import { meshFindings, type ObservedMeshEnrolment, type ObservedPeerAuthentication } from '../lib/verify/mesh-checks.js';
import { loadDemoSpec } from './support/e2e-harness.js';
import { aksIstioAddon } from './support/managed-clusters.js';

const addon = (revision = 'asm-1-24', ready = 2): ObservedIstiod => ({ ...observedIstiod(aksIstioAddon(revision).deployment), ready });
const deployed: ObservedIstiod = { namespace: 'istio-system', name: 'istiod', revision: 'default', desired: 1, ready: 1, installedBy: 'acme' };
const settings = (mode: MeshSettings['mode'], more: Partial<MeshSettings> = {}): MeshSettings => ({ mode, besideExisting: false, ...more });
const mesh = (...istiods: ObservedIstiod[]): ObservedMesh => ({ istiods });

describe('preflight rule mesh (pure; istiods shaped as the AKS add-on doc and the istio-discovery chart)', () => {
  it('reads the AKS add-on istiod (aks-istio-system, istiod-asm-1-24) with its revision', () => {
    expect(addon()).toEqual({ namespace: 'aks-istio-system', name: 'istiod-asm-1-24', revision: 'asm-1-24', desired: 2, ready: 2 });
  });

  it('existing joins the one ready revision, or the spec names one of several; else it is refused saying what was found', () => {
    expect(meshRule(mesh(addon()), settings('existing'), 'acme')).toEqual([
      expect.objectContaining({ result: 'ok', observed: 'joins istiod aks-istio-system/istiod-asm-1-24 (revision asm-1-24, 2/2 ready)' }),
    ]);
    const [none] = meshRule(mesh(), settings('existing'), 'acme');
    expect(none).toMatchObject({ result: 'failed', expected: 'a ready istiod to join' });
    expect(none!.observed).toContain('no ready istiod (istiods: none (looked for Deployments labelled app=istiod in every namespace');
    const [notReady] = meshRule(mesh(addon('asm-1-24', 0)), settings('existing'), 'acme');
    expect(notReady).toMatchObject({
      result: 'failed',
      observed: 'no ready istiod (istiods: istiod aks-istio-system/istiod-asm-1-24 (revision asm-1-24, 0/2 ready))',
    });
    const [several] = meshRule(mesh(addon('asm-1-23'), addon('asm-1-24')), settings('existing'), 'acme');
    expect(several).toMatchObject({ result: 'failed', observed: 'several revisions run: asm-1-23, asm-1-24; name one in spec.katonic.mesh.revision' });
    expect(meshRule(mesh(addon('asm-1-23'), addon('asm-1-24')), settings('existing', { revision: 'asm-1-24' }), 'acme')[0]?.result).toBe('ok');
    expect(meshRule(mesh(addon('asm-1-23')), settings('existing', { revision: 'asm-1-24' }), 'acme')[0]?.observed).toMatch(
      /^no ready istiod of revision asm-1-24 /,
    );
  });

  it("deploy is refused beside another mesh, naming its istiod; besideExisting makes it a warning; the install's own istiod is no other mesh", () => {
    const [refused] = meshRule(mesh(addon()), settings('deploy'), 'acme');
    expect(refused).toMatchObject({
      result: 'failed',
      observed: 'another mesh runs: istiod aks-istio-system/istiod-asm-1-24 (revision asm-1-24, 2/2 ready)',
      expected:
        'no other mesh beside Istio deployed by the Katonic role (istio-system, revision default): join it (mode existing), or set spec.katonic.mesh.besideExisting: true',
    });
    expect(meshRule(mesh(addon()), settings('deploy', { besideExisting: true }), 'acme')[0]?.result).toBe('warning');
    expect(meshRule(mesh(deployed), settings('deploy'), 'acme')[0]?.result).toBe('ok');
    expect(meshRule(mesh(deployed), settings('deploy'), 'other')[0]?.result).toBe('failed');
    const sail: ObservedMesh = { istiods: [], sailIstios: [{ name: 'default', namespace: 'istio-system', version: 'v1.24.3', state: 'Healthy' }] };
    expect(meshRule(sail, settings('deploy'), 'acme')[0]?.observed).toBe(
      'another mesh runs: Istio default (sailoperator.io: namespace istio-system, version v1.24.3, Healthy)',
    );
  });

  it('none passes with a warning: nothing encrypts in transit', () => {
    expect(meshRule(mesh(addon()), settings('none'), 'acme')).toEqual([
      expect.objectContaining({ result: 'warning', expected: 'Istio for encryption in transit (mode deploy or existing)' }),
    ]);
  });
});

describe('the mesh facts the role gets (pure)', () => {
  it('deploy: the revision and namespace the role deploys; existing: the mesh read from the cluster; none: the mode alone', () => {
    expect(meshRoleVars(settings('deploy'))).toEqual({ katonic_mesh_mode: 'deploy', katonic_mesh_revision: 'default', katonic_mesh_namespace: 'istio-system' });
    const joined = meshToJoin(mesh(addon()));
    expect(joined).toEqual({ mesh: { revision: 'asm-1-24', namespace: 'aks-istio-system' } });
    expect(meshRoleVars(settings('existing'), 'mesh' in joined ? joined.mesh : undefined)).toEqual({
      katonic_mesh_mode: 'existing',
      katonic_mesh_revision: 'asm-1-24',
      katonic_mesh_namespace: 'aks-istio-system',
    });
    expect(meshRoleVars(settings('none'))).toEqual({ katonic_mesh_mode: 'none' });
  });
});

describe('verify mesh findings (pure)', () => {
  const ns = (name: string, labels: Record<string, string>) => ({ name, labels });
  const pa = (namespace: string, mode: string, more: Partial<ObservedPeerAuthentication> = {}): ObservedPeerAuthentication => ({
    namespace,
    name: 'default',
    mode,
    selector: false,
    ...more,
  });
  const observed = (istiods: ObservedIstiod[], namespaces: ObservedMeshEnrolment['namespaces'], pas?: ObservedPeerAuthentication[]): ObservedMeshEnrolment => ({
    mesh: { istiods },
    namespaces,
    peerAuthentications: pas,
  });
  const results = (f: { object: string; result: string }[]) => f.map((x) => `${x.result} ${x.object}`);

  it('deploy: istiod ready in istio-system, namespaces injected, the mesh-wide STRICT policy covers them', () => {
    const findings = meshFindings(
      settings('deploy'),
      observed([deployed], [ns('katonic-system', { 'istio-injection': 'enabled' })], [pa(DEPLOYED_MESH.namespace, 'STRICT')]),
    );
    expect(results(findings)).toEqual(['ok spec.katonic.mesh (mode deploy)', 'ok Namespace katonic-system', 'ok Namespace katonic-system']);
    expect(findings[2]?.observed).toBe('PeerAuthentication istio-system/default mode STRICT');
  });

  it('existing on the AKS add-on: istio.io/rev of the revision enrols; istio-injection=enabled does not (no default revision); PERMISSIVE is a warning naming the policy', () => {
    const findings = meshFindings(
      settings('existing'),
      observed(
        [addon()],
        [
          ns('katonic-system', { 'istio.io/rev': 'asm-1-24' }),
          ns('katonic-platform', { 'istio-injection': 'enabled' }),
          ns('katonic-workloads', { 'istio.io/rev': 'asm-1-24' }),
        ],
        [pa('katonic-system', 'STRICT'), pa('katonic-platform', 'STRICT'), pa('katonic-workloads', 'PERMISSIVE')],
      ),
    );
    expect(results(findings)).toEqual([
      'ok spec.katonic.mesh (mode existing)',
      'ok Namespace katonic-system',
      'ok Namespace katonic-system',
      'failed Namespace katonic-platform',
      'ok Namespace katonic-platform',
      'ok Namespace katonic-workloads',
      'warning Namespace katonic-workloads',
    ]);
    expect(findings[3]).toMatchObject({
      observed: 'istio-injection=enabled: no default revision runs to inject (the AKS add-on ignores this label)',
      expected: 'istio.io/rev=asm-1-24 (sidecar injection by a running istiod)',
    });
    expect(findings[6]?.observed).toBe('PeerAuthentication katonic-workloads/default mode PERMISSIVE (plain text accepted)');
  });

  it("a namespace-wide policy overrides the mesh-wide one, UNSET inherits, a selector covers no namespace, none is Istio's PERMISSIVE, DISABLE fails", () => {
    const mtls = (pas: ObservedPeerAuthentication[] | undefined) =>
      meshFindings(settings('existing'), observed([addon()], [ns('katonic-system', { 'istio.io/rev': 'asm-1-24' })], pas))[2]!;
    expect(mtls([pa('aks-istio-system', 'PERMISSIVE'), pa('katonic-system', 'STRICT')]).result).toBe('ok');
    expect(mtls([pa('aks-istio-system', 'STRICT'), pa('katonic-system', 'UNSET')]).observed).toBe('PeerAuthentication aks-istio-system/default mode STRICT');
    expect(mtls([pa('katonic-system', 'STRICT', { selector: true })])).toMatchObject({
      result: 'warning',
      observed: "no PeerAuthentication covers it: Istio's default, PERMISSIVE (plain text accepted)",
    });
    expect(mtls([pa('katonic-system', 'DISABLE')])).toMatchObject({
      result: 'failed',
      observed: 'PeerAuthentication katonic-system/default mode DISABLE (mTLS off)',
    });
    expect(mtls(undefined)).toMatchObject({ result: 'failed', observed: 'the PeerAuthentication API (security.istio.io) is not served' });
  });

  it('no ready istiod of the mesh fails with what was seen; a namespace outside the mesh fails; none is a warning', () => {
    expect(meshFindings(settings('deploy'), observed([addon()], []))).toEqual([
      expect.objectContaining({
        result: 'failed',
        observed: 'no ready istiod of revision default in istio-system (istiods: istiod aks-istio-system/istiod-asm-1-24 (revision asm-1-24, 2/2 ready))',
      }),
    ]);
    const [, outside] = meshFindings(settings('deploy'), observed([deployed], [ns('katonic-system', {})], []));
    expect(outside).toMatchObject({ result: 'failed', observed: 'neither istio-injection nor istio.io/rev' });
    expect(meshFindings(settings('none'), observed([], []))).toEqual([
      expect.objectContaining({ result: 'warning', observed: 'no mesh: nothing encrypts in transit' }),
    ]);
  });
});

describe('spec.katonic.mesh in the validator', () => {
  it('mode existing is refused for flow onprem in one line naming the field; deploy and none are accepted', async () => {
    const demo = await loadDemoSpec();
    const withMode = (mode: string) => validateSpec({ ...demo, spec: { ...demo.spec, katonic: { ...demo.spec.katonic, mesh: { mode } } } });
    expect(withMode('existing')).toEqual({
      ok: false,
      errors: [{ path: 'spec.katonic.mesh.mode', message: 'expected deploy or none for flow onprem: Kubespray deploys no mesh to join' }],
    });
    expect(withMode('deploy').ok).toBe(true);
    expect(withMode('none').ok).toBe(true);
  });

  it('revision only with mode existing, besideExisting only with mode deploy', async () => {
    const demo = await loadDemoSpec();
    const withMesh = (mesh: object) => validateSpec({ ...demo, spec: { ...demo.spec, katonic: { ...demo.spec.katonic, mesh } } });
    expect(withMesh({ mode: 'deploy', revision: 'asm-1-24', besideExisting: true })).toEqual({
      ok: false,
      errors: [{ path: 'spec.katonic.mesh.revision', message: 'expected no revision unless mode is existing (the revision of the mesh to join)' }],
    });
    expect(withMesh({ mode: 'none', besideExisting: false })).toEqual({
      ok: false,
      errors: [{ path: 'spec.katonic.mesh.besideExisting', message: 'expected no besideExisting unless mode is deploy' }],
    });
  });
});
