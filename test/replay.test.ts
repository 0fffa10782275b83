// Recorded histories of real installs, replayed through the current workflow code: a
// change that breaks determinism (reordered activities, a new await) fails here.
// Record new ones with RECORD_HISTORIES=1 (see the e2e tests).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { WORKFLOW_BUNDLE } from '../worker/paths.js';
import { REPO_ROOT } from './support/repo.js';

const DIR = join(REPO_ROOT, 'test', 'histories');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));

describe('workflow determinism (replay of recorded histories)', () => {
  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s replays without a nondeterminism error', async (file) => {
    const history = JSON.parse(readFileSync(join(DIR, file), 'utf8'));
    await expect(Worker.runReplayHistory({ workflowBundle: { codePath: WORKFLOW_BUNDLE } }, history, file)).resolves.toBeUndefined();
  });
});
