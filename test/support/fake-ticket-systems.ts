// Local HTTP servers that play Jira Cloud's and ServiceNow's comment APIs, modelled on what
// the real ones answer: Jira's POST /rest/api/3/issue/{key}/comment answers 201 with the
// comment (id, self, author, body, created); ServiceNow's Table API PATCH
// /api/now/table/{table}/{sys_id} answers 200 with {"result": record}. Each records what it
// got; told to, it fails (503) or hangs (never answers) instead.
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

/** Jira Cloud's REST API v3, comments only. */
export function startFakeJira(behaviour: Behaviour = 'answer'): Promise<FakeTicketSystem> {
  let next = 10_000;
  return start((req, res) => {
    const m = /^\/rest\/api\/3\/issue\/([^/]+)\/comment$/.exec(req.path);
    if (req.method !== 'POST' || !m)
      return void res
        .writeHead(404, { 'content-type': 'application/json' })
        .end('{"errorMessages":["Issue does not exist or you do not have permission to see it."],"errors":{}}');
    const id = String(next++);
    const now = new Date().toISOString().replace('Z', '+0000');
    const comment = {
      self: `http://jira.local/rest/api/3/issue/${m[1]}/comment/${id}`,
      id,
      author: { accountId: '5b10a2844c20165700ede21g', displayName: 'Katonic Installer', active: true },
      body: (req.body as { body?: unknown }).body,
      created: now,
      updated: now,
      jsdPublic: true,
    };
    res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(comment));
  }, behaviour);
}

/** ServiceNow's Table API, PATCH of one record. */
export function startFakeServiceNow(behaviour: Behaviour = 'answer'): Promise<FakeTicketSystem> {
  return start((req, res) => {
    const m = /^\/api\/now\/table\/([a-z_]+)\/([0-9a-f]{32})$/.exec(req.path);
    if (req.method !== 'PATCH' || !m)
      return void res
        .writeHead(404, { 'content-type': 'application/json' })
        .end('{"error":{"message":"No Record found","detail":"Record doesn\'t exist or ACL restricts the record retrieval"},"status":"failure"}');
    // Work notes are a journal field: the record comes back with it empty.
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        result: {
          sys_id: m[2],
          number: 'RITM0010042',
          sys_class_name: m[1],
          work_notes: '',
          sys_updated_on: new Date().toISOString().slice(0, 19).replace('T', ' '),
        },
      }),
    );
  }, behaviour);
}
