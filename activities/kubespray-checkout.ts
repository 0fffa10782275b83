// The files of a Kubespray checkout that say which release it is and which Kubernetes
// versions it installs (see lib/preflight/kubespray-checkout.ts), read from disk.
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import yaml from 'js-yaml';
import { KUBESPRAY_CHECKSUMS_FILES, KUBESPRAY_DEFAULTS_FILES, type CheckoutFiles } from '../lib/preflight/kubespray-checkout.js';

async function firstFile(dir: string, candidates: string[]): Promise<{ path: string; text: string } | undefined> {
  for (const candidate of candidates) {
    const text = await readFile(join(dir, candidate), 'utf8').catch(() => undefined);
    if (text !== undefined) return { path: candidate, text };
  }
  return undefined;
}

/** The git tag of a checkout (a clone of its own, not a directory inside another repository), else galaxy.yml's version. */
export async function checkoutRelease(dir: string): Promise<CheckoutFiles['release']> {
  if (
    await access(join(dir, '.git')).then(
      () => true,
      () => false,
    )
  ) {
    const described = await execa('git', ['-C', dir, 'describe', '--tags'], { reject: false, stdin: 'ignore' });
    if (described.exitCode === 0 && String(described.stdout).trim()) return { version: String(described.stdout).trim(), from: 'git tag' };
  }
  const galaxy = await readFile(join(dir, 'galaxy.yml'), 'utf8').catch(() => undefined);
  const version = galaxy ? (yaml.load(galaxy) as { version?: unknown } | undefined)?.version : undefined;
  return version ? { version: `v${String(version).replace(/^v/, '')}`, from: 'galaxy.yml' } : undefined;
}

export async function checkoutFiles(dir: string): Promise<CheckoutFiles> {
  const [rel, defaults, checksums] = await Promise.all([
    checkoutRelease(dir).catch(() => undefined),
    firstFile(dir, KUBESPRAY_DEFAULTS_FILES),
    firstFile(dir, KUBESPRAY_CHECKSUMS_FILES),
  ]);
  return { dir, release: rel, defaults, checksums };
}
