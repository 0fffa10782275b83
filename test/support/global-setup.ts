// One real Temporal dev server (`temporal server start-dev`) and one real Kubernetes control
// plane (kube-apiserver, etcd, controllers, scheduler, kwok) for every test file: the e2e tests
// share them, each on its own task queue with its own worker and data directory.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlPlane, type ControlPlane } from '../../client/dev/control-plane/control-plane.js';
import { freePort } from '../../client/dev/free-port.js';
import { startDevServer, type DevServer } from '../../client/dev/temporal-dev-server.js';

declare global {
  var katonicTestServer: DevServer | undefined;
  var katonicTestControlPlane: ControlPlane | undefined;
  var katonicTestDir: string | undefined;
}

export default async function globalSetup(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'katonic-test-'));
  // Every temporary file of this run (test data directories, Ansible's, the workers') goes
  // under it, so the teardown leaves nothing behind. Short, for socket paths under it.
  process.env.TMPDIR = dir;
  globalThis.katonicTestDir = dir;
  const [server, controlPlane] = await Promise.all([startDevServer({ port: await freePort(), dbFile: join(dir, 'temporal', 'temporal.db') }), startControlPlane({ dir: join(dir, 'control-plane') })]);
  globalThis.katonicTestServer = server;
  globalThis.katonicTestControlPlane = controlPlane;
  process.env.KATONIC_TEST_TEMPORAL_ADDRESS = server.address;
  process.env.KATONIC_TEST_KUBECONFIG = controlPlane.kubeconfig;
}
