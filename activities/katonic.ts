// Phase katonic: the external Katonic role, applied by the product's playbook to the
// controller (localhost), with the cluster's kubeconfig. A managed cluster's reset runs it with
// katonic_state: absent (phase remove-katonic): the platform goes, the cloud's cluster stays.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { inertYaml } from '../lib/ansible/inert-yaml.js';
import type { PhaseInput, PhaseResult } from '../lib/install/phase-io.js';
import { renderKatonicFiles } from '../lib/inventory/render.js';
import { localTools } from '../lib/local-tools.js';
import { meshToJoin } from '../lib/mesh/istio-mesh.js';
import { meshRoleVars } from '../lib/mesh/mesh-role-vars.js';
import { meshSettings } from '../lib/spec/mesh-settings.js';
import { layoutOf, type ActivityConfig } from './activity-config.js';
import { phaseResult, runAnsiblePhase } from './ansible/ansible-phase.js';
import { kubernetesCall } from './kubernetes/api-errors.js';
import { clusterApi, withClusterKubeconfigFile } from './kubernetes/cluster-kubeconfig.js';
import { readMesh } from './kubernetes/read-mesh.js';
import { phaseFailure } from './phase-failure.js';
import { writeFilesAtomically } from './write-files.js';

type KatonicPhase = 'katonic' | 'remove-katonic';

/**
 * The mesh facts for the role. Mode existing reads the mesh to join from the cluster now, right
 * before the role runs (preflight's reading may be hours old); a removal goes on without it.
 */
async function meshVars(config: ActivityConfig, input: PhaseInput, phase: KatonicPhase): Promise<Record<string, string>> {
  const settings = meshSettings(input.spec);
  if (settings.mode !== 'existing') return meshRoleVars(settings);
  const cluster = await clusterApi(config, input, phase);
  const mesh = await kubernetesCall(cluster, 'reading the istiod Deployments', () => readMesh(cluster.kc));
  const joined = meshToJoin(mesh, settings.revision);
  if ('mesh' in joined) return meshRoleVars(settings, joined.mesh);
  if (phase === 'remove-katonic') return meshRoleVars(settings);
  throw phaseFailure('MeshNotFound', `${phase}: spec.katonic.mesh.mode is existing: ${joined.problem}`, { problem: joined.problem });
}

export async function runKatonicRole(config: ActivityConfig, input: PhaseInput, phase: KatonicPhase = 'katonic'): Promise<PhaseResult> {
  const { roleDir } = input.spec.spec.katonic;
  await access(join(roleDir, 'tasks', 'main.yml')).catch(() => {
    throw phaseFailure('KatonicRoleNotFound', `katonic: spec.katonic.roleDir (${roleDir}) is not a role directory with tasks/main.yml`, { roleDir });
  });
  const layout = layoutOf(config, input.spec);
  const meshVarsFile = layout.meshVarsFile(phase);
  const mesh = inertYaml(await meshVars(config, input, phase), [`The mesh facts of the install "${input.spec.metadata.name}", read for this run.`]);
  await writeFilesAtomically(new Map([...renderKatonicFiles(input.spec, layout), [meshVarsFile, mesh]]));
  // The cluster's kubeconfig as the playbook reads it (a managed one exists only for this run).
  const run = await withClusterKubeconfigFile(config, input, 'katonic', (kubeconfig) =>
    runAnsiblePhase(config, input, phase, {
      playbook: localTools.playbook('katonic.yml'),
      target: 'controller',
      moreExtraVars: [layout.katonicVarsFile, meshVarsFile],
      // Where roles look for the cluster: kubectl, lookups and the kubernetes.core modules.
      env: { KUBECONFIG: kubeconfig, K8S_AUTH_KUBECONFIG: kubeconfig },
    }),
  );
  return phaseResult(run, phase === 'katonic' ? `Katonic ${input.spec.spec.katonic.version} applied` : 'the Katonic platform removed');
}
