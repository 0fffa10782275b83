// The checks verify makes after the phases, as `kinstall plan` lists them: from the spec (and
// the FQDN's DNS answer now), so a check the spec turns off shows as skipped before it runs.
import { table } from '../format/table.js';
import { meshSettings } from '../spec/mesh-settings.js';
import type { Installation } from '../spec/schema.js';
import { verifySettings } from '../spec/verify-settings.js';
import { fqdnFinding, type DnsAnswer } from './fqdn-rule.js';
import { FRONT_DOOR_PORTS } from '../verify/front-door-checks.js';

export interface PlannedCheck {
  check: 'front door' | 'mesh' | 'storage smoke';
  /** Will verify make it, or does the spec turn it off. */
  runs: boolean;
  /** What it looks at, and what it expects. */
  what: string;
  /** What can be told of it now (the front door: whether the FQDN resolves). */
  now?: string;
}

const MESH: Record<'deploy' | 'existing', string> = {
  deploy: 'the Istio the Katonic role deploys',
  existing: 'the Istio already on the cluster',
};

/** `dns`: the FQDN's answer now, when the front door is checked. */
export function plannedChecks(doc: Installation, dns?: DnsAnswer): PlannedCheck[] {
  const settings = verifySettings(doc);
  const { fqdn } = doc.spec.katonic;
  const mesh = meshSettings(doc);
  const resolves = dns && fqdnFinding(dns, true);
  return [
    {
      check: 'front door',
      runs: settings.frontDoor,
      what: settings.frontDoor
        ? `https://${fqdn}: a certificate valid for it${doc.spec.katonic.tls ? ` (trusted: the public roots or ${doc.spec.katonic.tls.caRef})` : ''}, HTTP on ${FRONT_DOOR_PORTS.http}, a WebSocket upgrade on ${FRONT_DOOR_PORTS.https}`
        : 'skipped (spec.verify.frontDoor: false)',
      ...(resolves ? { now: `${fqdn} ${resolves.observed}` } : {}),
    },
    {
      check: 'mesh',
      runs: mesh.mode !== 'none',
      what:
        mesh.mode === 'none'
          ? 'skipped (spec.katonic.mesh.mode: none)'
          : `mode ${mesh.mode}${mesh.revision ? `, revision ${mesh.revision}` : ''}: the Katonic namespaces enrolled in ${MESH[mesh.mode]}, mutual TLS STRICT`,
    },
    {
      check: 'storage smoke',
      runs: settings.storageSmoke,
      what: settings.storageSmoke
        ? `a small PVC on kdisk and on kfs, each Bound within ${settings.bindTimeout}, then deleted`
        : 'skipped (spec.verify.storageSmoke: false)',
    },
  ];
}

/** The checks as `kinstall plan` prints them. */
export function formatPlannedChecks(checks: readonly PlannedCheck[]): string {
  return table([['CHECK', 'WHAT', 'NOW'], ...checks.map((c) => [c.check, c.what, c.now ?? ''])]);
}
