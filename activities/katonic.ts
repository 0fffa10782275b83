// Phase katonic: the external Katonic role, applied by the product's playbook to the
// controller (localhost), with the cluster's kubeconfig. A managed cluster's reset runs it with
// katonic_state: absent (phase remove-katonic): the platform goes, the cloud's cluster stays.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { PhaseInput, PhaseResult } from '../lib/install/phase-io.js';
import { renderKatonicFiles } from '../lib/inventory/render.js';
import { localTools } from '../lib/local-tools.js';
import { layoutOf, type ActivityConfig } from './activity-config.js';
import { phaseResult, runAnsiblePhase } from './ansible/ansible-phase.js';
import { withClusterKubeconfigFile } from './kubernetes/cluster-kubeconfig.js';
import { phaseFailure } from './phase-failure.js';
import { writeFilesAtomically } from './write-files.js';

export async function runKatonicRole(config: ActivityConfig, input: PhaseInput, phase: 'katonic' | 'remove-katonic' = 'katonic'): Promise<PhaseResult> {
  const { roleDir } = input.spec.spec.katonic;
  await access(join(roleDir, 'tasks', 'main.yml')).catch(() => {
    throw phaseFailure('KatonicRoleNotFound', `katonic: spec.katonic.roleDir (${roleDir}) is not a role directory with tasks/main.yml`, { roleDir });
  });
  const layout = layoutOf(config, input.spec);
  await writeFilesAtomically(renderKatonicFiles(input.spec, layout));
  // The cluster's kubeconfig as the playbook reads it (a managed one exists only for this run).
  const run = await withClusterKubeconfigFile(config, input, 'katonic', (kubeconfig) =>
    runAnsiblePhase(config, input, phase, {
      playbook: localTools.playbook('katonic.yml'),
      target: 'controller',
      moreExtraVars: [layout.katonicVarsFile],
      // Where roles look for the cluster: kubectl, lookups and the kubernetes.core modules.
      env: { KUBECONFIG: kubeconfig, K8S_AUTH_KUBECONFIG: kubeconfig },
    }),
  );
  return phaseResult(run, phase === 'katonic' ? `Katonic ${input.spec.spec.katonic.version} applied` : 'the Katonic platform removed');
}
