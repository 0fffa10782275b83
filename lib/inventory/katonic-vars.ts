// Variables for the Katonic role.
import type { Installation } from '../spec/schema.js';
import { KATONIC_NAMESPACES, STORAGE_CLASSES } from '../katonic-platform.js';
import { CLOUDS, isManagedFlow } from '../managed/clouds.js';

export function katonicVars(doc: Installation): Record<string, unknown> {
  const { katonic, flow, managed } = doc.spec;
  const vars: Record<string, unknown> = {
    katonic_fqdn: katonic.fqdn,
    katonic_version: katonic.version,
    katonic_flow: flow,
    katonic_storage_classes: { ...STORAGE_CLASSES },
    katonic_namespaces: [...KATONIC_NAMESPACES],
  };
  if (isManagedFlow(flow) && managed) {
    // Backups, logs and project data in the cloud's blob store; images from its registry (ECR / ACR).
    vars.katonic_cloud = CLOUDS[flow].provider;
    vars.katonic_blob_store = managed.blobStore;
    if (managed.registry) vars.katonic_image_registry = managed.registry;
  }
  return vars;
}
