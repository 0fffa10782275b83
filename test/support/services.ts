// The real services end-to-end tests and benchmarks run against: a Temporal dev server
// (`temporal server start-dev`), a Kubernetes control plane (kube-apiserver, etcd, controllers,
// scheduler, kwok) and, where it is built, the production-shaped Temporal cluster (four service
// processes on PostgreSQL, mTLS), all on free ports, their state under `dir`.
import { join } from 'node:path';
import { startControlPlane, type ControlPlane } from '../../client/dev/control-plane/control-plane.js';
import { freePort } from '../../client/dev/free-port.js';
import { postgresUnavailable } from '../../client/dev/temporal-cluster/postgres.js';
import { startTemporalCluster, temporalClusterUnavailable, type TemporalCluster } from '../../client/dev/temporal-cluster/temporal-cluster.js';
import { startDevServer, type DevServer } from '../../client/dev/temporal-dev-server.js';

export interface Services {
  server: DevServer;
  controlPlane: ControlPlane;
  /** Undefined where it cannot run (`clusterUnavailable` says why). */
  cluster?: TemporalCluster;
  stop(): Promise<void>;
}

/** Why the production-shaped cluster cannot run here, or undefined. */
export const clusterUnavailable = (): string | undefined => temporalClusterUnavailable() ?? postgresUnavailable();

export async function startServices(dir: string, opts: { cluster?: boolean } = {}): Promise<Services> {
  const [server, controlPlane, cluster] = await Promise.all([
    startDevServer({ port: await freePort(), dbFile: join(dir, 'temporal', 'temporal.db') }),
    startControlPlane({ dir: join(dir, 'control-plane') }),
    opts.cluster && !clusterUnavailable() ? startTemporalCluster({ dir: join(dir, 'temporal-cluster') }) : undefined,
  ]);
  return { server, controlPlane, cluster, stop: async () => void (await Promise.all([server.stop(), controlPlane.stop(), cluster?.stop()])) };
}
