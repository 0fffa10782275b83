// A small HTTPS proxy in front of a real kube-apiserver that answers its first requests with
// the Status an API server returns when it cannot serve (503: a control plane upgrade, an
// overloaded etcd) or does not accept the credentials (401: a token that expired or was
// revoked), then passes everything through. It serves with the API server's own certificate,
// so a kubeconfig that trusts the cluster CA trusts it too.
import { readFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface FlakyProxy {
  url: string;
  /** How many requests it answered with the status itself. */
  refused(): number;
  close(): Promise<void>;
}

/** What kube-apiserver says with each status. */
const REFUSALS = {
  401: { reason: 'Unauthorized', message: 'Unauthorized', headers: {} },
  503: { reason: 'ServiceUnavailable', message: 'the server is currently unable to handle the request', headers: { 'Retry-After': '1' } },
};

export type RefusalStatus = keyof typeof REFUSALS;

export async function startFlakyProxy(upstream: string, pkiDir: string, failFirst: number, status: RefusalStatus = 503): Promise<FlakyProxy> {
  const refusal = REFUSALS[status];
  const body = JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: refusal.message,
    reason: refusal.reason,
    code: status,
  });
  const [cert, key, ca] = await Promise.all(['apiserver.crt', 'apiserver.key', 'ca.crt'].map((f) => readFile(join(pkiDir, f))));
  const target = new URL(upstream);
  let refused = 0;
  const server: Server = createServer({ cert, key }, (req, res) => {
    if (refused < failFirst) {
      refused++;
      res.writeHead(status, { 'Content-Type': 'application/json', ...refusal.headers });
      res.end(body);
      return;
    }
    const forward = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host }, ca },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    refused: () => refused,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
