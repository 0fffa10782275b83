// What the server keeps: `kinstall status` and `list` answer with no worker running (from the
// result of a completed install, from the status a running one last published). A cancel
// through Temporal itself is the Web UI test's (its Request Cancellation).
import type { Installation } from '../lib/spec/schema.js';
import { singleNode, startHarness, type Harness, type WorkerProcess } from './support/e2e-harness.js';
import type { InstallStatus } from '../lib/install/status.js';

let h: Harness;
let worker: WorkerProcess | undefined;
beforeAll(async () => {
  h = await startHarness('no-worker');
});
afterAll(() => h?.close());

const gated = (spec: Installation) => {
  singleNode(spec);
  spec.spec.approvals = ['before-kubespray'];
};

describe('status from the server, cancel through Temporal (real dev server, real worker process)', () => {
  it('status and list of a running and of a completed install answer with no worker up, saying live progress is unavailable', async () => {
    worker ??= await h.startWorker();
    expect((await h.cli('start', await h.writeSpec('held', gated))).exitCode).toBe(0);
    expect((await h.cli('start', await h.writeSpec('finished', singleNode))).exitCode).toBe(0);
    await h.waitFor('held', (s) => s.state === 'waiting-for-approval');
    const live = await h.waitFor('finished', (s) => s.state === 'completed');
    await worker.stop();

    const running = await h.cli('status', 'install-held', '--json');
    expect(running.exitCode).toBe(0);
    const held = JSON.parse(running.stdout) as InstallStatus;
    expect(held).toMatchObject({ source: 'server', state: 'waiting-for-approval', phase: 'kubespray', waitingFor: 'before-kubespray', cluster: 'held' });
    expect(held.phases.map((p) => [p.name, p.state])).toEqual([
      ['preflight', 'completed'],
      ['inventory', 'completed'],
      ['kubespray', 'pending'],
      ['storage', 'pending'],
      ['katonic', 'pending'],
      ['verify', 'pending'],
    ]);
    const table = await h.cli('status', 'install-held');
    expect(table.exitCode).toBe(0);
    expect(table.stdout).toContain('state waiting-for-approval');
    expect(table.stdout).toContain(
      'No worker answered: this is the status the install last published on the server; live progress (task, host counts) is unavailable until a worker runs.',
    );

    const done = await h.cli('status', 'install-finished', '--json');
    expect(done.exitCode).toBe(0);
    const finished = JSON.parse(done.stdout) as InstallStatus;
    expect(finished).toEqual({ ...live, source: 'server' });
    expect(finished.durationSeconds).toBeGreaterThan(0);

    const listed = await h.cli('list', '--json');
    expect(listed.exitCode).toBe(0);
    const rows = JSON.parse(listed.stdout) as Record<string, string>[];
    expect(rows.find((r) => r.id === 'install-held')).toMatchObject({ cluster: 'held', state: 'waiting-for-approval', phase: 'kubespray', flow: 'onprem' });
    expect(rows.find((r) => r.id === 'install-finished')).toMatchObject({ state: 'completed', phase: 'verify' });

    // A worker again: the held install goes on from where it waited.
    worker = await h.startWorker();
    expect(await h.status('held')).toMatchObject({ source: 'worker', state: 'waiting-for-approval' });
    expect((await h.cli('approve', 'install-held', '--as', 'ops-lead')).exitCode).toBe(0);
    await h.waitFor('held', (s) => s.state === 'completed');
  }, 420_000);
});
