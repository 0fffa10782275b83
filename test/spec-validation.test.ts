import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { parseSpecText, validateSpec } from '../lib/spec/validate.js';
import { DEMO_SPEC, fixture } from './support/repo.js';

// Tests reach into the document freely to break one thing at a time.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;
const acme = () => yaml.load(readFileSync(fixture('acme-prod.yaml'), 'utf8')) as Doc;
const errorsOf = (doc: unknown) => {
  const result = validateSpec(doc);
  return result.ok ? [] : result.errors.map((e) => `${e.path}: ${e.message}`);
};

describe('install spec validation (pure)', () => {
  it('accepts the contract example and the demo spec', () => {
    expect(errorsOf(acme())).toEqual([]);
    expect(parseSpecText(readFileSync(DEMO_SPEC, 'utf8')).ok).toBe(true);
  });

  it('names the path and what was expected for a bad address', () => {
    const doc = acme();
    doc.spec.onprem.nodes[1].address = 'not an address!';
    expect(errorsOf(doc)).toEqual(['spec.onprem.nodes[1].address: expected an IPv4 address or a host name']);
  });

  it('lists every error at once, shape and cross-field together', () => {
    const doc = acme();
    doc.metadata.name = 'Acme_Prod';
    doc.spec.onprem.nodes[0].address = '10.0.0.300';
    doc.spec.onprem.nodes[3].name = 'master-2';
    doc.spec.onprem.nodes[2].roles = ['control-plane'];
    doc.spec.onprem.storage = { kind: 'hostVolumes', nfs: { server: '10.0.0.5', path: '/x' } };
    expect(errorsOf(doc)).toEqual([
      'metadata.name: expected a DNS label: lower-case letters, digits and "-", at most 63 characters',
      'spec.onprem.nodes[0].address: expected an IPv4 address or a host name',
      'spec.onprem.nodes: expected an odd number of etcd members, got 2',
      'spec.onprem.nodes[1].name: expected a unique name; "master-2" is used by another node',
      'spec.onprem.nodes[3].name: expected a unique name; "master-2" is used by another node',
      'spec.onprem.storage.hostVolumes: expected hostVolumes settings (root) when kind is hostVolumes',
    ]);
  });

  it('requires a control-plane node and a worker', () => {
    const doc = acme();
    doc.spec.onprem.nodes = [{ name: 'n1', address: '10.0.0.1', roles: ['etcd'] }];
    expect(errorsOf(doc)).toEqual([
      'spec.onprem.nodes: expected at least one node with the role control-plane',
      "spec.onprem.nodes: expected at least one node with the role worker (Kubespray's kube_node group)",
    ]);
  });

  it('refuses secrets given as values, without echoing them', () => {
    const doc = acme();
    doc.spec.onprem.ssh.privateKeyRef = '-----BEGIN OPENSSH PRIVATE KEY----- abc';
    const errors = errorsOf(doc);
    expect(errors).toEqual(['spec.onprem.ssh.privateKeyRef: expected a secret reference "env:NAME" or "file:PATH" (secrets are never written into a spec)']);
    expect(errors.join()).not.toContain('BEGIN');
  });

  it('rejects unknown fields (a typo such as privateKey: would otherwise be a secret in clear text)', () => {
    const doc = acme();
    doc.spec.onprem.ssh.privateKey = 'x';
    expect(errorsOf(doc)).toEqual(['spec.onprem.ssh: unknown field privateKey']);
  });

  it('checks storage settings against storage.kind, gates against the flow, reserved vars', () => {
    const doc = acme();
    doc.spec.onprem.storage = { kind: 'nfs', hostVolumes: { root: '/data' } };
    doc.spec.approvals = ['before-storage-classes'];
    doc.spec.extraVars = { katonic_version: '9' };
    expect(errorsOf(doc)).toEqual([
      'spec.onprem.storage.nfs: expected nfs settings (server, path) when kind is nfs',
      'spec.onprem.storage.hostVolumes: expected no hostVolumes settings when kind is nfs',
      'spec.approvals[0]: expected one of before-preflight, before-inventory, before-kubespray, before-storage, before-katonic, before-verify',
      'spec.extraVars.katonic_version: expected no katonic_version: katonic_* variables are set by the installer only',
    ]);
  });

  it('refuses host volumes without nfs: kfs (ReadWriteMany) would be a class that nothing provisions', () => {
    const doc = acme();
    doc.spec.onprem.storage = { kind: 'hostVolumes', hostVolumes: { root: '/var/lib/katonic' } };
    expect(errorsOf(doc)).toEqual([
      'spec.onprem.storage.nfs: expected nfs settings (server, path): kfs (ReadWriteMany) is served over NFS also with host volumes',
    ]);
  });

  it('asks for ssh unless the connection is local, and for a quoted version', () => {
    const doc = acme();
    delete doc.spec.onprem.ssh;
    doc.spec.katonic.version = 4.5;
    expect(errorsOf(doc)).toEqual([
      'spec.katonic.version: expected a version string (quote it in YAML: "4.5")',
      'spec.onprem.ssh: expected ssh settings (user, privateKeyRef) when connection is ssh',
    ]);
    doc.spec.onprem.connection = 'local';
    doc.spec.katonic.version = '4.5';
    expect(errorsOf(doc)).toEqual([]);
  });

  it('takes a heartbeat timeout of 5s or more, one error for one that is no duration', () => {
    const doc = acme();
    for (const ok of ['5s', '10s', '2m']) {
      doc.spec.heartbeatTimeout = ok;
      expect(errorsOf(doc)).toEqual([]);
    }
    doc.spec.heartbeatTimeout = '4s';
    expect(errorsOf(doc)).toEqual(['spec.heartbeatTimeout: expected a duration of at least 5s, such as 10s or 30s']);
    doc.spec.heartbeatTimeout = '30';
    expect(errorsOf(doc)).toEqual(['spec.heartbeatTimeout: expected a duration such as 90s, 30m, 8h or 2d']);
  });

  it('refuses a Kubernetes version the chosen Kubespray release does not install', () => {
    const doc = acme();
    doc.spec.onprem.kubeVersion = '1.32.5';
    expect(errorsOf(doc)).toEqual(['spec.onprem.kubeVersion: expected a Kubernetes version Kubespray v2.31.0 installs (1.33.0 to 1.35.4)']);
    doc.spec.onprem.kubespray.version = 'v2.30.0';
    expect(errorsOf(doc)).toEqual([]);
  });

  it('reports YAML that does not parse as one error on the document', () => {
    const result = parseSpecText('spec: [unclosed');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors[0]?.path).toBe('(document)');
  });
});
