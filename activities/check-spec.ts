// The workflow's first step: the spec it was given (by the CLI, a webhook or the Web UI's
// start form) validated again, with the hash of each phase's inputs.
import { phaseInputHashes } from '../lib/plan/phase-inputs.js';
import type { Installation } from '../lib/spec/schema.js';
import { acceptSpec } from '../lib/spec/accept.js';
import { phaseFailure } from './phase-failure.js';

export interface CheckedSpec {
  spec: Installation;
  inputHashes: Record<string, string>;
}

export async function checkSpec(specJson: string): Promise<CheckedSpec> {
  let doc: unknown;
  try {
    doc = JSON.parse(specJson);
  } catch (err) {
    const message = `the install spec is not JSON: ${(err as Error).message}`;
    throw phaseFailure('InvalidSpec', message, { errors: [{ path: '', message }] });
  }
  const result = acceptSpec({ doc });
  if (!result.ok) {
    const lines = result.errors.map((e) => `${e.path}: ${e.message}`);
    throw phaseFailure('InvalidSpec', `the install spec is invalid:\n${lines.join('\n')}`, { errors: result.errors });
  }
  return { spec: result.spec, inputHashes: phaseInputHashes(result.spec) };
}
