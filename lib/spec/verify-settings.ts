// What verify checks beyond the cluster's objects, with the defaults in one place. They are not
// filled in by the schema: installs started before these fields existed carry none, and read
// the same defaults here.
import type { Installation } from './schema.js';

export interface VerifySettings {
  /** HTTPS, HTTP and a WebSocket through the load balancer on spec.katonic.fqdn. */
  frontDoor: boolean;
  /** A small PVC on kdisk and on kfs, bound and deleted. */
  storageSmoke: boolean;
  /** How long the smoke's volumes may take to bind. */
  bindTimeout: string;
}

export const VERIFY_DEFAULTS: VerifySettings = { frontDoor: true, storageSmoke: true, bindTimeout: '2m' };

export function verifySettings(doc: Installation): VerifySettings {
  const v = doc.spec.verify;
  return {
    frontDoor: v.frontDoor ?? VERIFY_DEFAULTS.frontDoor,
    storageSmoke: v.storageSmoke ?? VERIFY_DEFAULTS.storageSmoke,
    bindTimeout: v.bindTimeout ?? VERIFY_DEFAULTS.bindTimeout,
  };
}
