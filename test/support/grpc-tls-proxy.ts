// A TLS-terminating gRPC proxy that asks for client certificates, as production puts in front
// of a Temporal server: Debian's nginx (`grpc_pass`, `ssl_verify_client on`), with a CA, a
// server certificate and client certificates made by the openssl CLI.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { freePort } from '../../client/dev/free-port.js';
import { startNginx } from './nginx.js';

export interface CertPair {
  crt: string;
  key: string;
}

const openssl = (...args: string[]) => execa('openssl', args, { stdin: 'ignore' });

/** A CA (its certificate and key). */
export async function makeCa(dir: string, name: string): Promise<CertPair> {
  await mkdir(dir, { recursive: true });
  const pair = { crt: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  await openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    pair.key,
    '-out',
    pair.crt,
  );
  return pair;
}

/** A certificate signed by `ca`: for a server (localhost) or a client. */
export async function makeCert(dir: string, name: string, ca: CertPair, use: 'server' | 'client'): Promise<CertPair> {
  const pair = { crt: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  await writeFile(ext, use === 'server' ? 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' : 'extendedKeyUsage=clientAuth\n');
  await openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', `/CN=${name}`, '-keyout', pair.key, '-out', csr);
  // A serial of its own, not the CA's serial file: certificates made at once raced on that file ("Unable to load number").
  const serial = `0x${randomBytes(16).toString('hex')}`;
  await openssl('x509', '-req', '-in', csr, '-CA', ca.crt, '-CAkey', ca.key, '-set_serial', serial, '-days', '2', '-extfile', ext, '-out', pair.crt);
  return pair;
}

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
