// How many workflow starts a second the Temporal dev server takes on this machine when nothing
// else asks anything of it: a bare client (minimal starts, no codec, no webhook server) keeps
// `concurrency` starts in flight against a server of its own (support/temporal-targets.ts). The
// webhook benchmark sets its rate of new installs beside this: near it, any server in front
// of Temporal queues, whatever it does itself.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { processesCpuMs } from './process-cpu.js';
import { targetClient, type TemporalTargetKind } from './temporal-targets.js';

export interface StartCapacity {
  startsPerSecond: number;
  /** The dev server's CPU per start, and the cores it used while at it. */
  serverCpuMsPerStart: number;
  serverCores: number;
}

export async function temporalStartCapacity(kind: TemporalTargetKind, starts = 600, concurrency = 50): Promise<StartCapacity> {
  const dir = await mkdtemp(join(tmpdir(), 'katonic-bench-start-capacity-'));
  const target = await kind.up(dir);
  const client = await targetClient(target);
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
    const cpu0 = await processesCpuMs(target.serverPids);
    const t0 = performance.now();
    await startAll('measured');
    const seconds = (performance.now() - t0) / 1000;
    const cpuMs = (await processesCpuMs(target.serverPids)) - cpu0;
    return { startsPerSecond: starts / seconds, serverCpuMsPerStart: cpuMs / starts, serverCores: cpuMs / 1000 / seconds };
  } finally {
    await client.connection.close();
    await target.close();
    await rm(dir, { recursive: true, force: true });
  }
}
