// The FQDN through DNS, as preflight, verify and `kinstall plan` ask it: the DNS servers the spec
// names (spec.katonic.dnsServers), else the resolver of the machine asking (getaddrinfo, with its
// /etc/hosts, as that machine's HTTPS client resolves a name). Never throws: a name that does not
// resolve is an answer, with the reason.
import { lookup, Resolver } from 'node:dns/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeDnsError, type DnsAnswer } from '../../lib/checks/fqdn-rule.js';
import type { Installation } from '../../lib/spec/schema.js';

// Per query to a server, tried twice; getaddrinfo cannot be stopped, so it is raced against the whole.
const TRY_MS = 2000;
const TRIES = 2;
const TIMEOUT_MS = 6000;

type FqdnTarget = Pick<Installation['spec']['katonic'], 'fqdn' | 'dnsServers'>;

const codeOf = (reason: unknown): string | undefined => (reason as NodeJS.ErrnoException | undefined)?.code;

async function askServers(fqdn: string, servers: string[]): Promise<{ addresses: string[]; code?: string }> {
  const resolver = new Resolver({ timeout: TRY_MS, tries: TRIES });
  resolver.setServers(servers);
  const [a, aaaa] = await Promise.allSettled([resolver.resolve4(fqdn), resolver.resolve6(fqdn)]);
  const addresses = [...(a.status === 'fulfilled' ? a.value : []), ...(aaaa.status === 'fulfilled' ? aaaa.value : [])];
  // A name with neither record: the A query's reason (NXDOMAIN, a timeout) says more than AAAA's.
  return { addresses, code: a.status === 'rejected' ? codeOf(a.reason) : aaaa.status === 'rejected' ? codeOf(aaaa.reason) : 'ENODATA' };
}

async function askSystem(fqdn: string): Promise<{ addresses: string[]; code?: string }> {
  const timeout = new AbortController();
  try {
    const found = await Promise.race([lookup(fqdn, { all: true }), sleep(TIMEOUT_MS, 'timeout' as const, { signal: timeout.signal })]);
    return found === 'timeout' ? { addresses: [], code: 'ETIMEDOUT' } : { addresses: [...new Set(found.map((f) => f.address))] };
  } catch (err) {
    return { addresses: [], code: codeOf(err) };
  } finally {
    timeout.abort();
  }
}

/** `where` names the machine asking, for the answer: "the worker", "this machine". */
export async function resolveFqdn(katonic: FqdnTarget, where = 'the worker'): Promise<DnsAnswer> {
  const servers = katonic.dnsServers;
  const { addresses, code } = servers?.length ? await askServers(katonic.fqdn, servers) : await askSystem(katonic.fqdn);
  const resolver = servers?.length ? `DNS server${servers.length > 1 ? 's' : ''} ${servers.join(', ')}` : `${where}'s resolver`;
  return { fqdn: katonic.fqdn, resolver, addresses, ...(addresses.length ? {} : { problem: describeDnsError(code) }) };
}
