// The workers of an install task queue, in one process: one for the workflows and every light
// activity, and one for the Ansible steps on their own queue (lib/temporal/task-queues.ts), each
// with its own activity slots (lib/worker-slots.ts), the bundled workflows and the activities
// bound to this machine's data directory, sealing every payload with the codec's keys.
//
// Why a task queue each and not the SDK's slot suppliers (`tuner`): a slot is reserved before the
// worker polls, so no supplier can tell whether the task it will get runs Ansible (a custom one
// learns the activity type only in markSlotUsed, once the slot is taken); and the resource-based
// one hands slots out by the CPU and memory in use, which Ansible runs use up: a light activity
// would wait behind them all the same. With a queue each, a light activity never waits for a slot
// an Ansible run holds.
import type { WorkerDeploymentVersion } from '@temporalio/common';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { sealingWorkerDataConverter } from '../lib/codec/data-converter.js';
import type { KeyRing } from '../lib/codec/key-ring.js';
import { ansibleTaskQueue } from '../lib/temporal/task-queues.js';
import { LIGHT_SLOTS } from '../lib/worker-slots.js';
import { workerDeploymentOptions } from './deployment-options.js';
import { WORKFLOW_BUNDLE } from './paths.js';

export interface WorkerSettings {
  /** Connected as the connection profile says (client/connection-profile.ts): address, TLS, API key. */
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  dataDir: string;
  /** The codec's keys (client/codec-keys.ts), the same as every client's: they seal every payload. */
  keyRing: KeyRing;
  /** Its Worker Deployment Version (worker/deployment-options.ts); undefined: unversioned. */
  version?: WorkerDeploymentVersion | undefined;
  /** How many Ansible runs at once (lib/worker-slots.ts ansibleSlots()). */
  ansibleSlots: number;
  /** Runs the workflows and their local activities only, polling no activity task: an install is started and waits at its first phase (the benchmarks' worker). */
  localActivitiesOnly?: boolean;
}

export interface InstallWorkerOptions {
  /** The install queue: the workflows, and every activity that runs no Ansible. */
  install: WorkerOptions;
  /** The Ansible queue: the steps that run Ansible (lib/plan/phases.ts runsAnsible), no workflows. */
  ansible: WorkerOptions;
}

/**
 * The two Workers' options, from one base (its task queue the install queue). Both register every
 * activity: a run started before the Ansible queue (patch ansible-queue) schedules its Ansible
 * steps on the install queue, where they take light slots.
 */
export function installWorkerOptions(base: WorkerOptions, ansibleSlots: number): InstallWorkerOptions {
  return {
    install: { ...base, maxConcurrentActivityTaskExecutions: LIGHT_SLOTS },
    ansible: {
      ...base,
      taskQueue: ansibleTaskQueue(base.taskQueue),
      // Activities only: the workflows are the install queue's.
      workflowBundle: undefined,
      workflowsPath: undefined,
      maxConcurrentActivityTaskExecutions: ansibleSlots,
    },
  };
}

/** The two Workers of one install queue, run, watched and stopped as one. */
export interface InstallWorkers {
  /** RUNNING while both are; else the state of the first that is not. */
  getState(): ReturnType<Worker['getState']>;
  /** Both polling until both have drained (the SDK shuts every Worker down on SIGINT/SIGTERM); one that fails stops the other. */
  run(): Promise<void>;
  shutdown(): void;
}

export async function createWorkers(options: { install: WorkerOptions; ansible?: WorkerOptions }): Promise<InstallWorkers> {
  const workers = await Promise.all([options.install, options.ansible].flatMap((o) => (o ? [Worker.create(o)] : [])));
  const shutdown = () => {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
  };
  return {
    getState: () => workers.map((w) => w.getState()).find((state) => state !== 'RUNNING') ?? 'RUNNING',
    shutdown,
    async run() {
      const runs = workers.map((w) => w.run());
      try {
        await Promise.all(runs);
      } finally {
        shutdown();
        await Promise.allSettled(runs);
      }
    },
  };
}

/** The process's telemetry (worker/telemetry.ts) is installed before the connection is made. */
export async function createInstallWorkers(settings: WorkerSettings): Promise<InstallWorkers> {
  const base: WorkerOptions = {
    connection: settings.connection,
    namespace: settings.namespace,
    taskQueue: settings.taskQueue,
    // Both Workers declare it: the Ansible queue is a queue of the same version.
    workerDeploymentOptions: workerDeploymentOptions(settings.version),
    // The bundle was built with the same failure converter (worker/bundle-workflows.ts).
    workflowBundle: { codePath: WORKFLOW_BUNDLE },
    dataConverter: sealingWorkerDataConverter(settings.keyRing),
    activities: createActivities({ dataDir: settings.dataDir, keyRing: settings.keyRing }),
    // Cancellations reach an activity with the answer to its heartbeat: sending one at least
    // every 2 s (instead of 80% of the heartbeat timeout) stops a cancelled Ansible promptly.
    maxHeartbeatThrottleInterval: '2s',
  };
  const options = installWorkerOptions(base, settings.ansibleSlots);
  // The benchmarks' worker polls no activity task, so no Ansible queue either.
  return createWorkers(settings.localActivitiesOnly ? { install: { ...options.install, enableNonLocalActivities: false } } : options);
}
