// The inventory phase's digest (lib/inventory/render.ts), which later phases check their own
// rendering against: the same for every worker whatever its data directory, and changed by
// anything in the spec that changes the inventory.
import { readFileSync } from 'node:fs';
import { inventoryDigest } from '../lib/inventory/render.js';
import { acceptSpec } from '../lib/spec/accept.js';
import type { Installation, OnpremInstallation } from '../lib/spec/schema.js';
import { fixture } from './support/repo.js';

function acmeProd(): OnpremInstallation {
  const accepted = acceptSpec({ text: readFileSync(fixture('acme-prod.yaml'), 'utf8') });
  if (!accepted.ok) throw new Error(JSON.stringify(accepted.errors));
  return accepted.spec as OnpremInstallation;
}

describe('inventory digest (pure)', () => {
  it('is the same for the same spec, however often rendered', () => {
    expect(inventoryDigest(acmeProd())).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(inventoryDigest(acmeProd())).toBe(inventoryDigest(acmeProd()));
  });

  it('changes with a node, and with what the Katonic role reads', () => {
    const base = inventoryDigest(acmeProd());
    const moved = acmeProd();
    moved.spec.onprem.nodes[0]!.address = '10.9.9.9';
    const fqdn: Installation = { ...acmeProd() };
    fqdn.spec.katonic.fqdn = 'other.acme.com';
    expect(inventoryDigest(moved)).not.toBe(base);
    expect(inventoryDigest(fqdn)).not.toBe(base);
  });
});
