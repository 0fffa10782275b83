// The resource types the stand-in API server knows, and the discovery documents built from them.
// Clients (client-node's KubernetesObjectApi, Ansible's kubernetes.core, kubectl) map a kind to a
// URL path through discovery, so these documents follow the shapes a real API server returns.

export interface ResourceType {
  /** API group; '' for the core ("legacy") group served under /api. */
  group: string;
  version: string;
  /** Plural resource name, as used in URL paths. */
  name: string;
  singularName: string;
  kind: string;
  namespaced: boolean;
  shortNames: readonly string[];
}

/** The verbs the stand-in serves for every resource (no watch, no deletecollection). */
export const SERVED_VERBS: readonly string[] = ['create', 'delete', 'get', 'list', 'patch', 'update'];

function resource(
  group: string,
  version: string,
  name: string,
  kind: string,
  namespaced: boolean,
  shortNames: readonly string[] = [],
): ResourceType {
  return { group, version, name, singularName: kind.toLowerCase(), kind, namespaced, shortNames };
}

export const RESOURCE_TYPES: readonly ResourceType[] = [
  resource('', 'v1', 'namespaces', 'Namespace', false, ['ns']),
  resource('', 'v1', 'nodes', 'Node', false, ['no']),
  resource('', 'v1', 'serviceaccounts', 'ServiceAccount', true, ['sa']),
  resource('', 'v1', 'configmaps', 'ConfigMap', true, ['cm']),
  resource('', 'v1', 'secrets', 'Secret', true),
  resource('', 'v1', 'services', 'Service', true, ['svc']),
  resource('apps', 'v1', 'deployments', 'Deployment', true, ['deploy']),
  resource('apps', 'v1', 'daemonsets', 'DaemonSet', true, ['ds']),
  resource('storage.k8s.io', 'v1', 'storageclasses', 'StorageClass', false, ['sc']),
  resource('rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', false),
  resource('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', false),
  resource('rbac.authorization.k8s.io', 'v1', 'roles', 'Role', true),
  resource('rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding', true),
];

export const NAMESPACE_TYPE: ResourceType = findResourceTypeOrThrow('', 'v1', 'namespaces');

/** "v1" for the core group, "apps/v1" otherwise: the value of an object's apiVersion. */
export function groupVersion(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

/** "deployments.apps", or "namespaces" for the core group: how the API names a resource in messages. */
export function qualifiedName(type: ResourceType): string {
  return type.group === '' ? type.name : `${type.name}.${type.group}`;
}

export function findResourceType(group: string, version: string, name: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((type) => type.group === group && type.version === version && type.name === name);
}

function findResourceTypeOrThrow(group: string, version: string, name: string): ResourceType {
  const type = findResourceType(group, version, name);
  if (!type) throw new Error(`no resource type ${name} in ${group}/${version}`);
  return type;
}

export function isServedGroupVersion(group: string, version: string): boolean {
  return RESOURCE_TYPES.some((type) => type.group === group && type.version === version);
}

/** GET /api */
export function apiVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

/** GET /apis: the non-core groups, each with its one (preferred) version. */
export function apiGroupList(): object {
  const groupVersions = new Map<string, string>();
  for (const type of RESOURCE_TYPES) {
    if (type.group !== '' && !groupVersions.has(type.group)) groupVersions.set(type.group, type.version);
  }
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groupVersions].map(([name, version]) => {
      const preferred = { groupVersion: `${name}/${version}`, version };
      return { name, versions: [preferred], preferredVersion: preferred };
    }),
  };
}

/** GET /api/v1 or /apis/{group}/{version}. The core list carries no apiVersion, as on a real server. */
export function apiResourceList(group: string, version: string): object {
  const resources = RESOURCE_TYPES.filter((type) => type.group === group && type.version === version).map(
    (type) => ({
      name: type.name,
      singularName: type.singularName,
      namespaced: type.namespaced,
      kind: type.kind,
      verbs: SERVED_VERBS,
      ...(type.shortNames.length > 0 ? { shortNames: type.shortNames } : {}),
    }),
  );
  const gv = groupVersion({ group, version });
  return group === ''
    ? { kind: 'APIResourceList', groupVersion: gv, resources }
    : { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources };
}
