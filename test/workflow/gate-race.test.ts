// An approve racing its gate's timeout, on the dev server in real time: the test server cannot
// run this race (see startTimeSkipping's realTime). Scripted activities.
import { approve, ending, start } from '../support/install-actions.js';
import { startTimeSkipping, type TimeSkipping } from '../support/time-skipping.js';
import { onpremSpec } from '../support/workflow-specs.js';

let t: TimeSkipping;
beforeAll(async () => {
  t = await startTimeSkipping({ realTime: true });
  await t.startWorker();
});
afterAll(() => t?.close());

const INSTALLS = 50;

describe('an approve racing the gate timeout (dev server, real time, scripted activities)', () => {
  // The approve is an Update: the workflow answers whether it passed the gate (before this, a
  // signal reported as done once sent was taken after the timeout in 8-21 installs of 50).
  it('approve sent at the timeout (50 installs): never reported approved when the run timed out, never cancelled when reported approved', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: INSTALLS }, async (_, i) => {
        const id = await start(
          t.client,
          onpremSpec(`gate-race-${i}`, (spec) => {
            spec.spec.approvals = ['before-preflight'];
            spec.spec.approvalTimeout = '1s';
          }),
        );
        await t.waitForStatus(id, (s) => s.state === 'waiting-for-approval', '20ms');
        // Spread around the moment the gate times out, seen from here.
        await t.env.sleep(500 + (i % 10) * 70);
        return { id, approved: (await approve(t.client, id)).done };
      }),
    );
    for (const o of outcomes) {
      const ended = (await ending(t.client, o.id)).state;
      expect({ ...o, ended }).toEqual({ ...o, ended: o.approved ? 'completed' : 'cancelled' });
    }
  });
});
