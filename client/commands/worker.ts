// worker: runs install workflows and activities until SIGINT/SIGTERM.
import { NativeConnection } from '@temporalio/worker';
import { dataDir, logLevel, metricsAddress, taskQueue } from '../../lib/local-tools.js';
import { createInstallWorker } from '../../worker/create-worker.js';
import { installTelemetry, workerLog } from '../../worker/telemetry.js';
import { CliError } from '../cli-error.js';
import { loadKeyRing } from '../codec-keys.js';
import { connectionFailure, describeConnection, loadConnection, type ConnectionFlags, type TemporalConnection } from '../connection-profile.js';

/** The worker's connection, as the profile says; a refusal is one line naming what to check. */
export async function connectWorker(settings: TemporalConnection): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect({ address: settings.address, tls: settings.tls, apiKey: settings.apiKey, metadata: settings.metadata });
  } catch (err) {
    throw new CliError(connectionFailure(settings, err));
  }
}

export async function workerCommand(flags: ConnectionFlags): Promise<void> {
  const settings = loadConnection(flags);
  const keyRing = await loadKeyRing();
  installTelemetry({ metricsAddress: metricsAddress(), logLevel: logLevel('INFO') });
  const worker = await createInstallWorker({ connection: await connectWorker(settings), namespace: settings.namespace, taskQueue: taskQueue(), dataDir: dataDir(), keyRing });
  workerLog(`Worker on ${describeConnection(settings)}, namespace ${settings.namespace}, task queue ${taskQueue()}, data in ${dataDir()}, metrics on http://${metricsAddress()}/metrics`, {
    taskQueue: taskQueue(),
    dataDir: dataDir(),
  });
  // The SDK shuts the worker down on SIGINT/SIGTERM; run() resolves when it has drained.
  await worker.run();
}
