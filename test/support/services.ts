// The real services end-to-end tests and benchmarks run against: a Temporal dev server
// (`temporal server start-dev`) and a Kubernetes control plane (kube-apiserver, etcd,
// controllers, scheduler, kwok), both on free ports, their state under `dir`.
import { join } from 'node:path';
import { startControlPlane, type ControlPlane } from '../../client/dev/control-plane/control-plane.js';
import { freePort } from '../../client/dev/free-port.js';
import { startDevServer, type DevServer } from '../../client/dev/temporal-dev-server.js';

export interface Services {
  server: DevServer;
  controlPlane: ControlPlane;
  stop(): Promise<void>;
}

export async function startServices(dir: string): Promise<Services> {
  const [server, controlPlane] = await Promise.all([
    startDevServer({ port: await freePort(), dbFile: join(dir, 'temporal', 'temporal.db') }),
    startControlPlane({ dir: join(dir, 'control-plane') }),
  ]);
  return { server, controlPlane, stop: async () => void (await Promise.all([server.stop(), controlPlane.stop()])) };
}
