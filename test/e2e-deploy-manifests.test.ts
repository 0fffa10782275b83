// deploy/'s manifests against the shared real kube-apiserver: every object created with a
// server-side dry run (dryRun=All, fieldValidation=Strict: the API server defaults, validates and admits it, and stores
// nothing), the pod template admitted under the restricted Pod Security Standard its namespace
// enforces, broken copies refused; and the Deployment's environment and mounts checked against
// the names the worker code reads. The namespace is created for real (a dry run into a namespace
// that does not exist is refused), after its own dry run, and deleted at the end; the tests of
// the first describe run in order.
import { readFileSync, readdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import {
  CoreV1Api,
  createConfiguration,
  KubeConfig,
  KubernetesObjectApi,
  ServerConfiguration,
  type KubernetesObject,
  type V1Deployment,
  type V1Namespace,
  type V1Pod,
  type V1Service,
  type V1PodDisruptionBudget,
  type V1ServiceAccount,
} from '@kubernetes/client-node';
import { loadClientConfigProfile } from '@temporalio/envconfig';
import yaml from 'js-yaml';
import { CODEC_KEYS_ENV } from '../client/codec-keys.js';
import { checkAddress, CONFIG_FILE_ENV, PROFILE_ENV } from '../client/connection-profile.js';
import { DATA_DIR_ENV, HEALTH_ADDRESS_ENV, LOG_LEVEL_ENV, METRICS_ADDRESS_ENV } from '../lib/local-tools.js';
import { BUILD_ID_ENV, WORKER_DEPLOYMENT_ENV } from '../lib/temporal/worker-version.js';
import { referencePath } from '../lib/read-reference.js';
import { isSecretRef } from '../lib/vars/secret-refs.js';
import { LIVE_PATH, READY_PATH } from '../worker/health-server.js';
import { REPO_ROOT } from './support/repo.js';

const DEPLOY = join(REPO_ROOT, 'deploy');
const KUSTOMIZATION = 'kustomization.yaml';
const kustomization = yaml.load(readFileSync(join(DEPLOY, KUSTOMIZATION), 'utf8')) as { namespace: string; resources: string[] };
const manifestFiles = readdirSync(DEPLOY).filter((f) => f.endsWith('.yaml') && f !== KUSTOMIZATION);
const objects = manifestFiles.flatMap((f) => yaml.loadAll(readFileSync(join(DEPLOY, f), 'utf8')) as KubernetesObject[]);
const ofKind = <T extends KubernetesObject>(kind: string): T => {
  const found = objects.filter((o) => o.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind} in deploy/, found ${found.length}`);
  return found[0] as T;
};
const namespaceObject = ofKind<V1Namespace>('Namespace');
const deployment = ofKind<V1Deployment>('Deployment');
const podSpec = deployment.spec!.template.spec!;
const container = podSpec.containers[0]!;
const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
const envFrom = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.valueFrom]));
const ns = kustomization.namespace;
/** As `kubectl apply -k` places it: namespaced objects in the kustomization's namespace. */
const placed = <T extends KubernetesObject>(o: T): T => (o.kind === 'Namespace' ? o : { ...o, metadata: { ...o.metadata, namespace: ns } });
const clone = <T>(o: T): T => structuredClone(o);

let kc: KubeConfig;
let api: KubernetesObjectApi;
/**
 * Created with dryRun=All, sent as written (the client's typed models would drop a field they do
 * not know) with fieldValidation=Strict, as kubectl does: a misspelt field is refused, not lost.
 */
function dryRun(o: KubernetesObject): Promise<KubernetesObject> {
  const body = placed(o);
  const asWritten = new KubernetesObjectApi(
    createConfiguration({
      baseServer: new ServerConfiguration(kc.getCurrentCluster()!.server, {}),
      authMethods: { default: kc },
      promiseMiddleware: [
        {
          pre: async (request) => {
            // The create itself, not the resource discovery before it.
            if (request.getHttpMethod() === 'POST') {
              request.setQueryParam('fieldValidation', 'Strict');
              request.setBody(JSON.stringify(body));
            }
            return request;
          },
          post: async (response) => response,
        },
      ],
    }),
  );
  return asWritten.create(body, undefined, 'All');
}
/** The API server's answer to a request that should fail: its code and message. */
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => ({ code: 0, message: 'accepted' }),
    (err: { code?: number; body?: string }) => ({ code: err.code, message: String((JSON.parse(err.body ?? '{}') as { message?: string }).message) }),
  );
const readBack = (o: KubernetesObject) =>
  refusal(api.read({ apiVersion: o.apiVersion!, kind: o.kind!, metadata: { name: o.metadata!.name!, namespace: placed(o).metadata!.namespace } }));

beforeAll(() => {
  const kubeconfig = process.env.KATONIC_TEST_KUBECONFIG;
  if (!kubeconfig) throw new Error('no control plane: run the e2e tests through jest (global-setup starts one)');
  kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  api = KubernetesObjectApi.makeApiClient(kc);
});
afterAll(async () => {
  await kc
    ?.makeApiClient(CoreV1Api)
    .deleteNamespace({ name: ns })
    .catch(() => undefined);
});

describe('deploy/ manifests (real kube-apiserver, server-side dry run)', () => {
  it('the kustomization lists every manifest, and its namespace is the Namespace of deploy/', () => {
    expect([...kustomization.resources].sort()).toEqual([...manifestFiles].sort());
    expect(namespaceObject.metadata?.name).toBe(ns);
    expect(objects.map((o) => o.kind).sort()).toEqual(['Deployment', 'Namespace', 'PodDisruptionBudget', 'Service', 'ServiceAccount']);
  });

  it('every object passes a server-side dry run, and none is stored', async () => {
    // The Namespace first, as a dry run (it does not exist yet), then for real for the others.
    expect((await dryRun(namespaceObject)).metadata?.name).toBe(ns);
    expect(await readBack(namespaceObject)).toMatchObject({ code: 404 });
    await api.create(namespaceObject);

    for (const o of objects.filter((x) => x.kind !== 'Namespace')) {
      const answer = await dryRun(o);
      // The server's own object: named, in the namespace, with a uid it made up and did not keep.
      expect([o.kind, answer.metadata?.name, answer.metadata?.namespace, typeof answer.metadata?.uid]).toEqual([o.kind, o.metadata?.name, ns, 'string']);
      expect([o.kind, await readBack(o)]).toEqual([o.kind, expect.objectContaining({ code: 404 })]);
    }
    // The server defaulted the Deployment (it really went through the API machinery).
    const answered = (await dryRun(deployment)) as V1Deployment;
    expect(answered.spec?.revisionHistoryLimit).toBe(10);
    expect(answered.spec?.template.spec?.containers[0]?.terminationMessagePath).toBe('/dev/termination-log');
  });

  it('the pod template is admitted under the restricted Pod Security Standard its namespace enforces', async () => {
    expect(namespaceObject.metadata?.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    // A pod's admission looks its ServiceAccount up: that one is created for real too.
    await api.create(placed(ofKind<V1ServiceAccount>('ServiceAccount')));
    const pod: V1Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'katonic-installer-worker-template', labels: deployment.spec!.template.metadata?.labels },
      spec: clone(podSpec),
    };
    expect((await dryRun(pod)).metadata?.name).toBe(pod.metadata!.name);
  });

  it('the dry run really validates: broken copies are refused (negative controls)', async () => {
    const mismatched = clone(deployment);
    mismatched.spec!.selector.matchLabels = { 'app.kubernetes.io/name': 'something-else' };
    expect(await refusal(dryRun(mismatched))).toEqual({ code: 422, message: expect.stringContaining('`selector` does not match template `labels`') });

    const overcommitted = clone(deployment);
    overcommitted.spec!.template.spec!.containers[0]!.resources!.limits!.memory = '512Mi';
    expect(await refusal(dryRun(overcommitted))).toEqual({ code: 422, message: expect.stringContaining('must be less than or equal to memory limit') });

    const asRoot: V1Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'as-root' }, spec: clone(podSpec) };
    delete asRoot.spec!.securityContext!.runAsNonRoot;
    delete asRoot.spec!.securityContext!.runAsUser;
    expect(await refusal(dryRun(asRoot))).toEqual({ code: 403, message: expect.stringContaining('violates PodSecurity "restricted:latest"') });

    const misspelt = clone(deployment) as V1Deployment & { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
    const probed = misspelt.spec.template.spec.containers[0]!;
    probed.readinesProbe = probed.readinessProbe;
    delete probed.readinessProbe;
    expect(await refusal(dryRun(misspelt))).toEqual({
      code: 400,
      message: expect.stringContaining('unknown field "spec.template.spec.containers[0].readinesProbe"'),
    });
  });
});

describe('the Deployment and what the worker code reads', () => {
  const mounts = new Map((container.volumeMounts ?? []).map((m) => [m.name, m]));
  const volumes = new Map((podSpec.volumes ?? []).map((v) => [v.name, v]));
  /** The volume a file path lies in, by its mount. */
  const volumeOf = (path: string) => {
    const mount = [...mounts.values()].find((m) => posix.dirname(path) === m.mountPath);
    return mount && volumes.get(mount.name);
  };
  const productionGuide = readFileSync(join(REPO_ROOT, 'docs', 'production.md'), 'utf8');
  /** The `kubectl create secret` line of docs/production.md for a Secret. */
  const createLine = (secret: string) => productionGuide.split('\n').find((l) => l.includes('create secret') && l.includes(` ${secret} `)) ?? '';

  it('sets only variables the worker reads, and the ones a deployment needs', () => {
    const read = [
      CONFIG_FILE_ENV,
      PROFILE_ENV,
      CODEC_KEYS_ENV,
      DATA_DIR_ENV,
      METRICS_ADDRESS_ENV,
      HEALTH_ADDRESS_ENV,
      LOG_LEVEL_ENV,
      WORKER_DEPLOYMENT_ENV,
      BUILD_ID_ENV,
      'HOME',
    ];
    expect(Object.keys(env).filter((name) => !read.includes(name))).toEqual([]);
    expect(Object.keys(env)).toEqual(expect.arrayContaining([CONFIG_FILE_ENV, PROFILE_ENV, CODEC_KEYS_ENV, DATA_DIR_ENV, HEALTH_ADDRESS_ENV]));
  });

  it("declares its Worker Deployment, and as its build id the pod's version label, which is the image's tag", () => {
    expect(env[WORKER_DEPLOYMENT_ENV]).toBe('katonic-installer');
    const label = /^metadata\.labels\['(.+)'\]$/.exec(envFrom[BUILD_ID_ENV]?.fieldRef?.fieldPath ?? '')?.[1];
    expect(label).toBe('app.kubernetes.io/version');
    expect(deployment.spec!.template.metadata!.labels![label!]).toBe(container.image!.split(':').at(-1));
  });

  it('reads the connection profile and the codec keys from Secret files, mode 0440, created as docs/production.md says', () => {
    const keysRef = env[CODEC_KEYS_ENV]!;
    expect(isSecretRef(keysRef) && keysRef.startsWith('file:')).toBe(true);
    for (const file of [env[CONFIG_FILE_ENV]!, referencePath(keysRef)]) {
      const secret = volumeOf(file)?.secret;
      expect([file, secret?.defaultMode, secret?.optional]).toEqual([file, 0o440, undefined]);
      expect(createLine(secret!.secretName!)).toContain(`--from-file=${posix.basename(file)}=`);
    }
    for (const volume of volumes.values()) if (volume.secret) expect([volume.name, volume.secret.defaultMode]).toEqual([volume.name, 0o440]);
  });

  it("the example profile is the Deployment's profile, its TLS files in the TLS Secret's mount, as docs/production.md creates it", () => {
    const profile = loadClientConfigProfile({ profile: env[PROFILE_ENV], configSource: { path: join(DEPLOY, 'temporal.example.toml') }, disableEnv: true });
    const tlsFiles = [profile.tls?.serverCACert, profile.tls?.clientCert, profile.tls?.clientKey].map((s) => (s && 'path' in s ? s.path : ''));
    const tlsSecret = volumeOf(tlsFiles[0]!)?.secret;
    expect(tlsSecret?.secretName).toBe('katonic-temporal-tls');
    for (const file of tlsFiles) {
      expect(volumeOf(file)?.secret?.secretName).toBe(tlsSecret?.secretName);
      expect(createLine(tlsSecret!.secretName!)).toContain(`--from-file=${posix.basename(file)}=`);
    }
  });

  it('keeps its data directory and home on emptyDir volumes under a read-only root file system', () => {
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    for (const dir of [env[DATA_DIR_ENV]!, env.HOME!]) {
      const mount = [...mounts.values()].find((m) => m.mountPath === dir);
      expect([dir, mount && volumes.get(mount.name)?.emptyDir !== undefined]).toEqual([dir, true]);
    }
  });

  it("probes the health address on the worker's routes; the metrics port is the one scraped", () => {
    const port = (address: string) => {
      checkAddress(address);
      return Number(address.split(':').at(-1));
    };
    const ports = new Map((container.ports ?? []).map((p) => [p.name, p.containerPort]));
    expect(ports.get('probes')).toBe(port(env[HEALTH_ADDRESS_ENV]!));
    expect(ports.get('metrics')).toBe(port(env[METRICS_ADDRESS_ENV]!));
    expect([container.readinessProbe?.httpGet, container.livenessProbe?.httpGet]).toEqual([
      { path: READY_PATH, port: 'probes' },
      { path: LIVE_PATH, port: 'probes' },
    ]);
    const service = ofKind<V1Service>('Service');
    expect(service.spec?.ports?.[0]).toMatchObject({ port: ports.get('metrics'), targetPort: 'metrics' });
    expect(Number(deployment.spec?.template.metadata?.annotations?.['prometheus.io/port'])).toBe(ports.get('metrics'));
  });

  it('the Service and the PodDisruptionBudget select the worker pods; it runs as its ServiceAccount', () => {
    const labels = deployment.spec!.template.metadata!.labels!;
    expect(labels).toMatchObject(ofKind<V1Service>('Service').spec!.selector!);
    expect(labels).toMatchObject(ofKind<V1PodDisruptionBudget>('PodDisruptionBudget').spec!.selector!.matchLabels!);
    expect(podSpec.serviceAccountName).toBe(ofKind<V1ServiceAccount>('ServiceAccount').metadata?.name);
  });
});
