// What each phase depends on. A resumed install runs a finished phase again only when the
// hash of its inputs changed (for example spec.katonic.version for the katonic phase).
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { SPEC_DEFAULTS, type Installation, type OnpremSpec } from '../spec/schema.js';
import { phasesOf, type PhaseName } from './phases.js';

// The defaults the schema fills in are hashed as if the spec had left them out, as the specs
// of runs from before it filled them were hashed: resuming such a run skips what it skipped.
// Only one is among the inputs (spec.verify is not): host volume services. The price: a spec
// that spelled the default services out hashes differently than it did, once, and its storage
// phase runs again on its first resume after the upgrade (it is idempotent).
function storageAsHashed(storage: OnpremSpec['storage']): unknown {
  if (!storage.hostVolumes) return storage;
  const { services, ...hostVolumes } = storage.hostVolumes;
  return isDeepStrictEqual(services, [...SPEC_DEFAULTS.hostVolumeServices]) ? { ...storage, hostVolumes } : storage;
}

function inputsOf(doc: Installation, phase: PhaseName): unknown {
  const { onprem, katonic, managed, extraVars } = doc.spec;
  const nodesAccess = { nodes: onprem?.nodes, connection: onprem?.connection, ssh: onprem?.ssh };
  switch (phase) {
    case 'preflight':
      return { ...nodesAccess, preflight: onprem?.preflight, managed, extraVars };
    case 'inventory':
      return { ...nodesAccess, kubeVersion: onprem?.kubeVersion, katonic };
    case 'kubespray':
      return { ...nodesAccess, kubespray: onprem?.kubespray, kubeVersion: onprem?.kubeVersion, extraVars };
    case 'storage':
    case 'storage-classes':
      return { ...nodesAccess, storage: onprem && storageAsHashed(onprem.storage), managed, extraVars };
    case 'katonic':
      return { katonic, managed, extraVars };
    case 'verify':
      return { katonic, nodes: onprem?.nodes };
  }
}

/** A stable hash: object keys sorted, so the spec's key order does not matter. */
export function stableHash(value: unknown): string {
  const canonical = JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
  return createHash('sha256')
    .update(canonical ?? 'null')
    .digest('hex')
    .slice(0, 16);
}

export function phaseInputHashes(doc: Installation): Record<string, string> {
  return Object.fromEntries(phasesOf(doc.spec.flow).map((phase) => [phase, stableHash(inputsOf(doc, phase))]));
}
