// Stateless workers: two workers with data directories of their own (two machines) on one
// server and task queue. What a phase needs is rendered from the spec on the worker that runs
// it; Kubespray's admin.conf travels sealed through Temporal, is a 0600 file only while a
// playbook needs it, and is left on no disk.
import { lstat, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { singleNode, startHarness, type Harness, type WorkerProcess } from './support/e2e-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('stateless');
});
afterAll(() => h?.close());

const ONPREM = ['preflight', 'inventory', 'kubespray', 'storage', 'katonic', 'verify'] as const;

/** Every regular file under `dir`, relative (symlinks, such as the cluster's kubeconfig, left out). */
async function filesUnder(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path, base)));
    else if (entry.isFile()) out.push(path.slice(base.length + 1));
  }
  return out;
}

/** The Ansible phases that ran in this data directory: their phase directories in the run directory. */
async function phasesRunIn(dataDir: string, name: string): Promise<string[]> {
  const entries = await readdir(join(dataDir, 'runs', name), { withFileTypes: true }).catch(() => []);
  const ansible = ['preflight', 'kubespray', 'storage', 'katonic'];
  return ansible.filter((phase) => entries.some((e) => e.isDirectory() && e.name === phase));
}

/** The phases whose stand-in tasks ran in this data directory (its journal). */
async function journalPhases(dataDir: string, name: string): Promise<string[]> {
  const text = await readFile(join(dataDir, 'runs', name, 'journal.log'), 'utf8').catch(() => '');
  return [
    ...new Set(
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(' ')[0]!),
    ),
  ];
}

/** The admin kubeconfig's client key, which no file a worker keeps may hold. */
async function adminKeyData(): Promise<string> {
  const text = await readFile(h.cluster.kubeconfig, 'utf8');
  return /client-key-data:\s*(\S+)/.exec(text)![1]!;
}

async function noAdminConfLeft(dataDir: string): Promise<void> {
  const key = await adminKeyData();
  for (const file of await filesUnder(dataDir)) {
    expect([file, file.endsWith('admin.conf')]).toEqual([file, false]);
    const text = await readFile(join(dataDir, file), 'utf8').catch(() => '');
    expect([file, text.includes(key)]).toEqual([file, false]);
  }
}

describe('stateless workers (real dev server, two worker processes with their own data directories)', () => {
  it('worker A killed with SIGKILL after kubespray: worker B runs storage, katonic and verify with nothing of A on its disk', async () => {
    const b = await h.otherDataDir('b');
    const a = await h.startWorker();
    const file = await h.writeSpec('handover', (spec) => {
      singleNode(spec);
      // A stops after kubespray: the install waits at this gate while A is killed.
      spec.spec.approvals = ['before-storage'];
    });
    expect((await h.cli('start', file)).exitCode).toBe(0);
    await h.waitFor('handover', (s) => s.state === 'waiting-for-approval');
    a.process.kill('SIGKILL');
    await a.process;
    const bStarted = Date.now();
    const workerB = await h.startWorker({ dataDir: b });
    expect((await h.cli('approve', 'install-handover', '--as', 'ops-lead')).exitCode).toBe(0);
    const done = await h.waitFor('handover', (s) => s.state === 'completed' || s.state === 'waiting-for-operator');
    // Worker B reproduced the inventory worker A's inventory phase handed on (another data directory, the same digest).
    expect(done.handoffs?.inventoryDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect([done.state, done.error]).toEqual(['completed', undefined]);
    expect(done.phases.map((p) => [p.name, p.state, p.attempts])).toEqual(ONPREM.map((p) => [p, 'completed', 1]));

    await workerB.stop();
    expect(await phasesRunIn(h.dataDir, 'handover')).toEqual(['preflight', 'kubespray']);
    expect(await phasesRunIn(b, 'handover')).toEqual(['storage', 'katonic']);
    expect(await journalPhases(h.dataDir, 'handover')).toEqual(['kubespray']);
    expect(await journalPhases(b, 'handover')).toEqual(['katonic']);
    // B's run directory holds what B made for its own phases, all written after B started.
    const bRun = join(b, 'runs', 'handover');
    const bFiles = await filesUnder(bRun);
    expect(bFiles.filter((f) => /^(preflight|kubespray|artifacts)\//.test(f))).toEqual([]);
    expect(bFiles).toContain('inventory/hosts.yaml');
    for (const f of bFiles) expect([f, (await lstat(join(bRun, f))).mtimeMs >= bStarted - 1000]).toEqual([f, true]);
    await noAdminConfLeft(h.dataDir);
    await noAdminConfLeft(b);
  }, 300_000);

  it('two workers alternating phase by phase complete the install', async () => {
    const dirs = [h.dataDir, await h.otherDataDir('alt')];
    const file = await h.writeSpec('alternate', (spec) => {
      singleNode(spec);
      spec.spec.approvals = ONPREM.slice(1).map((p) => `before-${p}` as const);
    });
    let worker: WorkerProcess = await h.startWorker({ dataDir: dirs[0] });
    expect((await h.cli('start', file)).exitCode).toBe(0);
    for (let i = 1; i < ONPREM.length; i++) {
      await h.waitFor('alternate', (s) => s.state === 'waiting-for-approval' && s.waitingFor === `before-${ONPREM[i]}`);
      await worker.stop();
      worker = await h.startWorker({ dataDir: dirs[i % 2] });
      expect((await h.cli('approve', 'install-alternate', '--as', 'ops-lead')).exitCode).toBe(0);
    }
    const done = await h.waitFor('alternate', (s) => s.state === 'completed' || s.state === 'waiting-for-operator');
    expect([done.state, done.error]).toEqual(['completed', undefined]);
    expect(done.phases.map((p) => [p.name, p.state, p.attempts])).toEqual(ONPREM.map((p) => [p, 'completed', 1]));
    // preflight, kubespray and katonic on the first; inventory, storage and verify on the second.
    expect(await phasesRunIn(dirs[0]!, 'alternate')).toEqual(['preflight', 'kubespray', 'katonic']);
    expect(await phasesRunIn(dirs[1]!, 'alternate')).toEqual(['storage']);
    expect(await journalPhases(dirs[0]!, 'alternate')).toEqual(['kubespray', 'katonic']);
    expect(await journalPhases(dirs[1]!, 'alternate')).toEqual([]);
    await worker.stop();
    for (const dir of dirs) await noAdminConfLeft(dir!);
  }, 480_000);
});
