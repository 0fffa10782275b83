// A worker for the install task queue: the bundled workflows and the activities bound to
// this machine's data directory, sealing every payload with the codec's keys.
import type { DataConverter } from '@temporalio/common';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { WORKFLOW_BUNDLE } from './paths.js';

export interface WorkerSettings {
  address: string;
  namespace: string;
  taskQueue: string;
  dataDir: string;
  /** The sealing data converter (client/codec-keys.ts): the same keys as every client. */
  dataConverter: DataConverter;
}

let runtimeInstalled = false;

export async function createInstallWorker(settings: WorkerSettings): Promise<Worker> {
  if (!runtimeInstalled) {
    // The SDK's INFO lines (state changes, polling) would drown the install's own progress.
    Runtime.install({ logger: new DefaultLogger((process.env.KATONIC_LOG_LEVEL as 'WARN' | undefined) ?? 'WARN') });
    runtimeInstalled = true;
  }
  const connection = await NativeConnection.connect({ address: settings.address });
  return Worker.create({
    connection,
    namespace: settings.namespace,
    taskQueue: settings.taskQueue,
    // The bundle was built with the same failure converter (worker/bundle-workflows.ts).
    workflowBundle: { codePath: WORKFLOW_BUNDLE },
    dataConverter: settings.dataConverter,
    activities: createActivities({ dataDir: settings.dataDir }),
    // Ansible runs are long and heavy: a few at a time per worker.
    maxConcurrentActivityTaskExecutions: 4,
    // Cancellations reach an activity with the answer to its heartbeat: sending one at least
    // every 2 s (instead of 80% of the heartbeat timeout) stops a cancelled Ansible promptly.
    maxHeartbeatThrottleInterval: '2s',
  });
}
