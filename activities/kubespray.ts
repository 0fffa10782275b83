// Phase kubespray: Kubespray's cluster.yml from its own directory, on the generated inventory.
// The admin.conf it leaves in the run's artifacts directory is handed on sealed, through the
// workflow, to the phases after it (whichever worker runs them), and removed from this disk.
import { access, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import type { PhaseInput, PhaseResult } from '../lib/install/phase-io.js';
import { sealValue, type SealedValue } from '../lib/codec/sealed-value.js';
import type { OnpremInstallation } from '../lib/spec/schema.js';
import { layoutOf, type ActivityConfig } from './activity-config.js';
import { phaseResult, runAnsiblePhase } from './ansible/ansible-phase.js';
import { phaseFailure, withDetails } from './phase-failure.js';

export async function runKubespray(config: ActivityConfig, input: PhaseInput<OnpremInstallation>): Promise<PhaseResult> {
  const dir = input.spec.spec.onprem.kubespray.dir;
  const playbook = join(dir, 'cluster.yml');
  await access(playbook).catch(() => {
    throw phaseFailure('KubesprayNotFound', `kubespray: no cluster.yml in spec.onprem.kubespray.dir (${dir})`, { dir });
  });
  const adminConf = layoutOf(config, input.spec).adminConf;
  try {
    const run = await runAnsiblePhase(config, input, 'kubespray', { playbook, target: 'nodes', cwd: dir });
    return {
      ...phaseResult(run, `cluster.yml completed on ${run.progress.hosts.ok + run.progress.hosts.changed} hosts`),
      adminConf: await takeAdminConf(config, adminConf),
    };
  } catch (err) {
    // A run that failed after writing admin.conf (a later task failed) hands it on with its
    // failure: a retry on the failed hosts alone may not write it again. An earlier attempt's
    // copy comes through its last heartbeat, when this attempt stopped before writing one.
    const taken = (await takeAdminConf(config, adminConf)) ?? earlierAttemptsAdminConf();
    if (taken) Context.current().heartbeat({ adminConf: taken });
    throw taken ? withDetails(err, { adminConf: taken }) : err;
  } finally {
    await rm(adminConf, { force: true });
  }
}

/** admin.conf, sealed; none when the run did not write it (a --limit without the control plane): the workflow keeps the one it has. */
async function takeAdminConf(config: ActivityConfig, file: string): Promise<SealedValue | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : sealValue(config.keyRing, text);
}

/** The admin.conf an earlier attempt of this activity heartbeat as it failed (the SDK hands its last heartbeat to the next attempt). */
function earlierAttemptsAdminConf(): SealedValue | undefined {
  return (Context.current().info.heartbeatDetails as { adminConf?: SealedValue } | undefined)?.adminConf;
}
