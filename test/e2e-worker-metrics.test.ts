// The worker's telemetry on a real install: its Prometheus endpoint (the SDK's runtime metrics
// and the product's own, with the install's labels), scraped while the install runs and after;
// its log lines are JSON with the install id, phase and attempt.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { singleNode, startHarness, type Harness, type WorkerProcess } from './support/e2e-harness.js';

let h: Harness;
let worker: WorkerProcess;
beforeAll(async () => {
  h = await startHarness('metrics');
  worker = await h.startWorker();
});
afterAll(() => h?.close());

const scrape = async () => (await fetch(worker.metricsUrl)).text();
/** The samples of a metric whose labels include all of `labels`. */
const samples = (text: string, name: string, labels: Record<string, string>) =>
  text.split('\n').filter((line) => line.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)));
const value = (line: string) => Number(line.split(' ').at(-1));

describe('worker metrics and logs (real dev server, stand-in Kubespray and Katonic role)', () => {
  it('serves the SDK and the product metrics with the install labels during and after an install; logs JSON lines', async () => {
    const file = await h.writeSpec('measured', (spec) => {
      singleNode(spec);
      // Kubespray's events scraped while it runs; the Katonic role's steps need no time.
      spec.spec.extraVars = { standin_delay_seconds: { kubespray: 1 } };
    });
    expect((await h.cli('start', file)).exitCode).toBe(0);
    const install = 'install-measured';
    await h.waitFor('measured', (s) => s.phase === 'kubespray' && s.phases.some((p) => p.name === 'kubespray' && p.state === 'running'));
    // During the install: it is running, and Kubespray's events are being counted.
    let during = '';
    for (let i = 0; i < 30; i++) {
      during = await scrape();
      if (samples(during, 'katonic_ansible_events_total', { install, phase: 'kubespray' }).length) break;
      await sleep(1000);
    }
    expect(samples(during, 'katonic_install_state', { install, state: 'running' }).map(value)).toEqual([1]);
    expect(samples(during, 'katonic_ansible_events_total', { install, phase: 'kubespray' }).map(value)[0]).toBeGreaterThan(0);
    // The SDK's own runtime metrics on the same endpoint.
    expect(during).toMatch(/^temporal_worker_task_slots_available\{/m);
    expect(during).toMatch(/^temporal_activity_execution_latency_bucket\{/m);

    await h.waitFor('measured', (s) => s.state === 'completed');
    let after = '';
    for (let i = 0; i < 10; i++) {
      after = await scrape();
      if (samples(after, 'katonic_install_state', { install, state: 'completed' }).some((l) => value(l) === 1)) break;
      await sleep(1000);
    }
    expect(samples(after, 'katonic_install_state', { install, state: 'completed' }).map(value)).toEqual([1]);
    expect(samples(after, 'katonic_install_state', { install, state: 'running' }).map(value)).toEqual([0]);
    for (const phase of ['preflight', 'inventory', 'kubespray', 'storage', 'katonic', 'verify']) {
      expect([phase, samples(after, 'katonic_phase_duration_seconds_count', { install, phase, outcome: 'completed' }).map(value)]).toEqual([phase, [1]]);
    }
    expect(samples(after, 'katonic_ansible_events_total', { install, phase: 'katonic' }).map(value)[0]).toBeGreaterThan(0);

    // Logs: JSON lines; the workflow's and the activities' lines name the install, phase and attempt.
    const lines = (await readFile(join(h.dataDir, 'worker-1.log'), 'utf8')).split('\n').filter(Boolean);
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.find((r) => r.msg === 'phase completed' && r.phase === 'kubespray')).toMatchObject({ installId: install, attempt: 1, level: 'info' });
    expect(records.find((r) => r.msg === 'ansible-playbook started' && r.phase === 'katonic')).toMatchObject({
      installId: install,
      attempt: 1,
      activity: 'runKatonicRole',
    });
  });
});
