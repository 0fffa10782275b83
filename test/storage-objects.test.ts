import { readFileSync } from 'node:fs';
import type { OnpremSpec } from '../lib/spec/schema.js';
import { parseSpecText } from '../lib/spec/validate.js';
import { STORAGE_NAMESPACE, onpremStorageObjects, type KubeObject } from '../lib/storage/storage-objects.js';
import { fixture } from './support/repo.js';

type Storage = OnpremSpec['storage'];

interface EnvVar {
  name: string;
  value?: string;
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  env?: EnvVar[];
  volumeMounts?: { name: string; mountPath: string }[];
}
interface Volume {
  name: string;
  nfs?: { server: string; path: string };
  configMap?: { name: string };
}
interface PodSpec {
  serviceAccountName: string;
  containers: Container[];
  volumes?: Volume[];
}
interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

function acmeStorage(): Storage {
  const result = parseSpecText(readFileSync(fixture('acme-prod.yaml'), 'utf8'));
  if (!result.ok || !result.spec.spec.onprem) throw new Error('the acme-prod fixture should be a valid on-prem spec');
  return result.spec.spec.onprem.storage;
}

const NFS = { server: '10.0.0.5', path: '/exports/katonic' };
const HOST_ROOT = '/var/lib/katonic/volumes';
const hostVolumesStorage = (): Storage => ({ kind: 'hostVolumes', nfs: NFS, hostVolumes: { root: HOST_ROOT, services: ['git', 'postgres', 'mongodb'] } });

function find(objects: KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}
const podSpec = (objects: KubeObject[], deployment: string) => (find(objects, 'Deployment', deployment).spec as { template: { spec: PodSpec } }).template.spec;
const container = (objects: KubeObject[], deployment: string): Container => {
  const [c] = podSpec(objects, deployment).containers;
  if (!c) throw new Error(`deployment ${deployment} has no container`);
  return c;
};
const envOf = (c: Container) => Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
const ids = (objects: KubeObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`);

/** The rules granted to a service account of the storage namespace, through any binding. */
function rulesOf(objects: KubeObject[], serviceAccount: string): Rule[] {
  const bindsIt = (o: KubeObject) =>
    (o.kind === 'ClusterRoleBinding' || o.kind === 'RoleBinding') &&
    (o.subjects as { kind: string; name: string; namespace?: string }[]).some(
      (s) => s.kind === 'ServiceAccount' && s.name === serviceAccount && s.namespace === STORAGE_NAMESPACE,
    );
  return objects.filter(bindsIt).flatMap((b) => {
    const ref = b.roleRef as { kind: string; name: string };
    return (find(objects, ref.kind, ref.name).rules as Rule[]) ?? [];
  });
}
const allows = (rules: Rule[], resource: string, verbs: string[]) =>
  verbs.every((v) => rules.some((r) => r.apiGroups.includes('') && r.resources.includes(resource) && r.verbs.includes(v)));

describe('on-prem storage objects (pure)', () => {
  describe.each([
    ['nfs', acmeStorage],
    ['hostVolumes', hostVolumesStorage],
  ] as const)('with kind %s', (_kind, storage) => {
    const objects = onpremStorageObjects(storage());

    it('creates the namespace first, and puts every namespaced object in it', () => {
      expect(objects[0]).toMatchObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: STORAGE_NAMESPACE } });
      expect(STORAGE_NAMESPACE).toBe('katonic-storage');
      const clusterScoped = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'StorageClass']);
      for (const o of objects.slice(1)) {
        if (clusterScoped.has(o.kind)) expect(o.metadata.namespace).toBeUndefined();
        else expect(o.metadata.namespace).toBe(STORAGE_NAMESPACE);
      }
    });

    it('labels every object as managed by the installer and names none twice', () => {
      for (const o of objects) expect(o.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'katonic-installer' });
      expect(new Set(ids(objects)).size).toBe(objects.length);
    });

    it('makes kfs ReadWriteMany over NFS, bound Immediately', () => {
      expect(find(objects, 'StorageClass', 'kfs')).toEqual({
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: 'kfs', labels: { 'app.kubernetes.io/managed-by': 'katonic-installer' }, annotations: { 'katonic.ai/access-mode': 'ReadWriteMany' } },
        provisioner: 'katonic.ai/nfs',
        parameters: { archiveOnDelete: 'true' },
        reclaimPolicy: 'Delete',
        allowVolumeExpansion: true,
        volumeBindingMode: 'Immediate',
      });
    });

    it('runs the NFS provisioner under the name kfs asks for, with the spec NFS server and path', () => {
      const c = container(objects, 'nfs-provisioner');
      expect(c.image).toMatch(/nfs-subdir-external-provisioner/);
      expect(envOf(c)).toMatchObject({ PROVISIONER_NAME: find(objects, 'StorageClass', 'kfs').provisioner, NFS_SERVER: NFS.server, NFS_PATH: NFS.path });
      const volumes = podSpec(objects, 'nfs-provisioner').volumes ?? [];
      expect(volumes).toEqual([{ name: 'nfs-root', nfs: NFS }]);
      expect(c.volumeMounts).toEqual([{ name: 'nfs-root', mountPath: '/persistentvolumes' }]);
    });

    it('gives each provisioner a service account of its own, bound to a role that may manage volumes', () => {
      for (const o of objects.filter((x) => x.kind === 'Deployment')) {
        const sa = podSpec(objects, o.metadata.name).serviceAccountName;
        expect(find(objects, 'ServiceAccount', sa).metadata.namespace).toBe(STORAGE_NAMESPACE);
        const rules = rulesOf(objects, sa);
        expect(allows(rules, 'persistentvolumes', ['get', 'list', 'watch', 'create', 'delete'])).toBe(true);
        expect(allows(rules, 'persistentvolumeclaims', ['get', 'list', 'watch', 'update'])).toBe(true);
        expect(rules.some((r) => r.apiGroups.includes('storage.k8s.io') && r.resources.includes('storageclasses') && r.verbs.includes('watch'))).toBe(true);
      }
    });

    it('creates the objects a class needs before the class', () => {
      const at = (kind: string, name: string) => ids(objects).indexOf(`${kind}/${name}`);
      expect(at('Deployment', 'nfs-provisioner')).toBeLessThan(at('StorageClass', 'kfs'));
      for (const o of objects.filter((x) => x.kind === 'Deployment')) {
        expect(at('ServiceAccount', podSpec(objects, o.metadata.name).serviceAccountName)).toBeLessThan(at('Deployment', o.metadata.name));
      }
    });

    // nfs-subdir-external-provisioner
    // v4.0.2 runs leader election by default (ENABLE_LEADER_ELECTION unset) with an Endpoints lock in
    // its own namespace (sig-storage-lib-external-provisioner v6 controller.go: resourcelock.New("endpoints", ...)).
    // Without a right to touch endpoints it never becomes leader and never provisions:
    // kfs (and kdisk with kind nfs) claims would stay Pending.
    it('lets the NFS provisioner take its leader lock (or turns leader election off)', () => {
      const leaderElectionOff = envOf(container(objects, 'nfs-provisioner')).ENABLE_LEADER_ELECTION === 'false';
      expect(leaderElectionOff || allows(rulesOf(objects, 'nfs-provisioner'), 'endpoints', ['get', 'create', 'update'])).toBe(true);
    });
  });

  describe('with kind nfs', () => {
    const objects = onpremStorageObjects(acmeStorage());

    it('deploys only the NFS provisioner, then kfs and kdisk', () => {
      expect(ids(objects)).toEqual([
        'Namespace/katonic-storage',
        'ServiceAccount/nfs-provisioner',
        'ClusterRole/katonic-nfs-provisioner',
        'ClusterRoleBinding/katonic-nfs-provisioner',
        'Deployment/nfs-provisioner',
        'StorageClass/kfs',
        'StorageClass/kdisk',
      ]);
    });

    it('serves kdisk from NFS too, ReadWriteOnce, bound Immediately', () => {
      expect(find(objects, 'StorageClass', 'kdisk')).toMatchObject({
        metadata: { annotations: { 'katonic.ai/access-mode': 'ReadWriteOnce' } },
        provisioner: 'katonic.ai/nfs',
        volumeBindingMode: 'Immediate',
        reclaimPolicy: 'Delete',
      });
    });

    it('passes a different NFS export through to the provisioner', () => {
      const other = onpremStorageObjects({ kind: 'nfs', nfs: { server: 'nas.acme.internal', path: '/srv/nfs/katonic' } });
      expect(envOf(container(other, 'nfs-provisioner'))).toMatchObject({ NFS_SERVER: 'nas.acme.internal', NFS_PATH: '/srv/nfs/katonic' });
      expect(podSpec(other, 'nfs-provisioner').volumes).toEqual([{ name: 'nfs-root', nfs: { server: 'nas.acme.internal', path: '/srv/nfs/katonic' } }]);
    });
  });

  describe('with kind hostVolumes', () => {
    const objects = onpremStorageObjects(hostVolumesStorage());

    it('adds the local-path provisioner and its configuration after kfs, and kdisk last', () => {
      expect(ids(objects)).toEqual([
        'Namespace/katonic-storage',
        'ServiceAccount/nfs-provisioner',
        'ClusterRole/katonic-nfs-provisioner',
        'ClusterRoleBinding/katonic-nfs-provisioner',
        'Deployment/nfs-provisioner',
        'StorageClass/kfs',
        'ServiceAccount/local-path-provisioner',
        'ClusterRole/katonic-local-path-provisioner',
        'ClusterRoleBinding/katonic-local-path-provisioner',
        'ConfigMap/local-path-config',
        'Deployment/local-path-provisioner',
        'StorageClass/kdisk',
      ]);
    });

    it('serves kdisk from local-path, ReadWriteOnce, waiting for the first consumer', () => {
      expect(find(objects, 'StorageClass', 'kdisk')).toMatchObject({
        metadata: { annotations: { 'katonic.ai/access-mode': 'ReadWriteOnce' } },
        provisioner: 'rancher.io/local-path',
        volumeBindingMode: 'WaitForFirstConsumer',
      });
    });

    it('roots the host volumes at spec.onprem.storage.hostVolumes.root on every node', () => {
      const data = find(objects, 'ConfigMap', 'local-path-config').data as Record<string, string>;
      expect(JSON.parse(data['config.json'] ?? '')).toEqual({ nodePathMap: [{ node: 'DEFAULT_PATH_FOR_NON_LISTED_NODES', paths: [HOST_ROOT] }] });
      const elsewhere = onpremStorageObjects({ ...hostVolumesStorage(), hostVolumes: { root: '/data/kvols', services: ['git'] } });
      expect((find(elsewhere, 'ConfigMap', 'local-path-config').data as Record<string, string>)['config.json']).toContain('"/data/kvols"');
    });

    it('starts the local-path provisioner on that configuration, in its namespace, under the name kdisk asks for', () => {
      const c = container(objects, 'local-path-provisioner');
      expect(c.command?.slice(0, 4)).toEqual(['local-path-provisioner', 'start', '--config', '/etc/config/config.json']);
      expect(envOf(c)).toMatchObject({ POD_NAMESPACE: STORAGE_NAMESPACE });
      // No PROVISIONER_NAME: local-path-provisioner's default name is the class's provisioner.
      expect(envOf(c).PROVISIONER_NAME ?? 'rancher.io/local-path').toBe(find(objects, 'StorageClass', 'kdisk').provisioner);
    });

    // The container is started with
    // `--config /etc/config/config.json` but the Deployment mounts no volume (deployment(...) is
    // called without volumes), so local-path-provisioner v0.0.30 would fail at start opening that file.
    it('mounts local-path-config where the provisioner reads its --config', () => {
      const c = container(objects, 'local-path-provisioner');
      const mount = (c.volumeMounts ?? []).find((m) => m.mountPath.replace(/\/$/, '') === '/etc/config');
      const volume = (podSpec(objects, 'local-path-provisioner').volumes ?? []).find((v) => v.name === mount?.name);
      expect(volume?.configMap?.name).toBe('local-path-config');
    });

    // Without --helper-pod-file, local-path-provisioner v0.0.30 reads
    // helperPod.yaml from the ConfigMap and exits when it is absent ("invalid empty flag
    // helper-pod-file and it also does not exist at ConfigMap"); its helper pods also run the
    // ConfigMap's setup and teardown scripts.
    it('gives local-path-config the helper pod template and the setup and teardown scripts', () => {
      const data = find(objects, 'ConfigMap', 'local-path-config').data as Record<string, string>;
      expect(Object.keys(data).sort()).toEqual(['config.json', 'helperPod.yaml', 'setup', 'teardown']);
    });

    // Helper pods run as --service-account-name / SERVICE_ACCOUNT_NAME,
    // default "local-path-provisioner-service-account", which would not exist here (the account
    // is "local-path-provisioner"), so creating a volume's directory fails.
    it('runs the local-path helper pods under a service account that exists', () => {
      const c = container(objects, 'local-path-provisioner');
      const at = c.command?.indexOf('--service-account-name') ?? -1;
      const flag = at >= 0 ? c.command?.[at + 1] : undefined;
      const helperAccount = envOf(c).SERVICE_ACCOUNT_NAME ?? flag ?? 'local-path-provisioner-service-account';
      expect(objects.some((o) => o.kind === 'ServiceAccount' && o.metadata.name === helperAccount)).toBe(true);
    });
  });
});
