// Phase storage (on-prem), a short chain: the product's playbook prepares the nodes
// (NFS client, host-volume directories), then the provisioners and the kdisk / kfs
// StorageClasses are applied through the Kubernetes API. Phase storage-classes (AKS, EKS)
// is that second step alone, with the same code.
import type { PhaseInput, PhaseResult } from '../lib/install/phase-io.js';
import { localTools } from '../lib/local-tools.js';
import type { OnpremInstallation } from '../lib/spec/schema.js';
import { isManagedFlow } from '../lib/managed/clouds.js';
import { storageObjectsFor } from '../lib/storage/cluster-storage.js';
import { Context } from '@temporalio/activity';
import type { ActivityConfig } from './activity-config.js';
import { phaseResult, runAnsiblePhase } from './ansible/ansible-phase.js';
import { clusterApi } from './kubernetes/cluster-kubeconfig.js';
import { applyObjects } from './kubernetes/kube-client.js';
import { refuseStorageClassConflicts } from './kubernetes/storage-classes.js';

export async function prepareStorageNodes(config: ActivityConfig, input: PhaseInput<OnpremInstallation>): Promise<PhaseResult> {
  const check = input.spec.spec.onprem.storage.prepareNodes === 'check';
  const run = await runAnsiblePhase(config, input, 'storage', { playbook: localTools.playbook('storage-nodes.yml'), target: 'nodes', check });
  return phaseResult(run, check ? 'nodes checked (check mode: nothing changed)' : 'nodes prepared');
}

export async function applyStorageClasses(config: ActivityConfig, input: PhaseInput): Promise<PhaseResult> {
  const phase = isManagedFlow(input.spec.spec.flow) ? 'storage-classes' : 'storage';
  const objects = storageObjectsFor(input.spec, input);
  const cluster = await clusterApi(config, input, phase);
  const toApply = await refuseStorageClassConflicts(cluster, objects);
  await applyObjects(cluster.kc, cluster, toApply);
  const classes = objects.filter((o) => o.kind === 'StorageClass').map((o) => o.metadata.name);
  const leftAlone = classes.filter((name) => !toApply.some((o) => o.kind === 'StorageClass' && o.metadata.name === name));
  const kept = leftAlone.length ? `; ${leftAlone.join(' and ')} existed as wanted, not created by the installer: left as they are` : '';
  return {
    attempt: Context.current().info.attempt,
    summary: `applied ${toApply.length} objects (StorageClasses ${classes.join(' and ')}${objects.length > classes.length ? ' and their provisioners' : ''})${kept}`,
  };
}
