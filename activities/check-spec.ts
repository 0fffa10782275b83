// The workflow's first step: the spec it was given (by the CLI, a webhook or the Web UI's
// start form) validated again, with the hash of each phase's inputs.
import { ApplicationFailure } from '@temporalio/common';
import { phaseInputHashes } from '../lib/plan/phase-inputs.js';
import type { Installation } from '../lib/spec/schema.js';
import { acceptSpec } from '../lib/spec/accept.js';

export interface CheckedSpec {
  spec: Installation;
  inputHashes: Record<string, string>;
}

export async function checkSpec(specJson: string): Promise<CheckedSpec> {
  let doc: unknown;
  try {
    doc = JSON.parse(specJson);
  } catch (err) {
    throw ApplicationFailure.nonRetryable(`the install spec is not JSON: ${(err as Error).message}`, 'InvalidSpec');
  }
  const result = acceptSpec({ doc });
  if (!result.ok) {
    const lines = result.errors.map((e) => `${e.path}: ${e.message}`);
    throw ApplicationFailure.create({
      type: 'InvalidSpec',
      message: `the install spec is invalid:\n${lines.join('\n')}`,
      nonRetryable: true,
      details: [result.errors],
    });
  }
  return { spec: result.spec, inputHashes: phaseInputHashes(result.spec) };
}
