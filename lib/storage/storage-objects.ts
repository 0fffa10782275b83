// The Kubernetes objects that give an on-prem cluster the classes Katonic needs:
// kdisk (ReadWriteOnce) and kfs (ReadWriteMany, volumeBindingMode Immediate), with the
// provisioners behind them (NFS subdir provisioner; local-path for host volumes).
import type { OnpremSpec } from '../spec/schema.js';
import { STORAGE_CLASSES } from '../katonic-platform.js';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export const STORAGE_NAMESPACE = 'katonic-storage';
export const NFS_PROVISIONER = 'katonic.ai/nfs';
export const LOCAL_PATH_PROVISIONER = 'rancher.io/local-path';
/** The mark of every object the installer creates. */
export const INSTALLER_LABELS = { 'app.kubernetes.io/managed-by': 'katonic-installer' } as const;
const labels = INSTALLER_LABELS;

function provisionerRbac(name: string, rules: unknown[]): KubeObject[] {
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: STORAGE_NAMESPACE, labels } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: `katonic-${name}`, labels }, rules },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `katonic-${name}`, labels },
      subjects: [{ kind: 'ServiceAccount', name, namespace: STORAGE_NAMESPACE }],
      roleRef: { kind: 'ClusterRole', name: `katonic-${name}`, apiGroup: 'rbac.authorization.k8s.io' },
    },
  ];
}

const VOLUME_RULES = [
  { apiGroups: [''], resources: ['persistentvolumes'], verbs: ['get', 'list', 'watch', 'create', 'delete'] },
  { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['get', 'list', 'watch', 'update'] },
  { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'update', 'patch'] },
  { apiGroups: [''], resources: ['nodes', 'pods', 'configmaps'], verbs: ['get', 'list', 'watch', 'create', 'delete'] },
  // Leader election locks (the NFS provisioner's library takes an Endpoints lock by default).
  { apiGroups: [''], resources: ['endpoints'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch'] },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch'] },
];

function deployment(name: string, container: Record<string, unknown>, volumes: unknown[] = []): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: STORAGE_NAMESPACE, labels },
    spec: {
      replicas: 1,
      strategy: { type: 'Recreate' },
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { serviceAccountName: name, containers: [{ name, ...container }], volumes } },
    },
  };
}

function nfsProvisioner(nfs: { server: string; path: string }): KubeObject[] {
  const name = 'nfs-provisioner';
  return [
    ...provisionerRbac(name, VOLUME_RULES),
    deployment(
      name,
      {
        image: 'registry.k8s.io/sig-storage/nfs-subdir-external-provisioner:v4.0.2',
        env: [
          { name: 'PROVISIONER_NAME', value: NFS_PROVISIONER },
          { name: 'NFS_SERVER', value: nfs.server },
          { name: 'NFS_PATH', value: nfs.path },
        ],
        volumeMounts: [{ name: 'nfs-root', mountPath: '/persistentvolumes' }],
      },
      [{ name: 'nfs-root', nfs: { server: nfs.server, path: nfs.path } }],
    ),
  ];
}

// local-path-provisioner creates and removes volume directories with helper pods that run
// these scripts; it reads the pod template and scripts from its ConfigMap. Its helper pods run
// in its namespace as its ServiceAccount.
export const LOCAL_PATH = { serviceAccount: 'local-path-provisioner', configMap: 'local-path-config' } as const;
const LOCAL_PATH_SETUP = '#!/bin/sh\nset -eu\nmkdir -m 0777 -p "$VOL_DIR"\n';
const LOCAL_PATH_TEARDOWN = '#!/bin/sh\nset -eu\nrm -rf "$VOL_DIR"\n';
export const LOCAL_PATH_HELPER_POD =
  'apiVersion: v1\nkind: Pod\nmetadata:\n  name: helper-pod\nspec:\n  containers:\n    - name: helper-pod\n      image: docker.io/library/busybox:1.36\n      imagePullPolicy: IfNotPresent\n';

/** local-path-provisioner's config.json: every node's volumes under `root`. */
export const localPathConfig = (root: string) => ({ nodePathMap: [{ node: 'DEFAULT_PATH_FOR_NON_LISTED_NODES', paths: [root] }] });

function localPathProvisioner(root: string): KubeObject[] {
  const name = LOCAL_PATH.serviceAccount;
  const config = localPathConfig(root);
  return [
    ...provisionerRbac(name, VOLUME_RULES),
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: LOCAL_PATH.configMap, namespace: STORAGE_NAMESPACE, labels },
      data: { 'config.json': JSON.stringify(config), 'helperPod.yaml': LOCAL_PATH_HELPER_POD, setup: LOCAL_PATH_SETUP, teardown: LOCAL_PATH_TEARDOWN },
    },
    deployment(
      name,
      {
        image: 'docker.io/rancher/local-path-provisioner:v0.0.30',
        command: ['local-path-provisioner', 'start', '--config', '/etc/config/config.json', '--service-account-name', name],
        env: [{ name: 'POD_NAMESPACE', value: STORAGE_NAMESPACE }],
        volumeMounts: [{ name: 'config-volume', mountPath: '/etc/config/' }],
      },
      [{ name: 'config-volume', configMap: { name: LOCAL_PATH.configMap } }],
    ),
  ];
}

/** A StorageClass of the installer's, marked as created by it (the label says so; only such classes are ever changed). */
export function storageClass(
  name: string,
  provisioner: string,
  accessMode: 'ReadWriteOnce' | 'ReadWriteMany',
  bindingMode: 'Immediate' | 'WaitForFirstConsumer',
  parameters?: Record<string, string>,
  more: { mountOptions?: string[]; allowVolumeExpansion?: boolean } = {},
): KubeObject {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name, labels: { ...INSTALLER_LABELS }, annotations: { 'katonic.ai/access-mode': accessMode } },
    provisioner,
    // No parameters: left out, not `{}`. The API server stores none, and applying `{}` to that
    // class again would be an "update to parameters", which it refuses.
    ...(parameters ? { parameters } : {}),
    reclaimPolicy: 'Delete',
    allowVolumeExpansion: more.allowVolumeExpansion ?? true,
    volumeBindingMode: bindingMode,
    ...(more.mountOptions ? { mountOptions: more.mountOptions } : {}),
  };
}

export function onpremStorageObjects(storage: OnpremSpec['storage']): KubeObject[] {
  const namespace: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: STORAGE_NAMESPACE, labels } };
  const objects: KubeObject[] = [namespace];
  if (storage.nfs) objects.push(...nfsProvisioner(storage.nfs));
  objects.push(storageClass(STORAGE_CLASSES.rwx, NFS_PROVISIONER, 'ReadWriteMany', 'Immediate', { archiveOnDelete: 'true' }));
  if (storage.kind === 'hostVolumes' && storage.hostVolumes) {
    objects.push(...localPathProvisioner(storage.hostVolumes.root));
    objects.push(storageClass(STORAGE_CLASSES.rwo, LOCAL_PATH_PROVISIONER, 'ReadWriteOnce', 'WaitForFirstConsumer'));
  } else {
    objects.push(storageClass(STORAGE_CLASSES.rwo, NFS_PROVISIONER, 'ReadWriteOnce', 'Immediate'));
  }
  return objects;
}
