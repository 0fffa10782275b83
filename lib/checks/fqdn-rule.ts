// The FQDN through DNS (spec.katonic.fqdn): preflight's rule `ingress-fqdn`, and the first row
// of verify's front door (lib/verify/front-door-checks.ts). Apart from the rest of the front door because
// the managed rules reach workflow code (the spec's list of rules), where node:crypto is not.
import type { Finding } from './finding.js';

/** What DNS said of the FQDN. */
export interface DnsAnswer {
  fqdn: string;
  /** Who was asked: "DNS server 10.0.0.2" or "the worker's resolver". */
  resolver: string;
  addresses: string[];
  /** Why there are no addresses: "no such name (NXDOMAIN)", "no answer (timeout)". */
  problem?: string;
}

const ADDRESSES_SHOWN = 4;

const addressList = (addresses: string[]) =>
  addresses.slice(0, ADDRESSES_SHOWN).join(', ') + (addresses.length > ADDRESSES_SHOWN ? ` and ${addresses.length - ADDRESSES_SHOWN} more` : '');

/**
 * The preflight rule (and verify's first row): the FQDN resolves, and to what. With
 * `frontDoor` off the load balancer comes later, so an FQDN that does not resolve yet is a
 * warning: DNS was asked and its answer is a fact to show, not a check left out (skipped).
 */
export function fqdnFinding(answer: DnsAnswer, frontDoor: boolean): Finding<'ingress-fqdn'> {
  const object = `${answer.fqdn} (spec.katonic.fqdn)`;
  const expected = 'an address: the SSL-terminating load balancer Katonic is served through';
  if (answer.addresses.length)
    return { rule: 'ingress-fqdn', object, observed: `resolves to ${addressList(answer.addresses)} (${answer.resolver})`, expected, result: 'ok' };
  return {
    rule: 'ingress-fqdn',
    object,
    observed: `does not resolve: ${answer.problem ?? 'no address'} (${answer.resolver})`,
    expected: frontDoor ? expected : `${expected}; spec.verify.frontDoor is false (the load balancer comes later), so the install goes on`,
    result: frontDoor ? 'failed' : 'warning',
  };
}

/** What a resolver's error code means, for the operator. */
export function describeDnsError(code: string | undefined): string {
  switch (code) {
    case 'ENOTFOUND':
      return 'no such name (NXDOMAIN)';
    case 'ENODATA':
      return 'no A or AAAA record';
    case 'ETIMEOUT':
    case 'ETIMEDOUT':
      return 'no answer (timed out)';
    case 'EAI_AGAIN':
      return 'no DNS server answered (EAI_AGAIN)';
    case 'ESERVFAIL':
      return 'the server failed (SERVFAIL)';
    case 'EREFUSED':
      return 'the server refused the query (REFUSED)';
    case 'ECONNREFUSED':
      return 'connection refused';
    default:
      return code ?? 'no address';
  }
}
