// The generated specs of the spec fuzz test (test/spec-fuzz.test.ts), shared with the
// benchmark that measures how long validating them takes (bench/spec-validation.bench.ts).
import fc from 'fast-check';
import { ANSIBLE_RESERVED_NAMES, KUBESPRAY_VARS_WRITTEN } from '../../lib/vars/reserved.js';

/** Seeded, so that a failure reproduces and a benchmark measures the same specs each time. */
export const SEED = 20250611;

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
/** Specs as documents: valid ones, and valid ones with one field broken (replaced, deleted, added to). */
export const specs = fc.oneof(
  { weight: 3, arbitrary: spec },
  {
    weight: 3,
    arbitrary: fc.tuple(spec, fc.nat(), fc.nat(3), fc.oneof(fc.jsonValue({ maxDepth: 2 }), hostile)).map(([doc, pick, kind, r]) => mutate(doc, pick, kind, r)),
  },
);

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

/** Raw text: binary strings, or pieces of YAML put together at random. */
export const rawText = fc.oneof(fc.string({ maxLength: 200, unit: 'binary' }), yamlish);
