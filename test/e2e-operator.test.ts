// The operator in the loop, on the real dev server with real ansible-playbook: a phase that
// fails for good waits for an operator, who retries it (whole, on failed hosts, with changed
// vars) and the install completes.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { retryUpdate } from '../workflows/definitions.js';
import { countLines, SINGLE_NODE, singleNode, startHarness, type Harness } from './support/e2e-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('operator');
  await h.startWorker();
});
afterAll(() => h?.close());

const waiting = (s: { state: string }) => s.state === 'waiting-for-operator';
const completed = (s: { state: string }) => s.state === 'completed';

describe('operator retry (real dev server and kube-apiserver, stand-in Kubespray and Katonic role)', () => {
  it('kubespray failing past its retry policy waits for an operator, shows the task and host, and completes after retry', async () => {
    const file = await h.writeSpec('retry-me', (spec) => {
      singleNode(spec);
      spec.spec.extraVars = { standin_fail: { phase: 'kubespray', task: 'Configure etcd', times: 3 } };
    });
    expect((await h.cli('start', file)).exitCode).toBe(0);
    const stuck = await h.waitFor('retry-me', waiting);
    expect(stuck.phase).toBe('kubespray');
    expect(stuck.error).toMatchObject({ phase: 'kubespray', type: 'AnsibleTaskFailed', failedHosts: [SINGLE_NODE] });
    expect(stuck.error?.failures[0]).toMatchObject({ task: 'Configure etcd', host: SINGLE_NODE });
    expect(stuck.error?.failures[0]?.message).toContain('injected failure 3 of 3');
    expect(stuck.phases.find((p) => p.name === 'kubespray')).toMatchObject({ state: 'failed', attempts: 3 });
    const table = await h.cli('status', 'install-retry-me');
    // kubespray takes --limit (lib/plan/phases.ts), so the message offers it.
    expect(table.stdout).toContain(
      'Waiting for an operator: the kubespray phase failed (AnsibleTaskFailed); kinstall retry install-retry-me [--failed-hosts] [--vars FILE], or kinstall cancel install-retry-me',
    );
    expect(table.stdout).toContain(`task "Configure etcd" on ${SINGLE_NODE}`);
    const listed = JSON.parse((await h.cli('list', '--json')).stdout) as { id: string; state: string }[];
    expect(listed.find((r) => r.id === 'install-retry-me')?.state).toBe('waiting-for-operator');

    const retried = await h.cli('retry', 'install-retry-me');
    expect(retried).toMatchObject({ exitCode: 0, stdout: 'Retrying the kubespray phase of install-retry-me' });
    const done = await h.waitFor('retry-me', completed);
    expect(done.phases.map((p) => [p.name, p.attempts])).toEqual([
      ['preflight', 1],
      ['inventory', 1],
      ['kubespray', 4],
      ['storage', 1],
      ['katonic', 1],
      ['verify', 1],
    ]);
    expect(done.operatorActions.map((a) => [a.action, a.phase])).toEqual([['retry', 'kubespray']]);
    // The retried phase keeps its first start and lists its runs; the install has its own times.
    const kubespray = done.phases.find((p) => p.name === 'kubespray')!;
    expect(kubespray.runs?.map((r) => [r.outcome, r.attempts])).toEqual([
      ['failed', 3],
      ['completed', 1],
    ]);
    const [first, second] = kubespray.runs!;
    expect(kubespray.startedAt).toBe(first!.startedAt);
    expect(kubespray.endedAt).toBe(second!.endedAt);
    expect(Date.parse(second!.startedAt)).toBeGreaterThanOrEqual(Date.parse(first!.endedAt!));
    for (const r of [first!, second!]) expect(r.durationSeconds).toBe(Math.round((Date.parse(r.endedAt!) - Date.parse(r.startedAt)) / 1000));
    expect(Date.parse(done.startedAt!)).toBeLessThanOrEqual(Date.parse(done.phases[0]!.startedAt!));
    expect(Date.parse(done.endedAt!)).toBeGreaterThanOrEqual(Date.parse(done.phases.at(-1)!.endedAt!));
    expect(done.durationSeconds).toBe(Math.round((Date.parse(done.endedAt!) - Date.parse(done.startedAt!)) / 1000));
    const finalTable = (await h.cli('status', 'install-retry-me')).stdout;
    expect(finalTable).toMatch(/^started \d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}ended \d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}took \d/m);
    expect(finalTable).toContain('Runs of kubespray:');
    expect(finalTable).toMatch(/ {4}1\. .* failed {2}attempts 3\n {4}2\. .* completed {2}attempts 1/);
  });

  it('a failure on one of three hosts is retried with --limit on that host only', async () => {
    const file = await h.writeSpec('one-host', (spec) => {
      // The last per-host task: Kubespray's any_errors_fatal stops the run, but only after the
      // healthy hosts have finished that task, so they are done, as AWX's relaunch assumes.
      spec.spec.extraVars = { standin_fail: { phase: 'kubespray', task: 'Register the nodes', host: 'worker-2', times: 3 } };
    });
    expect((await h.cli('start', file)).exitCode).toBe(0);
    const stuck = await h.waitFor('one-host', waiting);
    expect(stuck.error?.failedHosts).toEqual(['worker-2']);
    const linesBefore = (await h.journal('one-host')).length;

    const retried = await h.cli('retry', 'install-one-host', '--failed-hosts');
    expect(retried.stdout).toBe('Retrying the kubespray phase of install-one-host on worker-2');
    const done = await h.waitFor('one-host', completed);
    const retryRun = (await h.journal('one-host')).slice(linesBefore).filter((l) => l.startsWith('kubespray '));
    expect(retryRun.length).toBeGreaterThan(0);
    expect(retryRun.every((l) => l.endsWith(' worker-2'))).toBe(true);
    expect(done.operatorActions[0]).toMatchObject({ action: 'retry', phase: 'kubespray', failedHostsOnly: true, limitHosts: ['worker-2'] });
  });

  it('refuses --failed-hosts where a partial run is unsafe and reserved --vars (also sent past the CLI), retries with changed vars, and records them', async () => {
    const file = await h.writeSpec('katonic-vars', (spec) => {
      singleNode(spec);
      spec.spec.extraVars = { standin_fail: { phase: 'katonic', times: 3 } };
    });
    expect((await h.cli('start', file)).exitCode).toBe(0);
    const stuck = await h.waitFor('katonic-vars', waiting);
    // katonic refuses --failed-hosts (lib/plan/phases.ts): the message does not offer it.
    expect(stuck.waitingFor).toBe(
      'an operator: the katonic phase failed (AnsibleTaskFailed); kinstall retry install-katonic-vars [--vars FILE], or kinstall cancel install-katonic-vars',
    );
    const refused = await h.cli('retry', 'install-katonic-vars', '--failed-hosts');
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(
      'retry --failed-hosts is refused for the katonic phase: the Katonic role runs once against the cluster API from the controller',
    );

    const reserved = join(h.dataDir, 'reserved.yaml');
    await writeFile(reserved, 'standin_fail: []\nansible_host: 10.9.9.9\nkatonic_role_dir: /tmp/evil\n');
    const byCli = await h.cli('retry', 'install-katonic-vars', '--vars', reserved);
    expect(byCli.exitCode).toBe(2);
    expect(byCli.stderr).toContain(
      'ansible_host: expected no ansible_host: ansible_* variables (connection, privilege, interpreter) are set by the installer only',
    );
    expect(byCli.stderr).toContain('katonic_role_dir: expected no katonic_role_dir');
    // A webhook or any other client sends the Update itself: the workflow's validator refuses it too.
    const direct = h.client.workflow.getHandle('install-katonic-vars').executeUpdate(retryUpdate, { args: [{ vars: { ansible_become_exe: 'sh -c id' } }] });
    await expect(direct).rejects.toMatchObject({ cause: { message: expect.stringContaining('vars.ansible_become_exe: expected no ansible_become_exe') } });

    const vars = join(h.dataDir, 'fix.yaml');
    await writeFile(vars, 'standin_fail: []\ningress_replicas: 2\n');
    expect((await h.cli('retry', 'install-katonic-vars', '--vars', vars)).exitCode).toBe(0);
    const done = await h.waitFor('katonic-vars', completed);
    expect(done.operatorActions).toEqual([expect.objectContaining({ action: 'retry', phase: 'katonic', vars: { standin_fail: [], ingress_replicas: 2 } })]);
    const katonicLines = [...countLines(await h.journal('katonic-vars'))].filter(([l]) => l.startsWith('katonic Check the cluster'));
    expect(katonicLines).toEqual([['katonic Check the cluster localhost', 4]]);
  });
});
