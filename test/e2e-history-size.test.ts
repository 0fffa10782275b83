// Progress lives in heartbeats, not in the workflow history: a Kubespray-sized run of
// 20,000 Ansible task events leaves a history of a few dozen events.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startHarness, type Harness } from './support/e2e-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('history');
  await h.startWorker();
});
afterAll(() => h?.close());

const TARGET_EVENTS = 20_000;
// Each repeat of the stand-in's image download is a task_start and a runner_ok on the one node.
const REPEATS = TARGET_EVENTS / 2;

describe('bounded history (real dev server, real ansible-playbook, stand-in Kubernetes API over local HTTPS)', () => {
  it(`a ${TARGET_EVENTS}-event stand-in run keeps the history under 1,000 events and 1 MB`, async () => {
    const file = await h.writeSpec('big-run', (spec) => {
      spec.spec.onprem!.nodes = [{ name: 'node-1', address: '127.0.0.21', roles: ['control-plane', 'etcd', 'worker'] }];
      spec.spec.extraVars = { standin_repeat: REPEATS };
    });
    expect((await h.cli('start', file)).exitCode).toBe(0);
    const done = await h.waitFor('big-run', (s) => s.state === 'completed', 900_000);
    expect(done.state).toBe('completed');

    const stream = await readFile(join(h.dataDir, 'runs', 'big-run', 'kubespray', 'events-attempt-1.jsonl'), 'utf8');
    const ansibleEvents = stream.split('\n').filter(Boolean).length;
    const history = await h.client.workflow.getHandle('install-big-run').fetchHistory();
    const historyEvents = history.events?.length ?? 0;
    const historyBytes = Buffer.byteLength(JSON.stringify(history));
    console.log(`bounded history: ${ansibleEvents} Ansible events in the kubespray phase -> ${historyEvents} history events, ${historyBytes} bytes`);
    expect(ansibleEvents).toBeGreaterThanOrEqual(TARGET_EVENTS);
    expect(historyEvents).toBeLessThan(1000);
    expect(historyBytes).toBeLessThan(1024 * 1024);
  }, 1_000_000);
});
