// A front door as the seed describes it, from real parts on loopback: Debian's dnsmasq as the
// DNS server for the FQDNs, Debian's nginx as the SSL-terminating load balancer (one server
// block per loopback address, 443 and 80, certificates made by the openssl CLI with a test CA),
// forwarding to an upstream Node server that stands for port 80 of the platform nodes: it
// answers HTTP, and WebSocket upgrades as RFC 6455 says.
import { createServer, type Server } from 'node:http';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Resolver } from 'node:dns/promises';
import { execa } from 'execa';
import { freePort } from '../../client/dev/free-port.js';
import { webSocketAccept } from '../../lib/verify/front-door-checks.js';
import { makeCert, type CertPair } from '../../client/dev/openssl-pki.js';
import { startNginx } from './nginx.js';

export const DNSMASQ = '/usr/sbin/dnsmasq';

const openssl = (...args: string[]) => execa('openssl', args, { stdin: 'ignore' });

/** When a certificate is valid: from now for `days`, or between two fixed times (openssl's YYYYMMDDHHMMSSZ). */
export type Validity = { days: number } | { start: string; end: string };

/** A server certificate for `dnsName`, signed by `ca`. */
export async function serverCert(dir: string, name: string, ca: CertPair, dnsName: string, validity: Validity): Promise<CertPair> {
  if ('days' in validity) return makeCert(dir, name, ca, 'server', { names: [`DNS:${dnsName}`], days: validity.days });
  const pair = { crt: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  await writeFile(ext, `subjectAltName=DNS:${dnsName}\nextendedKeyUsage=serverAuth\n`);
  await openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', `/CN=${dnsName}`, '-keyout', pair.key, '-out', csr);
  // Fixed dates (an expired certificate): `openssl ca`, which takes them, with a database of its own.
  const db = join(dir, `${name}-ca`);
  await mkdir(db, { recursive: true });
  await writeFile(join(db, 'index.txt'), '');
  const conf = join(db, 'ca.cnf');
  await writeFile(
    conf,
    `[ca]\ndefault_ca = test\n[test]\ndatabase = ${db}/index.txt\nserial = ${db}/serial\nnew_certs_dir = ${db}\ndefault_md = sha256\npolicy = any\nunique_subject = no\n[any]\ncommonName = supplied\n`,
  );
  await openssl(
    'ca',
    '-batch',
    '-config',
    conf,
    '-cert',
    ca.crt,
    '-keyfile',
    ca.key,
    '-in',
    csr,
    '-out',
    pair.crt,
    '-notext',
    '-create_serial',
    '-startdate',
    validity.start,
    '-enddate',
    validity.end,
    '-extfile',
    ext,
  );
  return pair;
}

export interface Dnsmasq {
  /** 127.0.0.1:port, as spec.katonic.dnsServers names it. */
  server: string;
  stop(): Promise<void>;
}

/** dnsmasq answering `names` (FQDN -> IPv4) and NXDOMAIN for every other name under `zone`; nothing else, nothing forwarded. */
export async function startDnsmasq(zone: string, names: Record<string, string>): Promise<Dnsmasq> {
  const port = await freePort();
  const child = execa(
    DNSMASQ,
    [
      '--keep-in-foreground',
      '--conf-file=/dev/null',
      '--pid-file=',
      '--no-resolv',
      '--no-hosts',
      '--bind-interfaces',
      '--listen-address=127.0.0.1',
      `--port=${port}`,
      `--address=/${zone}/`,
      ...Object.entries(names).map(([name, ip]) => `--address=/${name}/${ip}`),
    ],
    { reject: false, stdin: 'ignore', buffer: false, stdout: 'ignore', stderr: 'ignore' },
  );
  const server = `127.0.0.1:${port}`;
  const resolver = new Resolver({ timeout: 200, tries: 1 });
  resolver.setServers([server]);
  const [first, address] = Object.entries(names)[0]!;
  for (let i = 0; ; i++) {
    const answer = await resolver.resolve4(first).catch((): string[] => []);
    if (answer.includes(address)) break;
    if (child.exitCode !== null || i > 50) throw new Error(`dnsmasq did not answer on ${server}`);
    await sleep(100);
  }
  return {
    server,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await child;
    },
  };
}

/** An upstream that stands for port 80 of the platform nodes: HTTP, and WebSocket upgrades. */
export async function startUpstream(): Promise<{ address: string; server: Server }> {
  const server = createServer((_req, res) => res.end('Katonic\n'));
  server.on('upgrade', (req, socket) => {
    const key = req.headers['sec-websocket-key'];
    if (req.headers.upgrade?.toLowerCase() !== 'websocket' || typeof key !== 'string') {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      return;
    }
    socket.end(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${webSocketAccept(key)}\r\n\r\n`);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { address: `127.0.0.1:${port}`, server };
}

/** One load balancer address: its certificate, whether it passes WebSocket upgrades on, what port 80 does. */
export interface Door {
  address: string;
  cert: CertPair;
  webSocket: boolean;
  http: 'redirect' | 'proxy';
}

export interface LoadBalancer {
  stop(): Promise<void>;
}

const serverBlocks = (door: Door, upstream: string) => {
  // As nginx's WebSocket proxying guide has it; without these, Upgrade and Connection are hop-by-hop headers nginx drops.
  const upgrade = door.webSocket
    ? '      proxy_http_version 1.1;\n      proxy_set_header Upgrade $http_upgrade;\n      proxy_set_header Connection "upgrade";\n'
    : '';
  const proxy = `location / {\n      proxy_pass http://${upstream};\n      proxy_set_header Host $host;\n${upgrade}    }`;
  return `  server {
    listen ${door.address}:443 ssl;
    ssl_certificate ${door.cert.crt};
    ssl_certificate_key ${door.cert.key};
    ${proxy}
  }
  server {
    listen ${door.address}:80;
    ${door.http === 'redirect' ? 'location / {\n      return 301 https://$host$request_uri;\n    }' : proxy}
  }
`;
};

/** nginx terminating TLS on 443 and serving 80 at each door's address, in front of `upstream`. */
export async function startLoadBalancer(dir: string, doors: Door[], upstream: string): Promise<LoadBalancer> {
  const nginx = await startNginx(dir, doors.map((door) => serverBlocks(door, upstream)).join(''), { host: doors.at(-1)!.address, port: 80 });
  return { stop: nginx.stop };
}
