// Preflight's mesh rule (managed flows): what spec.katonic.mesh asks against the meshes the
// cluster runs. Mode existing needs a ready istiod to join (one revision, or the one the spec
// names); mode deploy must not put a second control plane beside another one unless the spec
// says so (besideExisting); mode none passes with a warning: nothing encrypts in transit.
import type { Finding } from '../checks/finding.js';
import { DEPLOYED_MESH, describeIstiod, describeSailIstio, LOOKED_FOR, meshToJoin, type ObservedMesh } from '../mesh/istio-mesh.js';
import type { MeshSettings } from '../spec/mesh-settings.js';

export function meshRule(mesh: ObservedMesh, settings: MeshSettings, installName: string): Finding<'mesh'>[] {
  const object = `spec.katonic.mesh (mode ${settings.mode})`;
  if (settings.mode === 'none') {
    const found = mesh.istiods.map(describeIstiod).join(', ');
    return [
      {
        rule: 'mesh',
        object,
        observed: `no mesh for Katonic${found ? ` (on the cluster: ${found})` : ''}`,
        expected: 'Istio for encryption in transit (mode deploy or existing)',
        result: 'warning',
      },
    ];
  }
  if (settings.mode === 'existing') {
    const expected = `a ready istiod to join${settings.revision ? ` of revision ${settings.revision}` : ''}`;
    const joined = meshToJoin(mesh, settings.revision);
    if ('problem' in joined) return [{ rule: 'mesh', object, observed: joined.problem, expected, result: 'failed' }];
    const istiods = mesh.istiods.filter((i) => i.revision === joined.mesh.revision && i.namespace === joined.mesh.namespace);
    return [{ rule: 'mesh', object, observed: `joins ${istiods.map(describeIstiod).join(', ')}`, expected, result: 'ok' }];
  }
  // deploy: an istiod this install's role deployed (a phase run again) is its own, not another mesh.
  const others = [...mesh.istiods.filter((i) => i.installedBy !== installName).map(describeIstiod), ...(mesh.sailIstios ?? []).map(describeSailIstio)];
  const deploys = `Istio deployed by the Katonic role (${DEPLOYED_MESH.namespace}, revision ${DEPLOYED_MESH.revision})`;
  if (!others.length) return [{ rule: 'mesh', object, observed: `no other mesh (looked for ${LOOKED_FOR})`, expected: deploys, result: 'ok' }];
  const observed = `another mesh runs: ${others.join(', ')}`;
  if (settings.besideExisting)
    return [{ rule: 'mesh', object, observed, expected: `${deploys}, beside it as spec.katonic.mesh.besideExisting says`, result: 'warning' }];
  return [
    {
      rule: 'mesh',
      object,
      observed,
      expected: `no other mesh beside ${deploys}: join it (mode existing), or set spec.katonic.mesh.besideExisting: true`,
      result: 'failed',
    },
  ];
}
