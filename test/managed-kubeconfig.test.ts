import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import yaml from 'js-yaml';
import { managedKubeconfig } from '../activities/kubernetes/cluster-kubeconfig.js';
import { execCredentialProblem, KubeconfigProblem, prepareKubeconfig } from '../lib/managed/kubeconfig.js';
import type { ManagedSpec } from '../lib/spec/managed-schema.js';

const CA = Buffer.from('-----BEGIN CERTIFICATE-----\nnot really\n-----END CERTIFICATE-----\n').toString('base64');
const SECRET_TOKEN = 'k8s-aws-v1.c2VjcmV0LXRva2VuLW5ldmVyLWluLWxvZ3M';

/** A kubeconfig as `aws eks update-kubeconfig` writes it: an exec user running `aws eks get-token`. */
function eksKubeconfig(exec: Record<string, unknown>): string {
  return yaml.dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'arn:aws:eks:us-east-1:123456789012:cluster/acme',
        cluster: { server: 'https://ABCDEF.gr7.us-east-1.eks.amazonaws.com', 'certificate-authority-data': CA },
      },
    ],
    contexts: [
      {
        name: 'arn:aws:eks:us-east-1:123456789012:cluster/acme',
        context: { cluster: 'arn:aws:eks:us-east-1:123456789012:cluster/acme', user: 'arn:aws:eks:us-east-1:123456789012:cluster/acme' },
      },
    ],
    'current-context': 'arn:aws:eks:us-east-1:123456789012:cluster/acme',
    users: [
      {
        name: 'arn:aws:eks:us-east-1:123456789012:cluster/acme',
        user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', interactiveMode: 'IfAvailable', ...exec } },
      },
    ],
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const users = (text: string) => (yaml.load(text) as any).users;

describe('managed kubeconfigs (pure)', () => {
  it('makes relative paths absolute against the kubeconfig directory, and gives an exec plugin KUBERNETES_EXEC_INFO', () => {
    const text = eksKubeconfig({
      command: './bin/get-token',
      args: ['eks', 'get-token', '--cluster-name', 'acme'],
      env: [{ name: 'AWS_PROFILE', value: 'acme' }],
    });
    const prepared = prepareKubeconfig(text, { baseDir: '/etc/katonic' });
    expect(prepared.exec).toEqual({
      user: 'arn:aws:eks:us-east-1:123456789012:cluster/acme',
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      command: '/etc/katonic/bin/get-token',
      args: ['eks', 'get-token', '--cluster-name', 'acme'],
      env: {
        AWS_PROFILE: 'acme',
        KUBERNETES_EXEC_INFO: '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","spec":{"interactive":false}}',
      },
    });
    expect(users(prepared.text)[0].user.exec.command).toBe('/etc/katonic/bin/get-token');
    // A bare command is looked up in PATH, as kubectl does.
    expect(prepareKubeconfig(eksKubeconfig({ command: 'aws' }), { baseDir: '/etc/katonic' }).exec?.command).toBe('aws');
  });

  it('chooses the context the spec names, and says which is missing without quoting the file', () => {
    const text = eksKubeconfig({ command: 'aws' });
    expect(() => prepareKubeconfig(text, { context: 'other' })).toThrow(new KubeconfigProblem('has no context "other"'));
    expect(() => prepareKubeconfig(`${text}\n  broken: [`, {})).toThrow(/^is not YAML \(line \d+\)$/);
    expect(() => prepareKubeconfig('just: text', {})).toThrow('is not a kubeconfig (expected clusters, contexts and users)');
  });

  it('refuses a plugin that needs an interactive login', () => {
    expect(() => prepareKubeconfig(eksKubeconfig({ command: 'kubelogin', interactiveMode: 'Always' }), {})).toThrow(
      /wants an interactive login.*kubelogin: -l azurecli/,
    );
  });

  it('checks what a plugin printed as kubectl does', () => {
    const v1beta1 = 'client.authentication.k8s.io/v1beta1';
    expect(execCredentialProblem(JSON.stringify({ kind: 'ExecCredential', apiVersion: v1beta1, status: { token: 't' } }), v1beta1)).toBeUndefined();
    expect(execCredentialProblem('not json', v1beta1)).toBe('it did not print an ExecCredential as JSON');
    expect(
      execCredentialProblem(JSON.stringify({ kind: 'ExecCredential', apiVersion: 'client.authentication.k8s.io/v1', status: { token: 't' } }), v1beta1),
    ).toMatch(/asks for client.authentication.k8s.io\/v1beta1/);
    expect(execCredentialProblem(JSON.stringify({ kind: 'ExecCredential', apiVersion: v1beta1, status: {} }), v1beta1)).toMatch(
      /neither a token nor a client certificate/,
    );
  });
});

describe('managed kubeconfigs on the worker: the exec plugin is run once, under control', () => {
  let dir: string;
  const managedWith = (ref: string): ManagedSpec => ({ kubeconfigRef: ref, blobStore: { kind: 's3', bucket: 'acme-katonic', region: 'us-east-1' } });
  async function plugin(name: string, script: string): Promise<string> {
    const file = join(dir, 'bin', name);
    await writeFile(file, `#!/bin/sh\n${script}\n`);
    await chmod(file, 0o755);
    return `./bin/${name}`;
  }
  async function failure(ref: string): Promise<ApplicationFailure> {
    const err = await managedKubeconfig(managedWith(ref), 'preflight').catch((e: unknown) => e);
    if (!(err instanceof ApplicationFailure)) throw new Error(`expected an ApplicationFailure, got ${String(err)}`);
    return err;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'katonic-kubeconfig-'));
    await mkdir(join(dir, 'bin'));
  });

  it('runs a plugin given relative to the kubeconfig, with KUBERNETES_EXEC_INFO, and accepts its credential', async () => {
    const command = await plugin(
      'get-token',
      `case "$KUBERNETES_EXEC_INFO" in *ExecCredential*) ;; *) echo "no exec info" >&2; exit 3;; esac
printf '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","status":{"token":"${SECRET_TOKEN}"}}'`,
    );
    await writeFile(join(dir, 'good.kubeconfig'), eksKubeconfig({ command }));
    const prepared = await managedKubeconfig(managedWith(`file:${join(dir, 'good.kubeconfig')}`), 'preflight');
    expect(prepared.exec?.command).toBe(join(dir, 'bin', 'get-token'));
  });

  it('a plugin that fails is a non-retryable error naming the reference, never the kubeconfig or a token', async () => {
    const command = await plugin('expired', `echo "An error occurred (ExpiredToken) when calling the GetCallerIdentity operation" >&2; exit 255`);
    const ref = `file:${join(dir, 'expired.kubeconfig')}`;
    await writeFile(join(dir, 'expired.kubeconfig'), eksKubeconfig({ command }));
    const err = await failure(ref);
    expect(err.type).toBe('KubeconfigCredentialFailed');
    expect(err.nonRetryable).toBe(true);
    expect(err.message).toBe(
      `preflight: the exec credential plugin of the kubeconfig ${ref} (user "arn:aws:eks:us-east-1:123456789012:cluster/acme", command expired) failed (exit 255): An error occurred (ExpiredToken) when calling the GetCallerIdentity operation`,
    );
    expect(err.message).not.toContain(CA);
    expect(err.message).not.toContain('eks.amazonaws.com');
  });

  it('a plugin that is missing, prints no credential or hangs on stdin is refused the same way', async () => {
    await writeFile(join(dir, 'missing.kubeconfig'), eksKubeconfig({ command: './bin/not-there' }));
    expect((await failure(`file:${join(dir, 'missing.kubeconfig')}`)).message).toMatch(/command not-there\) could not be started: no such command$/);
    const noisy = await plugin('noisy', 'echo "Opening a browser for you to log in"');
    await writeFile(join(dir, 'noisy.kubeconfig'), eksKubeconfig({ command: noisy }));
    expect((await failure(`file:${join(dir, 'noisy.kubeconfig')}`)).message).toMatch(
      /command noisy\) gave no credential: it did not print an ExecCredential as JSON$/,
    );
    // stdin is closed: a plugin waiting for an answer ends at once instead of hanging the phase.
    const asking = await plugin('asking', 'read answer || { echo "no terminal to ask on" >&2; exit 1; }');
    await writeFile(join(dir, 'asking.kubeconfig'), eksKubeconfig({ command: asking }));
    expect((await failure(`file:${join(dir, 'asking.kubeconfig')}`)).message).toMatch(/failed \(exit 1\): no terminal to ask on$/);
  });

  it('an unreadable reference or a broken kubeconfig names the reference only', async () => {
    expect(await failure('env:KATONIC_TEST_NO_SUCH_KUBECONFIG')).toMatchObject({
      type: 'SecretMissing',
      message: 'secret env:KATONIC_TEST_NO_SUCH_KUBECONFIG: the worker has no environment variable KATONIC_TEST_NO_SUCH_KUBECONFIG',
    });
    await writeFile(join(dir, 'broken.kubeconfig'), `token: ${SECRET_TOKEN}\n`);
    const err = await failure(`file:${join(dir, 'broken.kubeconfig')}`);
    expect(err).toMatchObject({
      type: 'KubeconfigInvalid',
      message: `preflight: the kubeconfig file:${join(dir, 'broken.kubeconfig')} is not a kubeconfig (expected clusters, contexts and users)`,
    });
    expect(err.message).not.toContain(SECRET_TOKEN);
  });
});
