// What a time-skipping workflow test file runs against: its own Temporal test server (the
// native time-skipping server from .venv, not downloaded), a client with the installer's data
// converter and a test key, and a worker on a task queue of its own running the real workflow
// bundle with scripted activities (fake-activities.ts). Timers and retry backoff are skipped,
// so an install that takes hours takes milliseconds.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import type { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type WorkerOptions } from '@temporalio/worker';
import { InstallApiError } from '../../client/api/errors.js';
import { installStatus } from '../../client/api/installs.js';
import { AesGcmCodec } from '../../lib/codec/aes-gcm-codec.js';
import { sealingClientDataConverter } from '../../lib/codec/data-converter.js';
import { newKeyLine, parseKeyRing } from '../../lib/codec/key-ring.js';
import type { InstallStatus } from '../../lib/install/status.js';
import { localTools, REPO_ROOT, TASK_QUEUE_ENV } from '../../lib/local-tools.js';
import { LIGHT_SLOTS } from '../../lib/worker-slots.js';
import { createWorkers, installWorkerOptions } from '../../worker/create-worker.js';
import { WORKFLOW_BUNDLE } from '../../worker/paths.js';
import { FakeActivities } from './fake-activities.js';
import { CLI } from './repo.js';

export const TEST_SERVER = join(REPO_ROOT, '.venv', 'bin', 'temporal-test-server');

/** The scripted activities run no Ansible: a test's hung ones never wait for one another's slot (the SDK's default, as for the light ones). */
const ANSIBLE_SLOTS = LIGHT_SLOTS;
/** How many status polls `waitForStatus` makes before it gives up (each skips `step` of server time). */
const MAX_POLLS = 200;

export interface TestWorker {
  stop(): Promise<void>;
}

export interface TimeSkipping {
  env: TestWorkflowEnvironment;
  /** The environment's client: awaiting a result through it skips time. */
  client: Client;
  fakes: FakeActivities;
  /**
   * `cache: false`: a worker that replays each install's history at every task; `withoutPatch`:
   * one whose new runs do not take that patch (workflows/install.ts PATCHES), as runs started
   * before it was made.
   */
  startWorker(opts?: { cache?: boolean; withoutPatch?: string }): Promise<TestWorker>;
  /** Polls the install's status until `until` holds, skipping `step` of server time between polls. */
  waitForStatus(id: string, until: (s: InstallStatus) => boolean, step?: string): Promise<InstallStatus>;
  /** The real CLI (`node dist/client/cli.js`) against this server, with the test's key ring. */
  cli(...args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  close(): Promise<void>;
}

/**
 * `realTime`: the dev server instead (the same interface, time not skipped), for a race the
 * test server cannot run: it refuses the workflow task that cancels a timer as the timer
 * fires ("invalid history builder state for action"), and that run never ends.
 */
export async function startTimeSkipping({ realTime = false } = {}): Promise<TimeSkipping> {
  // The SDK's info lines (each phase started and ended) would bury the test's own output.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const keyLine = newKeyLine();
  const ring = parseKeyRing(keyLine, 'a test key');
  // startInstall starts on taskQueue(), which reads this variable.
  const taskQueue = `katonic-timeskip-${randomUUID()}`;
  process.env[TASK_QUEUE_ENV] = taskQueue;
  const client = { dataConverter: sealingClientDataConverter(ring) };
  const env = realTime
    ? await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: localTools.temporal() } }, client })
    : await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: TEST_SERVER } }, client });
  const fakes = new FakeActivities(async (workflowId, runId) => {
    await env.client.workflow.getHandle(workflowId, runId).cancel();
  });
  const workers: TestWorker[] = [];
  let keyFile: string | undefined;

  return {
    env,
    client: env.client,
    fakes,
    async startWorker({ cache = true, withoutPatch } = {}) {
      // The install queue's and the Ansible queue's, as a worker process has them (worker/create-worker.ts).
      const base: WorkerOptions = {
        connection: env.nativeConnection,
        taskQueue,
        workflowBundle: { codePath: WORKFLOW_BUNDLE },
        // The codec only: jest cannot load the failure converter by path as a worker does
        // (test/replay.test.ts); the bundle carries it for the workflow side.
        dataConverter: { payloadCodecs: [new AesGcmCodec(ring)] },
        activities: fakes.activities(),
        ...(cache ? {} : { maxCachedWorkflows: 0 }),
        ...(withoutPatch ? { patchActivationCallback: ({ patchId }) => patchId !== withoutPatch } : {}),
        // A cancellation reaches an activity with the answer to its heartbeat: answer at once.
        defaultHeartbeatThrottleInterval: '20ms',
        maxHeartbeatThrottleInterval: '20ms',
      };
      const pair = await createWorkers(installWorkerOptions(base, ANSIBLE_SLOTS));
      const running = pair.run();
      const handle = {
        async stop() {
          pair.shutdown();
          await running;
        },
      };
      workers.push(handle);
      return handle;
    },
    async waitForStatus(id, until, step = '1s') {
      let last: InstallStatus | undefined;
      for (let poll = 0; poll < MAX_POLLS; poll++) {
        // Not yet answerable (no workflow task done, nothing published): the install is starting.
        last = await installStatus(env.client, id).catch((err: unknown) => {
          if (err instanceof InstallApiError && err.kind === 'failed') return undefined;
          throw err;
        });
        if (last && until(last)) return last;
        await env.sleep(step);
      }
      throw new Error(`${id} did not reach the expected status in ${MAX_POLLS} polls; last: ${JSON.stringify(last)}`);
    },
    async cli(...args) {
      // The key ring as the CLI reads one: a reference to a 0600 file, here in the run's temporary directory.
      keyFile ??= await mkdtemp(join(tmpdir(), 'katonic-timeskip-')).then(async (dir) => {
        const file = join(dir, 'codec-keys');
        await writeFile(file, `${keyLine}\n`, { mode: 0o600 });
        return file;
      });
      const r = await execa('node', [CLI, ...args, '--address', env.address], {
        reject: false,
        stdin: 'ignore',
        env: { KATONIC_CODEC_KEYS: `file:${keyFile}`, [TASK_QUEUE_ENV]: taskQueue },
      });
      return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout).trim(), stderr: String(r.stderr).trim() };
    },
    async close() {
      for (const w of workers) await w.stop();
      await env.teardown();
      if (keyFile) await rm(dirname(keyFile), { recursive: true, force: true });
    },
  };
}
