// worker: runs install workflows and activities until SIGINT/SIGTERM.
import { NativeConnection } from '@temporalio/worker';
import {
  dataDir,
  HEALTH_ADDRESS_ENV,
  healthAddress,
  logLevel,
  METRICS_ADDRESS_ENV,
  metricsAddress,
  sshTimeoutSeconds,
  TASK_QUEUE_ENV,
  taskQueue,
  webUiUrlProblem,
} from '../../lib/local-tools.js';
import { ANSIBLE_QUEUE_SUFFIX, ansibleTaskQueue } from '../../lib/temporal/task-queues.js';
import { ansibleSlots } from '../../lib/worker-slots.js';
import { createInstallWorkers, type InstallWorkers } from '../../worker/create-worker.js';
import { workerVersionFromEnv } from '../../worker/deployment-options.js';
import { LIVE_PATH, READY_PATH, startHealthServer, type HealthServer } from '../../worker/health-server.js';
import { installTelemetry, workerLog } from '../../worker/telemetry.js';
import { CliError } from '../cli-error.js';
import { loadKeyRing } from '../codec-keys.js';
import {
  checkAddress,
  describeConnection,
  explainConnectionFailure,
  loadConnection,
  type ConnectionFlags,
  type TemporalConnection,
} from '../connection-profile.js';

/** How long a readiness probe waits for the Temporal server (the Deployment's probe timeout is longer). */
const SERVER_PING_MS = 2000;

/** The worker's connection, as the profile says; a refusal is one line naming what to check. */
export async function connectWorker(settings: TemporalConnection): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect({ address: settings.address, tls: settings.tls, apiKey: settings.apiKey, metadata: settings.metadata });
  } catch (err) {
    throw new CliError(await explainConnectionFailure(settings, err));
  }
}

/** How many Ansible runs a worker runs at once (lib/worker-slots.ts); a bad KATONIC_ANSIBLE_SLOTS stops the command, exit 2, naming it. */
export function ansibleSlotsSetting(): number {
  try {
    return ansibleSlots();
  } catch (err) {
    throw new CliError((err as Error).message, 2);
  }
}

/** The install queue a worker polls (and its Ansible queue); one named like an Ansible queue stops the command, exit 2. */
export function installQueueSetting(): string {
  const queue = taskQueue();
  // The durations book is found from the queue an activity ran on (lib/temporal/task-queues.ts).
  if (queue.endsWith(ANSIBLE_QUEUE_SUFFIX))
    throw new CliError(
      `${TASK_QUEUE_ENV} ${queue}: expected a name not ending in ${ANSIBLE_QUEUE_SUFFIX} (a worker's Ansible runs take ${ansibleTaskQueue('<queue>')})`,
      2,
    );
  return queue;
}

/** The probes, if asked for; up before the connection, so that a slow start-up is "not ready", not "dead". */
async function startProbes(worker: () => InstallWorkers | undefined, connection: () => NativeConnection | undefined): Promise<HealthServer | undefined> {
  const address = healthAddress();
  if (!address) return undefined;
  checkAddress(address, HEALTH_ADDRESS_ENV);
  const pingServer = async () => {
    const c = connection();
    if (!c) throw new Error('not connected');
    await c.withDeadline(Date.now() + SERVER_PING_MS, () => c.workflowService.getSystemInfo({}));
  };
  try {
    return await startHealthServer(address, { state: () => worker()?.getState(), pingServer });
  } catch (err) {
    throw new CliError(`${HEALTH_ADDRESS_ENV} ${address}: cannot listen (${(err as Error).message})`, 2);
  }
}

export async function workerCommand(flags: ConnectionFlags): Promise<void> {
  const settings = loadConnection(flags);
  // A bad KATONIC_SSH_TIMEOUT stops the worker here, not each SSH playbook run it would take.
  let version: ReturnType<typeof workerVersionFromEnv>;
  try {
    sshTimeoutSeconds();
    version = workerVersionFromEnv();
  } catch (err) {
    throw new CliError((err as Error).message, 2);
  }
  const slots = ansibleSlotsSetting();
  const queue = installQueueSetting();
  const keyRing = await loadKeyRing();
  checkAddress(metricsAddress(), METRICS_ADDRESS_ENV);
  const webUi = webUiUrlProblem();
  if (webUi) throw new CliError(webUi, 2);
  try {
    installTelemetry({ metricsAddress: metricsAddress(), logLevel: logLevel('INFO') });
  } catch (err) {
    // Two workers on one machine both on the default port, most often.
    throw new CliError(
      `${METRICS_ADDRESS_ENV} ${metricsAddress()}: cannot serve metrics (${(err as Error).message.replace(/^Failed to start prometheus metrics exporter: /, '')}); give each worker on a machine its own address`,
      2,
    );
  }
  let connection: NativeConnection | undefined;
  let worker: InstallWorkers | undefined;
  const probes = await startProbes(
    () => worker,
    () => connection,
  );
  try {
    connection = await connectWorker(settings);
    worker = await createInstallWorkers({
      connection,
      namespace: settings.namespace,
      taskQueue: queue,
      dataDir: dataDir(),
      keyRing,
      version,
      ansibleSlots: slots,
    });
    workerLog(
      `Worker on ${describeConnection(settings)}, namespace ${settings.namespace}, task queue ${queue} (Ansible runs on ${ansibleTaskQueue(queue)}, ${slots} at once)${version ? `, deployment ${version.deploymentName} build ${version.buildId}` : ''}, data in ${dataDir()}, metrics on http://${metricsAddress()}/metrics${probes ? `, probes on ${probes.url}${LIVE_PATH} and ${READY_PATH}` : ''}`,
      {
        taskQueue: queue,
        ansibleSlots: slots,
        dataDir: dataDir(),
        ...(version && { deploymentName: version.deploymentName, buildId: version.buildId }),
      },
    );
    // The SDK shuts both Workers down on SIGINT/SIGTERM; run() resolves when both have drained.
    await worker.run();
  } finally {
    await probes?.close();
  }
}
