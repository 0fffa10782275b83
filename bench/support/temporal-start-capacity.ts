// How many workflow starts a second the Temporal dev server takes on this machine when nothing
// else asks anything of it: a bare client (minimal starts, no codec, no webhook server) keeps
// `concurrency` starts in flight against a dev server of its own, database in memory. The
// webhook benchmark sets its rate of new installs beside this: near it, any server in front
// of Temporal queues, whatever it does itself.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { freePort } from '../../client/dev/free-port.js';
import { startDevServer } from '../../client/dev/temporal-dev-server.js';
import { processCpuMs } from './process-cpu.js';

export interface StartCapacity {
  startsPerSecond: number;
  /** The dev server's CPU per start, and the cores it used while at it. */
  serverCpuMsPerStart: number;
  serverCores: number;
}

export async function temporalStartCapacity(starts = 600, concurrency = 50): Promise<StartCapacity> {
  const dir = await mkdtemp(join(tmpdir(), 'katonic-bench-start-capacity-'));
  const server = await startDevServer({ port: await freePort(), dbFile: ':memory:', logFile: join(dir, 'temporal-dev-server.log') });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const startAll = async (prefix: string) => {
    let next = 0;
    const starter = async () => {
      for (let i = next++; i < starts; i = next++)
        await client.workflow.start('install', { workflowId: `${prefix}-${i}`, taskQueue: 'katonic-bench-start-capacity', args: [] });
    };
    await Promise.all(Array.from({ length: concurrency }, starter));
  };
  try {
    // The first round warms the client and the server; the second is measured.
    await startAll('warm');
    const cpu0 = await processCpuMs(server.process.pid!);
    const t0 = performance.now();
    await startAll('measured');
    const seconds = (performance.now() - t0) / 1000;
    const cpuMs = (await processCpuMs(server.process.pid!)) - cpu0;
    return { startsPerSecond: starts / seconds, serverCpuMsPerStart: cpuMs / starts, serverCores: cpuMs / 1000 / seconds };
  } finally {
    await connection.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
