// The workflow's first step: the spec it was given (by the CLI, a webhook or the Web UI's
// start form) validated again, with the hash of each phase's inputs.
import { phaseInputHashes, stableHash } from '../lib/plan/phase-inputs.js';
import type { PlannedPhase } from '../lib/plan/phases.js';
import type { Installation } from '../lib/spec/schema.js';
import { acceptSpec } from '../lib/spec/accept.js';
import { phaseFailure } from './phase-failure.js';

export interface CheckedSpec {
  spec: Installation;
  inputHashes: Record<string, string>;
}

/**
 * A day-2 operation's phases (`plan`) hash what they act on with the whole spec: a resume runs
 * again every phase of an operation whose spec changed in any way, and skips nodes already done.
 */
export async function checkSpec(specJson: string, plan?: readonly PlannedPhase[]): Promise<CheckedSpec> {
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
  const inputHashes = plan
    ? Object.fromEntries(plan.map((phase) => [phase.name, stableHash({ phase: phase.name, target: phase.target, spec: result.spec.spec })]))
    : phaseInputHashes(result.spec);
  return { spec: result.spec, inputHashes };
}
