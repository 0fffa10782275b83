// Secret references: read on the worker only when a run needs them, written to a private
// file for that run only, and never repeated in an error message.
import { mkdtemp, readFile, stat, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { readSecret, withSecretFile, withSecretVars } from '../activities/secrets.js';
import { readInertYamlMarked, UnsafeText } from './support/inert-yaml-reader.js';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key\n-----END OPENSSH PRIVATE KEY-----\n';

describe('secret references (local files only)', () => {
  it('reads env: and file: references', async () => {
    process.env.KATONIC_TEST_SSH_KEY = KEY;
    expect(await readSecret('env:KATONIC_TEST_SSH_KEY')).toBe(KEY);
    const dir = await mkdtemp(join(tmpdir(), 'katonic-secret-'));
    await writeFile(join(dir, 'key'), KEY);
    expect(await readSecret(`file:${join(dir, 'key')}`)).toBe(KEY);
  });

  it('fails without retry, naming the reference and not a value', async () => {
    delete process.env.KATONIC_TEST_MISSING;
    const err = await readSecret('env:KATONIC_TEST_MISSING').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({
      type: 'SecretMissing',
      nonRetryable: true,
      message: 'secret env:KATONIC_TEST_MISSING: the worker has no environment variable KATONIC_TEST_MISSING',
    });
  });

  it('gives a run a 0600 file that is gone afterwards, also when the run fails', async () => {
    process.env.KATONIC_TEST_SSH_KEY = KEY;
    const dir = await mkdtemp(join(tmpdir(), 'katonic-secret-'));
    let seenMode = 0;
    await withSecretFile('env:KATONIC_TEST_SSH_KEY', dir, 'ssh-key', async (file) => {
      seenMode = (await stat(file!)).mode & 0o777;
    });
    expect(seenMode).toBe(0o600);
    await expect(withSecretFile('env:KATONIC_TEST_SSH_KEY', dir, 'ssh-key', async () => Promise.reject(new Error('ansible failed')))).rejects.toThrow(
      'ansible failed',
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('passes no file when there is no reference (local connection)', async () => {
    await expect(withSecretFile(undefined, tmpdir(), 'ssh-key', async (file) => file)).resolves.toBeUndefined();
  });

  it('resolves secret variables into a 0600 inert file for the run, gone afterwards, and hands the values for redaction', async () => {
    process.env.KATONIC_TEST_REGISTRY_PASSWORD = 'pa{{ ss }}word';
    const dir = await mkdtemp(join(tmpdir(), 'katonic-secret-'));
    await writeFile(join(dir, 'token'), 'tok-123456');
    const file = join(dir, 'secret-vars.yml');
    let seen: { mode: number; data: unknown; secrets: string[] } | undefined;
    await withSecretVars(
      { registry: { user: 'bob', password: 'env:KATONIC_TEST_REGISTRY_PASSWORD' }, api_token: `file:${join(dir, 'token')}` },
      file,
      async (path, secrets) => {
        seen = { mode: (await stat(path!)).mode & 0o777, data: readInertYamlMarked(await readFile(path!, 'utf8')), secrets };
      },
    );
    expect(seen).toEqual({
      mode: 0o600,
      // Tagged !unsafe like every other value: a secret is never a template either.
      data: { registry: { user: new UnsafeText('bob'), password: new UnsafeText('pa{{ ss }}word') }, api_token: new UnsafeText('tok-123456') },
      secrets: ['pa{{ ss }}word', 'tok-123456'],
    });
    expect((await readdir(dir)).sort()).toEqual(['token']);
    await expect(withSecretVars({}, file, async (path) => path)).resolves.toBeUndefined();
  });
});
