// Secrets are references in the spec (`env:NAME`, `file:PATH`), read only where they are
// used, written only to a 0600 file in the phase directory for as long as a run needs it.
import { readFile, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { writeFilesAtomically } from './write-files.js';

/** The file a `file:` reference names, with a leading ~ as the worker's home directory. */
export const secretFilePath = (ref: string): string => ref.slice(5).replace(/^~(?=\/)/, homedir());

export async function readSecret(ref: string): Promise<string> {
  if (ref.startsWith('env:')) {
    const value = process.env[ref.slice(4)];
    if (!value) throw ApplicationFailure.nonRetryable(`secret ${ref}: the worker has no environment variable ${ref.slice(4)}`, 'SecretMissing');
    return value;
  }
  const path = secretFilePath(ref);
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw ApplicationFailure.nonRetryable(`secret ${ref}: cannot read ${path} on the worker (${(err as NodeJS.ErrnoException).code})`, 'SecretMissing');
  }
}

/** Runs `use` with the secret in a private file, removed afterwards whatever happens. */
export async function withSecretFile<T>(ref: string | undefined, dir: string, name: string, use: (file: string | undefined) => Promise<T>): Promise<T> {
  if (!ref) return use(undefined);
  const file = join(dir, name);
  await writeFilesAtomically(new Map([[file, await readSecret(ref)]]), 0o600);
  try {
    return await use(file);
  } finally {
    await rm(file, { force: true });
  }
}
