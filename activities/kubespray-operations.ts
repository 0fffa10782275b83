// The Kubespray playbooks of day-2 operations, from the checkout's own directory, on the inventory
// the cluster's spec renders (new nodes in it for a scale, the node being removed still in it):
// playbooks/facts.yml; scale.yml --limit the new nodes; remove-node.yml -e node=NAME; upgrade-cluster.yml
// --limit one node, from the checkout of that hop; reset.yml.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { PhaseInput, PhaseResult } from '../lib/install/phase-io.js';
import type { OnpremInstallation } from '../lib/spec/schema.js';
import type { AnsiblePhase } from '../lib/inventory/extra-vars.js';
import type { ActivityConfig } from './activity-config.js';
import { phaseResult, runAnsiblePhase } from './ansible/ansible-phase.js';
import { uncordonUpgradedNode } from './node-drain.js';
import { phaseFailure } from './phase-failure.js';
import type { PlaybookResult } from './ansible/run-playbook.js';

/** A playbook of the checkout at `dir`, refused clearly when the checkout does not have it. */
async function kubesprayPlaybook(dir: string, name: string): Promise<string> {
  const playbook = join(dir, name);
  await access(playbook).catch(() => {
    throw phaseFailure('KubesprayNotFound', `kubespray: no ${name} in the Kubespray checkout ${dir}`, { dir });
  });
  return playbook;
}

async function runKubesprayPlaybook(config: ActivityConfig, input: PhaseInput<OnpremInstallation>, phase: AnsiblePhase, name: string): Promise<PlaybookResult> {
  const dir = input.spec.spec.onprem.kubespray.dir;
  return runAnsiblePhase(config, input, phase, { playbook: await kubesprayPlaybook(dir, name), target: 'nodes', cwd: dir });
}

const hostsDone = (run: PlaybookResult) => run.progress.hosts.ok + run.progress.hosts.changed;

/** Kubespray's fact cache filled for every node: the runs with --limit after it see the others' facts. */
export async function gatherKubesprayFacts(config: ActivityConfig, input: PhaseInput<OnpremInstallation>): Promise<PhaseResult> {
  const run = await runKubesprayPlaybook(config, input, 'facts', 'playbooks/facts.yml');
  return phaseResult(run, `facts of ${hostsDone(run)} hosts gathered`);
}

export async function runKubesprayScale(config: ActivityConfig, input: PhaseInput<OnpremInstallation>): Promise<PhaseResult> {
  const run = await runKubesprayPlaybook(config, input, 'scale', 'scale.yml');
  return phaseResult(run, `scale.yml added ${(input.limitHosts ?? []).join(', ')}`);
}

export async function runKubesprayRemoveNode(config: ActivityConfig, input: PhaseInput<OnpremInstallation>): Promise<PhaseResult> {
  const run = await runKubesprayPlaybook(config, { ...input, limitHosts: undefined }, 'remove-node', 'remove-node.yml');
  return phaseResult(run, `remove-node.yml removed ${input.target?.node}`);
}

/** One node of one hop: the hop's Kubernetes version, from the hop's checkout, on that node alone. */
export async function upgradeNode(config: ActivityConfig, input: PhaseInput<OnpremInstallation>): Promise<PhaseResult> {
  const { node, kubeVersion, kubesprayDir } = input.target ?? {};
  const onprem = {
    ...input.spec.spec.onprem,
    kubeVersion,
    kubespray: { ...input.spec.spec.onprem.kubespray, dir: kubesprayDir ?? input.spec.spec.onprem.kubespray.dir },
  };
  const hop = { ...input, spec: { ...input.spec, spec: { ...input.spec.spec, onprem } } };
  const run = await runKubesprayPlaybook(config, hop, 'upgrade', 'upgrade-cluster.yml');
  await uncordonUpgradedNode(config, input);
  return phaseResult(run, `${node} upgraded to Kubernetes ${kubeVersion} (${hostsDone(run)} host)`);
}

export async function runKubesprayReset(config: ActivityConfig, input: PhaseInput<OnpremInstallation>): Promise<PhaseResult> {
  const run = await runKubesprayPlaybook(config, input, 'reset', 'reset.yml');
  return phaseResult(run, `reset.yml reset ${hostsDone(run)} hosts`);
}
