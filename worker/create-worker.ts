// A worker for the install task queue: the bundled workflows and the activities bound to
// this machine's data directory, sealing every payload with the codec's keys.
import { Worker, type NativeConnection } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { sealingWorkerDataConverter } from '../lib/codec/data-converter.js';
import type { KeyRing } from '../lib/codec/key-ring.js';
import { WORKFLOW_BUNDLE } from './paths.js';

export interface WorkerSettings {
  /** Connected as the connection profile says (client/connection-profile.ts): address, TLS, API key. */
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  dataDir: string;
  /** The codec's keys (client/codec-keys.ts), the same as every client's: they seal every payload. */
  keyRing: KeyRing;
  /** Runs the workflows and their local activities only, polling no activity task: an install is started and waits at its first phase (the benchmarks' worker). */
  localActivitiesOnly?: boolean;
}

/** The process's telemetry (worker/telemetry.ts) is installed before the connection is made. */
export async function createInstallWorker(settings: WorkerSettings): Promise<Worker> {
  return Worker.create({
    connection: settings.connection,
    namespace: settings.namespace,
    taskQueue: settings.taskQueue,
    // The bundle was built with the same failure converter (worker/bundle-workflows.ts).
    workflowBundle: { codePath: WORKFLOW_BUNDLE },
    dataConverter: sealingWorkerDataConverter(settings.keyRing),
    activities: createActivities({ dataDir: settings.dataDir, keyRing: settings.keyRing }),
    // Ansible runs are long and heavy: a few at a time per worker.
    maxConcurrentActivityTaskExecutions: 4,
    // Cancellations reach an activity with the answer to its heartbeat: sending one at least
    // every 2 s (instead of 80% of the heartbeat timeout) stops a cancelled Ansible promptly.
    maxHeartbeatThrottleInterval: '2s',
    enableNonLocalActivities: !settings.localActivitiesOnly,
  });
}
