// `npm run record-histories` (RECORD_PATHS=a,b for some): one real install down each path the workflow has, on the real dev
// server and worker (jest's global set-up, the e2e harness), each history written to
// test/histories/<path>.json for test/replay.test.ts. A new path gets a case here. Payloads are
// sealed with test/histories/codec-keys, a key for these recordings only (their content is the
// demo spec, nothing secret), so that the replay test can open them.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { InstallStatus } from '../../lib/install/status.js';
import type { Installation } from '../../lib/spec/schema.js';
import { startHarness, type Harness } from '../support/e2e-harness.js';
import { startFakeJira } from '../support/fake-ticket-systems.js';
import { REPO_ROOT } from '../support/repo.js';

export const HISTORIES = join(REPO_ROOT, 'test', 'histories');

let h: Harness;
beforeAll(async () => {
  h = await startHarness('record', { keyRingFile: join(HISTORIES, 'codec-keys') });
  await h.startWorker();
});
afterAll(() => h?.close());

const ended = (s: InstallStatus) => ['completed', 'failed', 'cancelled'].includes(s.state);

async function record(path: string, name: string, runId?: string): Promise<void> {
  const history = await h.client.workflow.getHandle(`install-${name}`, runId).fetchHistory();
  await writeFile(join(HISTORIES, `${path}.json`), `${historyToJSON(history)}\n`);
}

async function start(name: string, change?: (spec: Installation) => void): Promise<void> {
  const r = await h.cli('start', await h.writeSpec(name, change));
  if (r.exitCode !== 0) throw new Error(`start ${name}: ${r.stderr}`);
}

const cases: [string, () => Promise<void>][] = [
  [
    'onprem-completed',
    async () => {
      await start('rec-completed');
      await h.waitFor('rec-completed', ended);
      await record('onprem-completed', 'rec-completed');
    },
  ],
  [
    'failed-phase-operator-retry',
    async () => {
      await start('rec-retry', (s) => void (s.spec.extraVars = { standin_fail: { phase: 'katonic', times: 3 } }));
      await h.waitFor('rec-retry', (s) => s.state === 'waiting-for-operator');
      await h.cli('retry', 'install-rec-retry');
      await h.waitFor('rec-retry', ended);
      await record('failed-phase-operator-retry', 'rec-retry');
    },
  ],
  [
    'retry-failed-hosts',
    async () => {
      await start(
        'rec-hosts',
        (s) => void (s.spec.extraVars = { standin_fail: { phase: 'kubespray', task: 'Register the nodes', host: 'worker-2', times: 3 } }),
      );
      await h.waitFor('rec-hosts', (s) => s.state === 'waiting-for-operator');
      await h.cli('retry', 'install-rec-hosts', '--failed-hosts');
      await h.waitFor('rec-hosts', ended);
      await record('retry-failed-hosts', 'rec-hosts');
    },
  ],
  [
    'approval-approved',
    async () => {
      await start('rec-approved', (s) => void (s.spec.approvals = ['before-katonic']));
      await h.waitFor('rec-approved', (s) => s.state === 'waiting-for-approval');
      await h.cli('approve', 'install-rec-approved', '--as', 'ops-lead');
      await h.waitFor('rec-approved', ended);
      await record('approval-approved', 'rec-approved');
    },
  ],
  [
    'approval-timed-out',
    async () => {
      await start('rec-timeout', (s) => {
        s.spec.approvals = ['before-storage'];
        s.spec.approvalTimeout = '2s';
      });
      await h.waitFor('rec-timeout', ended);
      await record('approval-timed-out', 'rec-timeout');
    },
  ],
  [
    'cancelled',
    async () => {
      await start('rec-cancel', (s) => void (s.spec.extraVars = { standin_delay_seconds: 3 }));
      await h.waitFor('rec-cancel', (s) => s.phase === 'kubespray');
      await h.cli('cancel', 'install-rec-cancel');
      await record('cancelled', 'rec-cancel');
    },
  ],
  [
    'resumed',
    async () => {
      await start('rec-resume', (s) => void (s.spec.extraVars = { standin_delay_seconds: 2 }));
      await h.waitFor('rec-resume', (s) => s.phase === 'katonic');
      await h.client.workflow.getHandle('install-rec-resume').terminate('recording: the resumed path');
      await h.cli('resume', 'install-rec-resume');
      await h.waitFor('rec-resume', ended);
      await record('resumed', 'rec-resume');
    },
  ],
  [
    // Every ticket event: started, a phase failing and retried, an approval gate, each phase, the end (to a local server playing Jira).
    'ticket-comments',
    async () => {
      const jira = await startFakeJira();
      try {
        const tokenFile = join(h.dataDir, 'rec-jira-token');
        await writeFile(tokenFile, 'recording-token\n', { mode: 0o600 });
        await start('rec-ticket', (s) => {
          s.metadata.ticket = 'OPS-1';
          s.spec.approvals = ['before-katonic'];
          s.spec.extraVars = { standin_fail: { phase: 'kubespray', times: 3 } };
          s.spec.notify = { jira: { url: jira.url, user: 'recorder@acme.com', tokenRef: `file:${tokenFile}` } };
        });
        await h.waitFor('rec-ticket', (s) => s.state === 'waiting-for-operator');
        await h.cli('retry', 'install-rec-ticket');
        await h.waitFor('rec-ticket', (s) => s.state === 'waiting-for-approval');
        await h.cli('approve', 'install-rec-ticket', '--as', 'ops-lead');
        await h.waitFor('rec-ticket', ended);
        await record('ticket-comments', 'rec-ticket');
      } finally {
        await jira.close();
      }
    },
  ],
];

// RECORD_PATHS=a,b records only those paths.
const only = process.env.RECORD_PATHS?.split(',');
const chosen = cases.filter(([path]) => !only || only.includes(path));

describe('recording a history of every path', () => {
  // All at once: the paths are independent installs.
  it(`records ${chosen.map(([path]) => path).join(', ')}`, async () => {
    expect(chosen.length).toBeGreaterThan(0);
    await Promise.all(chosen.map(([, run]) => run()));
  }, 900_000);
});
