// A local HTTPS server that answers like a Kubernetes API server for the paths and verbs the
// installer uses, keeping objects in memory. It stands in for the cluster Kubespray would build.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { ensureCertificates } from './certificates.js';
import {
  NAMESPACE_TYPE,
  apiGroupList,
  apiResourceList,
  apiVersions,
  findResourceType,
  isServedGroupVersion,
  type ResourceType,
} from './resources.js';
import { ObjectStore, StatusError, badRequest, statusFailure } from './store.js';

export const KUBERNETES_VERSION = 'v1.31.4';

/** The namespaces a fresh Kubespray cluster has. */
const SEEDED_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Served without a token, as a real API server with anonymous auth serves them to anyone. */
const PUBLIC_PATHS = new Set(['/version', '/healthz', '/livez', '/readyz']);

/** The real server's default limit on request bodies (3 MiB). */
const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Query parameters whose behaviour the stand-in does not model; refused rather than ignored. */
const UNSUPPORTED_QUERY_PARAMETERS = ['watch', 'dryRun', 'fieldSelector'];

export interface StandinClusterOptions {
  /** Holds the TLS material, `token` and `server` (the URL) for other programs to read. */
  dir: string;
  /** Listen address; default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port chosen by the system. */
  port?: number;
  /** IP addresses to add to the server certificate besides 127.0.0.1. */
  extraIps?: string[];
}

export interface StandinCluster {
  /** https://127.0.0.1:PORT */
  url: string;
  caFile: string;
  token: string;
  store: ObjectStore;
  close(): Promise<void>;
}

export async function startStandinCluster(opts: StandinClusterOptions): Promise<StandinCluster> {
  const host = opts.host ?? '127.0.0.1';
  const listensOnAllAddresses = host === '0.0.0.0' || host === '::';
  const certificateIps = [...(opts.extraIps ?? []), ...(isIP(host) && !listensOnAllAddresses ? [host] : [])];
  const certificates = await ensureCertificates(opts.dir, certificateIps);
  const token = await ensureToken(join(opts.dir, 'token'));

  const store = new ObjectStore();
  for (const name of SEEDED_NAMESPACES) store.create(NAMESPACE_TYPE, undefined, { metadata: { name } });

  const server = createServer({
    cert: await readFile(certificates.serverCert),
    key: await readFile(certificates.serverKey),
  });
  const port = await listen(server, opts.port ?? 0, host);
  const urlHost = listensOnAllAddresses ? '127.0.0.1' : isIP(host) === 6 ? `[${host}]` : host;
  const url = `https://${urlHost}:${port}`;
  const context: RequestContext = { store, token, serverAddress: `${urlHost}:${port}` };
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    void handleRequest(request, response, context);
  });
  await writeFile(join(opts.dir, 'server'), url);

  return {
    url,
    caFile: certificates.caCert,
    token,
    store,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections from clients would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

async function ensureToken(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const token = randomBytes(32).toString('hex');
    await writeFile(file, token, { mode: 0o600 });
    return token;
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

interface RequestContext {
  store: ObjectStore;
  token: string;
  serverAddress: string;
}

type Reply = { code: number; json: unknown } | { code: number; text: string };

interface ApiRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
}

async function handleRequest(request: IncomingMessage, response: ServerResponse, context: RequestContext): Promise<void> {
  let reply: Reply;
  try {
    const body = await readBody(request);
    reply = route(
      { method: request.method ?? 'GET', url: new URL(request.url ?? '/', 'https://standin.invalid'), headers: request.headers, body },
      context,
    );
  } catch (error) {
    const status =
      error instanceof StatusError ? error.status : statusFailure(500, 'InternalError', String(error)).status;
    reply = { code: status.code, json: status };
  }
  if ('json' in reply) {
    response.writeHead(reply.code, { 'Content-Type': 'application/json' }).end(JSON.stringify(reply.json));
  } else {
    response.writeHead(reply.code, { 'Content-Type': 'text/plain; charset=utf-8' }).end(reply.text);
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(statusFailure(413, 'RequestEntityTooLarge', 'the request body is too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

const notFoundPath = (): StatusError =>
  statusFailure(404, 'NotFound', 'the server could not find the requested resource', {});

const methodNotAllowed = (): StatusError =>
  statusFailure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});

function route(request: ApiRequest, context: RequestContext): Reply {
  const path = request.url.pathname.replace(/\/+$/, '') || '/';
  const authorization = request.headers.authorization;
  // A wrong token is refused everywhere; no token only where anonymous access is allowed.
  if (authorization !== `Bearer ${context.token}` && (authorization !== undefined || !PUBLIC_PATHS.has(path))) {
    throw statusFailure(401, 'Unauthorized', 'Unauthorized');
  }
  if (PUBLIC_PATHS.has(path)) {
    if (request.method !== 'GET') throw methodNotAllowed();
    return path === '/version' ? { code: 200, json: versionInfo() } : { code: 200, text: 'ok' };
  }

  const segments = path.split('/').filter((segment) => segment !== '').map(decodeURIComponent);
  const [root, ...rest] = segments;
  if (root === 'api') {
    if (rest.length === 0) return discovery(request, apiVersions(context.serverAddress));
    const [version, ...resourcePath] = rest;
    if (version !== 'v1') throw notFoundPath();
    return routeGroupVersion(request, context.store, '', version, resourcePath);
  }
  if (root === 'apis') {
    if (rest.length === 0) return discovery(request, apiGroupList());
    const [group = '', version = '', ...resourcePath] = rest;
    if (!isServedGroupVersion(group, version)) throw notFoundPath();
    return routeGroupVersion(request, context.store, group, version, resourcePath);
  }
  throw notFoundPath();
}

function discovery(request: ApiRequest, document: object): Reply {
  if (request.method !== 'GET') throw methodNotAllowed();
  return { code: 200, json: document };
}

/** Paths below /api/v1 or /apis/{group}/{version}. */
function routeGroupVersion(
  request: ApiRequest,
  store: ObjectStore,
  group: string,
  version: string,
  resourcePath: string[],
): Reply {
  if (resourcePath.length === 0) return discovery(request, apiResourceList(group, version));
  refuseUnsupportedQueryParameters(request.url);

  const [first = '', second, third, fourth, ...beyond] = resourcePath;
  const namespacedType = third === undefined ? undefined : findResourceType(group, version, third);
  if (first === 'namespaces' && second !== undefined && namespacedType?.namespaced && beyond.length === 0) {
    return fourth === undefined
      ? collection(request, store, namespacedType, second)
      : item(request, store, namespacedType, second, fourth);
  }
  const type = findResourceType(group, version, first);
  if (!type || third !== undefined) throw notFoundPath();
  if (second === undefined) return collection(request, store, type, undefined);
  // A namespaced object is only addressable within its namespace.
  if (type.namespaced) throw notFoundPath();
  return item(request, store, type, undefined, second);
}

function refuseUnsupportedQueryParameters(url: URL): void {
  for (const parameter of UNSUPPORTED_QUERY_PARAMETERS) {
    const value = url.searchParams.get(parameter);
    if (value !== null && value !== '' && value !== 'false') {
      throw badRequest(`the stand-in API server does not support the ${parameter} parameter`);
    }
  }
}

/** A collection: one namespace's, a cluster-scoped type's, or (namespace undefined) all namespaces' objects. */
function collection(request: ApiRequest, store: ObjectStore, type: ResourceType, namespace: string | undefined): Reply {
  switch (request.method) {
    case 'GET':
      return { code: 200, json: store.list(type, namespace, request.url.searchParams.get('labelSelector') ?? undefined) };
    case 'POST':
      if (type.namespaced && namespace === undefined) throw methodNotAllowed();
      return { code: 201, json: store.create(type, namespace, parseJson(request.body)) };
    default:
      throw methodNotAllowed();
  }
}

function item(request: ApiRequest, store: ObjectStore, type: ResourceType, namespace: string | undefined, name: string): Reply {
  switch (request.method) {
    case 'GET':
      return { code: 200, json: store.get(type, namespace, name) };
    case 'PUT':
      return { code: 200, json: store.replace(type, namespace, name, parseJson(request.body)) };
    case 'DELETE':
      return { code: 200, json: store.delete(type, namespace, name) };
    case 'PATCH':
      return patch(request, store, type, namespace, name);
    default:
      throw methodNotAllowed();
  }
}

const APPLY_PATCH = 'application/apply-patch+yaml';
const MERGE_PATCH = 'application/merge-patch+json';

function patch(request: ApiRequest, store: ObjectStore, type: ResourceType, namespace: string | undefined, name: string): Reply {
  const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (contentType === APPLY_PATCH) {
    if (!request.url.searchParams.get('fieldManager')) throw fieldManagerRequired();
    const { object, created } = store.apply(type, namespace, name, parseYaml(request.body));
    return { code: created ? 201 : 200, json: object };
  }
  if (contentType === MERGE_PATCH) {
    return { code: 200, json: store.mergePatch(type, namespace, name, parseJson(request.body)) };
  }
  throw statusFailure(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${MERGE_PATCH}, ${APPLY_PATCH}`,
    {},
  );
}

function fieldManagerRequired(): StatusError {
  const message = 'Required value: is required for apply patch';
  return statusFailure(422, 'Invalid', `PatchOptions.meta.k8s.io "" is invalid: fieldManager: ${message}`, {
    group: 'meta.k8s.io',
    kind: 'PatchOptions',
    causes: [{ reason: 'FieldValueRequired', message, field: 'fieldManager' }],
  });
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (error) {
    throw badRequest(`the request body is not valid JSON: ${String(error)}`);
  }
}

// The core schema keeps timestamps and other non-JSON scalars as strings, as Kubernetes does.
function parseYaml(body: string): unknown {
  try {
    return yaml.load(body, { schema: yaml.CORE_SCHEMA });
  } catch (error) {
    throw badRequest(`the request body is not valid YAML: ${String(error)}`);
  }
}

function versionInfo(): object {
  const [major = '', minor = ''] = KUBERNETES_VERSION.slice(1).split('.');
  return {
    major,
    minor,
    gitVersion: KUBERNETES_VERSION,
    gitCommit: 'standin',
    gitTreeState: 'clean',
    buildDate: '2024-12-10T00:00:00Z',
    goVersion: 'go1.22.9',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}
