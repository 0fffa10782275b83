// `kinstall plan` as a user runs it (the real CLI, no server): the flow's plan table, and for a
// managed flow the StorageClass manifests and what became of reading the cluster.
import { execa } from 'execa';
import { CLI, fixture } from './support/repo.js';

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
  });

  it('gives the same as JSON, with the plan table as data', async () => {
    const r = await plan(fixture('acme-eks.yaml'), '--json');
    const out = JSON.parse(r.stdout) as {
      phases: string[];
      plan: { name: string; steps: { activity: string }[] }[];
      manifests: { metadata: { name: string }; provisioner: string }[];
      cluster: { notRead?: string };
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
});
