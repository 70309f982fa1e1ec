// WSSE UsernameToken as DiamanteDesk clients send it:
//   X-WSSE: UsernameToken Username="u", PasswordDigest="d", Nonce="n", Created="2015-07-17T11:25:21Z"
//   d = base64(sha1(base64decode(n) + Created + apiKey))
import { createHash, timingSafeEqual } from 'node:crypto';
import { DEFAULT_WSSE_LIFETIME_SECONDS } from '../config.ts';

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

/** Longest X-WSSE header read: a real one is under 400 characters. */
export const WSSE_MAX_HEADER_LENGTH = 2048;
/** Longest Username: an email address is at most 254 characters. */
export const WSSE_MAX_USERNAME_LENGTH = 254;
/** Nonce size in bytes once decoded: PHP clients send 10 or 16, the npm wsse package 16. */
export const WSSE_MIN_NONCE_BYTES = 1;
export const WSSE_MAX_NONCE_BYTES = 128;
const WSSE_MAX_CREATED_LENGTH = 64;
const SHA1_BYTES = 20;

/**
 * Strict base64: the standard alphabet with padding, and nothing Node's lenient decoder would
 * skip or fix up (spaces, dots, base64url, text after the padding, stray low bits). Re-encoding
 * the bytes gives back exactly the text, so one byte string has one spelling.
 */
export function decodeCanonicalBase64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

/**
 * Reads the header leniently about layout (attributes in any order, any spacing, names in any
 * case) and strictly about values: bounded lengths, PasswordDigest and Nonce in canonical base64.
 */
export function parseWsseHeader(header: string): UsernameToken {
  if (header.length > WSSE_MAX_HEADER_LENGTH) {
    throw new WsseError(`Malformed X-WSSE header: too long (at most ${WSSE_MAX_HEADER_LENGTH} characters).`);
  }
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
  const createdAt = created!.length > WSSE_MAX_CREATED_LENGTH ? Number.NaN : Date.parse(created!);
  if (Number.isNaN(createdAt)) throw new WsseError('Malformed X-WSSE header: Created is not an ISO 8601 time.');
  if (username!.length > WSSE_MAX_USERNAME_LENGTH) {
    throw new WsseError(`Malformed X-WSSE header: Username is longer than ${WSSE_MAX_USERNAME_LENGTH} characters.`);
  }
  if (decodeCanonicalBase64(digest!)?.length !== SHA1_BYTES) {
    throw new WsseError(
      'Malformed X-WSSE header: PasswordDigest must be the base64 of a 20-byte SHA-1 digest, with padding.',
    );
  }
  const nonceBytes = decodeCanonicalBase64(nonce!);
  if (!nonceBytes || nonceBytes.length < WSSE_MIN_NONCE_BYTES || nonceBytes.length > WSSE_MAX_NONCE_BYTES) {
    throw new WsseError(
      `Malformed X-WSSE header: Nonce must be standard base64, with padding, of ${WSSE_MIN_NONCE_BYTES} to ${WSSE_MAX_NONCE_BYTES} bytes.`,
    );
  }
  return { username: username!, digest: digest!, nonce: nonce!, created: created!, createdAt };
}

/**
 * What the nonce store keeps: the SHA-256 (hex) of the nonce's bytes, the very bytes the digest
 * is made from. However a client spells them, the same bytes give the same key, of fixed size.
 */
export function wsseNonceKey(nonce: string): string {
  return createHash('sha256').update(Buffer.from(nonce, 'base64')).digest('hex');
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
  return (
    timingSafeEqual(expected, actual.length === expected.length ? actual : Buffer.alloc(expected.length)) &&
    actual.length === expected.length
  );
}

/** Freshness: refuses tokens older than the lifetime (HELPDESK_WSSE_LIFETIME) or further ahead than it. */
export function checkFreshness(token: UsernameToken, now: number, lifetimeSeconds = DEFAULT_WSSE_LIFETIME_SECONDS) {
  if (now - token.createdAt > lifetimeSeconds * 1000) {
    throw new WsseError(`WSSE token expired: Created is more than ${lifetimeSeconds} s old.`);
  }
  if (token.createdAt - now > lifetimeSeconds * 1000) {
    throw new WsseError(`WSSE token is from the future: Created is more than ${lifetimeSeconds} s ahead.`);
  }
}
