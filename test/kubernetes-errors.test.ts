// The one Kubernetes error mapper, against a real client (@kubernetes/client-node) talking to a
// local HTTP server that answers as an API server does when it refuses (a Status body), and to
// a port nobody listens on and a server that never answers: each status class becomes its
// catalogue type, retried or not as the catalogue says, the message naming the kubeconfig's
// reference and never its content.
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, type RequestContext } from '@kubernetes/client-node';
import type { ApplicationFailure } from '@temporalio/common';
import { kubernetesCall, kubernetesFailure } from '../activities/kubernetes/api-errors.js';
import { ensurePki } from '../client/dev/control-plane/pki.js';
import { freePort } from '../client/dev/free-port.js';

const TOKEN = 'kube-token-that-must-not-show-0123';
const target = { phase: 'verify', kubeconfig: 'file:~/.kube/acme.yaml' };

const statusBody = (code: number, reason: string, message: string) =>
  JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code });

/** A client for `server` with a bearer token, its requests aborted after `timeoutMs`; over HTTPS, trusting the CA `caData`. */
function kubeConfig(server: string, timeoutMs = 10_000, caData?: string): KubeConfig {
  class Bounded extends KubeConfig {
    override async applySecurityAuthentication(context: RequestContext): Promise<void> {
      await super.applySecurityAuthentication(context);
      context.setSignal(AbortSignal.timeout(timeoutMs));
    }
  }
  const kc = new Bounded();
  kc.loadFromOptions({
    // Plain HTTP: client-node allows it only with TLS verification off.
    clusters: [caData ? { name: 'acme', server, caData, skipTLSVerify: false } : { name: 'acme', server, skipTLSVerify: true }],
    users: [{ name: 'acme', token: TOKEN }],
    contexts: [{ name: 'acme', cluster: 'acme', user: 'acme' }],
    currentContext: 'acme',
  });
  return kc;
}

const failureOf = (kc: KubeConfig): Promise<ApplicationFailure> =>
  kubernetesCall(target, 'reading the nodes', () => kc.makeApiClient(CoreV1Api).listNode()).then(
    () => Promise.reject(new Error('expected the call to fail')),
    (err: ApplicationFailure) => err,
  );

let server: Server;
let url: string;
/** The status the next request is answered with; 0: never answered. */
let answer = 200;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (answer === 0) return;
    res.writeHead(answer, { 'content-type': 'application/json' });
    res.end(
      answer === 200
        ? JSON.stringify({ kind: 'NodeList', apiVersion: 'v1', metadata: {}, items: [] })
        : statusBody(answer, 'Refused', `refused with ${answer}`),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('Kubernetes error mapper (real client, local server)', () => {
  it.each([
    [401, 'KubernetesAccessDenied', true, 'did not accept its credentials (HTTP 401)'],
    [403, 'KubernetesAccessDenied', true, 'refused the operation: refused with 403 (HTTP 403)'],
    [404, 'KubernetesNotFound', true, 'answered: refused with 404 (HTTP 404)'],
    [409, 'KubernetesConflict', false, 'answered: refused with 409 (HTTP 409)'],
    [422, 'KubernetesObjectInvalid', true, 'answered: refused with 422 (HTTP 422)'],
    [400, 'KubernetesRequestRefused', true, 'answered: refused with 400 (HTTP 400)'],
    [410, 'KubernetesUnavailable', false, 'answered: refused with 410 (HTTP 410)'],
    [429, 'KubernetesUnavailable', false, 'answered: refused with 429 (HTTP 429)'],
    [500, 'KubernetesUnavailable', false, 'answered: refused with 500 (HTTP 500)'],
    [503, 'KubernetesUnavailable', false, 'answered: refused with 503 (HTTP 503)'],
  ])('HTTP %i is %s (non-retryable: %s), naming the kubeconfig reference', async (status, type, nonRetryable, says) => {
    answer = status;
    const err = await failureOf(kubeConfig(url));
    expect(err).toMatchObject({
      type,
      nonRetryable,
      message: `verify: reading the nodes: the API server of the kubeconfig file:~/.kube/acme.yaml ${says}`,
      details: [{ kubeconfig: 'file:~/.kube/acme.yaml', request: 'reading the nodes', status }],
    });
    expect(JSON.stringify(err.details)).not.toContain(TOKEN);
    expect(err.message).not.toContain(TOKEN);
  });

  it('a connection refused is unavailable, retried', async () => {
    const err = await failureOf(kubeConfig(`http://127.0.0.1:${await freePort()}`));
    expect(err).toMatchObject({ type: 'KubernetesUnavailable', nonRetryable: false, message: expect.stringMatching(/could not be reached: ECONNREFUSED$/) });
  });

  it("an API server whose certificate the kubeconfig's CA did not sign is untrusted, not retried", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'katonic-untrusted-'));
    const [served, trusted] = await Promise.all([ensurePki(join(dir, 'served'), '10.96.0.1', false), ensurePki(join(dir, 'trusted'), '10.96.0.1', false)]);
    const [cert, key, ca] = await Promise.all([readFile(served.apiserverCert), readFile(served.apiserverKey), readFile(trusted.caCert)]);
    const https = createHttpsServer({ cert, key }, (_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
    try {
      const err = await failureOf(kubeConfig(`https://127.0.0.1:${(https.address() as AddressInfo).port}`, 10_000, ca.toString('base64')));
      expect(err).toMatchObject({
        type: 'KubernetesServerUntrusted',
        nonRetryable: true,
        message: expect.stringContaining('the kubeconfig file:~/.kube/acme.yaml could not be reached: '),
      });
    } finally {
      https.closeAllConnections();
      await new Promise((resolve) => https.close(resolve));
    }
  });

  it('an API server that does not answer in time is unavailable, retried', async () => {
    answer = 0;
    const err = await failureOf(kubeConfig(url, 300));
    expect(err).toMatchObject({
      type: 'KubernetesUnavailable',
      nonRetryable: false,
      message: 'verify: reading the nodes: the API server of the kubeconfig file:~/.kube/acme.yaml did not answer in time',
    });
  });

  it("passes a success through, and leaves an error that is not the API server's as it is (a bug stays a bug)", async () => {
    answer = 200;
    await expect(kubernetesCall(target, 'reading the nodes', () => kubeConfig(url).makeApiClient(CoreV1Api).listNode())).resolves.toMatchObject({ items: [] });
    const bug = new TypeError("Cannot read properties of undefined (reading 'items')");
    expect(kubernetesFailure(bug, target, 'reading the nodes')).toBe(bug);
  });
});
