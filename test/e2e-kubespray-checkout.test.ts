// The on-prem preflight reads the Kubespray checkout in spec.onprem.kubespray.dir (the stand-in
// carries Kubespray v2.31.0's defaults and checksums): a kubeVersion it does not install is
// refused before cluster.yml runs; a release our code has never heard of is accepted when its
// checkout lists the version.
import type { InstallStatus } from '../lib/install/status.js';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SINGLE_NODE, singleNode, startHarness, type Harness } from './support/e2e-harness.js';
import { REPO_ROOT } from './support/repo.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('kubespraycheckout');
  await h.startWorker();
});
afterAll(() => h?.close());

const STANDIN = join(REPO_ROOT, 'standins', 'kubespray');

describe('Kubespray checkout checks in the on-prem preflight (real ansible-playbook, the stand-in checkout and copies of it)', () => {
  it('refuses a kubeVersion the checkout does not install, naming the release it found and its range, before kubespray runs; and an FQDN without an address, at once', async () => {
    // No kubespray.version in the spec: validate has nothing to go by, the checkout decides.
    const file = await h.writeSpec('ksold', (spec) => {
      singleNode(spec);
      delete spec.spec.onprem!.kubespray.version;
      spec.spec.onprem!.kubeVersion = '1.32.5';
      // The front door checked (the demo turns it off) on a name no DNS has: .invalid is reserved (RFC 2606).
      spec.spec.katonic.fqdn = 'mlops.katonic.invalid';
      spec.spec.verify = { ...spec.spec.verify, frontDoor: true };
    });
    expect((await h.cli('validate', file)).exitCode).toBe(0);
    expect((await h.cli('start', file)).exitCode).toBe(0);
    const stuck = await h.waitFor('ksold', (s) => s.state === 'waiting-for-operator');
    expect(stuck.phases.find((p) => p.name === 'preflight')).toMatchObject({ state: 'failed', attempts: 1 });
    expect(stuck.error?.type).toBe('PreflightFailed');
    const [kubespray, ...fqdn] = (stuck.error?.message ?? '').split('\n');
    expect(kubespray).toBe(
      `preflight: Kubespray: spec.onprem.kubeVersion 1.32.5: Kubespray v2.31.0 (galaxy.yml) at ${STANDIN} does not install it (it is outside the versions it supports, 1.33.0 to 1.35.4, listed in roles/kubespray_defaults/vars/main/checksums.yml)`,
    );
    expect(fqdn[0]).toBe('the FQDN does not resolve:');
    expect(fqdn[2]).toMatch(
      /^FAILED\s+ingress-fqdn\s+mlops\.katonic\.invalid \(spec\.katonic\.fqdn\)\s+does not resolve: .+ \(the worker's resolver\)\s+an address: /,
    );
    // The preflight report as data, under the failed phase, in what `kinstall status --json` prints.
    const json = JSON.parse((await h.cli('status', 'install-ksold', '--json')).stdout) as InstallStatus;
    expect(json.phases.find((p) => p.name === 'preflight')?.error?.details?.report).toEqual({
      hosts: [expect.objectContaining({ host: SINGLE_NODE, lacks: [] })],
      kubespray: expect.stringContaining('does not install it'),
    });
    expect(json.phases.find((p) => p.name === 'preflight')?.error?.details?.findings).toEqual([
      expect.objectContaining({ rule: 'ingress-fqdn', object: 'mlops.katonic.invalid (spec.katonic.fqdn)', result: 'failed' }),
    ]);
    expect((await h.journal('ksold')).filter((l) => l.startsWith('kubespray '))).toEqual([]);
    expect((await h.cli('cancel', 'install-ksold')).exitCode).toBe(0);
  });

  it('accepts a Kubespray release our code has never heard of, when its checkout lists the version', async () => {
    const checkout = await mkdtemp(join(h.dataDir, 'kubespray-v2.40-'));
    await cp(STANDIN, checkout, { recursive: true });
    await writeFile(join(checkout, 'galaxy.yml'), (await readFile(join(STANDIN, 'galaxy.yml'), 'utf8')).replace('version: 2.31.0', 'version: 2.40.0'));
    // v2.40 installs Kubernetes 1.38: checksums of kubelet, kubeadm and kubectl 1.38.1 first, as Kubespray lists its newest.
    const checksumsFile = join(checkout, 'roles/kubespray_defaults/vars/main/checksums.yml');
    const checksums = await readFile(checksumsFile, 'utf8');
    await writeFile(checksumsFile, checksums.replace(/^( {2}(amd64|arm64):\n)/gm, `$1    1.38.1: sha256:${'a'.repeat(64)}\n`));
    const file = await h.writeSpec('ksnew', (spec) => {
      singleNode(spec);
      spec.spec.onprem!.kubespray = { dir: checkout, version: 'v2.40.0' };
      spec.spec.onprem!.kubeVersion = '1.38.1';
    });
    expect((await h.cli('start', file)).exitCode).toBe(0);
    const done = await h.waitFor('ksnew', (s) => s.state === 'completed' || s.state === 'waiting-for-operator');
    expect(done.error).toBeUndefined();
    expect(done.phases.find((p) => p.name === 'preflight')?.summary).toMatch(
      / meet the requirements: .*; Kubespray v2\.40\.0 \(galaxy\.yml\) installs 1\.38\.1 \(1\.33\.0 to 1\.38\.1\); mlops\.demo\.local /,
    );
    expect(done.phases.find((p) => p.name === 'kubespray')?.state).toBe('completed');
  });
});
