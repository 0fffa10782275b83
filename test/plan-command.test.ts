// `kinstall plan` as a user runs it (the real CLI, no server): the flow's plan table, and for a
// managed flow the StorageClass manifests and what became of reading the cluster.
import { readFileSync } from 'node:fs';
import { execa } from 'execa';
import { plannedChecks, type PlannedCheck } from '../lib/checks/planned-checks.js';
import { parseSpecText } from '../lib/spec/validate.js';
import { CLI, DEMO_SPEC, fixture } from './support/repo.js';

const plan = async (file: string, ...args: string[]) => {
  const r = await execa('node', [CLI, 'plan', file, ...args], { reject: false, env: { ACME_AKS_KUBECONFIG: '' } });
  return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
};

describe('kinstall plan', () => {
  it('prints the managed plan: phases with their activities and retry/resume rules, the manifests, and why the cluster was not read', async () => {
    const r = await plan(fixture('acme-aks.yaml'));
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.find((l) => l.startsWith('PHASE'))).toMatch(/^PHASE\s+ACTIVITIES\s+RETRY --FAILED-HOSTS\s+ON RESUME$/);
    expect(lines.find((l) => l.startsWith('preflight'))).toMatch(
      /^preflight\s+checkManagedCluster\s+refused: the managed preflight reads the cluster through its API; it has no hosts to limit\s+runs again$/,
    );
    expect(lines.find((l) => l.startsWith('storage-classes'))).toMatch(
      /^storage-classes\s+applyStorageClasses\s+refused: storage classes are cluster objects, not per host\s+skipped if inputs unchanged$/,
    );
    expect(r.stdout).toContain('provisioner: disk.csi.azure.com\nparameters:\n  skuName: Premium_LRS');
    expect(r.stdout).toContain('provisioner: file.csi.azure.com');
    expect(r.stdout).toContain('The cluster was not read: secret env:ACME_AKS_KUBECONFIG: this machine has no environment variable ACME_AKS_KUBECONFIG');
    // The checks verify makes after the phases, the front door's FQDN asked now.
    const checks = r.stdout.slice(r.stdout.indexOf('Checks (verify, after the phases):')).split('\n');
    expect(checks[1]).toMatch(/^CHECK\s+WHAT\s+NOW$/);
    expect(checks[2]).toMatch(
      /^front door\s+https:\/\/mlops\.acme\.com: a certificate valid for it, HTTP on 80, a WebSocket upgrade on 443\s+mlops\.acme\.com (resolves to|does not resolve: ).+ \(this machine's resolver\)$/,
    );
    expect(checks[3]).toMatch(/^mesh\s+mode deploy: the Katonic namespaces enrolled in the Istio the Katonic role deploys, mutual TLS STRICT$/);
    expect(checks[4]).toMatch(/^storage smoke\s+a small PVC on kdisk and on kfs, each Bound within 2m, then deleted$/);
  });

  it('gives the same as JSON, with the plan table as data', async () => {
    const r = await plan(fixture('acme-eks.yaml'), '--json');
    const out = JSON.parse(r.stdout) as {
      phases: string[];
      plan: { name: string; steps: { activity: string }[] }[];
      manifests: { metadata: { name: string }; provisioner: string }[];
      cluster: { notRead?: string };
      checks: PlannedCheck[];
    };
    expect(out.phases).toEqual(['preflight', 'storage-classes', 'katonic', 'verify']);
    expect(out.plan.map((p) => p.steps.map((s) => s.activity))).toEqual([
      ['checkManagedCluster'],
      ['applyStorageClasses'],
      ['runKatonicRole'],
      ['verifyCluster'],
    ]);
    expect(out.manifests.map((m) => [m.metadata.name, m.provisioner])).toEqual([
      ['kdisk', 'ebs.csi.aws.com'],
      ['kfs', 'efs.csi.aws.com'],
    ]);
    expect(out.checks.map((c) => [c.check, c.runs])).toEqual([
      ['front door', true],
      ['mesh', true],
      ['storage smoke', true],
    ]);
    expect(out.checks[0]?.now).toMatch(/^mlops\.acme\.com (resolves to|does not resolve: ).+ \(this machine's resolver\)$/);
    expect(out.cluster.notRead).toMatch(
      /^secret file:\/etc\/katonic\/acme-eks.kubeconfig: cannot read \/etc\/katonic\/acme-eks.kubeconfig on this machine \(ENOENT\)$/,
    );
  });

  it('prints the on-prem plan with its Ansible phases, where --failed-hosts applies', async () => {
    const r = await plan(fixture('acme-prod.yaml'));
    expect(r.stdout.split('\n').find((l) => l.startsWith('storage '))).toMatch(
      /^storage\s+prepareStorageNodes, applyStorageClasses\s+--limit\s+skipped if inputs unchanged$/,
    );
    expect(r.stdout).toMatch(/^kubespray \[approval\]\s+runKubespray/m);
  });

  it("lists the demo's front door as skipped: it has no load balancer", async () => {
    const r = await plan(DEMO_SPEC);
    expect(r.stdout).toMatch(/^front door\s+skipped \(spec\.verify\.frontDoor: false\)$/m);
  });

  it('lists the checks the spec turns off as skipped, and the mesh as the spec has it (pure)', () => {
    const parsed = parseSpecText(readFileSync(fixture('acme-eks.yaml'), 'utf8'));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const spec = parsed.spec;
    spec.spec.katonic.mesh = { mode: 'existing', revision: 'asm-1-24' };
    spec.spec.katonic.tls = { caRef: 'file:/etc/katonic/ca.pem' };
    spec.spec.verify = { ...spec.spec.verify, storageSmoke: true, bindTimeout: '5m' };
    const dns = { fqdn: 'mlops.acme.com', resolver: 'DNS server 10.0.0.2', addresses: ['10.0.8.20'] };
    expect(plannedChecks(spec, dns)).toEqual([
      {
        check: 'front door',
        runs: true,
        what: 'https://mlops.acme.com: a certificate valid for it (trusted: the public roots or file:/etc/katonic/ca.pem), HTTP on 80, a WebSocket upgrade on 443',
        now: 'mlops.acme.com resolves to 10.0.8.20 (DNS server 10.0.0.2)',
      },
      {
        check: 'mesh',
        runs: true,
        what: 'mode existing, revision asm-1-24: the Katonic namespaces enrolled in the Istio already on the cluster, mutual TLS STRICT',
      },
      { check: 'storage smoke', runs: true, what: 'a small PVC on kdisk and on kfs, each Bound within 5m, then deleted' },
    ]);
    spec.spec.katonic.mesh = { mode: 'none' };
    spec.spec.verify = { ...spec.spec.verify, frontDoor: false, storageSmoke: false };
    expect(plannedChecks(spec).map((c) => [c.check, c.runs, c.what])).toEqual([
      ['front door', false, 'skipped (spec.verify.frontDoor: false)'],
      ['mesh', false, 'skipped (spec.katonic.mesh.mode: none)'],
      ['storage smoke', false, 'skipped (spec.verify.storageSmoke: false)'],
    ]);
  });
});
