// What a benchmark of whole installs runs on: its own Temporal (the dev server, or the
// production-shaped cluster: four service processes on PostgreSQL, mTLS) and Kubernetes control
// plane (test/support/services.ts), and the e2e harness on them (a data directory, a task queue,
// real worker processes, the real CLI); all of it removed by `close()`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, type Harness } from '../../test/support/e2e-harness.js';
import { clusterUnavailable, startServices } from '../../test/support/services.js';

export interface BenchStand {
  harness: Harness;
  close(): Promise<void>;
}

export type BenchTemporal = 'dev server' | 'cluster';

export async function startBenchStand(label: string, temporal: BenchTemporal = 'dev server'): Promise<BenchStand> {
  const dir = await mkdtemp(join(tmpdir(), `katonic-bench-${label}-`));
  const services = await startServices(dir, { cluster: temporal === 'cluster' });
  if (temporal === 'cluster' && !services.cluster) {
    await services.stop();
    throw new Error(`no production-shaped cluster here: ${clusterUnavailable()}`);
  }
  const harness = await startHarness(`bench-${label}`, {
    address: services.server.address,
    kubeconfig: services.controlPlane.kubeconfig,
    cluster: temporal === 'cluster',
    clusterProfileFile: services.cluster?.profileFile,
  });
  return {
    harness,
    async close() {
      await harness.close();
      await services.stop();
      await Promise.all([dir, harness.dataDir].map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}
