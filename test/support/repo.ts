// Paths tests share.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../lib/local-tools.js';

export { REPO_ROOT };
export const fixture = (name: string) => join(REPO_ROOT, 'test', 'fixtures', name);
export const CLI = join(REPO_ROOT, 'dist', 'client', 'cli.js');
/** The stand-in Kubespray checkout (standins/kubespray): Kubernetes 1.33.0 to 1.35.4. */
export const STANDIN_KUBESPRAY = join(REPO_ROOT, 'standins', 'kubespray');
export const DEMO_SPEC = join(REPO_ROOT, 'inventories', 'local-demo', 'install.yaml');

/** The pages of documentation, relative to the checkout: the README and docs/*.md. */
export const DOC_PAGES = [
  'README.md',
  ...readdirSync(join(REPO_ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];
