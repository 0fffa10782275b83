// Phase preflight (on-prem): gather facts from every node with Ansible and compare them with
// the node requirements, check that the Kubespray checkout installs the spec's kubeVersion, and
// that the FQDN resolves. A node that falls short is a fact, not a glitch: not retried.
import { readFile, readdir, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { formatFindings } from '../lib/checks/finding.js';
import { fqdnFinding } from '../lib/checks/fqdn-rule.js';
import type { PhaseInput, PhaseResult } from '../lib/install/phase-io.js';
import { renderInventoryFiles } from '../lib/inventory/render.js';
import { localTools } from '../lib/local-tools.js';
import { kubeVersionRefusal, readCheckout } from '../lib/preflight/kubespray-checkout.js';
import { checkNodes, describeReport, type HostFacts } from '../lib/preflight/requirements.js';
import type { OnpremInstallation } from '../lib/spec/schema.js';
import { verifySettings } from '../lib/spec/verify-settings.js';
import { layoutOf, type ActivityConfig } from './activity-config.js';
import { phaseResult, runAnsiblePhase } from './ansible/ansible-phase.js';
import { resolveFqdn } from './checks/resolve-fqdn.js';
import { checkoutFiles } from './kubespray-checkout.js';
import { phaseFailure } from './phase-failure.js';
import { writeFilesAtomically } from './write-files.js';

async function readFacts(dir: string): Promise<Map<string, HostFacts>> {
  const facts = new Map<string, HostFacts>();
  for (const file of await readdir(dir).catch(() => [])) {
    if (!file.endsWith('.json')) continue;
    const host = JSON.parse(await readFile(join(dir, file), 'utf8')) as HostFacts;
    facts.set(host.host, host);
  }
  return facts;
}

export async function preflight(config: ActivityConfig, input: PhaseInput<OnpremInstallation>): Promise<PhaseResult> {
  const { spec } = input;
  const onprem = spec.spec.onprem;
  const layout = layoutOf(config, spec);
  const phaseDir = layout.phaseDir('preflight');
  // Its own copy of the inventory: the inventory phase comes later, and may be re-run alone.
  const inventoryDir = join(phaseDir, 'inventory');
  const files = new Map([...renderInventoryFiles(spec, layout)].map(([path, text]) => [join(inventoryDir, relative(layout.inventoryDir, path)), text]));
  await writeFilesAtomically(files);
  const factsDir = join(phaseDir, 'facts');
  await rm(factsDir, { recursive: true, force: true });

  // The Kubespray checkout is read first: a kubeVersion it refuses is reported together with the nodes.
  const checkout = readCheckout(await checkoutFiles(onprem.kubespray.dir));
  const kubesprayProblem = 'problem' in checkout ? checkout.problem : onprem.kubeVersion ? kubeVersionRefusal(checkout, onprem.kubeVersion) : undefined;

  // The FQDN is asked while Ansible gathers facts.
  const [run, dns] = await Promise.all([
    runAnsiblePhase(config, input, 'preflight', {
      playbook: localTools.playbook('preflight.yml'),
      target: 'nodes',
      inventory: join(inventoryDir, 'hosts.yaml'),
    }),
    resolveFqdn(spec.spec.katonic),
  ]);
  const facts = await readFacts(factsDir);
  const report = checkNodes(onprem, facts, input.limitHosts);
  const fqdn = fqdnFinding(dns, verifySettings(spec).frontDoor);
  if (!report.passed || kubesprayProblem || fqdn.result === 'failed') {
    const sections = [
      ...(kubesprayProblem ? [`Kubespray: ${kubesprayProblem}`] : []),
      ...(report.passed ? [] : [`nodes do not meet the requirements:\n${describeReport(report)}`]),
      ...(fqdn.result === 'failed' ? [`the FQDN does not resolve:\n${formatFindings([fqdn])}`] : []),
    ];
    throw phaseFailure('PreflightFailed', `preflight: ${sections.join('\n')}`, {
      failedHosts: report.hosts.filter((h) => h.lacks.length).map((h) => h.host),
      report: { hosts: report.hosts, ...(kubesprayProblem ? { kubespray: kubesprayProblem } : {}) },
      findings: [fqdn],
    });
  }
  // Each node as it answered: its own name and address, so a wrong address in the spec shows.
  const answered = [...facts.values()].map((f) => `${f.host} (${f.hostname ?? '?'} at ${f.address ?? '?'})`).join(', ');
  const installs =
    'problem' in checkout
      ? ''
      : `; Kubespray ${checkout.release} installs ${onprem.kubeVersion?.replace(/^v/, '') ?? `its default ${checkout.defaultVersion}`} (${checkout.minVersion} to ${checkout.versions[0]})`;
  const resolves = `; ${fqdn.object} ${fqdn.observed}${fqdn.result === 'ok' ? '' : ` (${fqdn.result})`}`;
  return phaseResult(run, `${report.hosts.length} nodes meet the requirements: ${answered}${installs}${resolves}`);
}
