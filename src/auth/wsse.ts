// WSSE UsernameToken as DiamanteDesk clients send it:
//   X-WSSE: UsernameToken Username="u", PasswordDigest="d", Nonce="n", Created="2015-07-17T11:25:21Z"
//   d = base64(sha1(base64decode(n) + Created + apiKey))
import { createHash, timingSafeEqual } from 'node:crypto';

export const WSSE_LIFETIME_SECONDS = 300;

export interface UsernameToken {
  username: string;
  digest: string;
  nonce: string;
  created: string;
  createdAt: number;
}

export class WsseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WsseError';
  }
}

/** Reads the header leniently: attributes in any order, any spacing, names in any case. */
export function parseWsseHeader(header: string): UsernameToken {
  const text = header.trim().replace(/^UsernameToken\b/i, '');
  const fields = new Map<string, string>();
  for (const match of text.matchAll(/([A-Za-z]+)\s*=\s*"([^"]*)"/g)) fields.set(match[1]!.toLowerCase(), match[2]!);
  const username = fields.get('username')?.trim();
  const digest = fields.get('passworddigest')?.trim();
  const nonce = fields.get('nonce')?.trim();
  const created = fields.get('created')?.trim();
  const missing = [
    ['Username', username],
    ['PasswordDigest', digest],
    ['Nonce', nonce],
    ['Created', created],
  ].filter(([, value]) => !value);
  if (missing.length > 0) {
    throw new WsseError(`Malformed X-WSSE header: missing ${missing.map(([name]) => name).join(', ')}.`);
  }
  const createdAt = Date.parse(created!);
  if (Number.isNaN(createdAt)) throw new WsseError('Malformed X-WSSE header: Created is not an ISO 8601 time.');
  return { username: username!, digest: digest!, nonce: nonce!, created: created!, createdAt };
}

export function wsseDigest(nonce: string, created: string, secret: string): Buffer {
  return createHash('sha1')
    .update(Buffer.concat([Buffer.from(nonce, 'base64'), Buffer.from(created + secret, 'utf8')]))
    .digest();
}

/** Constant-time comparison of the client's base64 digest with the expected raw SHA-1. */
export function digestMatches(expected: Buffer, given: string): boolean {
  const actual = Buffer.from(given, 'base64');
  // Compare equal-length buffers even when the client's is malformed, so timing says nothing.
  return timingSafeEqual(expected, actual.length === expected.length ? actual : Buffer.alloc(expected.length)) && actual.length === expected.length;
}

/** Freshness: refuses tokens older than the lifetime or further ahead than it. */
export function checkFreshness(token: UsernameToken, now: number) {
  if (now - token.createdAt > WSSE_LIFETIME_SECONDS * 1000) {
    throw new WsseError(`WSSE token expired: Created is more than ${WSSE_LIFETIME_SECONDS} s old.`);
  }
  if (token.createdAt - now > WSSE_LIFETIME_SECONDS * 1000) {
    throw new WsseError(`WSSE token is from the future: Created is more than ${WSSE_LIFETIME_SECONDS} s ahead.`);
  }
}
