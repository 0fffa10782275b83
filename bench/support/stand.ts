// What a benchmark of whole installs runs on: its own Temporal dev server and Kubernetes
// control plane (test/support/services.ts), and the e2e harness on them (a data directory, a
// task queue, real worker processes, the real CLI); all of it removed by `close()`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, type Harness } from '../../test/support/e2e-harness.js';
import { startServices } from '../../test/support/services.js';

export interface BenchStand {
  harness: Harness;
  close(): Promise<void>;
}

export async function startBenchStand(label: string): Promise<BenchStand> {
  const dir = await mkdtemp(join(tmpdir(), `katonic-bench-${label}-`));
  const services = await startServices(dir);
  const harness = await startHarness(`bench-${label}`, { address: services.server.address, kubeconfig: services.controlPlane.kubeconfig });
  return {
    harness,
    async close() {
      await harness.close();
      await services.stop();
      await Promise.all([dir, harness.dataDir].map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}
