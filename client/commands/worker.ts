// worker: runs install workflows and activities until SIGINT/SIGTERM.
import { dataDir, taskQueue } from '../../lib/local-tools.js';
import { createInstallWorker } from '../../worker/create-worker.js';
import { workerDataConverter } from '../codec-keys.js';
import { checkAddress, type ConnectionOptions } from '../connection.js';

export async function workerCommand(opts: ConnectionOptions): Promise<void> {
  checkAddress(opts.address);
  const worker = await createInstallWorker({ ...opts, taskQueue: taskQueue(), dataDir: dataDir(), dataConverter: await workerDataConverter() });
  console.log(`Worker on ${opts.address}, task queue ${taskQueue()}, data in ${dataDir()}`);
  // The SDK shuts the worker down on SIGINT/SIGTERM; run() resolves when it has drained.
  await worker.run();
}
