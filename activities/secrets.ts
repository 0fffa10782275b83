// Secrets are references in the spec (`env:NAME`, `file:PATH`), read only where they are
// used, written only to a 0600 file in the phase directory for as long as a run needs it.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { inertYaml } from '../lib/ansible/inert-yaml.js';
import { readReference, ReferenceUnreadable } from '../lib/read-reference.js';
import { mapSecretRefs, secretRefsIn } from '../lib/vars/secret-refs.js';
import { phaseFailure } from './phase-failure.js';
import { writeFilesAtomically } from './write-files.js';

/** A reference read on the worker; unreadable is not retried (someone must fix the worker). */
export async function readSecret(ref: string): Promise<string> {
  try {
    return await readReference(ref, 'the worker');
  } catch (err) {
    if (err instanceof ReferenceUnreadable) throw phaseFailure('SecretMissing', err.message, { reference: ref });
    throw err;
  }
}

/** Runs `use` with `text` in a private (0600) file, removed afterwards whatever happens. */
async function withPrivateFile<T>(file: string, text: string, use: (file: string) => Promise<T>): Promise<T> {
  await writeFilesAtomically(new Map([[file, text]]), 0o600);
  try {
    return await use(file);
  } finally {
    await rm(file, { force: true });
  }
}

/** Runs `use` with the secret in a private file, removed afterwards whatever happens. */
export async function withSecretFile<T>(ref: string | undefined, dir: string, name: string, use: (file: string | undefined) => Promise<T>): Promise<T> {
  if (!ref) return use(undefined);
  return withPrivateFile(join(dir, name), await readSecret(ref), use);
}

/**
 * Runs `use` with the variables that hold secret references resolved, in a private extra-vars
 * file (inert YAML: a secret is never a template either), removed afterwards whatever happens.
 * `use` also gets the secret values, so that Ansible's output can be redacted.
 */
export async function withSecretVars<T>(
  vars: Record<string, unknown>,
  file: string,
  use: (file: string | undefined, secrets: string[]) => Promise<T>,
): Promise<T> {
  if (!Object.keys(vars).length) return use(undefined, []);
  const values = new Map<string, string>();
  for (const ref of secretRefsIn(vars)) values.set(ref, await readSecret(ref));
  const resolved = mapSecretRefs(vars, (ref) => values.get(ref)!);
  return withPrivateFile(file, inertYaml(resolved, ['Secret variables for one run; removed when it ends.']), (path) => use(path, [...values.values()]));
}
