// Verify's look at the front door from outside, as a browser comes in: the FQDN through DNS,
// then at the address it gives, HTTPS on 443 with the FQDN as SNI (the certificate), HTTP on 80,
// and a WebSocket upgrade on 443 (RFC 6455's handshake, with node:https: Node 20 has no
// WebSocket client, and the handshake is all the check needs). Each request has a bounded time;
// the judgement is lib/verify/front-door-checks.ts.
import { randomBytes, X509Certificate } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, rootCertificates, type PeerCertificate } from 'node:tls';
import type { Finding } from '../../lib/checks/finding.js';
import {
  FRONT_DOOR_PORTS,
  frontDoorFindings,
  frontDoorSkipped,
  type HttpObservation,
  type PresentedCertificate,
  type TlsObservation,
  type WebSocketObservation,
} from '../../lib/verify/front-door-checks.js';
import type { Installation } from '../../lib/spec/schema.js';
import { readSecret } from '../secrets.js';
import { resolveFqdn } from './resolve-fqdn.js';
import type { VerifyCheck } from './verify-check.js';

const REQUEST_TIMEOUT_MS = 10_000;
const TIMED_OUT = `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;

type Katonic = Installation['spec']['katonic'];

interface Trust {
  /** Node's roots and the spec's bundle; undefined: Node's roots as they are. */
  ca?: string[];
  trusted: string;
}

/** The roots a certificate may chain to: the public ones, and the spec's CA bundle (spec.katonic.tls.caRef). */
async function trustOf(katonic: Katonic): Promise<Trust> {
  const ref = katonic.tls?.caRef;
  if (!ref) return { trusted: 'the public roots' };
  return { ca: [...rootCertificates, await readSecret(ref)], trusted: `the public roots or ${ref}` };
}

function presented(peer: PeerCertificate): PresentedCertificate {
  const cert = new X509Certificate(peer.raw);
  const sans = (cert.subjectAltName ?? '')
    .split(', ')
    .filter((san) => san.startsWith('DNS:'))
    .map((san) => san.slice(4));
  return {
    names: sans,
    subject: cert.subject.split('\n').join(', '),
    issuer: cert.issuer.split('\n').join(', '),
    validFrom: new Date(Date.parse(cert.validFrom)).toISOString(),
    validTo: new Date(Date.parse(cert.validTo)).toISOString(),
  };
}

/** The TLS handshake alone: the chain is judged, not refused, so a bad certificate is described rather than an error. */
function probeTls(address: string, fqdn: string, trust: Trust): Promise<TlsObservation> {
  return new Promise((resolve) => {
    const socket = connect({
      host: address,
      port: FRONT_DOOR_PORTS.https,
      servername: fqdn,
      ...(trust.ca ? { ca: trust.ca } : {}),
      rejectUnauthorized: false,
      // The names are judged with the dates (lib/verify/front-door-checks.ts): authorizationError is the chain's alone.
      checkServerIdentity: () => undefined,
      timeout: REQUEST_TIMEOUT_MS,
    });
    const done = (seen: Partial<TlsObservation>) => {
      socket.destroy();
      resolve({ address, trusted: trust.trusted, ...seen });
    };
    socket.once('secureConnect', () => {
      const peer = socket.getPeerCertificate();
      // An empty object where the server sent none.
      if (!peer.raw) return done({ error: 'the server presented no certificate' });
      done({ certificate: presented(peer), ...(socket.authorized ? {} : { chainError: String(socket.authorizationError) }) });
    });
    socket.once('timeout', () => done({ error: TIMED_OUT }));
    socket.once('error', (err) => done({ error: err.message }));
  });
}

function probeHttp(address: string, fqdn: string): Promise<HttpObservation> {
  return new Promise((resolve) => {
    const req = httpRequest(
      { host: address, port: FRONT_DOOR_PORTS.http, path: '/', headers: { Host: fqdn }, agent: false, timeout: REQUEST_TIMEOUT_MS },
      (res) => {
        resolve({ address, status: res.statusCode, statusText: res.statusMessage, ...(res.headers.location ? { location: res.headers.location } : {}) });
        res.destroy();
      },
    );
    // The first answer counts: once timed out, the error destroying the request brings is not one.
    req.once('timeout', () => (resolve({ address, error: TIMED_OUT }), req.destroy()));
    req.once('error', (err) => resolve({ address, error: err.message }));
    req.end();
  });
}

/** An HTTP/1.1 Upgrade with a fresh Sec-WebSocket-Key (RFC 6455, 4.1); the connection is closed once answered. */
function probeWebSocket(address: string, fqdn: string): Promise<WebSocketObservation> {
  const key = randomBytes(16).toString('base64');
  return new Promise((resolve) => {
    const req = httpsRequest({
      host: address,
      port: FRONT_DOOR_PORTS.https,
      servername: fqdn,
      path: '/',
      headers: { Host: fqdn, Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': key },
      // The certificate has its own finding; this one is about the upgrade.
      rejectUnauthorized: false,
      agent: false,
      timeout: REQUEST_TIMEOUT_MS,
    });
    req.once('upgrade', (res, socket) => {
      socket.destroy();
      const accept = res.headers['sec-websocket-accept'];
      resolve({ address, key, status: res.statusCode, statusText: res.statusMessage, ...(accept ? { accept } : {}) });
    });
    req.once('response', (res) => {
      resolve({ address, key, status: res.statusCode, statusText: res.statusMessage });
      res.destroy();
    });
    req.once('timeout', () => (resolve({ address, key, error: TIMED_OUT }), req.destroy()));
    req.once('error', (err) => resolve({ address, key, error: err.message }));
    req.end();
  });
}

/** The front door of `katonic` looked at now, from this machine; `progress` shows what it waits for. */
export async function probeFrontDoor(katonic: Katonic, progress: (task: string) => void): Promise<Finding[]> {
  progress(`front door: resolving ${katonic.fqdn}`);
  const dns = await resolveFqdn(katonic);
  // A load balancer with several addresses answers alike on each: the first stands for them.
  const address = dns.addresses[0];
  if (!address) return frontDoorFindings({ dns }, new Date());
  const trust = await trustOf(katonic);
  progress(`front door: HTTPS, HTTP and a WebSocket upgrade at ${address} for ${katonic.fqdn}`);
  const [tls, http, webSocket] = await Promise.all([
    probeTls(address, katonic.fqdn, trust),
    probeHttp(address, katonic.fqdn),
    probeWebSocket(address, katonic.fqdn),
  ]);
  return frontDoorFindings({ dns, tls, http, webSocket }, new Date());
}

export const checkFrontDoor: VerifyCheck = async (ctx) => {
  const { katonic } = ctx.input.spec.spec;
  return ctx.settings.frontDoor ? probeFrontDoor(katonic, ctx.progress) : frontDoorSkipped(katonic.fqdn);
};
