// validate and plan: what a spec says, without touching anything (but --out); plan asks DNS for the FQDN.
import { relative } from 'node:path';
import yaml from 'js-yaml';
import { resolveFqdn } from '../../activities/checks/resolve-fqdn.js';
import { formatPlannedChecks, plannedChecks } from '../../lib/checks/planned-checks.js';
import { table } from '../../lib/format/table.js';
import { renderRunFiles } from '../../lib/inventory/render.js';
import { dataDir } from '../../lib/local-tools.js';
import { planOf, type PhasePlan } from '../../lib/plan/phases.js';
import { formatManagedReport } from '../../lib/preflight/managed-rules.js';
import { storageObjectsFor } from '../../lib/storage/cluster-storage.js';
import { runLayout } from '../../lib/run-layout.js';
import { escapeText } from '../../lib/safe-text.js';
import { approvalGates, type ApprovalGate } from '../../lib/spec/approvals.js';
import { isOnpremInstallation } from '../../lib/spec/schema.js';
import { verifySettings } from '../../lib/spec/verify-settings.js';
import { loadSpec, SpecInvalidError } from '../load-spec.js';
import { writePlanFiles } from '../plan-output.js';

export async function validateCommand(file: string, json: boolean): Promise<void> {
  try {
    const spec = await loadSpec(file);
    console.log(
      json
        ? JSON.stringify({ valid: true, name: spec.metadata.name, flow: spec.spec.flow })
        : `${file}: valid (${spec.spec.flow} install "${spec.metadata.name}")`,
    );
  } catch (err) {
    if (json && err instanceof SpecInvalidError) {
      console.log(JSON.stringify({ valid: false, errors: err.errors }));
      process.exitCode = 2;
      return;
    }
    throw err;
  }
}

/** The flow's plan as a table: each phase, its activities, and how retry and resume treat it. */
function planTable(plan: readonly PhasePlan[], approvals: ApprovalGate[]): string {
  const gated = (phase: string): string => {
    const gate = approvals.find((a) => a.gate === `before-${phase}`);
    if (!gate) return phase;
    return gate.approvers ? `${phase} [approval by ${gate.approvers.map((a) => escapeText(a)).join(', ')}]` : `${phase} [approval]`;
  };
  const rows = plan.map((p) => [
    gated(p.name),
    p.steps.map((s) => s.activity).join(', '),
    p.failedHosts === 'limit' ? '--limit' : `refused: ${p.failedHosts.refused}`,
    p.onResume === 'run-again' ? 'runs again' : 'skipped if inputs unchanged',
  ]);
  return table([['PHASE', 'ACTIVITIES', 'RETRY --FAILED-HOSTS', 'ON RESUME'], ...rows]);
}

export async function planCommand(file: string, opts: { out?: string; force?: boolean }, json: boolean): Promise<void> {
  const spec = await loadSpec(file);
  const flow = spec.spec.flow;
  const layout = runLayout(dataDir(), spec.metadata.name);
  const files = new Map([...renderRunFiles(spec, layout)].map(([path, text]) => [relative(layout.runDir, path), text]));
  const plan = planOf(flow);
  const approvals = approvalGates(spec);
  // The Kubernetes client loads in about a second: only a managed plan reads a cluster.
  const cluster = isOnpremInstallation(spec) ? undefined : await (await import('../cluster-preview.js')).previewManagedCluster(spec);
  // Managed: the StorageClasses the storage-classes phase applies (for an EKS Auto Mode cluster when the cluster read is one), and what the cluster looks like now.
  const manifests = isOnpremInstallation(spec) ? undefined : storageObjectsFor(spec, cluster && 'eksAutoMode' in cluster ? cluster : {});
  // What verify will check after the phases; the front door's FQDN asked now, from this machine.
  const checks = plannedChecks(spec, verifySettings(spec).frontDoor ? await resolveFqdn(spec.spec.katonic, 'this machine') : undefined);
  if (opts.out) await writePlanFiles(opts.out, files, Boolean(opts.force));
  if (json) {
    const phases = plan.map((p) => p.name);
    console.log(JSON.stringify({ phases, plan, approvals, checks, files: Object.fromEntries(files), manifests, cluster }, null, 2));
    return;
  }
  console.log(`Install "${spec.metadata.name}" (${flow}), run directory ${layout.runDir}\n`);
  console.log(planTable(plan, approvals));
  console.log(`\nChecks (verify, after the phases):\n${formatPlannedChecks(checks)}`);
  const hostsFile = relative(layout.runDir, layout.hostsFile);
  const hosts = files.get(hostsFile);
  if (hosts) console.log(`\n${hostsFile}:\n${hosts}`);
  if (manifests)
    console.log(
      `\nStorageClasses (storage-classes phase):\n${manifests
        .map((m) => yaml.dump(m, { lineWidth: -1 }))
        .join('---\n')
        .trimEnd()}`,
    );
  if (cluster && 'report' in cluster) {
    console.log(`\nPreflight, as the cluster is now (${cluster.report.passed ? 'passes' : 'would fail'}):\n${formatManagedReport(cluster.report)}`);
    console.log(`\nStorageClasses, as the cluster is now:\n${cluster.storageClasses.map((line) => `  ${line}`).join('\n')}`);
  }
  if (cluster && 'notRead' in cluster) console.log(`\nThe cluster was not read: ${cluster.notRead}`);
  if (opts.out) console.log(`\nWrote ${files.size} files to ${opts.out}: ${[...files.keys()].join(', ')}`);
}
