// Install specs for the workflow tests: the contract's on-prem and AKS examples
// (test/fixtures), named per test and changed as the test needs.
import { readFileSync } from 'node:fs';
import type { Installation } from '../../lib/spec/schema.js';
import { parseSpecText } from '../../lib/spec/validate.js';
import { fixture } from './repo.js';

function load(file: string): Installation {
  const parsed = parseSpecText(readFileSync(fixture(file), 'utf8'));
  if (!parsed.ok) throw new Error(`${file} is invalid: ${JSON.stringify(parsed.errors)}`);
  return parsed.spec;
}

const ONPREM = load('acme-prod.yaml');
const AKS = load('acme-aks.yaml');

function named(base: Installation, name: string, change?: (spec: Installation) => void): Installation {
  const spec = structuredClone(base);
  spec.metadata.name = name;
  delete spec.spec.approvals;
  change?.(spec);
  return spec;
}

/** The on-prem example (3 control-plane nodes, 2 workers), without its approval gate. */
export const onpremSpec = (name: string, change?: (spec: Installation) => void): Installation => named(ONPREM, name, change);

/** The AKS example (the managed flow). */
export const aksSpec = (name: string, change?: (spec: Installation) => void): Installation => named(AKS, name, change);
