// The front door's judgement (lib/checks/fqdn-rule.ts, lib/verify/front-door-checks.ts), pure: what was seen in, findings out.
import { describeDnsError, fqdnFinding, type DnsAnswer } from '../lib/checks/fqdn-rule.js';
import { frontDoorFindings, nameCovers, webSocketAccept, type FrontDoorObservation, type TlsObservation } from '../lib/verify/front-door-checks.js';

const NOW = new Date('2026-12-03T12:00:00Z');
const FQDN = 'mlops.acme.com';
const DNS: DnsAnswer = { fqdn: FQDN, resolver: "the worker's resolver", addresses: ['20.81.14.7'] };
const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const TLS: TlsObservation = {
  address: '20.81.14.7',
  certificate: {
    names: [FQDN],
    subject: `CN=${FQDN}`,
    issuer: "C=US, O=Let's Encrypt, CN=R11",
    validFrom: '2026-11-01T00:00:00.000Z',
    validTo: '2027-01-30T00:00:00.000Z',
  },
  trusted: 'the public roots',
};
const seen = (change: Partial<FrontDoorObservation> = {}): FrontDoorObservation => ({
  dns: DNS,
  tls: TLS,
  http: { address: '20.81.14.7', status: 308, statusText: 'Permanent Redirect', location: `https://${FQDN}/` },
  webSocket: { address: '20.81.14.7', key: KEY, status: 101, statusText: 'Switching Protocols', accept: 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=' },
  ...change,
});
const certificate = (tls: Partial<TlsObservation>, certificate: Partial<NonNullable<TlsObservation['certificate']>> = {}) =>
  frontDoorFindings(seen({ tls: { ...TLS, ...tls, certificate: { ...TLS.certificate!, ...certificate } } }), NOW)[1]!;

describe('front-door rules (pure)', () => {
  it("answers a WebSocket key as RFC 6455's own example does", () => {
    expect(webSocketAccept(KEY)).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('matches certificate names as browsers do: exactly, case aside, or a wildcard for the first label only', () => {
    expect(nameCovers('MLOps.Acme.com', FQDN)).toBe(true);
    expect(nameCovers('*.acme.com', FQDN)).toBe(true);
    expect(nameCovers('*.acme.com', 'acme.com')).toBe(false);
    expect(nameCovers('*.acme.com', 'a.mlops.acme.com')).toBe(false);
    expect(nameCovers('other.acme.com', FQDN)).toBe(false);
  });

  it('a good front door: every row ok, the certificate with its issuer and days left', () => {
    const findings = frontDoorFindings(seen(), NOW);
    expect(findings.map((f) => [f.result, f.observed])).toEqual([
      ['ok', "resolves to 20.81.14.7 (the worker's resolver)"],
      ['ok', "certificate for mlops.acme.com from C=US, O=Let's Encrypt, CN=R11, expires on 2027-01-30 (in 57 days)"],
      ['ok', `HTTP 308 Permanent Redirect to https://${FQDN}/`],
      ['ok', '101 Switching Protocols, Sec-WebSocket-Accept as RFC 6455 says'],
    ]);
  });

  it('warns of a certificate that expires within 30 days, and names every problem of a bad one at once', () => {
    expect(certificate({}, { validTo: '2026-12-20T00:00:00.000Z' })).toMatchObject({
      result: 'warning',
      observed: "certificate for mlops.acme.com from C=US, O=Let's Encrypt, CN=R11, expires on 2026-12-20 (in 16 days)",
    });
    expect(certificate({ chainError: 'SELF_SIGNED_CERT_IN_CHAIN' }, { names: ['*.other.com'], validFrom: '2027-01-01T00:00:00.000Z' })).toMatchObject({
      result: 'failed',
      observed: "certificate for *.other.com; not valid before 2027-01-01; issuer C=US, O=Let's Encrypt, CN=R11 not trusted (SELF_SIGNED_CERT_IN_CHAIN)",
      expected: 'a certificate: one valid for mlops.acme.com; one valid on 2026-12-03; one chaining to the public roots',
    });
    // OpenSSL names an expired certificate so, before its chain: the date is what is reported.
    expect(certificate({ chainError: 'CERT_HAS_EXPIRED' }, { validTo: '2026-11-30T00:00:00.000Z' })).toMatchObject({
      result: 'failed',
      observed: 'expired on 2026-11-30 (3 days ago)',
    });
    // Browsers read subjectAltName only: a name in the CN alone is no name.
    expect(certificate({}, { names: [] })).toMatchObject({
      result: 'failed',
      observed: 'certificate of CN=mlops.acme.com with no DNS name in its subjectAltName',
    });
    expect(certificate({ error: 'connect ECONNREFUSED 20.81.14.7:443', certificate: undefined })).toMatchObject({
      result: 'failed',
      observed: 'no TLS handshake: connect ECONNREFUSED 20.81.14.7:443',
      expected: 'an SSL-terminating load balancer',
    });
  });

  it('port 80: any answer is one, a 5xx a warning (the nodes behind did not answer), none a failure', () => {
    const http = (h: FrontDoorObservation['http']) => frontDoorFindings(seen({ http: h }), NOW)[2]!;
    expect(http({ address: '20.81.14.7', status: 200, statusText: 'OK' })).toMatchObject({ result: 'ok', observed: 'HTTP 200 OK' });
    expect(http({ address: '20.81.14.7', status: 502, statusText: 'Bad Gateway' })).toMatchObject({ result: 'warning', observed: 'HTTP 502 Bad Gateway' });
    expect(http({ address: '20.81.14.7', error: 'no answer within 10 s' })).toMatchObject({
      result: 'failed',
      observed: 'no HTTP answer: no answer within 10 s',
    });
  });

  it('a WebSocket upgrade answered with a wrong Sec-WebSocket-Accept fails, naming the right one', () => {
    const ws = frontDoorFindings(seen({ webSocket: { address: '20.81.14.7', key: KEY, status: 101, accept: 'bm90IHRoZSBhbnN3ZXI=' } }), NOW)[3]!;
    expect(ws).toMatchObject({
      result: 'failed',
      observed: '101 with Sec-WebSocket-Accept bm90IHRoZSBhbnN3ZXI=',
      expected: 'Sec-WebSocket-Accept s3pPLMBiTxaQ9kYGzzhZRbK+xOo=',
    });
  });

  it('an FQDN without an address is the only row (nothing to connect to); many addresses are bounded', () => {
    const nxdomain = { ...DNS, addresses: [], problem: describeDnsError('ENOTFOUND') };
    expect(frontDoorFindings({ dns: nxdomain }, NOW).map((f) => [f.result, f.observed])).toEqual([
      ['failed', "does not resolve: no such name (NXDOMAIN) (the worker's resolver)"],
    ]);
    const many = fqdnFinding({ ...DNS, addresses: ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6'] }, true);
    expect(many.observed).toBe("resolves to 10.0.0.1, 10.0.0.2, 10.0.0.3, 10.0.0.4 and 2 more (the worker's resolver)");
    expect(describeDnsError('ETIMEOUT')).toBe('no answer (timed out)');
  });
});
