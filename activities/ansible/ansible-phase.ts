// The common shape of every Ansible phase: its extra vars written to its directory, the SSH
// key and the secret variables (references) resolved for the run only, then one playbook run.
import type { PhaseInput, PhaseResult } from '../../lib/install/phase-io.js';
import { renderExtraVars } from '../../lib/inventory/render.js';
import { secretExtraVars, type AnsiblePhase } from '../../lib/inventory/extra-vars.js';
import { layoutOf, type ActivityConfig } from '../activity-config.js';
import { withSecretFile, withSecretVars } from '../secrets.js';
import { writeFilesAtomically } from '../write-files.js';
import { runPlaybook, type PlaybookResult } from './run-playbook.js';

export interface AnsiblePhaseRun {
  playbook: string;
  /** The Kubespray inventory of the nodes, or the controller's own (localhost). */
  target: 'nodes' | 'controller';
  /** Another inventory of the same target (preflight runs before the inventory phase). */
  inventory?: string;
  cwd?: string;
  check?: boolean;
  moreExtraVars?: string[];
}

export async function runAnsiblePhase(config: ActivityConfig, input: PhaseInput, phase: AnsiblePhase, run: AnsiblePhaseRun): Promise<PlaybookResult> {
  const { spec } = input;
  const layout = layoutOf(config, spec);
  const phaseDir = layout.phaseDir(phase);
  const extraVarsFile = layout.extraVarsFile(phase);
  await writeFilesAtomically(new Map([[extraVarsFile, renderExtraVars(spec, layout, phase, input.operatorVars)]]));
  const onNodes = run.target === 'nodes';
  const overSsh = onNodes && spec.spec.onprem?.connection !== 'local';
  return withSecretFile(overSsh ? spec.spec.onprem?.ssh?.privateKeyRef : undefined, phaseDir, 'ssh-key', (privateKeyFile) =>
    withSecretVars(secretExtraVars(spec, input.operatorVars), layout.secretVarsFile(phase), (secretVarsFile, secrets) =>
      runPlaybook({
        phase,
        phaseDir,
        cwd: run.cwd,
        playbook: run.playbook,
        inventory: run.inventory ?? (onNodes ? layout.hostsFile : layout.localhostInventory),
        // The secret variables last: they are the user's own, and nothing else sets them.
        extraVarsFiles: [...(run.moreExtraVars ?? []), extraVarsFile, ...(secretVarsFile ? [secretVarsFile] : [])],
        limit: input.limitHosts,
        check: run.check,
        become: overSsh,
        privateKeyFile,
        secrets,
      }),
    ),
  );
}

export function phaseResult({ attempt, progress }: PlaybookResult, summary: string): PhaseResult {
  return { attempt, summary, hosts: progress.hosts, tasksDone: progress.tasksDone };
}
