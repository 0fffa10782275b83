// The front door of the seed's cluster requirements: Katonic serves from one FQDN whose DNS
// resolves to an SSL-terminating load balancer with a valid certificate, forwarding 80 and 443
// to port 80 of the platform nodes, with WebSockets. Verify's judgement of what
// activities/checks/front-door.ts saw, after the DNS answer (./fqdn-rule.ts, preflight's rule).
// Every finding says what was seen and what was expected.
import { createHash } from 'node:crypto';
import type { Finding } from '../checks/finding.js';
import { fqdnFinding, type DnsAnswer } from '../checks/fqdn-rule.js';

/** What the seed fixes: the load balancer answers HTTPS on 443 and HTTP on 80. */
export const FRONT_DOOR_PORTS = { https: 443, http: 80 } as const;
/** A certificate that expires sooner is a warning. */
export const CERT_WARNING_DAYS = 30;

export type FrontDoorRule = 'ingress-fqdn' | 'front-door';

/** The certificate the load balancer presented, as far as the judgement reads it. */
export interface PresentedCertificate {
  /** The DNS names of its subjectAltName: browsers match these only, never the subject's CN. */
  names: string[];
  /** Its subject's distinguished name, e.g. "CN=mlops.acme.com". */
  subject: string;
  /** Its issuer's distinguished name, e.g. "O=Acme, CN=Acme CA". */
  issuer: string;
  /** ISO times. */
  validFrom: string;
  validTo: string;
}

export interface TlsObservation {
  address: string;
  /** The connection or the handshake failed: no certificate was seen. */
  error?: string;
  certificate?: PresentedCertificate;
  /** OpenSSL's verdict on the chain (e.g. UNABLE_TO_VERIFY_LEAF_SIGNATURE); absent when it chains to a trusted root. */
  chainError?: string;
  /** What it was checked against: "the public roots" or "the public roots and file:/etc/katonic/ca.pem". */
  trusted: string;
}

export interface HttpObservation {
  address: string;
  error?: string;
  status?: number;
  statusText?: string;
  location?: string;
}

export interface WebSocketObservation {
  address: string;
  /** The Sec-WebSocket-Key that was sent. */
  key: string;
  error?: string;
  status?: number;
  statusText?: string;
  /** The Sec-WebSocket-Accept that came back. */
  accept?: string;
}

/** Everything verify saw of the front door; the probes after DNS only when it resolved. */
export interface FrontDoorObservation {
  dns: DnsAnswer;
  tls?: TlsObservation;
  http?: HttpObservation;
  webSocket?: WebSocketObservation;
}

const DAY_MS = 86_400_000;
// RFC 6455, section 1.3: the GUID every server appends to the key.
const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** RFC 6455's answer to a Sec-WebSocket-Key: base64(SHA-1(key + GUID)). */
export const webSocketAccept = (key: string): string =>
  createHash('sha1')
    .update(key + WEBSOCKET_GUID)
    .digest('base64');

/** Whether a certificate name covers the FQDN: equal, or a wildcard for exactly its first label (RFC 6125, 6.4.3). */
export function nameCovers(name: string, fqdn: string): boolean {
  const [n, f] = [name.toLowerCase().replace(/\.$/, ''), fqdn.toLowerCase().replace(/\.$/, '')];
  if (!n.startsWith('*.')) return n === f;
  const dot = f.indexOf('.');
  return dot > 0 && f.slice(dot + 1) === n.slice(2);
}

const isoDate = (iso: string) => iso.slice(0, 10);
// Whole days from `from` to `to`.
const daysBetween = (from: number, to: number) => Math.floor((to - from) / DAY_MS);
// OpenSSL names the validity period before the chain; the dates are judged on their own.
const DATE_ERRORS = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

function certificateFinding(fqdn: string, tls: TlsObservation, now: Date): Finding<'front-door'> {
  const object = `https://${fqdn}:${FRONT_DOOR_PORTS.https} (at ${tls.address})`;
  const cert = tls.certificate;
  if (tls.error || !cert)
    return {
      rule: 'front-door',
      object,
      observed: `no TLS handshake: ${tls.error ?? 'no certificate'}`,
      expected: 'an SSL-terminating load balancer',
      result: 'failed',
    };
  const wrong: { seen: string; expected: string }[] = [];
  if (!cert.names.some((name) => nameCovers(name, fqdn)))
    wrong.push({
      seen: cert.names.length ? `certificate for ${cert.names.join(', ')}` : `certificate of ${cert.subject} with no DNS name in its subjectAltName`,
      expected: `one valid for ${fqdn}`,
    });
  const [validTo, today] = [Date.parse(cert.validTo), now.getTime()];
  if (validTo < today)
    wrong.push({
      seen: `expired on ${isoDate(cert.validTo)} (${daysBetween(validTo, today)} days ago)`,
      expected: `one valid on ${isoDate(now.toISOString())}`,
    });
  if (Date.parse(cert.validFrom) > today)
    wrong.push({ seen: `not valid before ${isoDate(cert.validFrom)}`, expected: `one valid on ${isoDate(now.toISOString())}` });
  if (tls.chainError && !DATE_ERRORS.has(tls.chainError))
    wrong.push({ seen: `issuer ${cert.issuer} not trusted (${tls.chainError})`, expected: `one chaining to ${tls.trusted}` });
  if (wrong.length)
    return {
      rule: 'front-door',
      object,
      observed: wrong.map((w) => w.seen).join('; '),
      expected: `a certificate: ${wrong.map((w) => w.expected).join('; ')}`,
      result: 'failed',
    };
  const left = daysBetween(today, validTo);
  return {
    rule: 'front-door',
    object,
    observed: `certificate for ${fqdn} from ${cert.issuer}, expires on ${isoDate(cert.validTo)} (in ${left} days)`,
    expected: `a certificate valid for ${fqdn}, chaining to ${tls.trusted}, for more than ${CERT_WARNING_DAYS} days`,
    result: left < CERT_WARNING_DAYS ? 'warning' : 'ok',
  };
}

const statusLine = (status: number | undefined, text: string | undefined) => `HTTP ${status ?? '?'}${text ? ` ${text}` : ''}`;

function httpFinding(fqdn: string, http: HttpObservation): Finding<'front-door'> {
  const object = `http://${fqdn}:${FRONT_DOOR_PORTS.http} (at ${http.address})`;
  const expected = 'an HTTP answer (a redirect to https counts)';
  if (http.error || http.status === undefined)
    return { rule: 'front-door', object, observed: `no HTTP answer: ${http.error ?? 'no status'}`, expected, result: 'failed' };
  const seen = `${statusLine(http.status, http.statusText)}${http.location ? ` to ${http.location}` : ''}`;
  // A 5xx is an answer, from the load balancer: the platform behind it may not be.
  if (http.status >= 500)
    return { rule: 'front-door', object, observed: seen, expected: `${expected}; a 5xx says the platform nodes behind it did not answer`, result: 'warning' };
  return { rule: 'front-door', object, observed: seen, expected, result: 'ok' };
}

function webSocketFinding(fqdn: string, ws: WebSocketObservation): Finding<'front-door'> {
  const object = `wss://${fqdn}:${FRONT_DOOR_PORTS.https} (at ${ws.address})`;
  const expected = '101 Switching Protocols with the Sec-WebSocket-Accept of its key (the load balancer passes WebSocket upgrades on)';
  if (ws.error || ws.status === undefined)
    return { rule: 'front-door', object, observed: `no answer to a WebSocket upgrade: ${ws.error ?? 'no status'}`, expected, result: 'failed' };
  if (ws.status !== 101) return { rule: 'front-door', object, observed: statusLine(ws.status, ws.statusText), expected, result: 'failed' };
  const accept = webSocketAccept(ws.key);
  if (ws.accept !== accept)
    return {
      rule: 'front-door',
      object,
      observed: `101 with Sec-WebSocket-Accept ${ws.accept ?? '(none)'}`,
      expected: `Sec-WebSocket-Accept ${accept}`,
      result: 'failed',
    };
  return { rule: 'front-door', object, observed: '101 Switching Protocols, Sec-WebSocket-Accept as RFC 6455 says', expected, result: 'ok' };
}

/** Verify's judgement of the front door: DNS, then the certificate, port 80 and a WebSocket upgrade. */
export function frontDoorFindings(seen: FrontDoorObservation, now: Date): Finding<FrontDoorRule>[] {
  const { fqdn } = seen.dns;
  const dns = fqdnFinding(seen.dns, true);
  if (dns.result !== 'ok') return [dns];
  return [
    dns,
    ...(seen.tls ? [certificateFinding(fqdn, seen.tls, now)] : []),
    ...(seen.http ? [httpFinding(fqdn, seen.http)] : []),
    ...(seen.webSocket ? [webSocketFinding(fqdn, seen.webSocket)] : []),
  ];
}

/** The front door when the spec turns it off: reported as skipped, never as ok. */
export function frontDoorSkipped(fqdn: string): Finding<'front-door'>[] {
  return [
    {
      rule: 'front-door',
      object: `https://${fqdn}`,
      observed: 'not checked: spec.verify.frontDoor is false',
      expected: 'HTTPS with a valid certificate, HTTP on port 80 and a WebSocket upgrade through the load balancer',
      result: 'skipped',
    },
  ];
}
