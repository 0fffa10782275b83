// Resume after the workflow ended, Temporal's Reset, and approval gates, on the real dev
// server with real ansible-playbook.
import { execa } from 'execa';
import { localTools } from '../lib/local-tools.js';
import { countLines, journalPhases, singleNode, startHarness, type Harness } from './support/e2e-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('resume');
  await h.startWorker();
});
afterAll(() => h?.close());

const states = (s: { phases: { name: string; state: string }[] }) => Object.fromEntries(s.phases.map((p) => [p.name, p.state]));

describe('resume, reset and approval gates (real dev server and kube-apiserver, stand-in Kubespray and Katonic role)', () => {
  it('an install terminated during katonic resumes without running kubespray and storage again; a changed katonic version runs the phases that depend on it', async () => {
    // Time to terminate it during katonic; the Kubespray stand-in's steps need none. The same in
    // the changed spec: other extra vars would be other inputs for kubespray, run again.
    const delay = { standin_delay_seconds: { katonic: 3 } };
    const file = await h.writeSpec('resume-me', (spec) => {
      singleNode(spec);
      spec.spec.extraVars = delay;
    });
    expect((await h.cli('start', file)).exitCode).toBe(0);
    await h.waitFor('resume-me', (s) => s.phase === 'katonic', 240_000);
    await h.client.workflow.getHandle('install-resume-me').terminate('test: the fleet went away');
    const terminated = await h.status('resume-me');
    expect(terminated.state).toBe('failed');
    expect(terminated.error?.type).toBe('terminated');

    const changed = await h.writeSpec('resume-me', (spec) => {
      singleNode(spec);
      spec.spec.extraVars = delay;
      spec.spec.katonic.version = '4.6';
    });
    const resumed = await h.cli('resume', 'install-resume-me', '--spec', changed);
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stdout).toContain('preflight, inventory, kubespray, storage');
    const done = await h.waitFor('resume-me', (s) => s.state === 'completed');
    // inventory writes the Katonic role's vars, so the new version runs it again too.
    expect(states(done)).toEqual({
      preflight: 'skipped',
      inventory: 'completed',
      kubespray: 'skipped',
      storage: 'skipped',
      katonic: 'completed',
      verify: 'completed',
    });
    expect(done.operatorActions[0]).toMatchObject({ action: 'resume' });
    const journal = await h.journal('resume-me');
    expect(journalPhases(journal)).toEqual(['kubespray', 'katonic']);
    const counts = countLines(journal);
    for (const [line, n] of counts) if (line.startsWith('kubespray ')) expect([line, n]).toEqual([line, 1]);
  });

  it('a Reset to the last workflow task during storage completes the install', async () => {
    const file = await h.writeSpec('reset-me', (spec) => {
      singleNode(spec);
      spec.spec.extraVars = { standin_delay_seconds: 0 };
      spec.spec.onprem!.storage.prepareNodes = 'check';
    });
    expect((await h.cli('start', file)).exitCode).toBe(0);
    await h.waitFor('reset-me', (s) => s.phase === 'storage');
    const reset = await execa(
      localTools.temporal(),
      [
        'workflow',
        'reset',
        '--address',
        h.env.TEMPORAL_ADDRESS!,
        '--workflow-id',
        'install-reset-me',
        '--type',
        'LastWorkflowTask',
        '--reason',
        'test: reset during storage',
        '--yes',
      ],
      { reject: false },
    );
    expect(reset.exitCode).toBe(0);
    const done = await h.waitFor('reset-me', (s) => s.state === 'completed');
    expect(done.phases.every((p) => p.state === 'completed')).toBe(true);
  });

  it('an approval gate holds the install until approve', async () => {
    const file = await h.writeSpec('gated', (spec) => {
      singleNode(spec);
      spec.spec.approvals = ['before-kubespray'];
    });
    expect((await h.cli('start', file)).exitCode).toBe(0);
    const held = await h.waitFor('gated', (s) => s.state === 'waiting-for-approval');
    expect(held).toMatchObject({ phase: 'kubespray', waitingFor: 'before-kubespray' });
    expect(states(held)).toMatchObject({ preflight: 'completed', inventory: 'completed', kubespray: 'pending' });
    expect(await h.journal('gated')).toEqual([]);
    expect((await h.cli('retry', 'install-gated')).exitCode).toBe(2);

    // Four eyes: the CLI started it as this OS user, who may not approve its gate; another person may.
    const own = await h.cli('approve', 'install-gated');
    expect(own.exitCode).toBe(2);
    expect(own.stderr).toContain('may not approve its gate before-kubespray (four eyes: another person approves)');
    const approved = await h.cli('approve', 'install-gated', '--as', 'ops-lead');
    expect(approved).toMatchObject({ exitCode: 0, stdout: 'Approved before-kubespray for install-gated by ops-lead' });
    const again = await h.cli('approve', 'install-gated', '--as', 'someone-else');
    expect(again).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^before-kubespray of install-gated was already approved by ops-lead at /) });
    const done = await h.waitFor('gated', (s) => s.state === 'completed');
    expect(done.operatorActions.map((a) => [a.action, a.by?.name])).toEqual([['approve', 'ops-lead']]);
    expect(done.gates).toEqual([expect.objectContaining({ gate: 'before-kubespray', state: 'approved', approvedBy: { name: 'ops-lead', via: 'cli' } })]);
    // The journal read empty above because nothing had run, not because it was looked for elsewhere.
    expect(journalPhases(await h.journal('gated'))).toEqual(['kubespray', 'katonic']);
  });
});
