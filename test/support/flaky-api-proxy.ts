// A small HTTPS proxy in front of a real kube-apiserver that answers its first requests with
// 503 Service Unavailable, the Status an API server returns while it cannot serve (a control
// plane upgrade, an overloaded etcd), then passes everything through. It serves with the API
// server's own certificate, so a kubeconfig that trusts the cluster CA trusts it too.
import { readFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface FlakyProxy {
  url: string;
  /** How many requests got a 503. */
  refused(): number;
  close(): Promise<void>;
}

const UNAVAILABLE = JSON.stringify({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'the server is currently unable to handle the request',
  reason: 'ServiceUnavailable',
  code: 503,
});

export async function startFlakyProxy(upstream: string, pkiDir: string, failFirst: number): Promise<FlakyProxy> {
  const [cert, key, ca] = await Promise.all(['apiserver.crt', 'apiserver.key', 'ca.crt'].map((f) => readFile(join(pkiDir, f))));
  const target = new URL(upstream);
  let refused = 0;
  const server: Server = createServer({ cert, key }, (req, res) => {
    if (refused < failFirst) {
      refused++;
      res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '1' });
      res.end(UNAVAILABLE);
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
