// Recorded histories of real installs, one per path the workflow has (test/histories/, written
// by `npm run record-histories`: test/record/histories.record.ts), replayed through the current
// workflow code: a change that breaks determinism fails here. Shown on the same histories: a
// deliberate non-deterministic change (a timer before each activity) fails, and the same change
// behind patched() replays every old history and is taken by a new run.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { tsToMs } from '@temporalio/common/lib/time.js';
import { createActivities } from '../activities/index.js';
import { AesGcmCodec } from '../lib/codec/aes-gcm-codec.js';
import { FAILURE_CONVERTER_PATH } from '../lib/codec/data-converter.js';
import { parseKeyRing, type KeyRing } from '../lib/codec/key-ring.js';
import { loadKeyRing, devKeyRingFile } from '../client/codec-keys.js';
import { createWorkers, installWorkerOptions } from '../worker/create-worker.js';
import { WORKFLOW_BUNDLE, WORKFLOWS_PATH } from '../worker/paths.js';
import { PATCH_ID } from './fixtures/workflow-changes/patched-timer.js';
import { startHarness } from './support/e2e-harness.js';
import { REPO_ROOT } from './support/repo.js';

const DIR = join(REPO_ROOT, 'test', 'histories');
const CHANGES = join(REPO_ROOT, 'dist', 'test', 'fixtures', 'workflow-changes');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
const ring = parseKeyRing(readFileSync(join(DIR, 'codec-keys'), 'utf8'), 'test/histories/codec-keys');
const PATHS = [
  'onprem-completed',
  'failed-phase-operator-retry',
  'retry-failed-hosts',
  'approval-approved',
  'approval-timed-out',
  'cancelled',
  'resumed',
  'ticket-comments',
];

// The codec only: jest cannot require() the failure converter's ES module by path, as a worker
// does; the bundles carry it for the workflow side.
const unsealing = (keys: KeyRing) => ({ payloadCodecs: [new AesGcmCodec(keys)] });
const history = (file: string) => JSON.parse(readFileSync(join(DIR, file), 'utf8'));
/** The recorded run's workflow id: its children's ids are made from it (a ticket comment's, say). */
const workflowIdOf = (h: { events: { workflowExecutionStartedEventAttributes?: { workflowId?: string } }[] }, file: string) =>
  h.events[0]?.workflowExecutionStartedEventAttributes?.workflowId ?? file;
const replay = (workflowBundle: { codePath: string } | WorkflowBundleWithSourceMap, file: string, h = history(file)) =>
  Worker.runReplayHistory({ workflowBundle, dataConverter: unsealing(ring) }, h, workflowIdOf(h, file));

/** The install workflow bundled with a change (a workflow interceptor module from test/fixtures/workflow-changes). */
const bundleWith = (change: string) =>
  bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    failureConverterPath: FAILURE_CONVERTER_PATH,
    workflowInterceptorModules: [join(CHANGES, `${change}.js`)],
    logger: new DefaultLogger('WARN'),
  });

describe('workflow determinism (replay of recorded histories)', () => {
  it('has a recorded history of every path', () => {
    expect(files.map((f) => f.replace(/\.json$/, '')).sort()).toEqual([...PATHS].sort());
  });

  it.each(files)('%s replays without a nondeterminism error', async (file) => {
    await expect(replay({ codePath: WORKFLOW_BUNDLE }, file)).resolves.toBeUndefined();
  });

  it('a non-deterministic change (a timer before each activity, without patched()) fails every history', async () => {
    const bundle = await bundleWith('unpatched-timer');
    for (const file of files) await expect(replay(bundle, file)).rejects.toBeInstanceOf(DeterminismViolationError);
  }, 300_000);

  it('the same change behind patched() replays every history, and a new run takes it', async () => {
    const bundle = await bundleWith('patched-timer');
    for (const file of files) await expect(replay(bundle, file)).resolves.toBeUndefined();

    // A new run on a worker with the patched code: preflight (one activity), then a gate that times out.
    const h = await startHarness('patched');
    const keyRing = await loadKeyRing(`file:${devKeyRingFile(h.dataDir)}`);
    const connection = await NativeConnection.connect({ address: h.env.TEMPORAL_ADDRESS });
    // The install queue's worker and the Ansible queue's, as a worker process has them (worker/create-worker.ts).
    const base = {
      connection,
      taskQueue: h.env.KATONIC_TASK_QUEUE!,
      workflowBundle: bundle,
      dataConverter: unsealing(keyRing),
      activities: createActivities({ dataDir: h.dataDir, keyRing }),
    };
    const workers = await createWorkers(installWorkerOptions(base, 1));
    const running = workers.run();
    try {
      const file = await h.writeSpec('patched-run', (spec) => {
        spec.spec.approvals = ['before-inventory'];
        spec.spec.approvalTimeout = '1s';
      });
      expect((await h.cli('start', file)).exitCode).toBe(0);
      await h.waitFor('patched-run', (s) => s.state === 'cancelled');
      const events = (await h.client.workflow.getHandle('install-patched-run').fetchHistory()).events ?? [];
      // Other patches of the workflow record their markers too: this change's is among them.
      const patchIds = events
        .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')
        .map((e) => (JSON.parse(Buffer.from(e.markerRecordedEventAttributes!.details!['patch-data']!.payloads![0]!.data!).toString()) as { id: string }).id);
      expect(patchIds).toContain(PATCH_ID);
      // The approval gate's timeout is a timer too (1 s): the patched code's is the 1 ms one,
      // started before each activity and nowhere else (no recorded history has a 1 ms timer).
      const steps = events.flatMap((e) =>
        e.timerStartedEventAttributes && tsToMs(e.timerStartedEventAttributes.startToFireTimeout) === 1
          ? ['patch timer']
          : e.activityTaskScheduledEventAttributes
            ? [`activity ${e.activityTaskScheduledEventAttributes.activityType?.name}`]
            : [],
      );
      const activities = steps.filter((step) => step !== 'patch timer');
      expect(activities.length).toBeGreaterThan(0);
      expect(steps).toEqual(activities.flatMap((activity) => ['patch timer', activity]));
    } finally {
      workers.shutdown();
      await running;
      await connection.close();
      await h.close();
    }
  }, 300_000);
});
