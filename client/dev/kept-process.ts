// A server program started again whenever it dies, as systemd's Restart=always or a Kubernetes
// Deployment would: the production-shaped Temporal cluster's services and its PostgreSQL. The
// wait before a start doubles from half a second up to 8 s while it keeps dying, and is back at
// half a second once it has run for a minute.
import { setTimeout as sleep } from 'node:timers/promises';
import type { SupervisedProcess } from './supervised-process.js';

export interface KeptProcess {
  name: string;
  /** The process running now (another one after each restart). */
  current(): SupervisedProcess;
  /** How many times it was started again. */
  restarts(): number;
  /** Stops it for good: no start after this. */
  stop(graceMs?: number): Promise<void>;
}

const FIRST_WAIT_MS = 500;
const LONGEST_WAIT_MS = 8_000;
const HEALTHY_AFTER_MS = 60_000;

/**
 * `start` starts the program and resolves once it is ready (it throws when it is not); the first
 * start's failure is the caller's, later ones are logged to `onEvent` and tried again.
 */
export async function keepRunning(
  name: string,
  start: () => Promise<SupervisedProcess>,
  onEvent: (line: string) => void = () => undefined,
): Promise<KeptProcess> {
  let proc = await start();
  let stopping = false;
  let restarts = 0;
  const loop = async () => {
    let wait = FIRST_WAIT_MS;
    while (!stopping) {
      const began = Date.now();
      const result = await proc.process;
      if (stopping) return;
      if (Date.now() - began > HEALTHY_AFTER_MS) wait = FIRST_WAIT_MS;
      onEvent(`${name} exited (${result.signal ?? `code ${result.exitCode}`}); starting it again in ${wait} ms`);
      await sleep(wait);
      wait = Math.min(wait * 2, LONGEST_WAIT_MS);
      while (!stopping) {
        try {
          proc = await start();
          restarts += 1;
          // Stopped while it was starting: this one goes too.
          if (stopping) await proc.stop();
          break;
        } catch (err) {
          onEvent(`${name} did not start again: ${(err as Error).message.split('\n')[0]}; trying in ${wait} ms`);
          await sleep(wait);
          wait = Math.min(wait * 2, LONGEST_WAIT_MS);
        }
      }
    }
  };
  const running = loop();
  return {
    name,
    current: () => proc,
    restarts: () => restarts,
    async stop(graceMs) {
      stopping = true;
      await proc.stop(graceMs);
      await running;
    },
  };
}
