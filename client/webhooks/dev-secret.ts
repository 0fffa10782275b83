// `kinstall dev`'s Jira webhook secret: the demo config names env:KATONIC_JIRA_WEBHOOK_SECRET;
// when that variable is unset, the dev webhook server reads <dataDir>/jira-webhook-secret
// instead (random, mode 0600, made on the first run, like the codec server's token). The
// secret never goes into this process's environment, which the worker's Ansible would inherit.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { dataDir } from '../../lib/local-tools.js';
import { createPrivateFileOnce } from '../codec-keys.js';

export const JIRA_SECRET_ENV = 'KATONIC_JIRA_WEBHOOK_SECRET';
export const devJiraSecretFile = (dir = dataDir()): string => join(dir, 'jira-webhook-secret');

/** The reference fallbacks for the dev server, and the file it made or uses (undefined when the variable is set). */
export async function devJiraSecret(dir = dataDir()): Promise<{ fallbacks: Record<string, string>; file?: string }> {
  if (process.env[JIRA_SECRET_ENV]) return { fallbacks: {} };
  const file = devJiraSecretFile(dir);
  await createPrivateFileOnce(file, () => `${randomBytes(24).toString('base64url')}\n`);
  return { fallbacks: { [`env:${JIRA_SECRET_ENV}`]: `file:${file}` }, file };
}
