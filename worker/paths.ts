// Where the compiled workflows and their bundle live (next to this file, in dist/).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const distDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const WORKFLOWS_PATH = join(distDir, 'workflows', 'index.js');
export const WORKFLOW_BUNDLE = join(distDir, 'workflow-bundle.js');
