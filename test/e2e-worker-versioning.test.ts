// Worker Versioning (docs/production.md, "Rolling out a new worker build"): an install waits at
// its approval gate on build A; build B's workers start beside A's and are made current; A reads
// Drained (no pinned workflow left on it: the install is AUTO_UPGRADE) and is stopped; the
// approval then runs on B, which replays what A recorded. On the shared production-shaped cluster
// (four service processes, PostgreSQL, mTLS; the procedure's commands are the `temporal` CLI's,
// connected by the cluster's profile).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { devKeyRingFile, loadKeyRing } from '../client/codec-keys.js';
import { AesGcmCodec } from '../lib/codec/aes-gcm-codec.js';
import { WORKER_DEPLOYMENT_ENV, BUILD_ID_ENV } from '../lib/temporal/worker-version.js';
import { WORKFLOW_BUNDLE } from '../worker/paths.js';
import { journalPhases, singleNode, startHarness, type Harness } from './support/e2e-harness.js';
import { describeIfAvailable } from './support/describe-if.js';
import { clusterUnavailable } from './support/services.js';
import { temporalCli } from './support/temporal-cli.js';

const DEPLOYMENT = `katonic-versioning-${process.pid}`;
const A = 'build-a';
const B = 'build-b';
/**
 * The cluster reads Drained within seconds (its dynamic config, client/dev/temporal-cluster/
 * server-config.ts); a server with the defaults takes up to about 6 minutes (its visibility grace
 * period, then its refresh interval).
 */
const DRAINED_WITHIN_MS = 60_000;

const unavailable = clusterUnavailable();
const describeCluster = describeIfAvailable('the Worker Versioning test', unavailable);

let h: Harness;
beforeAll(async () => {
  if (unavailable) return;
  h = await startHarness('versioning', { cluster: true, workerEnv: { [WORKER_DEPLOYMENT_ENV]: DEPLOYMENT } });
});
afterAll(() => h?.close());

const cli = (...args: string[]) => temporalCli(h.env, ...args);
const version = (buildId: string) => ['--deployment-name', DEPLOYMENT, '--build-id', buildId];

/** `set-current-version`, once the server has seen the build's pollers (a worker's first polls register it). */
async function setCurrent(buildId: string): Promise<void> {
  for (let deadline = Date.now() + 30_000; ; await sleep(250)) {
    try {
      await cli('worker', 'deployment', 'set-current-version', ...version(buildId), '--yes');
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
  }
}

/** `describe-version`'s drainage status, draining or drained (the CLI's JSON, as an operator reads it). */
async function drainageStatus(buildId: string): Promise<string | undefined> {
  const out = JSON.parse(await cli('worker', 'deployment', 'describe-version', ...version(buildId), '--output', 'json')) as {
    drainageInfo?: { drainageStatus?: string };
  };
  return out.drainageInfo?.drainageStatus;
}

async function journalIn(dataDir: string, name: string): Promise<string[]> {
  const text = await readFile(join(dataDir, 'runs', name, 'journal.log'), 'utf8').catch(() => '');
  return journalPhases(text.split('\n').filter(Boolean));
}

describeCluster('Worker Versioning (the production-shaped cluster, two builds of one Worker Deployment)', () => {
  it('an install waiting at its gate on build A is approved after B is current and A drained and stopped: B runs the rest', async () => {
    const a = await h.startWorker({ env: { [BUILD_ID_ENV]: A } });
    // A versioned worker gets tasks only once its build is current (or ramping): the first rollout sets it too.
    await setCurrent(A);
    const file = await h.writeSpec('versioned', (spec) => {
      singleNode(spec);
      spec.spec.approvals = ['before-katonic'];
    });
    expect((await h.cli('start', file)).exitCode).toBe(0);
    await h.waitFor('versioned', (s) => s.state === 'waiting-for-approval');

    const bDir = await h.otherDataDir('b');
    await h.startWorker({ dataDir: bDir, env: { [BUILD_ID_ENV]: B } });
    await setCurrent(B);
    const drainedBy = Date.now() + DRAINED_WITHIN_MS;
    let drainage = await drainageStatus(A);
    for (; drainage !== 'drained' && Date.now() < drainedBy; await sleep(500)) drainage = await drainageStatus(A);
    expect(drainage).toBe('drained');
    await a.stop();

    expect((await h.cli('approve', 'install-versioned', '--as', 'ops-lead')).exitCode).toBe(0);
    const done = await h.waitFor('versioned', (s) => s.state === 'completed' || s.state === 'waiting-for-operator');
    expect([done.state, done.error]).toEqual(['completed', undefined]);
    // Kubespray ran on A before the gate, the katonic phase on B after it (their own data directories).
    expect(await journalIn(h.dataDir, 'versioned')).toEqual(['kubespray']);
    expect(await journalIn(bDir, 'versioned')).toEqual(['katonic']);

    // Which build completed each workflow task: A's up to the approval, B's from the task that took it.
    const handle = h.client.workflow.getHandle('install-versioned');
    const history = await handle.fetchHistory();
    const EventType = temporal.api.enums.v1.EventType;
    const events = history.events ?? [];
    const approval = events.findIndex((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
    const tasks = events.flatMap((e, i) => {
      const done = e.workflowTaskCompletedEventAttributes;
      return e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED && done
        ? [{ i, buildId: done.deploymentVersion?.buildId, behavior: done.versioningBehavior }]
        : [];
    });
    // The Update is accepted by the workflow task just before its event: the first of B's.
    const accepting = tasks.findIndex((t) => t.i === approval - 1);
    expect(accepting).toBeGreaterThan(0);
    expect(new Set(tasks.map((t) => t.behavior))).toEqual(new Set([temporal.api.enums.v1.VersioningBehavior.VERSIONING_BEHAVIOR_AUTO_UPGRADE]));
    expect(new Set(tasks.slice(0, accepting).map((t) => t.buildId))).toEqual(new Set([A]));
    expect(new Set(tasks.slice(accepting).map((t) => t.buildId))).toEqual(new Set([B]));
    const info = (await handle.describe()).raw.workflowExecutionInfo?.versioningInfo;
    expect([info?.behavior, info?.deploymentVersion?.buildId]).toEqual([temporal.api.enums.v1.VersioningBehavior.VERSIONING_BEHAVIOR_AUTO_UPGRADE, B]);

    // B's code replays the history A began (here B is the same code under another build id: the
    // recorded histories of test/replay.test.ts are what check old histories against new code).
    const keyRing = await loadKeyRing(`file:${devKeyRingFile(h.dataDir)}`);
    await expect(
      Worker.runReplayHistory(
        { workflowBundle: { codePath: WORKFLOW_BUNDLE }, dataConverter: { payloadCodecs: [new AesGcmCodec(keyRing)] } },
        history,
        'install-versioned',
      ),
    ).resolves.toBeUndefined();
  });
});
