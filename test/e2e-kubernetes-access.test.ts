// The real verify and storage-classes activities (in @temporalio/testing's
// MockActivityEnvironment) against the suite's real kube-apiserver, through a proxy that answers
// 401 or 503 first: a 401 fails at once, not retried, naming the kubeconfig by its reference
// (a managed kubeconfig's file: reference, or on-prem "Kubespray's admin.conf"), never its
// content; a 503 is retried, and the next attempt reads the cluster.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { ApplicationFailure } from '@temporalio/common';
import type { ActivityConfig } from '../activities/activity-config.js';
import { ADMIN_CONF_REFERENCE } from '../activities/kubernetes/cluster-kubeconfig.js';
import { applyStorageClasses } from '../activities/storage.js';
import { verifyCluster } from '../activities/verify.js';
import { newKeyLine, parseKeyRing } from '../lib/codec/key-ring.js';
import { sealValue } from '../lib/codec/sealed-value.js';
import type { PhaseInput, PhaseResult } from '../lib/install/phase-io.js';
import type { Installation } from '../lib/spec/schema.js';
import { activityEnvironment } from './support/activity-environment.js';
import { loadDemoSpec } from './support/e2e-harness.js';
import { startFlakyProxy, type FlakyProxy, type RefusalStatus } from './support/flaky-api-proxy.js';
import { bearerToken } from './support/managed-cluster-setup.js';
import { asManagedSpec } from './support/managed-clusters.js';

let cluster: KubeConfig;
let token: string;
let config: ActivityConfig;
const proxies: FlakyProxy[] = [];

beforeAll(async () => {
  cluster = new KubeConfig();
  cluster.loadFromFile(process.env.KATONIC_TEST_KUBECONFIG!);
  token = await bearerToken(cluster, `katonic-access-${process.pid}`);
  config = { dataDir: await mkdtemp(join(tmpdir(), 'katonic-access-')), keyRing: parseKeyRing(newKeyLine(), 'the test') };
});
afterAll(async () => {
  for (const proxy of proxies) await proxy.close();
});

/** A proxy in front of the suite's API server that answers `status` to its first `failFirst` requests. */
async function proxy(status: RefusalStatus, failFirst: number): Promise<FlakyProxy> {
  const started = await startFlakyProxy(cluster.getCurrentCluster()!.server, join(dirname(process.env.KATONIC_TEST_KUBECONFIG!), 'pki'), failFirst, status);
  proxies.push(started);
  return started;
}

/** A kubeconfig for `server` with the cluster's CA and a bearer token (the kind a cloud's plugin or a Kubespray admin would have). */
function kubeconfigText(server: string): string {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'acme', server, caData: cluster.getCurrentCluster()!.caData, skipTLSVerify: false }],
    users: [{ name: 'acme-admin', token }],
    contexts: [{ name: 'acme', cluster: 'acme', user: 'acme-admin' }],
    currentContext: 'acme',
  });
  return kc.exportConfig();
}

/** An on-prem install whose kubespray phase handed on (sealed) an admin.conf for `server`; verify waits 1 s. */
async function onpremInput(server: string): Promise<PhaseInput> {
  const spec = await loadDemoSpec();
  spec.spec.verify = { ...spec.spec.verify, settleTimeout: '1s' };
  return { spec, adminConf: await sealValue(config.keyRing, kubeconfigText(server)) };
}

/** An EKS install whose spec.managed.kubeconfigRef is a file for `server`. */
async function managedInput(server: string, name: string): Promise<PhaseInput> {
  const file = join(config.dataDir, `${name}.kubeconfig`);
  await writeFile(file, kubeconfigText(server), { mode: 0o600 });
  const spec: Installation = await loadDemoSpec();
  asManagedSpec('eks', file)(spec);
  return { spec };
}

const attempt = (n: number, run: (input: PhaseInput) => Promise<PhaseResult>, input: PhaseInput): Promise<ApplicationFailure | PhaseResult> =>
  activityEnvironment({ attempt: n }).run(() => run(input).catch((err: ApplicationFailure) => err));

describe('Kubernetes API refusals in verify and storage-classes (real activities, real API server)', () => {
  it("a 401 in verify fails at once, not retried, naming Kubespray's admin.conf and not its content", async () => {
    const refusing = await proxy(401, Infinity);
    const input = await onpremInput(refusing.url);
    const err = (await attempt(1, (i) => verifyCluster(config, i), input)) as ApplicationFailure;
    expect(err).toMatchObject({
      type: 'KubernetesAccessDenied',
      nonRetryable: true,
      message: `verify: reading the nodes, StorageClasses, namespaces and workloads: the API server of the kubeconfig ${ADMIN_CONF_REFERENCE} did not accept its credentials (HTTP 401)`,
      details: [{ kubeconfig: ADMIN_CONF_REFERENCE, status: 401, attempt: 1 }],
    });
    expect(JSON.stringify([err.message, err.details])).not.toContain(token);
  });

  it('a 401 in storage-classes fails at once, not retried, naming the file: reference; nothing is applied', async () => {
    const refusing = await proxy(401, Infinity);
    const input = await managedInput(refusing.url, 'refused');
    const ref = input.spec.spec.managed!.kubeconfigRef;
    const err = (await attempt(1, (i) => applyStorageClasses(config, i), input)) as ApplicationFailure;
    expect(err).toMatchObject({
      type: 'KubernetesAccessDenied',
      nonRetryable: true,
      message: `storage-classes: reading the StorageClasses: the API server of the kubeconfig ${ref} did not accept its credentials (HTTP 401)`,
      details: [{ kubeconfig: ref, status: 401, attempt: 1 }],
    });
    expect(JSON.stringify([err.message, err.details])).not.toContain(token);
    // The first read was refused, and nothing was tried after it.
    expect(refusing.refused()).toBe(1);
  });

  it('a 503 in storage-classes is retried', async () => {
    const unavailable = await proxy(503, Infinity);
    const input = await managedInput(unavailable.url, 'unavailable');
    const err = (await attempt(1, (i) => applyStorageClasses(config, i), input)) as ApplicationFailure;
    expect(err).toMatchObject({ type: 'KubernetesUnavailable', nonRetryable: false, details: [{ status: 503, attempt: 1 }] });
  });

  it('a 503 in verify is retried; the next attempt reads the cluster and reports what it lacks as data', async () => {
    const flaky = await proxy(503, 1);
    const input = await onpremInput(flaky.url);
    const first = (await attempt(1, (i) => verifyCluster(config, i), input)) as ApplicationFailure;
    expect(first).toMatchObject({
      type: 'KubernetesUnavailable',
      nonRetryable: false,
      message: `verify: reading the nodes, StorageClasses, namespaces and workloads: the API server of the kubeconfig ${ADMIN_CONF_REFERENCE} answered: the server is currently unable to handle the request (HTTP 503)`,
    });
    // The shared cluster has none of the demo install's nodes: the settle window (1 s) ends with them missing.
    const second = (await attempt(2, (i) => verifyCluster(config, i), input)) as ApplicationFailure;
    expect(second).toMatchObject({ type: 'VerifyFailed', nonRetryable: true, details: [{ settleSeconds: 1, attempt: 2 }] });
    expect((second.details![0] as { problems: string[] }).problems.length).toBeGreaterThan(0);
    expect(flaky.refused()).toBe(1);
  });
});
