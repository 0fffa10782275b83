// The stand-in API server's object store: plain objects in memory, with the write semantics of a
// real API server that the product relies on (uids, a global resourceVersion, AlreadyExists /
// NotFound / Conflict, server-side apply as create-or-merge, JSON merge patch). No I/O.
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { NAMESPACE_TYPE, groupVersion, qualifiedName, type ResourceType } from './resources.js';

export type JsonMap = { [field: string]: unknown };

export interface ObjectMeta extends JsonMap {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  creationTimestamp: string;
}

export interface KubeObject extends JsonMap {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
}

/** A `<Kind>List`; like a real server's, its items carry no apiVersion/kind of their own. */
export interface KubeList {
  kind: string;
  apiVersion: string;
  metadata: { resourceVersion: string };
  items: JsonMap[];
}

export interface StatusDetails {
  name?: string;
  group?: string;
  /** The resource (plural) name for most errors, the Kind for Invalid ones, as the real server does. */
  kind?: string;
  uid?: string;
  causes?: { reason: string; message: string; field: string }[];
}

export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: JsonMap;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** An error carrying the Status object the API server answers with. */
export class StatusError extends Error {
  constructor(readonly status: KubeStatus) {
    super(status.message);
    this.name = 'StatusError';
  }
}

export function statusFailure(code: number, reason: string, message: string, details?: StatusDetails): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  });
}

export function badRequest(message: string): StatusError {
  return statusFailure(400, 'BadRequest', message);
}

function resourceDetails(type: ResourceType, name: string): StatusDetails {
  return { name, ...(type.group === '' ? {} : { group: type.group }), kind: type.name };
}

function notFound(type: ResourceType, name: string): StatusError {
  return statusFailure(404, 'NotFound', `${qualifiedName(type)} "${name}" not found`, resourceDetails(type, name));
}

function alreadyExists(type: ResourceType, name: string): StatusError {
  return statusFailure(409, 'AlreadyExists', `${qualifiedName(type)} "${name}" already exists`, resourceDetails(type, name));
}

function conflict(type: ResourceType, name: string): StatusError {
  return statusFailure(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedName(type)} "${name}": the object has been modified; ` +
      'please apply your changes to the latest version and try again',
    resourceDetails(type, name),
  );
}

function nameRequired(type: ResourceType): StatusError {
  const message = 'Required value: name or generateName is required';
  return statusFailure(422, 'Invalid', `${type.kind} "" is invalid: metadata.name: ${message}`, {
    ...(type.group === '' ? {} : { group: type.group }),
    kind: type.kind,
    causes: [{ reason: 'FieldValueRequired', message, field: 'metadata.name' }],
  });
}

/** Namespaces a real API server refuses to delete. */
const UNDELETABLE_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

export class ObjectStore {
  private readonly objects = new Map<string, KubeObject>();
  private lastResourceVersion = 0;

  /** POST on a collection. */
  create(type: ResourceType, namespace: string | undefined, body: unknown): KubeObject {
    const requested = asMap(body);
    const name = asMap(requested.metadata ?? {}).name;
    if (typeof name !== 'string' || name === '') throw nameRequired(type);
    const object = normalize(type, namespace, name, requested);
    if (asMap(object.metadata).resourceVersion !== undefined) {
      throw badRequest('resourceVersion should not be set on objects to be created');
    }
    if (this.objects.has(objectKey(type, namespace, name))) throw alreadyExists(type, name);
    this.requireNamespace(type, namespace);
    return this.commit(type, undefined, object);
  }

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    return structuredClone(this.existing(type, namespace, name));
  }

  /**
   * All objects of a type, in one namespace or (namespace undefined) in all. The label selector
   * takes equality-based terms: `a=b`, `a==b`, `a!=b`, `a` (has label), `!a` (lacks label).
   */
  list(type: ResourceType, namespace: string | undefined, labelSelector?: string): KubeList {
    const requirements = parseLabelSelector(labelSelector ?? '');
    const prefix = collectionKeyPrefix(type, namespace);
    const items = [...this.objects]
      .filter(([key, object]) => key.startsWith(prefix) && matchesLabels(object, requirements))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, object]) => {
        const item: JsonMap = structuredClone(object);
        delete item.apiVersion;
        delete item.kind;
        return item;
      });
    return {
      kind: `${type.kind}List`,
      apiVersion: groupVersion(type),
      metadata: { resourceVersion: String(this.lastResourceVersion) },
      items,
    };
  }

  /** PUT on an item: the body becomes the whole object (system metadata kept). */
  replace(type: ResourceType, namespace: string | undefined, name: string, body: unknown): KubeObject {
    const existing = this.existing(type, namespace, name);
    const object = normalize(type, namespace, name, asMap(body));
    requireResourceVersion(type, object, existing);
    return this.commit(type, existing, object);
  }

  /**
   * DELETE on an item. Deletion is immediate (no finalizers run here); deleting a namespace
   * deletes everything in it, which a real cluster does shortly after.
   */
  delete(type: ResourceType, namespace: string | undefined, name: string): KubeStatus {
    const existing = this.existing(type, namespace, name);
    if (type === NAMESPACE_TYPE && UNDELETABLE_NAMESPACES.has(name)) {
      throw statusFailure(403, 'Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`, {
        name,
        kind: 'namespaces',
      });
    }
    this.objects.delete(objectKey(type, namespace, name));
    if (type === NAMESPACE_TYPE) {
      for (const [key, object] of this.objects) {
        if (object.metadata.namespace === name) this.objects.delete(key);
      }
    }
    this.lastResourceVersion += 1;
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { ...resourceDetails(type, name), uid: existing.metadata.uid },
      code: 200,
    };
  }

  /**
   * Server-side apply, single-manager: creates the object if absent, otherwise merges the applied
   * configuration into it (maps merged recursively, lists and scalars replaced). Field ownership
   * and conflicts between managers are not modelled.
   */
  apply(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
  ): { object: KubeObject; created: boolean } {
    const requested = asMap(body);
    // A real server cannot decode an apply configuration without its type.
    if (typeof requested.apiVersion !== 'string' || typeof requested.kind !== 'string') {
      throw badRequest('apiVersion and kind must be set in an apply configuration');
    }
    const applied = normalize(type, namespace, name, requested);
    const key = objectKey(type, namespace, name);
    const existing = this.objects.get(key);
    requireResourceVersion(type, applied, existing);
    if (!existing) {
      this.requireNamespace(type, namespace);
      return { object: this.commit(type, undefined, applied), created: true };
    }
    return { object: this.commit(type, existing, mergeApplied(existing, applied) as JsonMap), created: false };
  }

  /** PATCH with application/merge-patch+json (RFC 7386): null removes a field. */
  mergePatch(type: ResourceType, namespace: string | undefined, name: string, patch: unknown): KubeObject {
    const existing = this.existing(type, namespace, name);
    const patched = normalize(type, namespace, name, asMap(applyMergePatch(existing, asMap(patch))));
    requireResourceVersion(type, patched, existing);
    return this.commit(type, existing, patched);
  }

  private existing(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const object = this.objects.get(objectKey(type, namespace, name));
    if (!object) throw notFound(type, name);
    return object;
  }

  private requireNamespace(type: ResourceType, namespace: string | undefined): void {
    if (type.namespaced && namespace !== undefined && !this.objects.has(objectKey(NAMESPACE_TYPE, undefined, namespace))) {
      throw notFound(NAMESPACE_TYPE, namespace);
    }
  }

  /**
   * Stores `candidate` with server-owned metadata. A write that changes nothing keeps the old
   * resourceVersion, as on a real server, so repeated applies are observable no-ops.
   */
  private commit(type: ResourceType, existing: KubeObject | undefined, candidate: JsonMap): KubeObject {
    const defaulted = type === NAMESPACE_TYPE ? withNamespaceDefaults(candidate) : candidate;
    const { kind, apiVersion, metadata, ...fields } = defaulted;
    // Field order as a real server writes it: kind, apiVersion, metadata, then the rest.
    const object = {
      kind,
      apiVersion,
      metadata: {
        ...asMap(metadata),
        uid: existing?.metadata.uid ?? randomUUID(),
        creationTimestamp: existing?.metadata.creationTimestamp ?? rfc3339Now(),
        resourceVersion: existing?.metadata.resourceVersion ?? '',
      },
      ...fields,
    } as KubeObject;
    // Compared as clones: stored objects are clones, and structuredClone may build them in another
    // realm (as under Jest's VM modules), which isDeepStrictEqual would count as a difference.
    if (existing && isDeepStrictEqual(structuredClone(object), existing)) return structuredClone(existing);
    this.lastResourceVersion += 1;
    object.metadata.resourceVersion = String(this.lastResourceVersion);
    this.objects.set(objectKey(type, object.metadata.namespace, object.metadata.name), structuredClone(object));
    return object;
  }
}

function objectKey(type: ResourceType, namespace: string | undefined, name: string): string {
  return `${collectionKeyPrefix(type, type.namespaced ? namespace : undefined)}${type.namespaced ? '' : '/'}${name}`;
}

// Keys are "group/version/resource/namespace/name" ("" namespace for cluster-scoped objects);
// names and namespaces cannot contain "/", so a prefix selects a collection.
function collectionKeyPrefix(type: ResourceType, namespace: string | undefined): string {
  const base = `${type.group}/${type.version}/${type.name}/`;
  return namespace === undefined ? base : `${base}${namespace}/`;
}

/**
 * Checks `body` against the resource it is written to and fills in what the URL implies:
 * apiVersion, kind, metadata.name and (for namespaced types) metadata.namespace.
 */
function normalize(type: ResourceType, namespace: string | undefined, name: string, body: JsonMap): JsonMap {
  const apiVersion = groupVersion(type);
  if (body.apiVersion !== undefined && body.apiVersion !== apiVersion) {
    throw badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${apiVersion})`);
  }
  if (body.kind !== undefined && body.kind !== type.kind) {
    throw badRequest(`the kind in the data (${String(body.kind)}) does not match the expected kind (${type.kind})`);
  }
  const { namespace: requestedNamespace, ...metadata } = asMap(body.metadata ?? {});
  if (metadata.name !== undefined && metadata.name !== name) {
    throw badRequest(`the name of the object (${String(metadata.name)}) does not match the name on the URL (${name})`);
  }
  if (type.namespaced && requestedNamespace !== undefined && requestedNamespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  return {
    ...body,
    apiVersion,
    kind: type.kind,
    // Cluster-scoped objects lose any namespace they were sent with, as on a real server.
    metadata: { ...metadata, name, ...(type.namespaced ? { namespace } : {}) },
  };
}

function requireResourceVersion(type: ResourceType, requested: JsonMap, existing: KubeObject | undefined): void {
  const wanted = asMap(requested.metadata).resourceVersion;
  // An empty or absent resourceVersion makes the write unconditional.
  if (wanted !== undefined && wanted !== '' && wanted !== existing?.metadata.resourceVersion) {
    throw conflict(type, asMap(requested.metadata).name as string);
  }
}

/** What the namespace lifecycle machinery of a real server adds to every Namespace. */
function withNamespaceDefaults(namespace: JsonMap): JsonMap {
  const metadata = asMap(namespace.metadata);
  return {
    ...namespace,
    metadata: { ...metadata, labels: { ...asMap(metadata.labels ?? {}), 'kubernetes.io/metadata.name': metadata.name } },
    spec: { finalizers: ['kubernetes'], ...asMap(namespace.spec ?? {}) },
    status: { phase: 'Active', ...asMap(namespace.status ?? {}) },
  };
}

function mergeApplied(existing: unknown, applied: unknown): unknown {
  if (!isMap(existing) || !isMap(applied)) return applied;
  const merged: JsonMap = { ...existing };
  for (const [field, value] of Object.entries(applied)) {
    merged[field] = field in existing ? mergeApplied(existing[field], value) : value;
  }
  return merged;
}

function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isMap(patch)) return patch;
  const patched: JsonMap = isMap(target) ? { ...target } : {};
  for (const [field, value] of Object.entries(patch)) {
    if (value === null) delete patched[field];
    else patched[field] = applyMergePatch(patched[field], value);
  }
  return patched;
}

type LabelRequirement =
  | { key: string; operator: 'equals' | 'notEquals'; value: string }
  | { key: string; operator: 'exists' | 'doesNotExist' };

function parseLabelSelector(selector: string): LabelRequirement[] {
  if (selector.includes('(')) throw badRequest(`set-based label selectors are not supported: ${selector}`);
  return selector
    .split(',')
    .map((term) => term.trim())
    .filter((term) => term !== '')
    .map((term): LabelRequirement => {
      const comparison = /^([^=!\s]+)\s*(==|=|!=)\s*([^=!\s]*)$/.exec(term);
      if (comparison) {
        const [, key = '', operator, value = ''] = comparison;
        return { key, operator: operator === '!=' ? 'notEquals' : 'equals', value };
      }
      const absence = /^!\s*([^=!\s]+)$/.exec(term);
      if (absence) return { key: absence[1] ?? '', operator: 'doesNotExist' };
      if (/^[^=!\s]+$/.test(term)) return { key: term, operator: 'exists' };
      throw badRequest(`unable to parse requirement: ${term}`);
    });
}

function matchesLabels(object: KubeObject, requirements: readonly LabelRequirement[]): boolean {
  const labels = asMap(object.metadata.labels ?? {});
  return requirements.every((requirement) => {
    const value = labels[requirement.key];
    switch (requirement.operator) {
      case 'equals':
        return value === requirement.value;
      case 'notEquals':
        return value !== requirement.value;
      case 'exists':
        return value !== undefined;
      case 'doesNotExist':
        return value === undefined;
    }
  });
}

function isMap(value: unknown): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asMap(value: unknown): JsonMap {
  if (!isMap(value)) throw badRequest('the request body and its metadata must be JSON objects');
  return value;
}

/** Kubernetes timestamps are RFC 3339 with whole seconds. */
function rfc3339Now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}
