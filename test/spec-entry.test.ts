// The one way a spec comes in (acceptSpec), without a server: the spec typed by its flow, the
// defaults an accepted spec carries (and that they leave the phase input hashes as they were),
// approval gates in both forms.
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { phaseExtraVars } from '../lib/inventory/extra-vars.js';
import { phaseInputHashes } from '../lib/plan/phase-inputs.js';
import { runLayout } from '../lib/run-layout.js';
import { acceptSpec } from '../lib/spec/accept.js';
import { approvalGates } from '../lib/spec/approvals.js';
import { isOnpremInstallation, SPEC_DEFAULTS, type Installation, type OnpremInstallation } from '../lib/spec/schema.js';
import { fixture } from './support/repo.js';

// Tests reach into the document freely to break one thing at a time.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;
const load = (name: string) => yaml.load(readFileSync(fixture(name), 'utf8')) as Doc;
const errorsOf = (doc: unknown) => {
  const result = acceptSpec({ doc });
  return result.ok ? [] : result.errors.map((e) => `${e.path}: ${e.message}`);
};
function accepted(doc: unknown): Installation {
  const result = acceptSpec({ doc });
  if (!result.ok) throw new Error(`expected a valid spec: ${JSON.stringify(result.errors)}`);
  return result.spec;
}
function onprem(doc: unknown): OnpremInstallation {
  const spec = accepted(doc);
  if (!isOnpremInstallation(spec)) throw new Error('expected an on-prem spec');
  return spec;
}

describe('the spec, one shape per flow', () => {
  it('asks each flow for its own section', () => {
    const prod = load('acme-prod.yaml');
    delete prod.spec.onprem;
    expect(errorsOf(prod)).toEqual(['spec.onprem: expected onprem settings when spec.flow is onprem']);
    for (const flow of ['aks', 'eks']) {
      const managed = load(`acme-${flow}.yaml`);
      delete managed.spec.managed;
      expect(errorsOf(managed)).toEqual([`spec.managed: expected managed settings (kubeconfigRef, blobStore) when spec.flow is ${flow}`]);
    }
  });

  it("refuses the other flow's section, in each flow", () => {
    const prod = load('acme-prod.yaml');
    prod.spec.managed = load('acme-aks.yaml').spec.managed;
    expect(errorsOf(prod)).toEqual(['spec.managed: expected no managed settings when spec.flow is onprem (they are for the aks and eks flows)']);
    for (const flow of ['aks', 'eks']) {
      const managed = load(`acme-${flow}.yaml`);
      managed.spec.onprem = load('acme-prod.yaml').spec.onprem;
      expect(errorsOf(managed)).toEqual([`spec.onprem: expected no onprem settings when spec.flow is ${flow} (they are for the onprem flow)`]);
    }
  });

  it('names the flow when it is none of the three, and a spec that is not a mapping', () => {
    const doc = load('acme-prod.yaml');
    doc.spec.flow = 'gke';
    expect(errorsOf(doc)).toEqual(['spec.flow: expected onprem, aks or eks']);
    // What every flow has is still checked, so that every error is listed at once.
    doc.spec.katonic.version = 4.5;
    expect(errorsOf(doc)).toEqual(['spec.flow: expected onprem, aks or eks', 'spec.katonic.version: expected a version string (quote it in YAML: "4.5")']);
    doc.spec.katonic.version = '4.5';
    delete doc.spec.flow;
    expect(errorsOf(doc)).toEqual(['spec.flow: expected onprem, aks or eks']);
    doc.spec = 5;
    expect(errorsOf(doc)).toEqual(['spec: expected object, received number']);
  });

  it('narrows by flow: the section is there, without a guard', () => {
    const spec = accepted(load('acme-prod.yaml'));
    // Type-checked: after the flow check, spec.spec.onprem is not optional.
    const nodes = spec.spec.flow === 'onprem' ? spec.spec.onprem.nodes.length : 0;
    expect(nodes).toBe(5);
    const eks = accepted(load('acme-eks.yaml'));
    expect(eks.spec.flow !== 'onprem' && eks.spec.managed.blobStore.kind).toBe('s3');
    expect(isOnpremInstallation(eks)).toBe(false);
  });
});

describe('defaults, in the accepted spec', () => {
  it('fills the settle timeout and the host volume services; keeps what the spec says', () => {
    expect(accepted(load('acme-prod.yaml')).spec.verify).toEqual({ settleTimeout: SPEC_DEFAULTS.settleTimeout });
    expect(accepted(load('acme-eks.yaml')).spec.verify).toEqual({ settleTimeout: '5m' });
    const doc = load('acme-prod.yaml');
    doc.spec.verify = { settleTimeout: '90s' };
    doc.spec.onprem.storage = { kind: 'hostVolumes', nfs: doc.spec.onprem.storage.nfs, hostVolumes: { root: '/var/lib/katonic' } };
    const spec = onprem(doc);
    expect(spec.spec.verify.settleTimeout).toBe('90s');
    expect(spec.spec.onprem.storage.hostVolumes?.services).toEqual(['git', 'postgres', 'mongodb']);
    expect(phaseExtraVars(spec, runLayout('/var/lib/katonic', 'acme-prod'), 'storage').katonic_host_volume_services).toEqual(['git', 'postgres', 'mongodb']);
  });

  it('accepts an accepted spec again as it is (the workflow checks what the CLI accepted)', () => {
    const spec = accepted(load('acme-prod.yaml'));
    expect(accepted(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
    expect(acceptSpec({ text: yaml.dump(spec) })).toEqual({ ok: true, spec });
  });
});

describe('phase input hashes, with the defaults filled in', () => {
  // Computed before the schema filled defaults (commit 3db8396): a run started then, resumed
  // now with the same spec, skips the phases it finished.
  const BEFORE = {
    'acme-prod.yaml': {
      preflight: '68ed184b22ff79d7',
      inventory: '648dc11ec9936589',
      kubespray: '3f8c9271bb9c9c59',
      storage: '7088288741fe333c',
      katonic: 'c2f657e7223a288d',
      verify: 'cf3801ec92ac5ad5',
    },
    'acme-eks.yaml': { preflight: '546ba7bf3f0943a7', 'storage-classes': '546ba7bf3f0943a7', katonic: 'a9432769924e34cf', verify: 'a867ab91017a7b21' },
    'acme-aks.yaml': { preflight: '5564bebc7b7bbf81', 'storage-classes': '5564bebc7b7bbf81', katonic: 'ed734268fe5b4d5b', verify: 'a867ab91017a7b21' },
  };
  const hostVolumes = (services?: string[]) => {
    const doc = load('acme-prod.yaml');
    doc.spec.onprem.storage = {
      kind: 'hostVolumes',
      nfs: doc.spec.onprem.storage.nfs,
      hostVolumes: { root: '/var/lib/katonic', ...(services && { services }) },
    };
    return doc;
  };

  it.each(Object.entries(BEFORE))('%s hashes as it did', (name, hashes) => {
    expect(phaseInputHashes(accepted(load(name)))).toEqual(hashes);
  });

  it('host volumes without services hash as they did (the filled-in default is left out)', () => {
    expect(phaseInputHashes(accepted(hostVolumes())).storage).toBe('845c66bf8a0fc356');
    expect(phaseInputHashes(accepted(hostVolumes(['git', 'postgres', 'mongodb']))).storage).toBe('845c66bf8a0fc356');
    expect(phaseInputHashes(accepted(hostVolumes(['git']))).storage).not.toBe('845c66bf8a0fc356');
  });

  it('the settle timeout is no phase input', () => {
    const doc = load('acme-prod.yaml');
    doc.spec.verify = { settleTimeout: '1h' };
    expect(phaseInputHashes(accepted(doc))).toEqual(BEFORE['acme-prod.yaml']);
  });
});

describe('acceptSpec', () => {
  const TEXT = `
apiVersion: katonic.ai/v1
kind: Installation
metadata: {name: demo}
spec:
  flow: onprem
  katonic: {version: "4.5", fqdn: mlops.example.com, roleDir: roles/katonic}
  onprem:
    kubespray: {dir: ../kubespray}
    connection: ssh
    ssh: {user: ubuntu, privateKeyRef: file:keys/id_ed25519}
    nodes: [{name: n1, address: 10.0.0.1, roles: [control-plane, etcd, worker]}]
    storage: {kind: nfs, nfs: {server: 10.0.0.1, path: /exports/katonic}}
`;

  it('from YAML text, its relative paths resolved against the folder it came from', () => {
    const result = acceptSpec({ text: TEXT }, '/specs/acme');
    expect(result.ok).toBe(true);
    const spec = result.ok && isOnpremInstallation(result.spec) ? result.spec : undefined;
    expect(spec?.spec.katonic.roleDir).toBe('/specs/acme/roles/katonic');
    expect(spec?.spec.onprem.kubespray.dir).toBe('/specs/kubespray');
    expect(spec?.spec.onprem.ssh?.privateKeyRef).toBe('file:/specs/acme/keys/id_ed25519');
  });

  it('from an object, the same spec; without a folder, the paths as they are', () => {
    const fromText = acceptSpec({ text: TEXT }, '/specs/acme');
    expect(acceptSpec({ doc: yaml.load(TEXT) }, '/specs/acme')).toEqual(fromText);
    const kept = acceptSpec({ doc: yaml.load(TEXT) });
    expect(kept.ok && kept.spec.spec.katonic.roleDir).toBe('roles/katonic');
  });

  it('every error with its path: YAML that does not parse, a document that is not a spec, a bad field', () => {
    expect(acceptSpec({ text: 'spec: [unclosed' })).toMatchObject({
      ok: false,
      errors: [{ path: '(document)', message: expect.stringMatching(/^expected YAML: /) }],
    });
    expect(acceptSpec({ doc: [1, 2] })).toEqual({
      ok: false,
      errors: [{ path: '(document)', message: 'not an install spec: expected a YAML mapping with apiVersion: katonic.ai/v1 and kind: Installation' }],
    });
    expect(acceptSpec({ text: TEXT.replace('name: demo', 'name: Demo') }, '/specs')).toEqual({
      ok: false,
      errors: [{ path: 'metadata.name', message: 'expected a DNS label: lower-case letters, digits and "-", at most 63 characters' }],
    });
  });
});

describe('approval gates', () => {
  const withApprovals = (approvals: unknown, name = 'acme-prod.yaml') => {
    const doc = load(name);
    doc.spec.approvals = approvals;
    return doc;
  };

  it('takes a gate name, or a gate with its approvers, and reads both through approvalGates', () => {
    const spec = accepted(
      withApprovals(['before-kubespray', { gate: 'before-katonic', approvers: ['alice', 'Bob Smith', '557058:f58131cb-b67d-43c7-b30d-6b58d40bd077'] }]),
    );
    expect(approvalGates(spec)).toEqual([
      { gate: 'before-kubespray' },
      { gate: 'before-katonic', approvers: ['alice', 'Bob Smith', '557058:f58131cb-b67d-43c7-b30d-6b58d40bd077'] },
    ]);
    expect(approvalGates(accepted(withApprovals([{ gate: 'before-verify' }])))).toEqual([{ gate: 'before-verify' }]);
    expect(approvalGates(accepted(load('acme-eks.yaml')))).toEqual([]);
  });

  it("names a gate that is not one of the flow's phases, in either form", () => {
    expect(errorsOf(withApprovals(['before-storage-classes', { gate: 'kubespray', approvers: ['alice'] }]))).toEqual([
      'spec.approvals[0]: expected one of before-preflight, before-inventory, before-kubespray, before-storage, before-katonic, before-verify',
      'spec.approvals[1].gate: expected one of before-preflight, before-inventory, before-kubespray, before-storage, before-katonic, before-verify',
    ]);
    expect(errorsOf(withApprovals([{ gate: 'before-kubespray', approvers: ['alice'] }], 'acme-aks.yaml'))).toEqual([
      'spec.approvals[0].gate: expected one of before-preflight, before-storage-classes, before-katonic, before-verify',
    ]);
  });

  it('takes each gate once', () => {
    expect(errorsOf(withApprovals(['before-kubespray', 'before-katonic', { gate: 'before-kubespray', approvers: ['alice'] }]))).toEqual([
      'spec.approvals[2].gate: expected each gate once; before-kubespray is also spec.approvals[0]',
    ]);
  });

  it('takes approvers as 1 to 128 printable characters, at least one', () => {
    expect(errorsOf(withApprovals([{ gate: 'before-katonic', approvers: [] }]))).toEqual(['spec.approvals[0].approvers: expected at least one approver']);
    const bad = ['', ' ', 'a'.repeat(129), 'mallory\u202eecila', 'eve\u001b[2J', 'line\nbreak'];
    expect(errorsOf(withApprovals([{ gate: 'before-katonic', approvers: ['a'.repeat(128), ...bad] }]))).toEqual(
      bad.map((_, i) => `spec.approvals[0].approvers[${i + 1}]: expected a user name: 1 to 128 printable characters`),
    );
  });

  it('refuses anything else as an entry, naming both forms', () => {
    const both = 'expected a gate such as before-kubespray, or {gate: before-kubespray, approvers: [alice, bob]}';
    expect(errorsOf(withApprovals([5, { gate: 'before-katonic', approvers: 'alice' }]))).toEqual([`spec.approvals[0]: ${both}`, `spec.approvals[1]: ${both}`]);
    expect(errorsOf(withApprovals([{ gate: 'before-katonic', approvers: ['alice'], by: 'x' }]))).toEqual(['spec.approvals[0]: unknown field by']);
  });
});
