// The payload codec (AES-256-GCM, key id in the metadata, rotation) and the codec server the
// Web UI calls (real HTTP over a socket: /encode, /decode, token, CORS).
import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { AesGcmCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../lib/codec/aes-gcm-codec.js';
import { newKeyLine, parseKeyRing } from '../lib/codec/key-ring.js';
import { startCodecServer, type CodecServer } from '../client/codec-server.js';

const OLD = newKeyLine();
const NEW = newKeyLine();
const oldRing = parseKeyRing(`# keys\n${OLD}\n`, 'test');
const rotatedRing = parseKeyRing(`${OLD}\n\n${NEW}\n`, 'test');
const newOnlyRing = parseKeyRing(`${NEW}\n`, 'test');

const CANARY = 'canary-4f1c0e-secret';
const payload = (value: unknown): Payload => defaultPayloadConverter.toPayload(value)!;
const meta = (p: Payload, key: string) => Buffer.from(p.metadata![key]!).toString();

describe('payload codec (AES-256-GCM, pure)', () => {
  it('seals a payload (no clear text, key id in the metadata) and opens it again', async () => {
    const codec = new AesGcmCodec(oldRing);
    const [sealed] = await codec.encode([payload({ spec: CANARY })]);
    expect(meta(sealed!, METADATA_ENCODING_KEY)).toBe(ENCRYPTED_ENCODING);
    expect(meta(sealed!, KEY_ID_METADATA)).toBe(oldRing.current.id);
    expect(Buffer.from(sealed!.data!).toString('latin1')).not.toContain(CANARY);
    const [opened] = await codec.decode([sealed!]);
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual({ spec: CANARY });
  });

  it('rotates: after a new key is added, payloads sealed with the old one still open, and new ones use the new key', async () => {
    const [before] = await new AesGcmCodec(oldRing).encode([payload(CANARY)]);
    const rotated = new AesGcmCodec(rotatedRing);
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([before!]))[0]!)).toBe(CANARY);
    const [after] = await rotated.encode([payload(CANARY)]);
    expect(meta(after!, KEY_ID_METADATA)).toBe(newOnlyRing.current.id);
    await expect(new AesGcmCodec(newOnlyRing).decode([before!])).rejects.toThrow(
      `sealed with codec key "${oldRing.current.id}", which is not in this key ring`,
    );
  });

  it('refuses an altered payload, and passes payloads that were never sealed', async () => {
    const codec = new AesGcmCodec(oldRing);
    const [sealed] = await codec.encode([payload(CANARY)]);
    const data = Buffer.from(sealed!.data!);
    data[20] = data[20]! ^ 1;
    await expect(codec.decode([{ ...sealed!, data }])).rejects.toThrow('does not open');
    const plain = payload('from a Web UI start form');
    expect(await codec.decode([plain])).toEqual([plain]);
  });

  it('reads a key ring: newest last, errors name the line and never its text', () => {
    expect(rotatedRing.current.id).not.toBe(oldRing.current.id);
    expect(rotatedRing.byId.size).toBe(2);
    expect(() => parseKeyRing(`${OLD}\nnot-a-key-${CANARY}\n`, 'file:/k')).toThrow('codec keys (file:/k), line 2: expected 32 bytes in base64');
    expect(() => parseKeyRing(`${OLD}\nnot-a-key-${CANARY}\n`, 'file:/k')).not.toThrow(CANARY);
    expect(() => parseKeyRing('# nothing\n', 'file:/k')).toThrow('no key');
  });
});

describe('codec server (real HTTP on loopback)', () => {
  const TOKEN = 'test-token-0123456789abcdef';
  const UI = 'http://localhost:8233';
  let server: CodecServer;
  beforeAll(async () => {
    server = await startCodecServer({ codec: new AesGcmCodec(rotatedRing), token: TOKEN, port: 0, origins: [UI] });
  });
  afterAll(() => server?.close());

  const toJson = (p: Payload) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: Buffer.from(p.data ?? []).toString('base64'),
  });
  const post = (path: string, payloads: Payload[], headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default', ...headers },
      body: JSON.stringify({ payloads: payloads.map(toJson) }),
    });
  const firstValue = async (res: Response) => {
    const body = (await res.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    const [p] = body.payloads;
    return defaultPayloadConverter.fromPayload({
      metadata: Object.fromEntries(Object.entries(p!.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
      data: Buffer.from(p!.data, 'base64'),
    });
  };

  it('decodes with the token as a Bearer header or as the endpoint path the Web UI uses, with CORS for the UI', async () => {
    const [sealed] = await new AesGcmCodec(oldRing).encode([payload({ spec: CANARY })]);
    const viaHeader = await post('/decode', [sealed!], { Authorization: `Bearer ${TOKEN}`, Origin: UI });
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.headers.get('access-control-allow-origin')).toBe(UI);
    expect(await firstValue(viaHeader)).toEqual({ spec: CANARY });
    const viaPath = await post(`/${TOKEN}/decode`, [sealed!]);
    expect(await firstValue(viaPath)).toEqual({ spec: CANARY });
    expect(server.uiEndpoint).toBe(`${server.url}/${TOKEN}`);
  });

  it('encodes for the Web UI (a start form or a signal), sealed with the newest key', async () => {
    const res = await post('/encode', [payload('hello')], { Authorization: `Bearer ${TOKEN}` });
    const body = (await res.json()) as { payloads: { metadata: Record<string, string> }[] };
    expect(Buffer.from(body.payloads[0]!.metadata[KEY_ID_METADATA]!, 'base64').toString()).toBe(rotatedRing.current.id);
  });

  it('answers a CORS preflight for the UI origin only, and refuses a wrong or missing token', async () => {
    const preflight = await fetch(`${server.url}/decode`, {
      method: 'OPTIONS',
      headers: { Origin: UI, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-namespace' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('X-Namespace');
    const other = await fetch(`${server.url}/decode`, { method: 'OPTIONS', headers: { Origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const [sealed] = await new AesGcmCodec(oldRing).encode([payload(CANARY)]);
    for (const res of [
      await post('/decode', [sealed!]),
      await post('/decode', [sealed!], { Authorization: 'Bearer wrong-token-0123456789' }),
      await post('/not-the-token/decode', [sealed!]),
    ]) {
      expect(res.status).toBe(401);
      expect(await res.text()).not.toContain(CANARY);
    }
    expect((await post(`/${TOKEN}/other`, [])).status).toBe(404);
    const bad = await fetch(`${server.url}/decode`, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` }, body: 'not json' });
    expect(bad.status).toBe(400);
  });
});
