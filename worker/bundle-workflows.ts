// Bundles the workflow code once at build time, so workers start in a second instead of
// running webpack at every start. The failure converter that seals failure messages and
// stack traces is bundled in: workflows convert their own failures.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../lib/codec/data-converter.js';
import { DIST_DIR, WORKFLOW_BUNDLE, WORKFLOWS_PATH } from './paths.js';

/**
 * Loaded once per worker thread and shared by every workflow, instead of once for each workflow
 * the worker takes up (the SDK gives each workflow a module cache of its own): zod and the
 * spec's schemas, which the workflows' update validators check requests with. Building them
 * took about 25 ms of the worker's CPU for each new workflow, so two for each install through
 * its cluster's entity. Only pure modules whose module scope keeps no state between calls
 * (lib/ is pure by rule: no I/O, constants and schemas only) may be listed here.
 */
const PRELOADED = [
  'zod',
  ...['spec/validate.js', 'spec/approvals.js', 'cluster/node-file.js', 'cluster/operation-input.js'].map((f) => join(DIST_DIR, 'lib', f)),
];

const { code } = await bundleWorkflowCode({
  workflowsPath: WORKFLOWS_PATH,
  failureConverterPath: FAILURE_CONVERTER_PATH,
  preloadModules: PRELOADED,
  logger: { info() {}, warn: console.warn, error: console.error, debug() {}, trace() {}, log() {} },
});
await writeFile(WORKFLOW_BUNDLE, code);
