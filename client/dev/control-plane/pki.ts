// The local control plane's certificates, made with the openssl CLI (fresh, or kept when the
// cluster keeps its state, since kubeconfigs written earlier embed them):
// a cluster CA, the API server's serving certificate, the admin's client certificate
// (group system:masters, as kubeadm and Kubespray issue it) and the service-account key pair.
// EC P-256 keys: a whole set takes a fraction of a second.
import { access, chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';

export interface ControlPlanePki {
  caCert: string;
  caKey: string;
  apiserverCert: string;
  apiserverKey: string;
  adminCert: string;
  adminKey: string;
  serviceAccountKey: string;
  serviceAccountPub: string;
}

/** The in-cluster names and the first address of the service range (the `kubernetes` Service). */
const APISERVER_NAMES = [
  'DNS:localhost',
  'DNS:kubernetes',
  'DNS:kubernetes.default',
  'DNS:kubernetes.default.svc',
  'DNS:kubernetes.default.svc.cluster.local',
  'IP:127.0.0.1',
];
const DAYS = '365';
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function issue(pki: ControlPlanePki, cert: string, key: string, subject: string, extensions: string[]): Promise<void> {
  await execa('openssl', [
    'req',
    '-x509',
    ...EC_KEY,
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    DAYS,
    '-CA',
    pki.caCert,
    '-CAkey',
    pki.caKey,
    '-subj',
    subject,
    ...extensions.flatMap((e) => ['-addext', e]),
  ]);
}

export async function ensurePki(dir: string, serviceIp: string, reuse: boolean): Promise<ControlPlanePki> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = (name: string) => join(dir, name);
  const pki: ControlPlanePki = {
    caCert: file('ca.crt'),
    caKey: file('ca.key'),
    apiserverCert: file('apiserver.crt'),
    apiserverKey: file('apiserver.key'),
    adminCert: file('admin.crt'),
    adminKey: file('admin.key'),
    serviceAccountKey: file('sa.key'),
    serviceAccountPub: file('sa.pub'),
  };
  const present = await Promise.all(
    Object.values(pki).map((path) =>
      access(path).then(
        () => true,
        () => false,
      ),
    ),
  );
  if (reuse && present.every(Boolean)) return pki;
  await execa('openssl', [
    'req',
    '-x509',
    ...EC_KEY,
    '-keyout',
    pki.caKey,
    '-out',
    pki.caCert,
    '-days',
    DAYS,
    '-subj',
    '/CN=kubernetes',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
  ]);
  const leaf = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment'];
  await Promise.all([
    issue(pki, pki.apiserverCert, pki.apiserverKey, '/CN=kube-apiserver', [
      ...leaf,
      'extendedKeyUsage=serverAuth',
      `subjectAltName=${[...APISERVER_NAMES, `IP:${serviceIp}`].join(',')}`,
    ]),
    issue(pki, pki.adminCert, pki.adminKey, '/O=system:masters/CN=kubernetes-admin', [...leaf, 'extendedKeyUsage=clientAuth']),
    execa('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', pki.serviceAccountKey]).then(() =>
      execa('openssl', ['pkey', '-in', pki.serviceAccountKey, '-pubout', '-out', pki.serviceAccountPub]),
    ),
  ]);
  await Promise.all([pki.caKey, pki.apiserverKey, pki.adminKey, pki.serviceAccountKey].map((key) => chmod(key, 0o600)));
  return pki;
}
