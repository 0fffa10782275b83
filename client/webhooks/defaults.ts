// Where the webhook server listens and which config it reads unless told otherwise (the
// product contract's), apart from the server so the CLI can name them without loading it.
import { resolve } from 'node:path';
import { REPO_ROOT } from '../../lib/local-tools.js';

export const WEBHOOK_PORT = 8787;
export const DEFAULT_WEBHOOK_CONFIG = resolve(REPO_ROOT, 'inventories', 'local-demo', 'webhooks.yaml');
