// Progress lives in heartbeats, not in the workflow history: the history of an install whose
// kubespray phase makes over a thousand Ansible events is as long as one whose phase makes a few.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { singleNode, startHarness, type Harness } from './support/e2e-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('history');
  await h.startWorker();
});
afterAll(() => h?.close());

// Each repeat of the stand-in's image download is a task_start and a runner_ok on the one node.
const BIG_REPEATS = 500;

async function installWithRepeats(name: string, repeats: number): Promise<{ ansibleEvents: number; historyEvents: number; historyBytes: number }> {
  const file = await h.writeSpec(name, (spec) => {
    singleNode(spec);
    spec.spec.extraVars = { standin_repeat: repeats };
  });
  expect((await h.cli('start', file)).exitCode).toBe(0);
  const done = await h.waitFor(name, (s) => s.state !== 'running', 600_000);
  expect([done.state, done.error]).toEqual(['completed', undefined]);
  const stream = await readFile(join(h.dataDir, 'runs', name, 'kubespray', 'events-attempt-1.jsonl'), 'utf8');
  const history = await h.client.workflow.getHandle(`install-${name}`).fetchHistory();
  return {
    ansibleEvents: stream.split('\n').filter(Boolean).length,
    historyEvents: history.events?.length ?? 0,
    historyBytes: Buffer.byteLength(JSON.stringify(history)),
  };
}

describe('bounded history (real dev server and kube-apiserver, stand-in Kubespray and Katonic role)', () => {
  it('an install whose kubespray phase makes over a thousand Ansible events has the same history as one that makes a few', async () => {
    const [small, big] = await Promise.all([installWithRepeats('small-run', 1), installWithRepeats('big-run', BIG_REPEATS)]);
    console.log(
      `bounded history: ${small.ansibleEvents} Ansible events -> ${small.historyEvents} history events, ${small.historyBytes} bytes; ${big.ansibleEvents} Ansible events -> ${big.historyEvents} history events, ${big.historyBytes} bytes`,
    );
    expect(big.ansibleEvents).toBeGreaterThanOrEqual(2 * BIG_REPEATS);
    // The same events; a workflow task that times out on a starved machine adds a few.
    expect(big.historyEvents).toBeLessThanOrEqual(small.historyEvents + 3);
    expect(big.historyEvents).toBeLessThan(100);
    // Only the numbers in the phase's result (host and task counts) grow by a few digits.
    expect(big.historyBytes - small.historyBytes).toBeLessThan(2048);
  }, 700_000);
});
