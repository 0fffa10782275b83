// Phase preflight (AKS, EKS): the cluster read through its API and compared with the seed's
// requirements. Every finding is reported at once, as a table; a cluster that falls short is
// a fact, not a glitch, so it is not retried (the install waits for an operator).
import { Context } from '@temporalio/activity';
import type { PhaseInput, PhaseResult } from '../lib/install/phase-io.js';
import { formatManagedReport, managedPreflightReport, managedRequirements } from '../lib/preflight/managed-rules.js';
import type { ManagedInstallation } from '../lib/spec/schema.js';
import type { ActivityConfig } from './activity-config.js';
import { kubernetesCall } from './kubernetes/api-errors.js';
import { clusterApi } from './kubernetes/cluster-kubeconfig.js';
import { readManagedCluster } from './kubernetes/read-managed-cluster.js';
import { phaseFailure } from './phase-failure.js';

export async function checkManagedCluster(config: ActivityConfig, input: PhaseInput<ManagedInstallation>): Promise<PhaseResult> {
  const { spec } = input;
  const cluster = await clusterApi(config, input, 'preflight');
  const observed = await kubernetesCall(cluster, 'reading the nodes, DaemonSets, CNI ConfigMaps and CSI drivers, and asking DNS for the FQDN', () =>
    readManagedCluster(cluster.kc, spec.spec.katonic),
  );
  const req = managedRequirements(spec, observed);
  const report = managedPreflightReport(observed, req);
  if (!report.passed) {
    throw phaseFailure('PreflightFailed', `preflight: the cluster does not meet the requirements:\n${formatManagedReport(report)}`, {
      findings: report.findings,
    });
  }
  const warnings = report.findings.filter((f) => f.result !== 'ok').length;
  return {
    attempt: Context.current().info.attempt,
    summary: `${observed.serverVersion}, ${observed.nodes.length} nodes${req.eksAutoMode ? ' (EKS Auto Mode)' : ''}: every requirement met${warnings ? ` (${warnings} warnings or ignored)` : ''}`,
    // Handed on: the storage-classes phase, verify and drift make kdisk for the cluster found here.
    ...(spec.spec.flow === 'eks' ? { eksAutoMode: req.eksAutoMode } : {}),
  };
}
