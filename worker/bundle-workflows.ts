// Bundles the workflow code once at build time, so workers start in a second instead of
// running webpack at every start. The failure converter that seals failure messages and
// stack traces is bundled in: workflows convert their own failures.
import { writeFile } from 'node:fs/promises';
import { bundleWorkflowCode } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../lib/codec/data-converter.js';
import { WORKFLOW_BUNDLE, WORKFLOWS_PATH } from './paths.js';

const { code } = await bundleWorkflowCode({
  workflowsPath: WORKFLOWS_PATH,
  failureConverterPath: FAILURE_CONVERTER_PATH,
  logger: { info() {}, warn: console.warn, error: console.error, debug() {}, trace() {}, log() {} },
});
await writeFile(WORKFLOW_BUNDLE, code);
