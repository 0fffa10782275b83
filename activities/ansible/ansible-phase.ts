// The common shape of every Ansible phase: what it reads rendered from the spec (the nodes'
// inventory, its extra vars; never a file another phase left, which may be on another
// worker), the SSH key and the secret variables (references) resolved for the run only, then
// one playbook run.
import { basename, relative } from 'node:path';
import type { PlaybookKey } from '../../lib/eta/duration-book.js';
import type { PhaseInput, PhaseResult } from '../../lib/install/phase-io.js';
import { inventoryDigest, renderExtraVars, renderInventoryFiles } from '../../lib/inventory/render.js';
import { secretExtraVars, type AnsiblePhase } from '../../lib/inventory/extra-vars.js';
import { layoutOf, type ActivityConfig } from '../activity-config.js';
import { checkoutRelease } from '../kubespray-checkout.js';
import { phaseFailure } from '../phase-failure.js';
import { withSecretFile, withSecretVars } from '../secrets.js';
import { writeFilesAtomically } from '../write-files.js';
import type { SshAccess } from './playbook-command.js';
import { runPlaybook, type PlaybookResult } from './run-playbook.js';
import { withSshControlDir } from './ssh-control.js';

export interface AnsiblePhaseRun {
  playbook: string;
  /** The Kubespray inventory of the nodes, or the controller's own (localhost). */
  target: 'nodes' | 'controller';
  /** Another inventory of the same target (preflight runs before the inventory phase). */
  inventory?: string;
  cwd?: string;
  check?: boolean;
  moreExtraVars?: string[];
  env?: Record<string, string>;
}

export async function runAnsiblePhase(config: ActivityConfig, input: PhaseInput, phase: AnsiblePhase, how: AnsiblePhaseRun): Promise<PlaybookResult> {
  const { spec } = input;
  // One rendering for the whole install: the inventory phase's, which this worker must reproduce.
  const rendered = input.inventoryDigest && inventoryDigest(spec);
  if (rendered && rendered !== input.inventoryDigest)
    throw phaseFailure(
      'InventoryChanged',
      `${phase}: this worker renders another inventory (${rendered}) than the inventory phase wrote (${input.inventoryDigest}); are workers of two versions running? Retry once they agree, or resume to write the inventory again`,
      { handedOn: input.inventoryDigest!, rendered },
    );
  const layout = layoutOf(config, spec);
  const phaseDir = layout.phaseDir(phase);
  const extraVarsFile = layout.extraVarsFile(phase);
  const onNodes = how.target === 'nodes';
  const inventory = onNodes && !how.inventory ? renderInventoryFiles(spec, layout) : new Map<string, string>();
  await writeFilesAtomically(new Map([...inventory, [extraVarsFile, renderExtraVars(spec, layout, phase, input.operatorVars, input.target)]]));
  const timing = { key: await playbookKey(input, phase, how), hosts: input.limitHosts?.length || (onNodes ? (spec.spec.onprem?.nodes.length ?? 1) : 1) };
  const play = (secretVarsFile: string | undefined, secrets: string[], ssh?: SshAccess) =>
    runPlaybook({
      phase,
      phaseDir,
      cwd: how.cwd,
      playbook: how.playbook,
      inventory: how.inventory ?? (onNodes ? layout.hostsFile : layout.localhostInventory),
      // The secret variables last: they are the user's own, and nothing else sets them.
      extraVarsFiles: [...(how.moreExtraVars ?? []), extraVarsFile, ...(secretVarsFile ? [secretVarsFile] : [])],
      limit: input.limitHosts,
      check: how.check,
      ssh,
      env: how.env,
      secrets,
      timing,
    });
  const keyRef = onNodes && spec.spec.onprem?.connection !== 'local' ? spec.spec.onprem?.ssh?.privateKeyRef : undefined;
  return withSecretVars(secretExtraVars(spec, input.operatorVars), layout.secretVarsFile(phase), (secretVarsFile, secrets) => {
    if (!keyRef) return play(secretVarsFile, secrets);
    // Over SSH: the key in a private file and a connection-sharing directory, for this run only.
    return withSecretFile(keyRef, phaseDir, 'ssh-key', (privateKeyFile) =>
      withSshControlDir((controlDir) => play(secretVarsFile, secrets, { privateKeyFile: privateKeyFile!, keyRef, knownHosts: layout.knownHosts, controlDir })),
    );
  });
}

/** Runs of a playbook compare when they ran the same file of the same release: Kubespray's, the Katonic role's, or the installer's own. */
async function playbookKey({ spec }: PhaseInput, phase: AnsiblePhase, how: AnsiblePhaseRun): Promise<PlaybookKey> {
  if (how.cwd) {
    const release = (await checkoutRelease(how.cwd).catch(() => undefined))?.version ?? spec.spec.onprem?.kubespray.version ?? 'unknown';
    return { scope: `kubespray ${release}`, playbook: relative(how.cwd, how.playbook) };
  }
  const scope = phase === 'katonic' || phase === 'remove-katonic' ? `katonic-role ${spec.spec.katonic.version}` : 'installer';
  return { scope, playbook: basename(how.playbook) };
}

export function phaseResult({ attempt, progress }: PlaybookResult, summary: string): PhaseResult {
  return { attempt, summary, hosts: progress.hosts, tasksDone: progress.tasksDone };
}
