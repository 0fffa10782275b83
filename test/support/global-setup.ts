// One real Temporal dev server, one real Kubernetes control plane and one production-shaped
// Temporal cluster for every test file: the e2e tests share them, each on its own task queue
// with its own worker and data directory.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLUSTER_CONFIG_ENV, CLUSTER_PROFILE_ENV } from './temporal-cluster-faults.js';
import { startServices, type Services } from './services.js';

declare global {
  var katonicTestServices: Services | undefined;
  var katonicTestDir: string | undefined;
}

export default async function globalSetup(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'katonic-test-'));
  // Every temporary file of this run (test data directories, Ansible's, the workers') goes
  // under it, so the teardown leaves nothing behind. Short, for socket paths under it.
  process.env.TMPDIR = dir;
  globalThis.katonicTestDir = dir;
  const services = await startServices(dir, { cluster: true });
  globalThis.katonicTestServices = services;
  process.env.KATONIC_TEST_TEMPORAL_ADDRESS = services.server.address;
  process.env.KATONIC_TEST_KUBECONFIG = services.controlPlane.kubeconfig;
  if (services.cluster) {
    process.env[CLUSTER_PROFILE_ENV] = services.cluster.profileFile;
    process.env[CLUSTER_CONFIG_ENV] = services.cluster.configFile;
  }
}
