// Phase kubespray: Kubespray's cluster.yml from its own directory, on the generated inventory.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { PhaseInput, PhaseResult } from '../lib/install/phase-io.js';
import type { ActivityConfig } from './activity-config.js';
import { phaseResult, runAnsiblePhase } from './ansible/ansible-phase.js';

export async function runKubespray(config: ActivityConfig, input: PhaseInput): Promise<PhaseResult> {
  const dir = input.spec.spec.onprem?.kubespray.dir;
  if (!dir) throw ApplicationFailure.nonRetryable('kubespray: the spec has no onprem.kubespray.dir', 'InvalidSpec');
  const playbook = join(dir, 'cluster.yml');
  await access(playbook).catch(() => {
    throw ApplicationFailure.nonRetryable(`kubespray: no cluster.yml in spec.onprem.kubespray.dir (${dir})`, 'KubesprayNotFound');
  });
  const run = await runAnsiblePhase(config, input, 'kubespray', { playbook, target: 'nodes', cwd: dir });
  return phaseResult(run, `cluster.yml completed on ${run.progress.hosts.ok + run.progress.hosts.changed} hosts`);
}
