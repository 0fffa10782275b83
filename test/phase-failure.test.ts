// The failure catalogue: every type the activities raise has a meaning, a retry decision and
// its details' keys; a failure is built retryable as the table says, never as the caller
// says, and carries the activity's attempt; no activity names a failure type of its own.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApplicationFailure } from '@temporalio/common';
import { phaseFailure, withDetails } from '../activities/phase-failure.js';
import { ANSIBLE_FAILURE } from '../lib/ansible/outcome.js';
import { PHASE_FAILURES, isPhaseFailureType, type PhaseFailureType } from '../lib/install/phase-failure.js';
import { activityEnvironment } from './support/activity-environment.js';
import { REPO_ROOT } from './support/repo.js';

const RETRYABLE: PhaseFailureType[] = [
  'KubernetesConflict',
  'KubernetesUnavailable',
  'AnsibleTaskFailed',
  'AnsibleHostUnreachable',
  'AnsibleCrashed',
  'AnsibleInterrupted',
  'TicketSystemUnavailable',
];

// Keys the workflow gives a place of their own in the status: never a type's own details key.
const WORKFLOW_KEYS = ['attempt', 'adminConf'];

async function sourcesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => join(e.parentPath, e.name));
}

describe('failure catalogue (pure)', () => {
  it('gives every type a one-line meaning and the keys of its details', () => {
    for (const [type, entry] of Object.entries(PHASE_FAILURES)) {
      expect({ type, oneLine: !entry.meaning.includes('\n') && entry.meaning.length > 10 }).toEqual({ type, oneLine: true });
      expect(entry.details.filter((key) => WORKFLOW_KEYS.includes(key))).toEqual([]);
    }
    // Only KubeconfigMissing has nothing to say beyond its message.
    expect(Object.entries(PHASE_FAILURES).flatMap(([type, entry]) => (entry.details.length ? [] : [type]))).toEqual(['KubeconfigMissing']);
    expect(PHASE_FAILURES.PreflightFailed.details).toEqual(['failedHosts', 'report', 'findings']);
    expect(PHASE_FAILURES.StorageClassConflict.details).toEqual(['conflicts']);
    expect(PHASE_FAILURES.VerifyFailed.details).toEqual(['problems', 'settleSeconds', 'findings']);
    expect(PHASE_FAILURES.DrainBlocked.details).toEqual(['node', 'timeoutSeconds', 'blockers', 'pods']);
  });

  it('retries exactly the failures a later attempt can get past', () => {
    const retried = Object.entries(PHASE_FAILURES).flatMap(([type, entry]) => (entry.retryable ? [type] : []));
    expect(retried.sort()).toEqual([...RETRYABLE].sort());
  });

  it("holds every Ansible outcome's type", () => {
    expect(Object.values(ANSIBLE_FAILURE).filter((type) => !isPhaseFailureType(type))).toEqual([]);
  });

  it('builds the failure non-retryable as the table says, with its details as one object', () => {
    const refused = phaseFailure('StorageClassConflict', 'storage: kdisk differs', { conflicts: [] });
    expect(refused).toMatchObject({ type: 'StorageClassConflict', nonRetryable: true, message: 'storage: kdisk differs', details: [{ conflicts: [] }] });
    const later = phaseFailure('KubernetesUnavailable', 'verify: no answer', { kubeconfig: 'env:KUBECONFIG_ACME', request: 'reading the nodes' });
    expect(later.nonRetryable).toBe(false);
  });

  it("puts the activity's attempt in details[0].attempt, and none outside an activity", async () => {
    const env = activityEnvironment({ attempt: 3 });
    const inside = (await env.run(async () =>
      phaseFailure('VerifyFailed', 'verify: after 5 s: node n1 is not Ready', { problems: ['node n1 is not Ready'], settleSeconds: 5 }),
    )) as ApplicationFailure;
    expect(inside.details).toEqual([{ problems: ['node n1 is not Ready'], settleSeconds: 5, attempt: 3 }]);
    expect(phaseFailure('SecretMissing', 'secret env:X: unset', { reference: 'env:X' }).details).toEqual([{ reference: 'env:X' }]);
  });

  it("adds kubespray's admin.conf to a failure, keeping its type, message and retry decision", async () => {
    const adminConf = { sealed: 'c2VhbGVk' };
    const env = activityEnvironment({ attempt: 2 });
    const failed = await env.run(async () =>
      withDetails(phaseFailure('AnsibleTaskFailed', 'kubespray: task failed', { failedHosts: ['n2'], unreachableHosts: [], failures: [] }), { adminConf }),
    );
    expect(failed).toMatchObject({
      type: 'AnsibleTaskFailed',
      nonRetryable: false,
      message: 'kubespray: task failed',
      details: [{ failedHosts: ['n2'], unreachableHosts: [], failures: [], attempt: 2, adminConf }],
    });
    const bug = new TypeError('not a phase failure');
    expect(withDetails(bug, { adminConf })).toBe(bug);
  });

  it('is the only place activities get a failure type from', async () => {
    const ownTypes: string[] = [];
    const files = await sourcesUnder(join(REPO_ROOT, 'activities'));
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      if (file.endsWith(join('activities', 'phase-failure.ts'))) continue;
      const text = await readFile(file, 'utf8');
      if (/ApplicationFailure\.(create|nonRetryable|retryable|fromError)|new ApplicationFailure|new Error\(/.test(text)) ownTypes.push(file);
    }
    expect(ownTypes).toEqual([]);
  });
});
