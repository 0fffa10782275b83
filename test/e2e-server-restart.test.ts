// The Temporal dev server killed and started again on the same sqlite file in the middle
// of an install: the worker reconnects and the install completes. This test runs its own
// dev server (the shared one must not be restarted under the other tests).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDevServer, type DevServer } from '../client/dev/temporal-dev-server.js';
import { singleNode, startHarness, type Harness } from './support/e2e-harness.js';
import { freePort } from '../client/dev/free-port.js';

let server: DevServer;
let h: Harness;
let port: number;
let dbFile: string;

beforeAll(async () => {
  port = await freePort();
  dbFile = join(await mkdtemp(join(tmpdir(), 'katonic-restart-')), 'temporal.db');
  server = await startDevServer({ port, dbFile });
  h = await startHarness('restart', { address: server.address });
  await h.startWorker();
});
afterAll(async () => {
  await h?.close();
  await server?.stop();
});

describe('server restart (own real dev server on a sqlite file, stand-in Kubespray and Katonic role)', () => {
  it('an install survives the dev server being killed and started again mid-install', async () => {
    const file = await h.writeSpec('survivor', (spec) => {
      singleNode(spec);
      // Kubespray still running while the server is down and after; the Katonic role's steps need no time.
      spec.spec.extraVars = { standin_delay_seconds: { kubespray: 2 } };
    });
    expect((await h.cli('start', file)).exitCode).toBe(0);
    await h.waitFor('survivor', (s) => s.phase === 'kubespray');

    server.process.kill('SIGKILL');
    await server.process;
    await sleep(3000);
    server = await startDevServer({ port, dbFile });

    const done = await h.waitFor('survivor', (s) => s.state === 'completed', 300_000);
    expect(done.phases.every((p) => p.state === 'completed')).toBe(true);
    expect(done.phases.find((p) => p.name === 'preflight')?.attempts).toBe(1);
  });
});
