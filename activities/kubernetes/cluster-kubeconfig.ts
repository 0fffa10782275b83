// The cluster's kubeconfig, from one place for every phase: Kubespray's admin.conf as the
// kubespray phase handed it on through the workflow, sealed (on-prem; whichever worker ran
// kubespray), or spec.managed.kubeconfigRef read on the worker (AKS, EKS). Either lives in
// memory, or for a playbook in a 0600 file of the phase directory that is removed when the run
// ends; a managed one never enters the workflow history, admin.conf only sealed.
//
// Exec credential plugins (`aws eks get-token`, `kubelogin`): @kubernetes/client-node 1.4 runs
// them itself on each request (spawn, no timeout, stdin left open, the plugin's stderr as the
// error). So the plugin is run once here first, under control: stdin closed, a time limit, and
// a clear non-retryable error that names the reference and never the kubeconfig's content.
import { rm } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { KubeConfig, type RequestContext } from '@kubernetes/client-node';
import { execa } from 'execa';
import type { PhaseInput } from '../../lib/install/phase-io.js';
import { openValue } from '../../lib/codec/sealed-value.js';
import type { ManagedSpec } from '../../lib/spec/managed-schema.js';
import { kubeconfigPath } from '../../lib/inventory/extra-vars.js';
import { execCredentialProblem, KubeconfigProblem, prepareKubeconfig, type ExecPlugin, type PreparedKubeconfig } from '../../lib/managed/kubeconfig.js';
import { layoutOf, type ActivityConfig } from '../activity-config.js';
import { referencePath } from '../../lib/read-reference.js';
import { phaseFailure } from '../phase-failure.js';
import { readSecret } from '../secrets.js';
import { writeFilesAtomically } from '../write-files.js';
import type { KubernetesTarget } from './api-errors.js';

const PLUGIN_TIMEOUT_MS = 60_000;
const STDERR_SHOWN = 300;

async function checkExecPlugin(exec: ExecPlugin, ref: string, phase: string): Promise<void> {
  const plugin = `${phase}: the exec credential plugin of the kubeconfig ${ref} (user "${exec.user}", command ${basename(exec.command)})`;
  const run = await execa(exec.command, exec.args, { env: exec.env, stdin: 'ignore', timeout: PLUGIN_TIMEOUT_MS, reject: false });
  if (run.failed) {
    const stderr = String(run.stderr).trim().split('\n').slice(-3).join(' ').slice(-STDERR_SHOWN);
    const why = run.timedOut
      ? `did not answer within ${PLUGIN_TIMEOUT_MS / 1000} s`
      : run.code === 'ENOENT'
        ? 'could not be started: no such command'
        : `failed (exit ${run.exitCode ?? run.signal})${stderr ? `: ${stderr}` : ''}`;
    throw phaseFailure('KubeconfigCredentialFailed', `${plugin} ${why}`, { kubeconfig: ref, command: basename(exec.command) });
  }
  const problem = execCredentialProblem(String(run.stdout), exec.apiVersion);
  if (problem)
    throw phaseFailure('KubeconfigCredentialFailed', `${plugin} gave no credential: ${problem}`, { kubeconfig: ref, command: basename(exec.command) });
}

/** spec.managed.kubeconfigRef, read and prepared; its exec plugin, if any, has given a credential. */
export async function managedKubeconfig(managed: ManagedSpec, phase: string): Promise<PreparedKubeconfig> {
  const ref = managed.kubeconfigRef;
  const text = await readSecret(ref);
  let prepared: PreparedKubeconfig;
  try {
    prepared = prepareKubeconfig(text, { baseDir: ref.startsWith('file:') ? dirname(referencePath(ref)) : undefined, context: managed.context });
  } catch (err) {
    if (err instanceof KubeconfigProblem) throw phaseFailure('KubeconfigInvalid', `${phase}: the kubeconfig ${ref} ${err.message}`, { kubeconfig: ref });
    throw err;
  }
  if (prepared.exec) await checkExecPlugin(prepared.exec, ref, phase);
  return prepared;
}

/** A request to a managed cluster ends within this time: a silent API server is an error (retried), never a hang. */
const REQUEST_TIMEOUT_MS = 30_000;

class BoundedKubeConfig extends KubeConfig {
  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    context.setSignal(AbortSignal.timeout(REQUEST_TIMEOUT_MS));
  }
}

export function kubeConfigFrom(prepared: PreparedKubeconfig): KubeConfig {
  const kc = new BoundedKubeConfig();
  kc.loadFromString(prepared.text);
  return kc;
}

/** The cluster's kubeconfig text for a phase: admin.conf from the input, or the managed one. */
async function clusterKubeconfigText(config: ActivityConfig, input: PhaseInput, phase: string): Promise<string> {
  const { spec } = input.spec;
  if (spec.flow !== 'onprem') return (await managedKubeconfig(spec.managed, phase)).text;
  // Without it the phase cannot start; the phase that hands it on has to run again.
  if (!input.adminConf) throw phaseFailure('KubeconfigMissing', `${phase}: no admin.conf from the kubespray phase (resume with kubespray run again)`, {});
  return openValue(config.keyRing, input.adminConf);
}

/** On-prem, the cluster's kubeconfig is the one Kubespray wrote: what messages call it. */
export const ADMIN_CONF_REFERENCE = "Kubespray's admin.conf";

/** The cluster's API for a phase: its client configuration, and the kubeconfig's reference for messages. */
export interface ClusterApi extends KubernetesTarget {
  kc: KubeConfig;
}

export async function clusterApi(config: ActivityConfig, input: PhaseInput, phase: string): Promise<ClusterApi> {
  const kc = new BoundedKubeConfig();
  kc.loadFromString(await clusterKubeconfigText(config, input, phase));
  const { spec } = input.spec;
  const kubeconfig = spec.flow === 'onprem' ? ADMIN_CONF_REFERENCE : spec.managed.kubeconfigRef;
  return { kc, phase, kubeconfig };
}

/** The cluster's kubeconfig as a 0600 file for a playbook, at the path its extra vars name, for this run only. */
export async function withClusterKubeconfigFile<T>(config: ActivityConfig, input: PhaseInput, phase: string, use: (file: string) => Promise<T>): Promise<T> {
  const file = kubeconfigPath(input.spec, layoutOf(config, input.spec));
  await writeFilesAtomically(new Map([[file, await clusterKubeconfigText(config, input, phase)]]), 0o600);
  try {
    return await use(file);
  } finally {
    await rm(file, { force: true });
  }
}
