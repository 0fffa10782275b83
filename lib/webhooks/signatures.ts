// Checking who sent a delivery, over the raw body as received (before any JSON parsing):
// an HMAC-SHA256 in `sha256=<hex>` form (Jira's X-Hub-Signature, the ServiceNow and generic
// signatures), the generic source's `timestamp.body` signature with a tolerance window, and
// Basic auth. Every comparison is constant-time; any of several secrets may match, so a
// secret can be rotated without a gap.
import { createHmac, timingSafeEqual, createHash } from 'node:crypto';

/** Equal in constant time, whatever the lengths (both sides hashed to the same size first). */
export function safeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const digest = (v: string | Buffer) => createHash('sha256').update(v).digest();
  return timingSafeEqual(digest(a), digest(b)) && a.length === b.length;
}

export const hmacHex = (secret: string, data: Buffer | string): string => createHmac('sha256', secret).update(data).digest('hex');

/** The header value a sender puts for `data` signed with `secret`: `sha256=<hex>`. */
export const signatureHeader = (secret: string, data: Buffer | string): string => `sha256=${hmacHex(secret, data)}`;

/** Whether `header` is `sha256=<hex>` of `data` under one of `secrets`. */
export function signedByAny(header: string | undefined, data: Buffer | string, secrets: readonly string[]): boolean {
  if (!header) return false;
  // Every secret is tried, so the time taken does not tell which one matched.
  return secrets.map((secret) => safeEqual(header.trim().toLowerCase(), signatureHeader(secret, data))).includes(true);
}

export type TimestampedCheck = 'ok' | 'missing' | 'stale' | 'forged';

/**
 * The generic source: `sha256=<hex>` of `<timestamp>.<raw body>`, the timestamp in Unix
 * seconds and within `toleranceSeconds` of `nowMs`, so a captured delivery cannot be replayed later.
 */
export function checkTimestamped(
  timestamp: string | undefined,
  header: string | undefined,
  raw: Buffer,
  secrets: readonly string[],
  nowMs: number,
  toleranceSeconds: number,
): TimestampedCheck {
  if (!timestamp || !header) return 'missing';
  if (!/^\d{1,12}$/.test(timestamp)) return 'forged';
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > toleranceSeconds) return 'stale';
  return signedByAny(header, Buffer.concat([Buffer.from(`${timestamp}.`), raw]), secrets) ? 'ok' : 'forged';
}

/** Whether an `Authorization: Basic …` header names `user` with one of `passwords`. */
export function basicAuthMatches(header: string | undefined, user: string, passwords: readonly string[]): boolean {
  const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header?.trim() ?? '');
  if (!m) return false;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const userOk = safeEqual(decoded.slice(0, colon), user);
  const passwordOk = passwords.map((p) => safeEqual(decoded.slice(colon + 1), p)).includes(true);
  return userOk && passwordOk;
}
