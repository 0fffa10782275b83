// Variables for the Katonic role.
import type { Installation } from '../spec/schema.js';
import { KATONIC_NAMESPACES, STORAGE_CLASSES } from '../katonic-platform.js';

export function katonicVars(doc: Installation): Record<string, unknown> {
  const { katonic, flow, managed } = doc.spec;
  const vars: Record<string, unknown> = {
    katonic_fqdn: katonic.fqdn,
    katonic_version: katonic.version,
    katonic_flow: flow,
    katonic_storage_classes: { ...STORAGE_CLASSES },
    katonic_namespaces: [...KATONIC_NAMESPACES],
  };
  if (managed?.blobStore) vars.katonic_blob_store = managed.blobStore;
  return vars;
}
