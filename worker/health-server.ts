// The worker's probes (deploy/worker-deployment.yaml), on a port of their own: the metrics
// endpoint is served by the SDK's runtime, which takes no other routes. GET /healthz answers
// while the process's event loop does (liveness: a worker whose server is down is not stuck,
// restarting it would not help); GET /readyz is 200 only when lib/worker-readiness.ts says so.
import { createServer, type Server } from 'node:http';
import { workerReadiness } from '../lib/worker-readiness.js';

export const LIVE_PATH = '/healthz';
export const READY_PATH = '/readyz';

export interface HealthSource {
  /** The Worker's state, undefined while it is being created. */
  state(): string | undefined;
  /** Resolves when the Temporal server answers a cheap call within a short deadline. */
  pingServer(): Promise<void>;
}

export interface HealthServer {
  url: string;
  close(): Promise<void>;
}

async function readiness(source: HealthSource) {
  const state = source.state();
  if (state !== 'RUNNING') return { state, ...workerReadiness(state) };
  const problem = await source.pingServer().then(
    () => undefined,
    (err: unknown) => ((err as Error).message ?? String(err)).split('\n')[0],
  );
  return { state, ...workerReadiness(state, problem) };
}

/** Listens on `host:port` (checked by the caller); the source is read at each probe. */
export async function startHealthServer(address: string, source: HealthSource): Promise<HealthServer> {
  const split = address.lastIndexOf(':');
  const host = address.slice(0, split).replace(/^\[(.*)\]$/, '$1');
  const server: Server = createServer((req, res) => {
    const reply = (code: number, body: object) => {
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET') return reply(405, { error: `expected GET ${LIVE_PATH} or GET ${READY_PATH}` });
    if (path === LIVE_PATH) return reply(200, { live: true, state: source.state() ?? 'STARTING' });
    if (path === READY_PATH) {
      void readiness(source).then((r) => reply(r.ready ? 200 : 503, { ...r, state: r.state ?? 'STARTING' }));
      return;
    }
    reply(404, { error: `no route ${path}; expected GET ${LIVE_PATH} or GET ${READY_PATH}` });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(address.slice(split + 1)), host, () => resolve());
  });
  return {
    url: `http://${address}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
