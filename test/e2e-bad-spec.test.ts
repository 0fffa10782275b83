// A bad spec, through the real CLI against the real dev server: refused by validate and
// by start, every error listed, exit 2, and no workflow started.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { startHarness, type Harness } from './support/e2e-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('badspec');
});
afterAll(() => h?.close());

const BAD = `apiVersion: katonic.ai/v1
kind: Installation
metadata: {name: bad-spec}
spec:
  flow: onprem
  katonic: {version: "4.5", fqdn: mlops.acme.com, roleDir: ./role}
  onprem:
    kubespray: {dir: ./kubespray}
    nodes:
      - {name: master-1, address: 10.0.0.11, roles: [control-plane, etcd]}
      - {name: worker-1, address: "10.0.0.999", roles: [worker]}
      - {name: worker-1, address: 10.0.0.22, roles: [worker, etcd]}
    ssh: {user: ubuntu, privateKeyRef: "ssh-rsa AAAAB3Nza"}
    storage: {kind: nfs}
`;

const EXPECTED = [
  'spec.onprem.nodes[1].address: expected an IPv4 address or a host name',
  'spec.onprem.ssh.privateKeyRef: expected a secret reference "env:NAME" or "file:PATH" (secrets are never written into a spec)',
  'spec.onprem.nodes: expected an odd number of etcd members, got 2',
  'spec.onprem.nodes[1].name: expected a unique name; "worker-1" is used by another node',
  'spec.onprem.nodes[2].name: expected a unique name; "worker-1" is used by another node',
  'spec.onprem.storage.nfs: expected nfs settings (server, path) when kind is nfs',
];

describe('a bad spec (real CLI, real dev server)', () => {
  it('is refused by validate and start with every error, exit 2, and no workflow is started', async () => {
    const file = join(h.dataDir, 'bad.yaml');
    await writeFile(file, BAD);
    for (const verb of ['validate', 'start']) {
      const r = await h.cli(verb, file);
      expect([verb, r.exitCode]).toEqual([verb, 2]);
      const listed = r.stderr
        .split('\n')
        .slice(1)
        .map((l) => l.trim())
        .filter(Boolean);
      expect(listed).toEqual(EXPECTED);
      expect(r.stderr).not.toContain('AAAAB3Nza');
    }
    await expect(h.client.workflow.getHandle('install-bad-spec').describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  it('validate --json gives the errors as data', async () => {
    const file = join(h.dataDir, 'bad.yaml');
    await writeFile(file, BAD);
    const r = await h.cli('validate', file, '--json');
    expect(r.exitCode).toBe(2);
    const out = JSON.parse(r.stdout) as { valid: boolean; errors: { path: string; message: string }[] };
    expect(out.valid).toBe(false);
    expect(out.errors.map((e) => `${e.path}: ${e.message}`)).toEqual(EXPECTED);
  });

  it('the spec given straight to the workflow (as the Web UI start form would) ends it failed with the errors', async () => {
    const worker = await h.startWorker();
    const handle = await h.client.workflow.start('install', {
      workflowId: 'install-bad-from-ui',
      taskQueue: h.env.KATONIC_TASK_QUEUE!,
      args: [JSON.stringify({ apiVersion: 'katonic.ai/v1', kind: 'Installation', metadata: { name: 'bad-from-ui' }, spec: { flow: 'onprem' } })],
    });
    await expect(handle.result()).rejects.toThrow();
    const status = await h.status('bad-from-ui');
    expect(status.state).toBe('failed');
    expect(status.error?.type).toBe('InvalidSpec');
    expect(status.error?.message).toContain('spec.katonic: ');
    await worker.stop();
  });
});
