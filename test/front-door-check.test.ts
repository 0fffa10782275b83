// Verify's front-door check against real parts on loopback (test/support/front-door-servers.ts):
// Debian's dnsmasq answering the FQDNs (spec.katonic.dnsServers), Debian's nginx as the
// SSL-terminating load balancer with a test CA (spec.katonic.tls.caRef: file:), forwarding to
// an upstream that answers HTTP and WebSocket upgrades. One dnsmasq and one nginx for every
// case: each case is a name of its own, at a loopback address of its own.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { checkFrontDoor, probeFrontDoor } from '../activities/checks/front-door.js';
import type { VerifyCheckContext } from '../activities/checks/verify-check.js';
import type { Finding } from '../lib/checks/finding.js';
import type { Installation } from '../lib/spec/schema.js';
import { verifySettings } from '../lib/spec/verify-settings.js';
import { describeIfAvailable } from './support/describe-if.js';
import { DNSMASQ, serverCert, startDnsmasq, startLoadBalancer, startUpstream, type Dnsmasq, type LoadBalancer } from './support/front-door-servers.js';
import { loadDemoSpec } from './support/e2e-harness.js';
import { makeCa, type CertPair } from '../client/dev/openssl-pki.js';
import { NGINX } from './support/nginx.js';

const missing = [NGINX, DNSMASQ].filter((tool) => !existsSync(tool));
const unavailable = missing.length ? `no ${missing.join(', ')} (scripts/setup.sh installs nginx-light and dnsmasq-base as root)` : undefined;
const describeFrontDoor = describeIfAvailable('the front-door check tests', unavailable);

const ZONE = 'example.test';
// The case's FQDN -> the load balancer address that answers for it (127.77.21.0/24 is loopback, this number).
const DOORS = {
  'mlops.example.test': '127.77.21.1',
  'other-name.example.test': '127.77.21.2',
  'expired.example.test': '127.77.21.3',
  'stranger.example.test': '127.77.21.4',
  'no-websocket.example.test': '127.77.21.5',
} as const;
type Fqdn = keyof typeof DOORS;

let dir: string;
let ca: CertPair;
let dns: Dnsmasq;
let lb: LoadBalancer;
let upstream: Server;
let demo: Installation;

beforeAll(async () => {
  if (unavailable) return;
  dir = await mkdtemp(join(tmpdir(), 'front-door-'));
  const certs = join(dir, 'certs');
  await mkdir(certs);
  [ca, demo] = await Promise.all([makeCa(certs, 'katonic-test-ca'), loadDemoSpec()]);
  const stranger = await makeCa(certs, 'stranger-ca');
  const valid = { days: 90 };
  const [good, otherName, expired, strangers, noWebSocket] = await Promise.all([
    serverCert(certs, 'mlops', ca, 'mlops.example.test', valid),
    serverCert(certs, 'other-name', ca, 'other.example.test', valid),
    serverCert(certs, 'expired', ca, 'expired.example.test', { start: '20250101000000Z', end: '20250201000000Z' }),
    serverCert(certs, 'stranger', stranger, 'stranger.example.test', valid),
    serverCert(certs, 'no-websocket', ca, 'no-websocket.example.test', valid),
  ]);
  const up = await startUpstream();
  upstream = up.server;
  [dns, lb] = await Promise.all([
    startDnsmasq(ZONE, DOORS),
    startLoadBalancer(
      join(dir, 'nginx'),
      [
        { address: DOORS['mlops.example.test'], cert: good, webSocket: true, http: 'redirect' },
        { address: DOORS['other-name.example.test'], cert: otherName, webSocket: true, http: 'proxy' },
        { address: DOORS['expired.example.test'], cert: expired, webSocket: true, http: 'proxy' },
        { address: DOORS['stranger.example.test'], cert: strangers, webSocket: true, http: 'proxy' },
        { address: DOORS['no-websocket.example.test'], cert: noWebSocket, webSocket: false, http: 'proxy' },
      ],
      up.address,
    ),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([dns?.stop(), lb?.stop(), new Promise((resolve) => (upstream ? upstream.close(resolve) : resolve(undefined)))]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The demo spec with `fqdn`, this test's DNS server and CA bundle, and the front door checked. */
function specFor(fqdn: string): Installation {
  const spec = structuredClone(demo);
  spec.spec.katonic = { ...spec.spec.katonic, fqdn, dnsServers: [dns.server], tls: { caRef: `file:${ca.crt}` } };
  spec.spec.verify = { ...spec.spec.verify, frontDoor: true };
  return spec;
}

const probe = (fqdn: string) => probeFrontDoor(specFor(fqdn).spec.katonic, () => undefined);
const failedOf = (findings: Finding[]) => findings.filter((f) => f.result === 'failed').map((f) => [f.object, f.observed, f.expected]);
const at = (fqdn: Fqdn, scheme = 'https', port = 443) => `${scheme}://${fqdn}:${port} (at ${DOORS[fqdn]})`;

describeFrontDoor('the front-door check (real dnsmasq, real nginx as the SSL-terminating load balancer, a test CA)', () => {
  it('passes a front door as the seed asks: the FQDN resolves, a certificate valid for it from the caRef CA, port 80 answers, a WebSocket upgrade goes through', async () => {
    const spec = specFor('mlops.example.test');
    const tasks: string[] = [];
    const ctx = { input: { spec }, settings: verifySettings(spec), progress: (task: string) => tasks.push(task) } as unknown as VerifyCheckContext;
    const findings = await checkFrontDoor(ctx);
    expect(findings.map((f) => [f.result, f.rule, f.object])).toEqual([
      ['ok', 'ingress-fqdn', 'mlops.example.test (spec.katonic.fqdn)'],
      ['ok', 'front-door', at('mlops.example.test')],
      ['ok', 'front-door', at('mlops.example.test', 'http', 80)],
      ['ok', 'front-door', at('mlops.example.test', 'wss')],
    ]);
    expect(findings.map((f) => f.observed)).toEqual([
      `resolves to 127.77.21.1 (DNS server ${dns.server})`,
      expect.stringMatching(/^certificate for mlops\.example\.test from CN=katonic-test-ca, expires on \d{4}-\d\d-\d\d \(in 89 days\)$/),
      'HTTP 301 Moved Permanently to https://mlops.example.test/',
      '101 Switching Protocols, Sec-WebSocket-Accept as RFC 6455 says',
    ]);
    expect(findings[1]?.expected).toBe(`a certificate valid for mlops.example.test, chaining to the public roots or file:${ca.crt}, for more than 30 days`);
    expect(tasks).toEqual([
      'front door: resolving mlops.example.test',
      'front door: HTTPS, HTTP and a WebSocket upgrade at 127.77.21.1 for mlops.example.test',
    ]);

    // Turned off (the load balancer comes later): skipped, never ok, and nothing asked.
    spec.spec.verify.frontDoor = false;
    tasks.length = 0;
    const skipped = await checkFrontDoor({ ...ctx, settings: verifySettings(spec) });
    expect(skipped.map((f) => [f.result, f.object, f.observed])).toEqual([
      ['skipped', 'https://mlops.example.test', 'not checked: spec.verify.frontDoor is false'],
    ]);
    expect(tasks).toEqual([]);
  });

  it('fails an FQDN that is not in DNS, naming the server and its answer', async () => {
    expect(failedOf(await probe('missing.example.test'))).toEqual([
      [
        'missing.example.test (spec.katonic.fqdn)',
        `does not resolve: no such name (NXDOMAIN) (DNS server ${dns.server})`,
        'an address: the SSL-terminating load balancer Katonic is served through',
      ],
    ]);
  });

  it('fails a certificate for another name, naming both', async () => {
    expect(failedOf(await probe('other-name.example.test'))).toEqual([
      [at('other-name.example.test'), 'certificate for other.example.test', 'a certificate: one valid for other-name.example.test'],
    ]);
  });

  it('fails an expired certificate, with the date', async () => {
    const [failure] = failedOf(await probe('expired.example.test'));
    expect(failure?.[0]).toBe(at('expired.example.test'));
    expect(failure?.[1]).toMatch(/^expired on 2025-02-01 \(\d+ days ago\)$/);
    expect(failure?.[2]).toMatch(/^a certificate: one valid on \d{4}-\d\d-\d\d$/);
  });

  it('fails a certificate from a CA that is neither a public root nor in the caRef bundle, naming the issuer', async () => {
    expect(failedOf(await probe('stranger.example.test'))).toEqual([
      [
        at('stranger.example.test'),
        'issuer CN=stranger-ca not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE)',
        `a certificate: one chaining to the public roots or file:${ca.crt}`,
      ],
    ]);
  });

  it('fails a load balancer that does not pass WebSocket upgrades on, with the status it answered', async () => {
    const findings = await probe('no-websocket.example.test');
    expect(failedOf(findings)).toEqual([
      [
        at('no-websocket.example.test', 'wss'),
        'HTTP 200 OK',
        '101 Switching Protocols with the Sec-WebSocket-Accept of its key (the load balancer passes WebSocket upgrades on)',
      ],
    ]);
    // Port 80 proxied rather than redirected is an answer too.
    expect(findings.find((f) => f.object === at('no-websocket.example.test', 'http', 80))).toMatchObject({ result: 'ok', observed: 'HTTP 200 OK' });
  });
});
