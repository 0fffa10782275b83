import { cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkoutFiles } from '../activities/kubespray-checkout.js';
import { kubeVersionRefusal, readCheckout, type KubesprayCheckout } from '../lib/preflight/kubespray-checkout.js';
import { validateSpec } from '../lib/spec/validate.js';
import { REPO_ROOT } from './support/repo.js';

const STANDIN = join(REPO_ROOT, 'standins', 'kubespray');

function checkout(result: ReturnType<typeof readCheckout>): KubesprayCheckout {
  if ('problem' in result) throw new Error(result.problem);
  return result;
}

/** A checkout in the layout of Kubespray v2.28 and later, listing `versions` (newest first). */
async function newLayoutCheckout(release: string, versions: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kubespray-'));
  await mkdir(join(dir, 'roles/kubespray_defaults/defaults/main'), { recursive: true });
  await mkdir(join(dir, 'roles/kubespray_defaults/vars/main'), { recursive: true });
  await writeFile(join(dir, 'galaxy.yml'), `namespace: kubernetes_sigs\nname: kubespray\nversion: ${release}\n`);
  await writeFile(
    join(dir, 'roles/kubespray_defaults/defaults/main/main.yml'),
    `kube_version: "{{ (kubelet_checksums['amd64'] | dict2items)[0].key }}"\nkube_version_min_required: "{{ (kubelet_checksums['amd64'] | dict2items)[-1].key }}"\n`,
  );
  const map = (name: string) => `${name}:\n  amd64:\n${versions.map((v) => `    ${v}: sha256:${'0'.repeat(64)}`).join('\n')}\n`;
  await writeFile(
    join(dir, 'roles/kubespray_defaults/vars/main/checksums.yml'),
    ['kubelet_checksums', 'kubeadm_checksums', 'kubectl_checksums'].map(map).join(''),
  );
  return dir;
}

describe('Kubespray checkout: the versions it installs, read from the checkout', () => {
  it('reads the stand-in, which carries the files of Kubespray v2.31.0', async () => {
    const found = checkout(readCheckout(await checkoutFiles(STANDIN)));
    expect(found).toMatchObject({
      release: 'v2.31.0 (galaxy.yml)',
      defaultVersion: '1.35.4',
      minVersion: '1.33.0',
      checksumsPath: 'roles/kubespray_defaults/vars/main/checksums.yml',
    });
    expect(found.versions).toHaveLength(25);
    expect(kubeVersionRefusal(found, '1.33.7')).toBeUndefined();
    expect(kubeVersionRefusal(found, 'v1.35.4')).toBeUndefined();
  });

  it('refuses a version outside the range, or a patch release it has no checksums for, naming the release and its range', async () => {
    const found = checkout(readCheckout(await checkoutFiles(STANDIN)));
    expect(kubeVersionRefusal(found, '1.32.5')).toBe(
      `spec.onprem.kubeVersion 1.32.5: Kubespray v2.31.0 (galaxy.yml) at ${STANDIN} does not install it (it is outside the versions it supports, 1.33.0 to 1.35.4, listed in roles/kubespray_defaults/vars/main/checksums.yml)`,
    );
    expect(kubeVersionRefusal(found, '1.34.99')).toMatch(/that patch release is not among the versions it supports, 1\.33\.0 to 1\.35\.4/);
  });

  it('accepts a release our code has never heard of when its checkout lists the version', async () => {
    const dir = await newLayoutCheckout('2.40.0', ['1.38.1', '1.38.0', '1.37.2']);
    const found = checkout(readCheckout(await checkoutFiles(dir)));
    expect(found).toMatchObject({ release: 'v2.40.0 (galaxy.yml)', versions: ['1.38.1', '1.38.0', '1.37.2'], defaultVersion: '1.38.1', minVersion: '1.37.2' });
    expect(kubeVersionRefusal(found, '1.38.1')).toBeUndefined();
    // validate has no table entry for v2.40 and leaves the decision to preflight.
    const spec = {
      apiVersion: 'katonic.ai/v1',
      kind: 'Installation',
      metadata: { name: 'future' },
      spec: {
        flow: 'onprem',
        katonic: { version: '4.5', fqdn: 'mlops.acme.com', roleDir: '/opt/katonic' },
        onprem: {
          kubespray: { dir, version: 'v2.40.0' },
          kubeVersion: '1.38.1',
          connection: 'local',
          nodes: [{ name: 'n1', address: '127.0.0.1', roles: ['control-plane', 'etcd', 'worker'] }],
          storage: { kind: 'nfs', nfs: { server: '127.0.0.1', path: '/x' } },
        },
      },
    };
    expect(validateSpec(spec).ok).toBe(true);
  });

  it('reads files laid out as in Kubespray v2.24 to v2.27, with literal defaults (only versions from the minimum on count)', () => {
    // As in v2.26.0: roles/kubespray-defaults/defaults/main/{main,checksums}.yml, versions with a "v".
    const checksums = ['kubelet', 'kubeadm', 'kubectl']
      .map((b) => `${b}_checksums:\n  amd64:\n    v1.30.4: sha256:a\n    v1.29.8: sha256:b\n    v1.28.13: sha256:c\n    v1.27.16: sha256:d\n`)
      .join('');
    const found = checkout(
      readCheckout({
        dir: '/opt/kubespray',
        release: { version: 'v2.26.0', from: 'git tag' },
        defaults: { path: 'roles/kubespray-defaults/defaults/main/main.yml', text: 'kube_version: v1.30.4\nkube_version_min_required: v1.28.0\n' },
        checksums: { path: 'roles/kubespray-defaults/defaults/main/checksums.yml', text: checksums },
      }),
    );
    expect(found).toMatchObject({ release: 'v2.26.0 (git tag)', versions: ['1.30.4', '1.29.8', '1.28.13'], defaultVersion: '1.30.4', minVersion: '1.28.0' });
    expect(kubeVersionRefusal(found, 'v1.27.16')).toMatch(/outside the versions it supports, 1\.28\.13 to 1\.30\.4/);
  });

  it('says when a directory is not a Kubespray checkout, or its checksums are unreadable', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'not-kubespray-'));
    expect(readCheckout(await checkoutFiles(empty))).toEqual({
      problem: `spec.onprem.kubespray.dir (${empty}) is not a Kubespray checkout: it has no roles/kubespray_defaults/defaults/main/main.yml (nor an older layout of it)`,
    });
    const broken = await mkdtemp(join(tmpdir(), 'broken-kubespray-'));
    await cp(join(STANDIN, 'roles'), join(broken, 'roles'), { recursive: true });
    await writeFile(join(broken, 'roles/kubespray_defaults/vars/main/checksums.yml'), 'kubelet_checksums: [unclosed\n');
    expect(readCheckout(await checkoutFiles(broken))).toMatchObject({
      problem: expect.stringMatching(/^Kubespray at .*: cannot read roles\/kubespray_defaults\/vars\/main\/checksums\.yml: /),
    });
  });
});
