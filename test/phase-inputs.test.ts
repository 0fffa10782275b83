import { readFileSync } from 'node:fs';
import type { Installation } from '../lib/spec/schema.js';
import { parseSpecText } from '../lib/spec/validate.js';
import { phaseInputHashes, stableHash } from '../lib/plan/phase-inputs.js';
import { phasesOf } from '../lib/plan/phases.js';
import { fixture } from './support/repo.js';

const ACME_TEXT = readFileSync(fixture('acme-prod.yaml'), 'utf8');

function parse(text: string): Installation {
  const result = parseSpecText(text);
  if (!result.ok) throw new Error(`expected a valid spec: ${JSON.stringify(result.errors)}`);
  return result.spec;
}

/** The acme-prod spec with one edit. */
function acmeWith(edit: (doc: Installation) => void): Installation {
  const doc = parse(ACME_TEXT);
  edit(doc);
  return doc;
}

function onpremOf(doc: Installation) {
  if (!doc.spec.onprem) throw new Error('expected an on-prem spec');
  return doc.spec.onprem;
}

/** The phases whose input hash differs between two specs. */
function changedPhases(a: Installation, b: Installation): string[] {
  const before = phaseInputHashes(a);
  const after = phaseInputHashes(b);
  return Object.keys(before).filter((phase) => before[phase] !== after[phase]);
}

/** The value with the keys of every object in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reverseKeys(v)]),
    );
  return value;
}

describe('phase input hashes (pure)', () => {
  describe('stableHash', () => {
    it('is a short hex digest, the same for the same value', () => {
      expect(stableHash({ a: 1 })).toMatch(/^[0-9a-f]{16}$/);
      expect(stableHash({ a: 1 })).toBe(stableHash({ a: 1 }));
    });

    it('ignores the order of keys, at every depth', () => {
      const a = { version: '4.5', nested: { x: 1, y: [{ p: 1, q: 2 }], z: { deep: true, deeper: null } } };
      const b = { nested: { z: { deeper: null, deep: true }, y: [{ q: 2, p: 1 }], x: 1 }, version: '4.5' };
      expect(JSON.stringify(a)).not.toBe(JSON.stringify(b));
      expect(stableHash(a)).toBe(stableHash(b));
    });

    it('keeps the order of arrays and tells values and types apart', () => {
      expect(stableHash([1, 2])).not.toBe(stableHash([2, 1]));
      expect(stableHash({ a: 1 })).not.toBe(stableHash({ a: 2 }));
      expect(stableHash({ a: 1 })).not.toBe(stableHash({ a: '1' }));
      expect(stableHash({ a: 1 })).not.toBe(stableHash({ b: 1 }));
      expect(stableHash({ a: { b: 1 } })).not.toBe(stableHash({ a: { b: 1, c: 0 } }));
    });

    it('treats an absent optional field and one set to undefined alike', () => {
      expect(stableHash({ a: 1, managed: undefined })).toBe(stableHash({ a: 1 }));
    });
  });

  describe('phaseInputHashes', () => {
    const acme = parse(ACME_TEXT);

    it('hashes every phase of the flow', () => {
      expect(Object.keys(phaseInputHashes(acme))).toEqual(phasesOf('onprem'));
      const managed = {
        ...acme,
        spec: {
          ...acme.spec,
          flow: 'aks' as const,
          onprem: undefined,
          managed: { kubeconfigRef: 'env:KUBECONFIG_AKS', blobStore: { kind: 'azureBlob' as const, account: 'acmekatonic', container: 'backups' } },
        },
      };
      expect(Object.keys(phaseInputHashes(managed))).toEqual(['preflight', 'storage-classes', 'katonic', 'verify']);
    });

    it('does not depend on the order of keys in the spec', () => {
      const reordered = ACME_TEXT.replace(
        'katonic: {version: "4.5", fqdn: mlops.acme.com, roleDir: /opt/katonic/roles/katonic}',
        'katonic: {roleDir: /opt/katonic/roles/katonic, fqdn: mlops.acme.com, version: "4.5"}',
      ).replace(
        'storage: {kind: nfs, nfs: {server: 10.0.0.5, path: /exports/katonic}}',
        'storage: {nfs: {path: /exports/katonic, server: 10.0.0.5}, kind: nfs}',
      );
      expect(reordered).not.toBe(ACME_TEXT);
      expect(phaseInputHashes(parse(reordered))).toEqual(phaseInputHashes(acme));
      expect(phaseInputHashes(reverseKeys(acme) as Installation)).toEqual(phaseInputHashes(acme));
    });

    it('does not depend on the metadata (name, ticket)', () => {
      expect(
        changedPhases(
          acme,
          acmeWith((d) => {
            d.metadata.ticket = 'OPS-999';
          }),
        ),
      ).toEqual([]);
    });

    it('reruns katonic, and inventory (which writes the Katonic vars), when spec.katonic.version changes; not kubespray or storage', () => {
      const upgraded = acmeWith((d) => {
        d.spec.katonic.version = '4.6';
      });
      const changed = changedPhases(acme, upgraded);
      expect(changed).toEqual(expect.arrayContaining(['katonic', 'inventory']));
      expect(changed).not.toContain('kubespray');
      expect(changed).not.toContain('storage');
      expect(changed).not.toContain('preflight');
      expect(changed).toEqual(['inventory', 'katonic', 'verify']);
    });

    it('reruns every phase that reaches the nodes when a node changes', () => {
      const moved = acmeWith((d) => {
        const worker = onpremOf(d).nodes[3];
        if (worker) worker.address = '10.0.0.99';
      });
      expect(changedPhases(acme, moved)).toEqual(['preflight', 'inventory', 'kubespray', 'storage', 'verify']);
      const grown = acmeWith((d) => {
        onpremOf(d).nodes.push({ name: 'worker-3', address: '10.0.0.23', roles: ['worker'] });
      });
      expect(changedPhases(acme, grown)).toEqual(['preflight', 'inventory', 'kubespray', 'storage', 'verify']);
    });

    it('reruns the node phases when the SSH access changes, but not katonic or verify', () => {
      const ssh = acmeWith((d) => {
        const access = onpremOf(d).ssh;
        if (access) access.port = 22;
      });
      expect(changedPhases(acme, ssh)).toEqual(['preflight', 'inventory', 'kubespray', 'storage']);
    });

    it('reruns only kubespray and inventory for a new Kubernetes version, only kubespray for a new Kubespray', () => {
      expect(
        changedPhases(
          acme,
          acmeWith((d) => {
            onpremOf(d).kubeVersion = 'v1.33.1';
          }),
        ),
      ).toEqual(['inventory', 'kubespray']);
      expect(
        changedPhases(
          acme,
          acmeWith((d) => {
            onpremOf(d).kubespray.version = 'v2.32.0';
          }),
        ),
      ).toEqual(['kubespray']);
    });

    it('reruns only storage for a new NFS export, only preflight for new minimums', () => {
      expect(
        changedPhases(
          acme,
          acmeWith((d) => {
            onpremOf(d).storage.nfs = { server: '10.0.0.5', path: '/exports/other' };
          }),
        ),
      ).toEqual(['storage']);
      expect(
        changedPhases(
          acme,
          acmeWith((d) => {
            onpremOf(d).preflight = { worker: { cpus: 4 } };
          }),
        ),
      ).toEqual(['preflight']);
    });

    it('reruns every phase given the extra vars when they change', () => {
      const tuned = acmeWith((d) => {
        d.spec.extraVars = { ...d.spec.extraVars, calico_mtu: 1400 };
      });
      expect(changedPhases(acme, tuned)).toEqual(['preflight', 'kubespray', 'storage', 'katonic']);
    });
  });
});
