// The codec server: Temporal's remote codec protocol (POST .../encode and .../decode, a JSON
// body {"payloads": [...]} in protobuf JSON: metadata values and data in base64), so that the
// Web UI and `temporal workflow show --codec-endpoint` show sealed installs in clear text to
// the people who hold its token. The token goes in an `Authorization: Bearer` header, or,
// for a Web UI that cannot add headers, as the first path segment of the endpoint
// (`http://host:8888/<token>`, to which the UI appends /decode). Browsers may call it only
// from the Web UI's origins (CORS). It listens on loopback unless told otherwise.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Payload, PayloadCodec } from '@temporalio/common';

export interface CodecServerOptions {
  codec: PayloadCodec;
  token: string;
  port: number;
  host?: string;
  /** Origins whose pages may call it (the Web UI's), e.g. http://localhost:8233. */
  origins: string[];
}

export interface CodecServer {
  /** http://host:port */
  url: string;
  /** The endpoint for a Web UI: the URL with the token as its first path segment. */
  uiEndpoint: string;
  close(): Promise<void>;
}

// A page of history can hold many payloads of up to 2 MB each.
const MAX_BODY_BYTES = 32 * 1024 * 1024;

interface JsonPayload {
  metadata?: Record<string, string> | null;
  data?: string | null;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
function fromBase64(text: unknown, what: string): Uint8Array {
  if (typeof text !== 'string' || !BASE64.test(text)) throw new HttpError(400, `expected base64 in ${what}`);
  return Buffer.from(text, 'base64');
}

function fromJson(p: JsonPayload): Payload {
  if (!p || typeof p !== 'object') throw new HttpError(400, 'expected each payload to be an object');
  const metadata = Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, fromBase64(v, `metadata.${k}`)]));
  return { metadata, data: p.data ? fromBase64(p.data, 'data') : new Uint8Array() };
}

const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

const digest = (text: string) => createHash('sha256').update(text).digest();

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of req) {
    length += (chunk as Buffer).length;
    if (length > MAX_BODY_BYTES) throw new HttpError(413, `expected a body of at most ${MAX_BODY_BYTES / 1024 / 1024} MiB`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function startCodecServer(opts: CodecServerOptions): Promise<CodecServer> {
  const expected = digest(opts.token);
  const tokenMatches = (given: string) => timingSafeEqual(digest(given), expected);
  const authorized = (req: IncomingMessage, firstSegment: string) => {
    const header = req.headers.authorization ?? '';
    if (header.startsWith('Bearer ') && tokenMatches(header.slice(7).trim())) return true;
    try {
      return tokenMatches(decodeURIComponent(firstSegment));
    } catch {
      return false;
    }
  };

  const cors = (req: IncomingMessage, res: ServerResponse) => {
    const origin = req.headers.origin;
    res.setHeader('Vary', 'Origin');
    if (origin && opts.origins.includes(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-Namespace');
      res.setHeader('Access-Control-Max-Age', '600');
    }
  };
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify(body));
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    cors(req, res);
    const segments = new URL(req.url ?? '/', 'http://codec').pathname.split('/').filter(Boolean);
    const route = segments.at(-1);
    if (route !== 'encode' && route !== 'decode') throw new HttpError(404, 'expected POST .../encode or .../decode');
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    if (req.method !== 'POST') throw new HttpError(405, 'expected POST');
    if (!authorized(req, segments.length > 1 ? segments[0]! : '')) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      throw new HttpError(401, 'expected the codec server token (Authorization: Bearer TOKEN, or http://host:port/TOKEN as the endpoint)');
    }
    let body: { payloads?: unknown };
    try {
      body = JSON.parse((await readBody(req)).toString('utf8')) as { payloads?: unknown };
    } catch (err) {
      if (err instanceof HttpError) throw err;
      throw new HttpError(400, 'expected a JSON body {"payloads": [...]}');
    }
    if (!Array.isArray(body?.payloads)) throw new HttpError(400, 'expected a JSON body {"payloads": [...]}');
    const payloads = (body.payloads as JsonPayload[]).map(fromJson);
    let out: Payload[];
    try {
      out = route === 'decode' ? await opts.codec.decode(payloads) : await opts.codec.encode(payloads);
    } catch (err) {
      throw new HttpError(400, (err as Error).message);
    }
    send(res, 200, { payloads: out.map(toJson) });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      send(res, status, { error: err instanceof HttpError ? err.message : 'internal error' });
    });
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    uiEndpoint: `${url}/${encodeURIComponent(opts.token)}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
