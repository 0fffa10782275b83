// Where an install's activities wait for a worker's slot: the steps that run Ansible on the
// install queue's Ansible queue (a worker's few Ansible slots), every other activity on the
// install queue (patch ansible-queue); a run started before the patch keeps them all on the
// install queue. Read from the task queues the server recorded in the history. The time-skipping
// test server, scripted activities.
import type { temporal } from '@temporalio/proto';
import { planOf, type Flow } from '../../lib/plan/phases.js';
import { ansibleTaskQueue } from '../../lib/temporal/task-queues.js';
import { PATCHES } from '../../workflows/install.js';
import { ending, start } from '../support/install-actions.js';
import { startTimeSkipping, type TimeSkipping, type TestWorker } from '../support/time-skipping.js';
import { aksSpec, onpremSpec } from '../support/workflow-specs.js';

let t: TimeSkipping;
let worker: TestWorker | undefined;
beforeAll(async () => {
  t = await startTimeSkipping();
});
afterEach(() => worker?.stop());
afterAll(() => t?.close());

/** Each scheduled activity as `<activity> <task queue>` in order (the install queue written "install", its Ansible queue "ansible"), and the patches the run took. */
async function scheduled(id: string) {
  const events = (await t.client.workflow.getHandle(id).fetchHistory()).events ?? [];
  const installQueue = events[0]!.workflowExecutionStartedEventAttributes!.taskQueue!.name!;
  const queueOf = (a: temporal.api.history.v1.IActivityTaskScheduledEventAttributes) =>
    a.taskQueue?.name === installQueue ? 'install' : a.taskQueue?.name === ansibleTaskQueue(installQueue) ? 'ansible' : a.taskQueue?.name;
  return {
    activities: events.flatMap((e) =>
      e.activityTaskScheduledEventAttributes
        ? [`${e.activityTaskScheduledEventAttributes.activityType?.name} ${queueOf(e.activityTaskScheduledEventAttributes)}`]
        : [],
    ),
    patches: events.flatMap((e) =>
      e.markerRecordedEventAttributes?.markerName === 'core_patch'
        ? [(JSON.parse(Buffer.from(e.markerRecordedEventAttributes.details!['patch-data']!.payloads![0]!.data!).toString()) as { id: string }).id]
        : [],
    ),
  };
}

/** What the plan says: each step of the flow on the queue its `runsAnsible` calls for. */
const planned = (flow: Flow, queue: (runsAnsible: boolean) => string) =>
  planOf(flow).flatMap((phase) => phase.steps.map((step) => `${step.activity} ${queue(step.runsAnsible)}`));
/** The bookkeeping around the steps: the durations book read first, written last. */
const withBookkeeping = (steps: string[]) => ['expectedPhases install', ...steps, 'recordPhaseDurations install'];

describe('the Ansible queue (time-skipping server, scripted activities)', () => {
  it('a new run schedules the steps that run Ansible on the Ansible queue, every other activity on the install queue', async () => {
    // No cache: the next test's worker answers the durations book's queries at once, not after the sticky queue's timeout.
    worker = await t.startWorker({ cache: false });
    for (const [flow, spec] of [
      ['onprem', onpremSpec('queues-onprem')],
      ['aks', aksSpec('queues-aks')],
    ] as const) {
      const id = await start(t.client, spec);
      expect((await ending(t.client, id)).state).toBe('completed');
      const { activities, patches } = await scheduled(id);
      expect(patches).toContain(PATCHES.ansibleQueue);
      // The install's own activity after its steps: it hands the cluster to its entity.
      expect(activities.filter((a) => a !== 'adoptIntoCluster install')).toEqual(
        withBookkeeping(planned(flow, (ansible) => (ansible ? 'ansible' : 'install'))),
      );
    }
    // The plan's say, spelled out for the on-prem flow: the four playbook steps.
    expect(planned('onprem', (ansible) => (ansible ? 'ansible' : 'install'))).toEqual([
      'preflight ansible',
      'writeInventory install',
      'runKubespray ansible',
      'prepareStorageNodes ansible',
      'applyStorageClasses install',
      'runKatonicRole ansible',
      'verifyCluster install',
    ]);
  });

  it('a run started before the patch keeps its Ansible steps on the install queue, to its end', async () => {
    worker = await t.startWorker({ withoutPatch: PATCHES.ansibleQueue });
    const id = await start(t.client, onpremSpec('queues-before'));
    expect((await ending(t.client, id)).state).toBe('completed');
    const { activities, patches } = await scheduled(id);
    expect(activities.filter((a) => a !== 'adoptIntoCluster install')).toEqual(withBookkeeping(planned('onprem', () => 'install')));
    // The other patches, not this one: its marker is absent, as in a history recorded before it.
    expect(patches).toContain(PATCHES.eta);
    expect(patches).not.toContain(PATCHES.ansibleQueue);
  });
});
