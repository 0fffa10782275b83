// A real, local Kubernetes control plane for the embedded default and the tests: etcd,
// kube-apiserver (RBAC on, its own CA and certificates), kube-controller-manager,
// kube-scheduler, kwok (simulated kubelets that keep nodes Ready and run their pods) and the
// storage provisioners that bind its volumes (./provisioners.ts), built by scripts/setup.sh
// into .tools/. Everything listens on loopback. etcd's data is scratch (every start a new,
// empty cluster) unless `keepState` asks to keep it.
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { localTools } from '../../../lib/local-tools.js';
import { freePort } from '../free-port.js';
import { startSupervised, waitUntilReady, type SupervisedProcess } from '../supervised-process.js';
import { adminKubeconfig } from './kubeconfig.js';
import { ensurePki, type ControlPlanePki } from './pki.js';
import { provisionerCommands } from './provisioners.js';

export interface ControlPlaneOptions {
  /** Its files: pki/, admin.conf, logs/, etcd/ (scratch), the provisioners' local-path/ and nfs-standin-export/. */
  dir: string;
  /** The API server's port on 127.0.0.1; omitted: a free one. */
  port?: number;
  /** Keep etcd's data and the certificates across restarts (`kinstall dev`: an install interrupted by Ctrl-C goes on in the same cluster). */
  keepState?: boolean;
}

export interface ControlPlane {
  /** https://127.0.0.1:PORT */
  server: string;
  /** The admin kubeconfig (client certificate of kubernetes-admin, group system:masters). */
  kubeconfig: string;
  caFile: string;
  stop(): Promise<void>;
}

const SERVICE_RANGE = '10.96.0.0/16';
const SERVICE_IP = '10.96.0.1';
const POD_RANGE = '10.244.0.0/16';
const READY_TIMEOUT_MS = 60_000;

function httpOk(url: string, ca?: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    const request = (url.startsWith('https:') ? httpsGet : httpGet)(url, { ca, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    request.on('error', () => resolve(false));
    request.on('timeout', () => request.destroy());
  });
}

function apiserverArgs(pki: ControlPlanePki, port: number, etcdUrl: string, certDir: string): string[] {
  return [
    `--etcd-servers=${etcdUrl}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${port}`,
    `--cert-dir=${certDir}`,
    `--tls-cert-file=${pki.apiserverCert}`,
    `--tls-private-key-file=${pki.apiserverKey}`,
    `--client-ca-file=${pki.caCert}`,
    '--authorization-mode=Node,RBAC',
    `--service-account-key-file=${pki.serviceAccountPub}`,
    `--service-account-signing-key-file=${pki.serviceAccountKey}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-cluster-ip-range=${SERVICE_RANGE}`,
    '--allow-privileged=true',
    '--profiling=false',
  ];
}

export async function startControlPlane(opts: ControlPlaneOptions): Promise<ControlPlane> {
  const bin = localTools.controlPlaneBin;
  const logs = join(opts.dir, 'logs');
  const etcdDir = join(opts.dir, 'etcd');
  if (!opts.keepState) await rm(etcdDir, { recursive: true, force: true });
  await mkdir(logs, { recursive: true });
  const pki = await ensurePki(join(opts.dir, 'pki'), SERVICE_IP, Boolean(opts.keepState));
  const [port, etcdPort, etcdPeerPort] = [opts.port ?? (await freePort()), await freePort(), await freePort()];
  const etcdUrl = `http://127.0.0.1:${etcdPort}`;
  const server = `https://127.0.0.1:${port}`;
  const kubeconfig = join(opts.dir, 'admin.conf');
  const started: SupervisedProcess[] = [];
  const start = async (name: string, args: string[], file = bin(name), env?: Record<string, string>) => {
    const proc = await startSupervised(name, file, args, { logFile: join(logs, `${name}.log`), env });
    started.push(proc);
    return proc;
  };
  // Newest first: kwok and the controllers stop before the API server, the API server before etcd.
  const stop = async () => {
    for (const proc of started.reverse()) await proc.stop(5000);
    if (!opts.keepState) await rm(etcdDir, { recursive: true, force: true });
  };

  try {
    const peer = `http://127.0.0.1:${etcdPeerPort}`;
    const etcd = await start('etcd', [
      '--name=default',
      `--data-dir=${etcdDir}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=default=${peer}`,
      // Scratch data: durability is not worth an fsync per write here.
      '--unsafe-no-fsync=true',
      '--log-level=warn',
    ]);
    await waitUntilReady(etcd, () => httpOk(`${etcdUrl}/health`), READY_TIMEOUT_MS);

    const apiserver = await start('kube-apiserver', apiserverArgs(pki, port, etcdUrl, join(opts.dir, 'apiserver-certs')));
    const ca = await readFile(pki.caCert);
    await waitUntilReady(apiserver, () => httpOk(`${server}/readyz`, ca), READY_TIMEOUT_MS);
    await writeFile(kubeconfig, await adminKubeconfig(server, pki), { mode: 0o600 });

    const component = ['--kubeconfig', kubeconfig, '--leader-elect=false', '--secure-port=0'];
    const controllerManager = await start('kube-controller-manager', [
      ...component,
      '--use-service-account-credentials=true',
      `--service-account-private-key-file=${pki.serviceAccountKey}`,
      `--root-ca-file=${pki.caCert}`,
      `--cluster-signing-cert-file=${pki.caCert}`,
      `--cluster-signing-key-file=${pki.caKey}`,
      `--cluster-cidr=${POD_RANGE}`,
    ]);
    await start('kube-scheduler', component);
    // Node leases on: they are the heartbeat the node-lifecycle controller watches. Without them
    // kwok 0.7 sends a heartbeat only every 10 minutes, so after the grace period (50 s) every
    // node turns NotReady and its pods are marked not ready. Pod stages: kwok's defaults and ours
    // for one-shot pods (given any pod stage, kwok takes none of its defaults); node stages: its
    // defaults.
    await start('kwok', [
      `--config=${bin('kwok-pod-stages.yaml')}`,
      `--config=${localTools.kwokStage()}`,
      '--kubeconfig',
      kubeconfig,
      '--manage-all-nodes=true',
      '--node-lease-duration-seconds=40',
      `--cidr=${POD_RANGE}`,
      '--server-address=',
    ]);
    // The controller manager is working once its service-account controller has made `default`.
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    const core = kc.makeApiClient(CoreV1Api);
    await waitUntilReady(
      controllerManager,
      () => core.readNamespacedServiceAccount({ name: 'default', namespace: 'default' }).then(() => true),
      READY_TIMEOUT_MS,
    );
    for (const p of await provisionerCommands(opts.dir, kubeconfig)) await start(p.name, p.args, p.file, p.env);
    for (const proc of started) if (proc.exited()) throw new Error(`${proc.name} exited at start; the end of ${proc.logFile}:\n${await proc.logTail()}`);
  } catch (err) {
    await stop();
    throw err;
  }
  return { server, kubeconfig, caFile: pki.caCert, stop };
}
