// Local HTTP servers that play Jira Cloud's and ServiceNow's APIs as the installer uses them,
// modelled on what the real ones answer, as documented: Jira Cloud REST API v3 reference
// (developer.atlassian.com/cloud/jira/platform/rest/v3/: api-group-issue-comments,
// api-group-issue-remote-links, api-group-issue-properties, and the OpenAPI description's
// response codes), the remote link fields guide
// (developer.atlassian.com/server/jira/platform/using-fields-in-remote-issue-links/), and
// ServiceNow's Table API:
// - Jira POST /rest/api/3/issue/{key}/comment: 201 with the comment (id, self, author, body, created).
// - Jira POST /rest/api/3/issue/{key}/remotelink ("Create or update remote issue link"): a link
//   with the same globalId on the issue is updated (200), else one is created (201); both answer
//   {"id", "self"}. object.url and object.title are required (400 without); globalId is at most
//   255 characters; fields left out of an update are set to null (the link is replaced).
// - Jira PUT /rest/api/3/issue/{key}/properties/{propertyKey} ("Set issue property"): the body
//   is the value, valid non-empty JSON of at most 32768 bytes (400 otherwise); 201 when the
//   property is created, 200 when updated; the key is at most 255 characters.
// - ServiceNow PATCH /api/now/table/{table}/{sys_id}: 200 with {"result": record}; the fields
//   sent are set on the record, except the journal work_notes, which adds an entry and reads
//   back empty.
// Each records what it got and keeps the state those calls make (links by globalId, properties,
// record fields); told to, it fails (503) or hangs (never answers) instead.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  authorization?: string;
  contentType?: string;
  body: unknown;
}

export type Behaviour = 'answer' | 'fail' | 'hang';

export interface FakeTicketSystem {
  url: string;
  received: ReceivedRequest[];
  /** Requests that were sent and never answered (behaviour 'hang'). */
  open(): number;
  close(): Promise<void>;
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => resolve(text));
  });

async function start(answer: (req: ReceivedRequest, res: ServerResponse) => void, behaviour: Behaviour): Promise<FakeTicketSystem> {
  const received: ReceivedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    void readBody(req).then((text) => {
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Kept as text: the test sees what came.
      }
      const got = { method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization, contentType: req.headers['content-type'], body };
      received.push(got);
      if (behaviour === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      if (behaviour === 'fail') return void res.writeHead(503, { 'content-type': 'application/json' }).end('{"errorMessages":["Service Unavailable"]}');
      answer(got, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    open: () => hanging.size,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const json = (res: ServerResponse, status: number, body?: unknown) =>
  void res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' }).end(body === undefined ? undefined : JSON.stringify(body));
const jiraNotFound = (res: ServerResponse) => json(res, 404, { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} });
const jiraInvalid = (res: ServerResponse, message: string) => json(res, 400, { errorMessages: [message], errors: {} });

export interface RemoteLink {
  id: number;
  self: string;
  globalId?: string;
  application?: { type?: string; name?: string };
  relationship?: string;
  object: { url: string; title: string; summary?: string; status?: { resolved?: boolean } };
}

export interface FakeJira extends FakeTicketSystem {
  /** The remote links on an issue, as last set. */
  remoteLinks(issue: string): RemoteLink[];
  /** An issue property's value, as last set. */
  property(issue: string, key: string): unknown;
}

/** Jira Cloud's REST API v3: comments, remote links, issue properties. */
export async function startFakeJira(behaviour: Behaviour = 'answer'): Promise<FakeJira> {
  let next = 10_000;
  const links = new Map<string, RemoteLink[]>();
  const properties = new Map<string, Map<string, unknown>>();
  const server = await start((req, res) => {
    const [, issue, resource, key] = /^\/rest\/api\/3\/issue\/([^/]+)\/(comment|remotelink|properties)(?:\/([^/]+))?$/.exec(req.path) ?? [];
    if (!issue) return jiraNotFound(res);
    if (req.method === 'POST' && resource === 'comment' && !key) {
      const id = String(next++);
      const now = new Date().toISOString().replace('Z', '+0000');
      return json(res, 201, {
        self: `http://jira.local/rest/api/3/issue/${issue}/comment/${id}`,
        id,
        author: { accountId: '5b10a2844c20165700ede21g', displayName: 'Katonic Installer', active: true },
        body: (req.body as { body?: unknown }).body,
        created: now,
        updated: now,
        jsdPublic: true,
      });
    }
    if (req.method === 'POST' && resource === 'remotelink' && !key) {
      const link = req.body as Omit<RemoteLink, 'id' | 'self'>;
      if (!link?.object?.url || !link.object.title) return jiraInvalid(res, 'object.url and object.title are required');
      if ((link.globalId?.length ?? 0) > 255) return jiraInvalid(res, 'globalId: at most 255 characters');
      const onIssue = links.get(issue) ?? [];
      links.set(issue, onIssue);
      const at = link.globalId === undefined ? -1 : onIssue.findIndex((l) => l.globalId === link.globalId);
      const id = at >= 0 ? onIssue[at]!.id : next++;
      const stored = { ...link, id, self: `http://jira.local/rest/api/3/issue/${issue}/remotelink/${id}` };
      if (at >= 0) onIssue[at] = stored;
      else onIssue.push(stored);
      return json(res, at >= 0 ? 200 : 201, { id, self: stored.self });
    }
    if (req.method === 'PUT' && resource === 'properties' && key) {
      const text = JSON.stringify(req.body);
      if (typeof req.body === 'string' || Buffer.byteLength(text) > 32768)
        return jiraInvalid(res, 'The property value must be valid, non-empty JSON of at most 32768 bytes.');
      if (decodeURIComponent(key).length > 255) return jiraInvalid(res, 'The property key can be at most 255 characters.');
      const onIssue = properties.get(issue) ?? new Map<string, unknown>();
      properties.set(issue, onIssue);
      const existed = onIssue.has(decodeURIComponent(key));
      onIssue.set(decodeURIComponent(key), req.body);
      return json(res, existed ? 200 : 201);
    }
    return jiraNotFound(res);
  }, behaviour);
  return { ...server, remoteLinks: (issue) => links.get(issue) ?? [], property: (issue, key) => properties.get(issue)?.get(key) };
}

export interface FakeServiceNow extends FakeTicketSystem {
  /** A record's fields as the PATCHes left them (work_notes, a journal, stays empty). */
  record(table: string, sysId: string): Record<string, unknown>;
}

/** ServiceNow's Table API, PATCH of one record. */
export async function startFakeServiceNow(behaviour: Behaviour = 'answer'): Promise<FakeServiceNow> {
  const records = new Map<string, Record<string, unknown>>();
  const server = await start((req, res) => {
    const m = /^\/api\/now\/table\/([a-z_]+)\/([0-9a-f]{32})$/.exec(req.path);
    if (req.method !== 'PATCH' || !m)
      return json(res, 404, { error: { message: 'No Record found', detail: "Record doesn't exist or ACL restricts the record retrieval" }, status: 'failure' });
    const path = `${m[1]}/${m[2]}`;
    const record = records.get(path) ?? { sys_id: m[2], number: 'RITM0010042', sys_class_name: m[1] };
    records.set(path, record);
    Object.assign(record, req.body, { work_notes: '', sys_updated_on: new Date().toISOString().slice(0, 19).replace('T', ' ') });
    json(res, 200, { result: record });
  }, behaviour);
  return { ...server, record: (table, sysId) => records.get(`${table}/${sysId}`) ?? {} };
}
