// The extra vars each playbook gets: the user's `spec.extraVars`, then the operator's
// changes, then the installer's own katonic_* vars (which validation keeps the other two
// from setting). Variables that hold a secret reference are not among them: they are
// resolved on the worker for the run only (secretExtraVars).
import type { PhaseTarget } from '../plan/phases.js';
import type { Installation } from '../spec/schema.js';
import type { RunLayout } from '../run-layout.js';
import { splitSecretVars } from '../vars/secret-refs.js';

export const ANSIBLE_PHASES = ['preflight', 'kubespray', 'storage', 'katonic'] as const;
/** The playbooks of day-2 operations (lib/plan/operation-plans.ts), each with a run directory of its own. */
export const OPERATION_ANSIBLE_PHASES = ['facts', 'scale', 'remove-node', 'upgrade', 'reset', 'remove-katonic'] as const;
export type AnsiblePhase = (typeof ANSIBLE_PHASES)[number] | (typeof OPERATION_ANSIBLE_PHASES)[number];

function phaseSpecificVars(doc: Installation, layout: RunLayout, phase: AnsiblePhase, target: PhaseTarget = {}): Record<string, unknown> {
  const { onprem, katonic } = doc.spec;
  switch (phase) {
    case 'storage': {
      const storage = onprem?.storage;
      return {
        katonic_storage_kind: storage?.kind,
        katonic_nfs_server: storage?.nfs?.server,
        katonic_nfs_path: storage?.nfs?.path,
        katonic_host_volume_root: storage?.hostVolumes?.root,
        katonic_host_volume_services: storage?.hostVolumes?.services,
      };
    }
    case 'katonic':
    case 'remove-katonic':
      // `kubeconfig` too: the name roles commonly take the cluster's kubeconfig by.
      return {
        katonic_role_dir: katonic.roleDir,
        katonic_kubeconfig: kubeconfigPath(doc, layout),
        kubeconfig: kubeconfigPath(doc, layout),
        ...(phase === 'remove-katonic' ? { katonic_state: 'absent' } : {}),
      };
    // Kubespray's own variables: remove-node.yml takes the node as `node`, and both it and reset.yml ask for a confirmation unless told not to.
    case 'remove-node':
      return { node: target.node, skip_confirmation: true };
    case 'reset':
      return { reset_confirmation: 'yes', skip_confirmation: true };
    default:
      return {};
  }
}

/** The kubeconfig the katonic phase and `verify` use: Kubespray's admin.conf, or the managed cluster's. */
export function kubeconfigPath(doc: Installation, layout: RunLayout): string {
  return doc.spec.flow === 'onprem' ? layout.adminConf : `${layout.phaseDir('katonic')}/kubeconfig`;
}

/** The user's and the operator's variables, split into plain ones and those holding secret references. */
export function userVars(doc: Installation, operatorVars: Record<string, unknown> = {}) {
  return splitSecretVars({ ...doc.spec.extraVars, ...operatorVars });
}

export function phaseExtraVars(
  doc: Installation,
  layout: RunLayout,
  phase: AnsiblePhase,
  operatorVars: Record<string, unknown> = {},
  target?: PhaseTarget,
): Record<string, unknown> {
  const vars: Record<string, unknown> = {
    ...userVars(doc, operatorVars).plain,
    katonic_install_name: doc.metadata.name,
    katonic_data_dir: layout.dataDir,
    katonic_run_dir: layout.runDir,
    katonic_phase: phase,
    katonic_phase_dir: layout.phaseDir(phase),
    ...phaseSpecificVars(doc, layout, phase, target),
  };
  return Object.fromEntries(Object.entries(vars).filter(([, v]) => v !== undefined));
}

/** The variables holding secret references, still references: resolved by the worker at run time. */
export function secretExtraVars(doc: Installation, operatorVars?: Record<string, unknown>): Record<string, unknown> {
  return userVars(doc, operatorVars).secret;
}
