// The worker's probes (KATONIC_HEALTH_ADDRESS) on a real worker process: ready once it polls its
// real dev server (one of this test's own, since the test stops it), not ready when that server
// is gone, while liveness still answers (restarting a worker does not bring its server back).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { devKeyRingFile } from '../client/codec-keys.js';
import { freePort } from '../client/dev/free-port.js';
import { startDevServer, type DevServer } from '../client/dev/temporal-dev-server.js';
import { HEALTH_ADDRESS_ENV, METRICS_ADDRESS_ENV } from '../lib/local-tools.js';
import { startHarness, type Harness, type WorkerProcess } from './support/e2e-harness.js';
import { CLI } from './support/repo.js';

let server: DevServer;
let h: Harness;
let probes: string;
let worker: WorkerProcess;

beforeAll(async () => {
  server = await startDevServer({ port: await freePort(), dbFile: join(await mkdtemp(join(tmpdir(), 'katonic-health-')), 'temporal.db') });
  h = await startHarness('health', { address: server.address });
  probes = `http://127.0.0.1:${await freePort()}`;
  worker = await h.startWorker({ env: { [HEALTH_ADDRESS_ENV]: probes.slice('http://'.length) } });
});
afterAll(async () => {
  await h?.close();
  await server?.stop();
});

const probe = async (path: string) => {
  const r = await fetch(`${probes}${path}`);
  return { code: r.status, body: (await r.json()) as Record<string, unknown> };
};

/** Probes until `until` holds (the SDK moves to RUNNING a moment after the worker logs its start). */
async function probeUntil(path: string, until: (r: Awaited<ReturnType<typeof probe>>) => boolean) {
  let last = await probe(path);
  for (let i = 0; i < 30 && !until(last); i++) {
    await sleep(500);
    last = await probe(path);
  }
  return last;
}

describe('worker probes (real worker process, own real dev server)', () => {
  it('is live and ready while it polls; not ready, naming the server, when the server is gone; still live', async () => {
    expect(await probeUntil('/readyz', (r) => r.code === 200)).toEqual({ code: 200, body: { ready: true, state: 'RUNNING' } });
    expect(await probe('/healthz')).toEqual({ code: 200, body: { live: true, state: 'RUNNING' } });

    await server.stop();
    const down = await probeUntil('/readyz', (r) => r.code !== 200);
    expect(down).toEqual({ code: 503, body: { ready: false, state: 'RUNNING', reason: expect.stringContaining('the Temporal server did not answer') } });
    expect(await probe('/healthz')).toEqual({ code: 200, body: { live: true, state: 'RUNNING' } });
    expect((await fetch(`${probes}/metrics`)).status).toBe(404);
  });

  it("a second worker on the first one's metrics address: exit 2 and one line naming KATONIC_METRICS_ADDRESS, not a stack trace", async () => {
    const taken = new URL(worker.metricsUrl).host;
    const env = { ...h.env, KATONIC_DATA_DIR: h.dataDir, KATONIC_CODEC_KEYS: `file:${devKeyRingFile(h.dataDir)}`, [METRICS_ADDRESS_ENV]: taken };
    const second = await execa('node', [CLI, 'worker'], { env, extendEnv: false, reject: false, stdin: 'ignore', timeout: 60_000 });
    expect(second.exitCode).toBe(2);
    expect(second.stderr.trim().split('\n')).toEqual([
      `${METRICS_ADDRESS_ENV} ${taken}: cannot serve metrics (Address already in use (os error 98)); give each worker on a machine its own address`,
    ]);
  });
});
