// Paths tests share.
import { join } from 'node:path';
import { REPO_ROOT } from '../../lib/local-tools.js';

export { REPO_ROOT };
export const fixture = (name: string) => join(REPO_ROOT, 'test', 'fixtures', name);
export const CLI = join(REPO_ROOT, 'dist', 'client', 'cli.js');
export const DEMO_SPEC = join(REPO_ROOT, 'inventories', 'local-demo', 'install.yaml');
