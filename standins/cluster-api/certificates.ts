// TLS material for the stand-in API server: a private CA and a server certificate signed by it,
// made with the openssl CLI. Files are kept in the given directory and reused, so kubeconfigs
// written earlier (they embed the CA) stay valid across restarts.
import { X509Certificate } from 'node:crypto';
import { access, chmod, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';

export interface CertificateFiles {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
}

const CA_DAYS = '3650';
const SERVER_DAYS = '825';

export function certificateFiles(dir: string): CertificateFiles {
  return {
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    serverCert: join(dir, 'server.crt'),
    serverKey: join(dir, 'server.key'),
  };
}

/**
 * Makes sure `dir` holds a CA and a server certificate valid for 127.0.0.1, localhost and
 * `extraIps`. Existing files are reused; the server certificate alone is re-issued when it lacks
 * one of the wanted addresses or was not signed by the CA in `dir`.
 */
export async function ensureCertificates(dir: string, extraIps: readonly string[] = []): Promise<CertificateFiles> {
  await mkdir(dir, { recursive: true });
  const files = certificateFiles(dir);
  const subjectAltNames = ['IP:127.0.0.1', 'DNS:localhost', ...extraIps.map((ip) => `IP:${ip}`)];
  const uniqueSubjectAltNames = [...new Set(subjectAltNames)];

  if (!(await allExist(files.caCert, files.caKey))) {
    await createCa(files);
  }
  if (!(await serverCertificateFits(files, uniqueSubjectAltNames))) {
    await createServerCertificate(files, uniqueSubjectAltNames);
  }
  return files;
}

async function createCa(files: CertificateFiles): Promise<void> {
  await execa('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes',
    '-keyout', files.caKey, '-out', files.caCert, '-days', CA_DAYS,
    '-subj', '/CN=standin-kubernetes-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await chmod(files.caKey, 0o600);
}

// `openssl req -x509 -CA` (OpenSSL 3) issues a CA-signed certificate in one step, without a CSR
// or an extensions file on disk.
async function createServerCertificate(files: CertificateFiles, subjectAltNames: readonly string[]): Promise<void> {
  await execa('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes',
    '-keyout', files.serverKey, '-out', files.serverCert, '-days', SERVER_DAYS,
    '-CA', files.caCert, '-CAkey', files.caKey,
    '-subj', '/CN=kube-apiserver',
    '-addext', `subjectAltName=${subjectAltNames.join(',')}`,
    '-addext', 'basicConstraints=critical,CA:FALSE',
    '-addext', 'keyUsage=critical,digitalSignature,keyEncipherment',
    '-addext', 'extendedKeyUsage=serverAuth',
  ]);
  await chmod(files.serverKey, 0o600);
}

async function serverCertificateFits(files: CertificateFiles, subjectAltNames: readonly string[]): Promise<boolean> {
  if (!(await allExist(files.serverCert, files.serverKey))) return false;
  const server = new X509Certificate(await readFile(files.serverCert));
  const ca = new X509Certificate(await readFile(files.caCert));
  // Node prints SANs as "IP Address:1.2.3.4, DNS:localhost"; openssl takes "IP:1.2.3.4".
  const present = new Set((server.subjectAltName ?? '').split(', ').map((san) => san.replace(/^IP Address:/, 'IP:')));
  return server.verify(ca.publicKey) && subjectAltNames.every((san) => present.has(san));
}

async function allExist(...paths: string[]): Promise<boolean> {
  try {
    await Promise.all(paths.map((path) => access(path)));
    return true;
  } catch {
    return false;
  }
}
