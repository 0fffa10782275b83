// Cancelling an install while each phase of each flow runs: the running activity is told, the
// run ends Cancelled, and the status says where it stopped. The time-skipping test server,
// scripted activities.
import { planOf } from '../../lib/plan/phases.js';
import { hang } from '../support/fake-activities.js';
import { cancel, ending, start, status } from '../support/install-actions.js';
import { startTimeSkipping, type TimeSkipping } from '../support/time-skipping.js';
import { aksSpec, onpremSpec } from '../support/workflow-specs.js';

let t: TimeSkipping;
beforeAll(async () => {
  t = await startTimeSkipping();
  await t.startWorker();
});
afterAll(() => t?.close());

const SPECS = { onprem: onpremSpec, aks: aksSpec };
type TestedFlow = keyof typeof SPECS;
const cases = (['onprem', 'aks'] as const).flatMap((flow: TestedFlow) =>
  planOf(flow).map((phase, index) => ({ flow, phase: phase.name, index, activity: phase.steps[0]!.activity })),
);

/** Starts `name` with `activity` hanging, cancels it once the activity runs, and waits for the end. */
async function cancelDuring(name: string, flow: TestedFlow, activity: (typeof cases)[number]['activity']) {
  t.fakes.script(name, { [activity]: [hang] });
  const id = await start(t.client, SPECS[flow](name));
  await t.fakes.hanging(name, activity);
  expect((await cancel(t.client, id, 'test: stop here')).done).toBe(true);
  const seen = await t.fakes.sawCancellation(name, activity);
  return { id, seen, end: await ending(t.client, id), status: await status(t.client, id) };
}

describe('cancel during a phase (time-skipping server, scripted activities)', () => {
  it.each(cases)(
    'cancel during the $flow $phase phase: its activity sees the cancellation, the run ends Cancelled, the phases after it never run',
    async ({ flow, phase, index, activity }) => {
      const name = `cancel-${flow}-${phase}`;
      const { seen, end, status: s } = await cancelDuring(name, flow, activity);
      expect(seen.cancelled).toBe('CANCELLED');
      expect(end.state).toBe('cancelled');
      expect(s.state).toBe('cancelled');
      expect(s.phase).toBe(phase);
      const stopped = s.phases[index]!;
      expect(stopped.runs?.at(-1)?.outcome).toBe('cancelled');
      expect(s.phases.slice(0, index).every((p) => p.state === 'completed')).toBe(true);
      expect(s.phases.slice(index + 1).every((p) => p.state === 'pending')).toBe(true);
      expect(s.operatorActions).toMatchObject([{ action: 'abort', phase, reason: 'test: stop here' }]);
      expect(t.fakes.activitiesRun(name).at(-1)).toBe(activity);
    },
  );

  it('a phase cancelled while it runs is recorded in the phase state cancelled, not failed', async () => {
    const { status: s } = await cancelDuring('cancel-phase-state', 'onprem', 'runKubespray');
    expect(s.phases.find((p) => p.name === 'kubespray')?.state).toBe('cancelled');
  });
});
