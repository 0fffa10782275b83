// Phase storage (on-prem), a short chain: the product's playbook prepares the nodes
// (NFS client, host-volume directories), then the provisioners and the kdisk / kfs
// StorageClasses are applied through the Kubernetes API.
import type { PhaseInput, PhaseResult } from '../lib/install/phase-io.js';
import { localTools } from '../lib/local-tools.js';
import { onpremStorageObjects } from '../lib/storage/storage-objects.js';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { layoutOf, type ActivityConfig } from './activity-config.js';
import { phaseResult, runAnsiblePhase } from './ansible/ansible-phase.js';
import { applyObjects, loadKubeConfig } from './kubernetes/kube-client.js';
import { refuseStorageClassConflicts } from './kubernetes/storage-classes.js';

export async function prepareStorageNodes(config: ActivityConfig, input: PhaseInput): Promise<PhaseResult> {
  const check = input.spec.spec.onprem?.storage.prepareNodes === 'check';
  const run = await runAnsiblePhase(config, input, 'storage', { playbook: localTools.playbook('storage-nodes.yml'), target: 'nodes', check });
  return phaseResult(run, check ? 'nodes checked (check mode: nothing changed)' : 'nodes prepared');
}

export async function applyStorageClasses(config: ActivityConfig, input: PhaseInput): Promise<PhaseResult> {
  const storage = input.spec.spec.onprem?.storage;
  if (!storage) throw ApplicationFailure.nonRetryable('storage: the spec has no onprem.storage', 'InvalidSpec');
  const kc = await loadKubeConfig(layoutOf(config, input.spec).adminConf, 'storage');
  const objects = onpremStorageObjects(storage);
  await refuseStorageClassConflicts(kc, objects, 'storage');
  await applyObjects(kc, objects, 'storage');
  return { attempt: Context.current().info.attempt, summary: `applied ${objects.length} objects (provisioners, StorageClasses kdisk and kfs)` };
}
