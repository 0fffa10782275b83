// A worker for the install task queue: the bundled workflows and the activities bound to
// this machine's data directory.
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { WORKFLOW_BUNDLE } from './paths.js';

export interface WorkerSettings {
  address: string;
  namespace: string;
  taskQueue: string;
  dataDir: string;
}

export async function createInstallWorker(settings: WorkerSettings): Promise<Worker> {
  const connection = await NativeConnection.connect({ address: settings.address });
  return Worker.create({
    connection,
    namespace: settings.namespace,
    taskQueue: settings.taskQueue,
    workflowBundle: { codePath: WORKFLOW_BUNDLE },
    activities: createActivities({ dataDir: settings.dataDir }),
    // Ansible runs are long and heavy: a few at a time per worker.
    maxConcurrentActivityTaskExecutions: 4,
  });
}
