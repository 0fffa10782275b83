// Property-based fuzzing of the spec schema (fast-check, seeded so a failure reproduces):
// 1,000+ generated specs, valid ones and broken ones (a field replaced by any JSON value,
// deleted, an unknown field, template text, control characters, hostile variable names),
// and raw text (test/support/spec-arbitraries.ts). `validate` never crashes, and says valid
// (exit 0) or lists errors (exit 2); a valid spec renders its files, which read back as the
// same data, and validates again after YAML and JSON round trips (what plan and the workflow
// see). How long validating takes is measured in bench/spec-validation.bench.ts, not here.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import fc from 'fast-check';
import yaml from 'js-yaml';
import { phaseExtraVars, userVars } from '../lib/inventory/extra-vars.js';
import { renderRunFiles } from '../lib/inventory/render.js';
import { runLayout } from '../lib/run-layout.js';
import { resolveSpecPaths } from '../lib/spec/resolve-paths.js';
import { parseSpecText, validateSpec } from '../lib/spec/validate.js';
import { readInertYaml } from './support/inert-yaml-reader.js';
import { CLI } from './support/repo.js';
import { rawText, SEED, specs } from './support/spec-arbitraries.js';

const RUNS = 1000;

/** What `kinstall validate` answers for a file with this text: 0 valid, 2 invalid (a throw is a crash). */
function validateText(textIn: string): { exit: 0 | 2; result: ReturnType<typeof parseSpecText> } {
  const result = parseSpecText(textIn);
  return { exit: result.ok ? 0 : 2, result };
}

describe('spec schema under fuzzing (fast-check, seeded)', () => {
  const layout = runLayout('/var/lib/katonic', 'fuzz');
  let valid = 0;

  it(`validates ${RUNS} generated specs without a crash; valid ones render and re-validate`, () => {
    fc.assert(
      fc.property(specs, (doc) => {
        const { exit, result } = validateText(yaml.dump(doc));
        if (!result.ok) {
          expect(exit).toBe(2);
          expect(result.errors.length).toBeGreaterThan(0);
          return;
        }
        valid += 1;
        const resolved = resolveSpecPaths(result.spec, '/specs');
        const files = renderRunFiles(resolved, layout);
        // The files read back as the data the spec gave (for Ansible, the same values, inert).
        const kubespray = readInertYaml(files.get(layout.extraVarsFile('kubespray'))!);
        expect(kubespray).toEqual(JSON.parse(JSON.stringify(phaseExtraVars(resolved, layout, 'kubespray'))));
        for (const name of Object.keys(userVars(resolved).secret)) expect(kubespray).not.toHaveProperty([name]);
        // YAML again (plan), and JSON (what the workflow is given and checks again).
        const again = parseSpecText(yaml.dump(result.spec));
        expect(again.ok && again.spec).toEqual(result.spec);
        expect(validateSpec(JSON.parse(JSON.stringify(resolved))).ok).toBe(true);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // Both kinds were exercised.
    expect(valid).toBeGreaterThan(100);
    expect(valid).toBeLessThan(RUNS);
    console.log(`spec fuzz: ${RUNS} specs, ${valid} valid (seed ${SEED})`);
  });

  it('never crashes on raw text (1,000 strings, YAML-ish or not)', () => {
    fc.assert(
      fc.property(rawText, (raw) => {
        expect([0, 2]).toContain(validateText(raw).exit);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('answers exit 0 or 2 through the real CLI for a sample of the generated specs', async () => {
    const docs = fc.sample(specs, { seed: SEED, numRuns: 12 });
    const dir = await mkdtemp(join(tmpdir(), 'katonic-fuzz-'));
    for (const [i, doc] of docs.entries()) {
      const file = join(dir, `spec-${i}.yaml`);
      await writeFile(file, yaml.dump(doc));
      const r = await execa('node', [CLI, 'validate', file], { reject: false });
      expect([i, r.exitCode]).toEqual([i, validateText(yaml.dump(doc)).exit]);
    }
  });
});
