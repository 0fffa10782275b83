// The payload codec's keys. The text (what KATONIC_CODEC_KEYS refers to) has one key per
// line: 32 random bytes in base64 (`openssl rand -base64 32`), oldest first; blank lines
// and "#" comments are ignored. The last key encrypts, every key decrypts, so a key is
// rotated by adding a line and removed only when no history still needs it. A key's id
// (in each payload's metadata) is derived from the key itself, so ids need no bookkeeping.
import { createHash, randomBytes } from 'node:crypto';

export interface CodecKey {
  id: string;
  key: Buffer;
}

export interface KeyRing {
  /** The newest key: what encodes. */
  current: CodecKey;
  byId: Map<string, Buffer>;
}

const KEY_BYTES = 32;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export const keyId = (key: Buffer): string => `k-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;

/** The keys in `text`; errors say which line and what was expected, never the line itself. */
export function parseKeyRing(text: string, source: string): KeyRing {
  const keys: CodecKey[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const key = BASE64.test(line) ? Buffer.from(line, 'base64') : undefined;
    if (key?.length !== KEY_BYTES)
      throw new Error(`codec keys (${source}), line ${i + 1}: expected ${KEY_BYTES} bytes in base64, as "openssl rand -base64 32" prints`);
    keys.push({ id: keyId(key), key });
  });
  const current = keys.at(-1);
  if (!current) throw new Error(`codec keys (${source}): no key; add one line from "openssl rand -base64 32"`);
  return { current, byId: new Map(keys.map((k) => [k.id, k.key])) };
}

/** A new key line, for a key ring file. */
export const newKeyLine = (): string => randomBytes(KEY_BYTES).toString('base64');
