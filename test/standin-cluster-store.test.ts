import { describe, expect, it } from '@jest/globals';
import { NAMESPACE_TYPE, findResourceType, type ResourceType } from '../standins/cluster-api/resources.js';
import { ObjectStore, StatusError, type KubeStatus } from '../standins/cluster-api/store.js';

function resourceType(group: string, name: string): ResourceType {
  const type = findResourceType(group, 'v1', name);
  if (!type) throw new Error(`unknown resource ${name}`);
  return type;
}

const CONFIGMAPS = resourceType('', 'configmaps');
const DEPLOYMENTS = resourceType('apps', 'deployments');
const NODES = resourceType('', 'nodes');

function storeWithNamespace(name = 'apps'): ObjectStore {
  const store = new ObjectStore();
  store.create(NAMESPACE_TYPE, undefined, { metadata: { name } });
  return store;
}

function statusOf(action: () => unknown): KubeStatus {
  try {
    action();
  } catch (error) {
    if (error instanceof StatusError) return error.status;
    throw error;
  }
  throw new Error('expected a StatusError');
}

describe('stand-in cluster object store', () => {
  it('fills apiVersion, kind, uid, creationTimestamp and a global resourceVersion on create', () => {
    const store = storeWithNamespace();
    const configMap = store.create(CONFIGMAPS, 'apps', { metadata: { name: 'settings' }, data: { a: '1' } });
    const node = store.create(NODES, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node1' } });

    expect(configMap).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', data: { a: '1' } });
    expect(configMap.metadata).toMatchObject({ name: 'settings', namespace: 'apps', resourceVersion: '2' });
    expect(configMap.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(configMap.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(node.metadata.resourceVersion).toBe('3');
    expect(node.metadata.namespace).toBeUndefined();
  });

  it('gives namespaces the label, finalizer and phase a real server adds', () => {
    const namespace = storeWithNamespace('apps').get(NAMESPACE_TYPE, undefined, 'apps');
    expect(namespace.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': 'apps' });
    expect(namespace.spec).toEqual({ finalizers: ['kubernetes'] });
    expect(namespace.status).toEqual({ phase: 'Active' });
  });

  it('refuses a duplicate create with an AlreadyExists Status', () => {
    const store = storeWithNamespace();
    store.create(DEPLOYMENTS, 'apps', { metadata: { name: 'web' } });
    expect(statusOf(() => store.create(DEPLOYMENTS, 'apps', { metadata: { name: 'web' } }))).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'deployments.apps "web" already exists',
      reason: 'AlreadyExists',
      details: { name: 'web', group: 'apps', kind: 'deployments' },
      code: 409,
    });
  });

  it('answers NotFound for a missing object and for a missing namespace on create', () => {
    const store = storeWithNamespace();
    expect(statusOf(() => store.get(CONFIGMAPS, 'apps', 'absent'))).toMatchObject({
      reason: 'NotFound',
      code: 404,
      message: 'configmaps "absent" not found',
    });
    expect(statusOf(() => store.create(CONFIGMAPS, 'nowhere', { metadata: { name: 'c' } }))).toMatchObject({
      reason: 'NotFound',
      code: 404,
      message: 'namespaces "nowhere" not found',
      details: { name: 'nowhere', kind: 'namespaces' },
    });
  });

  it('requires a name on create and refuses a body that disagrees with the URL', () => {
    const store = storeWithNamespace();
    expect(statusOf(() => store.create(CONFIGMAPS, 'apps', { data: {} }))).toMatchObject({ reason: 'Invalid', code: 422 });
    expect(statusOf(() => store.create(CONFIGMAPS, 'apps', { kind: 'Secret', metadata: { name: 'c' } }))).toMatchObject({
      reason: 'BadRequest',
      code: 400,
    });
    expect(
      statusOf(() => store.create(CONFIGMAPS, 'apps', { metadata: { name: 'c', namespace: 'other' } })),
    ).toMatchObject({ reason: 'BadRequest', code: 400 });
    store.create(CONFIGMAPS, 'apps', { metadata: { name: 'c' } });
    expect(statusOf(() => store.replace(CONFIGMAPS, 'apps', 'c', { metadata: { name: 'd' } }))).toMatchObject({
      message: 'the name of the object (d) does not match the name on the URL (c)',
    });
  });

  it('lists one namespace or all, sorted, as a <Kind>List whose items carry no apiVersion/kind', () => {
    const store = storeWithNamespace('b-ns');
    store.create(NAMESPACE_TYPE, undefined, { metadata: { name: 'a-ns' } });
    store.create(CONFIGMAPS, 'b-ns', { metadata: { name: 'one' } });
    store.create(CONFIGMAPS, 'a-ns', { metadata: { name: 'two' } });
    store.create(CONFIGMAPS, 'a-ns', { metadata: { name: 'one' } });

    const all = store.list(CONFIGMAPS, undefined);
    expect(all.apiVersion).toBe('v1');
    expect(all.kind).toBe('ConfigMapList');
    expect(all.metadata.resourceVersion).toBe('5');
    expect(all.items.map((item) => `${(item.metadata as { namespace: string }).namespace}/${(item.metadata as { name: string }).name}`)).toEqual(
      ['a-ns/one', 'a-ns/two', 'b-ns/one'],
    );
    expect(all.items[0]).not.toHaveProperty('kind');
    expect(all.items[0]).not.toHaveProperty('apiVersion');
    expect(store.list(CONFIGMAPS, 'b-ns').items).toHaveLength(1);
  });

  it('filters a list by equality-based label selectors', () => {
    const store = storeWithNamespace();
    store.create(CONFIGMAPS, 'apps', { metadata: { name: 'plain' } });
    store.create(CONFIGMAPS, 'apps', { metadata: { name: 'web', labels: { app: 'web', tier: 'front' } } });
    store.create(CONFIGMAPS, 'apps', { metadata: { name: 'db', labels: { app: 'db' } } });
    const names = (selector: string): unknown[] =>
      store.list(CONFIGMAPS, 'apps', selector).items.map((item) => (item.metadata as { name: string }).name);

    expect(names('app=web')).toEqual(['web']);
    expect(names('app==db')).toEqual(['db']);
    expect(names('app,tier')).toEqual(['web']);
    expect(names('app!=web')).toEqual(['db', 'plain']);
    expect(names('!app')).toEqual(['plain']);
    expect(names('')).toEqual(['db', 'plain', 'web']);
    expect(statusOf(() => names('app in (web,db)'))).toMatchObject({ reason: 'BadRequest', code: 400 });
  });

  it('replaces an object, keeping uid and creationTimestamp, and refuses a stale resourceVersion', () => {
    const store = storeWithNamespace();
    const created = store.create(CONFIGMAPS, 'apps', { metadata: { name: 'c' }, data: { a: '1' } });
    const replaced = store.replace(CONFIGMAPS, 'apps', 'c', { metadata: { name: 'c' }, data: { b: '2' } });

    expect(replaced.data).toEqual({ b: '2' });
    expect(replaced.metadata.uid).toBe(created.metadata.uid);
    expect(replaced.metadata.creationTimestamp).toBe(created.metadata.creationTimestamp);
    expect(Number(replaced.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));
    expect(
      statusOf(() =>
        store.replace(CONFIGMAPS, 'apps', 'c', { metadata: { name: 'c', resourceVersion: created.metadata.resourceVersion } }),
      ),
    ).toMatchObject({ reason: 'Conflict', code: 409 });
    expect(statusOf(() => store.replace(CONFIGMAPS, 'apps', 'absent', { metadata: { name: 'absent' } }))).toMatchObject({
      code: 404,
    });
  });

  it('applies: creates when absent, then merges maps recursively and replaces lists', () => {
    const store = storeWithNamespace();
    const first = store.apply(DEPLOYMENTS, 'apps', 'web', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: { replicas: 1, template: { spec: { containers: [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }] } } },
    });
    expect(first.created).toBe(true);

    const second = store.apply(DEPLOYMENTS, 'apps', 'web', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', annotations: { note: 'x' } },
      spec: { template: { spec: { containers: [{ name: 'c', image: 'c:1' }] } } },
    });
    expect(second.created).toBe(false);
    expect(second.object.metadata.uid).toBe(first.object.metadata.uid);
    expect(second.object.metadata).toMatchObject({ labels: { app: 'web' }, annotations: { note: 'x' } });
    expect(second.object.spec).toEqual({ replicas: 1, template: { spec: { containers: [{ name: 'c', image: 'c:1' }] } } });
  });

  it('keeps the resourceVersion when an apply changes nothing', () => {
    const store = new ObjectStore();
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } };
    const first = store.apply(NODES, undefined, 'n1', node);
    const again = store.apply(NODES, undefined, 'n1', node);
    expect(again.object.metadata.resourceVersion).toBe(first.object.metadata.resourceVersion);
    expect(again.object.status).toEqual(node.status);
  });

  it('refuses an apply configuration without apiVersion and kind, or into a missing namespace', () => {
    const store = storeWithNamespace();
    expect(statusOf(() => store.apply(CONFIGMAPS, 'apps', 'c', { metadata: { name: 'c' } }))).toMatchObject({ code: 400 });
    expect(
      statusOf(() => store.apply(CONFIGMAPS, 'nowhere', 'c', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } })),
    ).toMatchObject({ code: 404, message: 'namespaces "nowhere" not found' });
  });

  it('merge-patches: null removes a field, other values merge', () => {
    const store = storeWithNamespace();
    store.create(CONFIGMAPS, 'apps', { metadata: { name: 'c', labels: { keep: 'y', drop: 'y' } }, data: { a: '1' } });
    const patched = store.mergePatch(CONFIGMAPS, 'apps', 'c', { metadata: { labels: { drop: null } }, data: { b: '2' } });
    expect(patched.metadata.labels).toEqual({ keep: 'y' });
    expect(patched.data).toEqual({ a: '1', b: '2' });
    expect(statusOf(() => store.mergePatch(CONFIGMAPS, 'apps', 'absent', {}))).toMatchObject({ code: 404 });
  });

  it('deletes with a Success Status, and deleting a namespace deletes its contents', () => {
    const store = storeWithNamespace();
    store.create(CONFIGMAPS, 'apps', { metadata: { name: 'c' } });
    const deployment = store.create(DEPLOYMENTS, 'apps', { metadata: { name: 'web' } });

    expect(store.delete(DEPLOYMENTS, 'apps', 'web')).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name: 'web', group: 'apps', kind: 'deployments', uid: deployment.metadata.uid },
      code: 200,
    });
    store.delete(NAMESPACE_TYPE, undefined, 'apps');
    expect(store.list(CONFIGMAPS, undefined).items).toEqual([]);
    expect(statusOf(() => store.delete(NAMESPACE_TYPE, undefined, 'apps'))).toMatchObject({ code: 404 });
  });

  it('refuses to delete the namespaces a real server protects', () => {
    const store = storeWithNamespace('kube-system');
    expect(statusOf(() => store.delete(NAMESPACE_TYPE, undefined, 'kube-system'))).toMatchObject({
      reason: 'Forbidden',
      code: 403,
    });
  });

  it('drops a namespace sent with a cluster-scoped object', () => {
    const node = new ObjectStore().create(NODES, undefined, { metadata: { name: 'n1', namespace: 'default' } });
    expect(node.metadata).not.toHaveProperty('namespace');
  });

  it('hands out copies, so callers cannot change stored objects', () => {
    const store = storeWithNamespace();
    const created = store.create(CONFIGMAPS, 'apps', { metadata: { name: 'c' }, data: { a: '1' } });
    (created.data as Record<string, string>).a = 'changed';
    (store.get(CONFIGMAPS, 'apps', 'c').data as Record<string, string>).a = 'changed again';
    expect(store.get(CONFIGMAPS, 'apps', 'c').data).toEqual({ a: '1' });
  });
});
