// One real Temporal dev server (`temporal server start-dev`) for every test file: the e2e
// tests share it, each on its own task queue with its own worker and data directory.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevServer, type DevServer } from '../../client/dev/temporal-dev-server.js';
import { freePort } from './free-port.js';

declare global {
  var katonicTestServer: DevServer | undefined;
}

export default async function globalSetup(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'katonic-test-temporal-'));
  const server = await startDevServer({ port: await freePort(), dbFile: join(dir, 'temporal.db') });
  globalThis.katonicTestServer = server;
  process.env.KATONIC_TEST_TEMPORAL_ADDRESS = server.address;
  process.env.KATONIC_TEST_TEMPORAL_DB = join(dir, 'temporal.db');
}
