// Certificates for the local servers the embedded default and the tests run (the Temporal
// cluster's own TLS, the gRPC proxy, the front door's load balancer), made with the openssl CLI.
// EC P-256 keys: a whole set takes a fraction of a second.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';

export interface CertPair {
  crt: string;
  key: string;
}

const openssl = (...args: string[]) => execa('openssl', args, { stdin: 'ignore' });
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/** A CA (its certificate and key), valid for `days` (2 by default: a test's). */
export async function makeCa(dir: string, name: string, days = 2): Promise<CertPair> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const pair = { crt: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  const ca = ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature'];
  await openssl(
    'req',
    '-x509',
    ...EC_KEY,
    '-days',
    String(days),
    '-subj',
    `/CN=${name}`,
    ...ca.flatMap((e) => ['-addext', e]),
    '-keyout',
    pair.key,
    '-out',
    pair.crt,
  );
  await chmod(pair.key, 0o600);
  return pair;
}

export interface CertOptions {
  /** The subject alternative names of a server certificate (default: localhost and 127.0.0.1). */
  names?: string[];
  days?: number;
}

/**
 * A certificate signed by `ca`: for a server, a client, or both (a server that is also a client
 * of its peers, as the Temporal services are to each other).
 */
export async function makeCert(dir: string, name: string, ca: CertPair, use: 'server' | 'client' | 'peer', opts: CertOptions = {}): Promise<CertPair> {
  const pair = { crt: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  const usage = { server: 'serverAuth', client: 'clientAuth', peer: 'serverAuth,clientAuth' }[use];
  const names = use === 'client' ? [] : (opts.names ?? ['DNS:localhost', 'IP:127.0.0.1']);
  await writeFile(ext, `${names.length ? `subjectAltName=${names.join(',')}\n` : ''}extendedKeyUsage=${usage}\n`);
  await openssl('req', ...EC_KEY, '-subj', `/CN=${name}`, '-keyout', pair.key, '-out', csr);
  // A serial of its own, not the CA's serial file: certificates made at once raced on that file ("Unable to load number").
  const serial = `0x${randomBytes(16).toString('hex')}`;
  await openssl(
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.crt,
    '-CAkey',
    ca.key,
    '-set_serial',
    serial,
    '-days',
    String(opts.days ?? 2),
    '-extfile',
    ext,
    '-out',
    pair.crt,
  );
  await chmod(pair.key, 0o600);
  return pair;
}
