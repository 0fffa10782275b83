// Phase preflight (AKS, EKS): the cluster read through its API and compared with the seed's
// requirements. Every finding is reported at once, as a table; a cluster that falls short is
// a fact, not a glitch, so it is not retried (the install waits for an operator).
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { PhaseInput, PhaseResult } from '../lib/install/phase-io.js';
import { formatManagedReport, managedPreflightReport, managedRequirements } from '../lib/preflight/managed-rules.js';
import type { ManagedInstallation } from '../lib/spec/schema.js';
import type { ActivityConfig } from './activity-config.js';
import { rethrowAccessDenied } from './kubernetes/api-errors.js';
import { clusterKubeConfig } from './kubernetes/cluster-kubeconfig.js';
import { readManagedCluster } from './kubernetes/read-managed-cluster.js';

export async function checkManagedCluster(config: ActivityConfig, input: PhaseInput<ManagedInstallation>): Promise<PhaseResult> {
  const { spec } = input;
  const kc = await clusterKubeConfig(config, input, 'preflight');
  const observed = await readManagedCluster(kc).catch((err: unknown) => rethrowAccessDenied(err, 'preflight', spec.spec.managed.kubeconfigRef));
  const report = managedPreflightReport(observed, managedRequirements(spec));
  if (!report.passed) {
    throw ApplicationFailure.create({
      type: 'PreflightFailed',
      message: `preflight: the cluster does not meet the requirements:\n${formatManagedReport(report)}`,
      nonRetryable: true,
      details: [{ phase: 'preflight', findings: report.findings }],
    });
  }
  const warnings = report.findings.filter((f) => f.result !== 'ok').length;
  return {
    attempt: Context.current().info.attempt,
    summary: `${observed.serverVersion}, ${observed.nodes.length} nodes: every requirement met${warnings ? ` (${warnings} warnings or ignored)` : ''}`,
  };
}
