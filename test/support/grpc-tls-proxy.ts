// A TLS-terminating gRPC proxy that asks for client certificates, as production puts in front
// of a Temporal server: Debian's nginx (`grpc_pass`, `ssl_verify_client on`), with a CA, a
// server certificate and client certificates made by the openssl CLI.
import { join } from 'node:path';
import type { ResultPromise } from 'execa';
import { freePort } from '../../client/dev/free-port.js';
import type { CertPair } from '../../client/dev/openssl-pki.js';
import { startNginx } from './nginx.js';

export interface GrpcTlsProxy {
  /** localhost:port, as a client names it (the server certificate is for localhost). */
  address: string;
  process: ResultPromise;
  stop(): Promise<void>;
}

export async function startGrpcTlsProxy(opts: { dir: string; upstream: string; server: CertPair; clientCa: string }): Promise<GrpcTlsProxy> {
  const port = await freePort();
  const nginx = await startNginx(
    join(opts.dir, 'nginx'),
    `  server {
    listen 127.0.0.1:${port} ssl http2;
    ssl_certificate ${opts.server.crt};
    ssl_certificate_key ${opts.server.key};
    ssl_client_certificate ${opts.clientCa};
    ssl_verify_client on;
    # Long polls (a worker's task polls) last up to a minute.
    grpc_read_timeout 5m;
    grpc_send_timeout 5m;
    client_max_body_size 0;
    location / {
      grpc_pass grpc://${opts.upstream};
    }
  }
`,
    { host: '127.0.0.1', port },
  );
  return { address: `localhost:${port}`, ...nginx };
}
