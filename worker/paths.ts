// Where the compiled workflows and their bundle live (next to this file, in dist/).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DIST_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const WORKFLOWS_PATH = join(DIST_DIR, 'workflows', 'index.js');
export const WORKFLOW_BUNDLE = join(DIST_DIR, 'workflow-bundle.js');
