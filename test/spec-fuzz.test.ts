// Property-based fuzzing of the spec schema (fast-check, seeded so a failure reproduces):
// 1,000+ generated specs, valid ones and broken ones (a field replaced by any JSON value,
// deleted, an unknown field, template text, control characters, hostile variable names),
// and raw text. `validate` never crashes, answers within a second, and says valid (exit 0)
// or lists errors (exit 2); a valid spec renders its files, which read back as the same
// data, and validates again after YAML and JSON round trips (what plan and the workflow see).
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
import { ANSIBLE_RESERVED_NAMES, KUBESPRAY_VARS_WRITTEN } from '../lib/vars/reserved.js';
import { readInertYaml } from './support/inert-yaml-reader.js';
import { CLI } from './support/repo.js';

const SEED = 20250611;
const RUNS = 1000;

const dnsLabel = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,12}[a-z0-9])?$/);
const address = fc.oneof(fc.ipV4(), fc.domain());
const hostile = fc.constantFrom(
  "{{ lookup('pipe', 'id') }}",
  '{% if 1 %}x{% endif %}',
  "#jinja2:variable_start_string:'[['\n[[ 1 ]]",
  '\u001b[2J',
  'a\u202eb',
  '-----BEGIN RSA PRIVATE KEY-----',
);
const text = fc.oneof({ weight: 4, arbitrary: fc.string({ maxLength: 20 }) }, { weight: 1, arbitrary: hostile });
const varName = fc.oneof(
  fc.stringMatching(/^[a-z_][a-z0-9_]{0,15}$/),
  fc.constantFrom(
    ...ANSIBLE_RESERVED_NAMES,
    ...KUBESPRAY_VARS_WRITTEN,
    'ansible_host',
    'katonic_x',
    'registry_password',
    'kubeadm_token',
    'any_errors_fatal',
    'standin_fail',
  ),
  text,
);
const varValue = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom('env:SECRET', 'file:/run/secret'), hostile);

const worker = fc.record({ address, roles: fc.constant(['worker']), gpu: fc.option(fc.boolean(), { nil: undefined }) });
const spec = fc
  .record({
    name: dnsLabel,
    ticket: fc.option(fc.stringMatching(/^[A-Z]{2,5}-[0-9]{1,5}$/), { nil: undefined }),
    version: fc.stringMatching(/^[0-9]\.[0-9]{1,2}$/),
    fqdn: fc.domain(),
    local: fc.boolean(),
    user: fc.stringMatching(/^[a-z_][a-z0-9_-]{0,10}$/),
    master: address,
    workers: fc.uniqueArray(fc.tuple(dnsLabel, worker), { minLength: 1, maxLength: 5, selector: ([name]) => name }),
    storage: fc.constantFrom('nfs', 'hostVolumes'),
    kubeVersion: fc.constantFrom(undefined, '1.33.7', 'v1.34.0', '1.20.0'),
    approvals: fc.subarray(['before-kubespray', 'before-storage', 'before-katonic']),
    extraVars: fc.option(fc.dictionary(varName, varValue, { maxKeys: 4 }), { nil: undefined }),
  })
  .map((s) => ({
    apiVersion: 'katonic.ai/v1',
    kind: 'Installation',
    metadata: { name: s.name, ...(s.ticket ? { ticket: s.ticket } : {}) },
    spec: {
      flow: 'onprem',
      katonic: { version: s.version, fqdn: s.fqdn, roleDir: './roles/katonic' },
      onprem: {
        kubespray: { dir: './kubespray', version: 'v2.31.0' },
        ...(s.kubeVersion ? { kubeVersion: s.kubeVersion } : {}),
        ...(s.local ? { connection: 'local' } : { ssh: { user: s.user, privateKeyRef: 'env:SSH_KEY' } }),
        nodes: [
          { name: 'cp-0', address: s.master, roles: ['control-plane', 'etcd'] },
          ...s.workers.filter(([n]) => n !== 'cp-0').map(([name, w]) => ({ name, ...w })),
        ],
        storage: {
          kind: s.storage,
          nfs: { server: s.master, path: '/exports/katonic' },
          ...(s.storage === 'hostVolumes' ? { hostVolumes: { root: '/var/lib/katonic' } } : {}),
        },
      },
      ...(s.approvals.length ? { approvals: s.approvals } : {}),
      ...(s.extraVars ? { extraVars: s.extraVars } : {}),
    },
  }));

type Doc = Record<string, unknown>;
function paths(value: unknown, at: string[] = []): string[][] {
  if (!value || typeof value !== 'object') return [at];
  return [at, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...at, k]))];
}
function mutate(doc: Doc, pick: number, kind: number, replacement: unknown): Doc {
  const all = paths(doc).filter((p) => p.length > 0);
  const path = all[pick % all.length]!;
  const copy = structuredClone(doc);
  let node = copy as Record<string, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = path.at(-1)!;
  if (kind === 0) delete node[last];
  else if (kind === 1) node[last] = replacement;
  else if (kind === 2 && node[last] && typeof node[last] === 'object') (node[last] as Record<string, unknown>)[`unknown_${pick % 7}`] = replacement;
  else node[last] = typeof node[last] === 'string' ? `${String(node[last])}${String(replacement)}` : replacement;
  return copy;
}
const specs = fc.oneof(
  { weight: 3, arbitrary: spec },
  {
    weight: 3,
    arbitrary: fc.tuple(spec, fc.nat(), fc.nat(3), fc.oneof(fc.jsonValue({ maxDepth: 2 }), hostile)).map(([doc, pick, kind, r]) => mutate(doc, pick, kind, r)),
  },
);

/** What `kinstall validate` answers for a file with this text: 0 valid, 2 invalid (a throw is a crash). */
function validateText(textIn: string): { exit: 0 | 2; ms: number; result: ReturnType<typeof parseSpecText> } {
  const started = performance.now();
  const result = parseSpecText(textIn);
  return { exit: result.ok ? 0 : 2, ms: performance.now() - started, result };
}

describe('spec schema under fuzzing (fast-check, seeded)', () => {
  const layout = runLayout('/var/lib/katonic', 'fuzz');
  let valid = 0;
  let slowest = 0;

  it(`validates ${RUNS} generated specs without a crash, each within a second; valid ones render and re-validate`, () => {
    fc.assert(
      fc.property(specs, (doc) => {
        const { exit, ms, result } = validateText(yaml.dump(doc));
        slowest = Math.max(slowest, ms);
        expect(ms).toBeLessThan(1000);
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
    console.log(`spec fuzz: ${RUNS} specs, ${valid} valid, slowest validate ${slowest.toFixed(1)} ms (seed ${SEED})`);
  });

  it('never crashes on raw text (1,000 strings, YAML-ish or not)', () => {
    const yamlish = fc
      .array(
        fc.constantFrom(
          'a:',
          ' b',
          '- ',
          '&x ',
          '*x',
          '[',
          ']',
          '{',
          '}',
          '"',
          "'",
          '\n',
          '  ',
          '!!str ',
          '<<: *x',
          'apiVersion: katonic.ai/v1',
          'kind: Installation',
          '\t',
          '#',
        ),
        { maxLength: 30 },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200, unit: 'binary' }), yamlish), (raw) => {
        const { exit, ms } = validateText(raw);
        expect([0, 2]).toContain(exit);
        expect(ms).toBeLessThan(1000);
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
