// Who is calling, from any of the three schemes DiamanteDesk, Deskie and Teamwork clients use:
// WSSE (X-WSSE), HTTP Basic `email:apiKey`, and `Authorization: Bearer <apiKey>`.
// No credentials at all means an anonymous caller; bad credentials are an AuthenticationError
// whose message says what was wrong without telling whether an email exists.
import { type Clock, systemClock } from '../clock.ts';
import { DEFAULT_WSSE_LIFETIME_SECONDS } from '../config.ts';
import type { Viewer } from '../context.ts';
import { isUniqueViolation } from '../domain/errors.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { apiKeyLookupHash, apiKeyPattern } from './api-keys.ts';
import type { SecretBox } from './secret-box.ts';
import { checkFreshness, digestMatches, parseWsseHeader, WsseError, wsseDigest, wsseNonceKey } from './wsse.ts';

/** Blocked, disabled and deleted people cannot authenticate, by key, WSSE or download token. */
export function canAuthenticate(person: { state: string; blocked?: boolean } | null | undefined): boolean {
  return !!person && person.state === 'ACTIVE' && !person.blocked;
}

export class AuthenticationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

export interface AuthDeps {
  prisma: PrismaClient;
  box: SecretBox;
  now?: Clock;
  /** How old (or how far ahead) a WSSE Created may be; nonces are remembered that long. */
  wsseLifetimeSeconds?: number;
}

const BAD_KEY = 'Invalid API key.';
const BAD_WSSE = 'Invalid WSSE credentials: unknown user or wrong password digest.';
const LAST_USED_RESOLUTION_MS = 60_000;
const PURGE_INTERVAL_MS = 60_000;

const personSelect = {
  agent: { select: { id: true, email: true, role: true, state: true } },
  customer: { select: { id: true, email: true, state: true, blocked: true } },
} as const;

type KeyRow = {
  id: number;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  agent: { id: number; email: string; role: 'ADMIN' | 'AGENT'; state: string } | null;
  customer: { id: number; email: string | null; state: string; blocked: boolean } | null;
};

export function createAuthenticator({
  prisma,
  box,
  now = systemClock,
  wsseLifetimeSeconds = DEFAULT_WSSE_LIFETIME_SECONDS,
}: AuthDeps) {
  let lastPurge = 0;

  async function viewerFromKey(key: KeyRow | null, email?: string): Promise<Viewer> {
    const person = key?.agent ?? key?.customer;
    if (!key || key.revokedAt || !person || !canAuthenticate(person)) throw new AuthenticationError(BAD_KEY);
    if (email !== undefined && email !== person.email) throw new AuthenticationError(BAD_KEY);
    // lastUsedAt to the minute: one write per key per minute, not one per request.
    if (!key.lastUsedAt || now() - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await prisma.apiKey.update({
        where: { id: key.id },
        data: { lastUsedAt: new Date(now()) },
        select: { id: true },
      });
    }
    return key.agent
      ? { kind: 'agent', id: key.agent.id, role: key.agent.role, keyId: key.id }
      : { kind: 'customer', id: key.customer!.id, keyId: key.id };
  }

  async function byApiKey(secret: string, email?: string) {
    if (!apiKeyPattern.test(secret)) throw new AuthenticationError(BAD_KEY);
    const key = await prisma.apiKey.findUnique({
      where: { lookupHash: apiKeyLookupHash(secret) },
      select: { id: true, lastUsedAt: true, revokedAt: true, ...personSelect },
    });
    return viewerFromKey(key, email);
  }

  async function byWsse(header: string): Promise<Viewer> {
    let token: ReturnType<typeof parseWsseHeader>;
    try {
      token = parseWsseHeader(header);
      checkFreshness(token, now(), wsseLifetimeSeconds);
    } catch (error) {
      if (error instanceof WsseError) throw new AuthenticationError(error.message);
      throw error;
    }
    const username = token.username.toLowerCase();
    const keys = await prisma.apiKey.findMany({
      where: {
        revokedAt: null,
        // Staff may sign with their Oro login name (username) as well as their email.
        OR: [
          { agent: { email: username, state: 'ACTIVE' } },
          { agent: { username, state: 'ACTIVE' } },
          { customer: { email: username, state: 'ACTIVE', blocked: false } },
        ],
      },
      select: { id: true, lastUsedAt: true, revokedAt: true, secretEncrypted: true, ...personSelect },
    });
    let match: (typeof keys)[number] | undefined;
    for (const key of keys) {
      // A key that does not decrypt means the server key changed: that must not pass as "bad digest".
      const expected = wsseDigest(token.nonce, token.created, box.decrypt(key.secretEncrypted));
      if (digestMatches(expected, token.digest)) match = key;
    }
    if (keys.length === 0) digestMatches(wsseDigest(token.nonce, token.created, '0'.repeat(40)), token.digest);
    if (!match) throw new AuthenticationError(BAD_WSSE);

    await purgeExpiredNonces();
    // Stored as a hash of the nonce's bytes: a re-spelled nonce is the same nonce.
    try {
      await prisma.wsseNonce.create({
        data: { nonce: wsseNonceKey(token.nonce), expiresAt: new Date(token.createdAt + wsseLifetimeSeconds * 1000) },
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AuthenticationError('WSSE nonce already used: this token was replayed.');
      throw error;
    }
    return viewerFromKey(match);
  }

  async function purgeExpiredNonces() {
    if (now() - lastPurge < PURGE_INTERVAL_MS) return;
    lastPurge = now();
    await prisma.wsseNonce.deleteMany({ where: { expiresAt: { lt: new Date(now()) } } });
  }

  /** The caller of a request, null when it carries no credentials. */
  return async function authenticate(headers: Headers): Promise<Viewer | null> {
    const wsse = headers.get('x-wsse');
    if (wsse) return byWsse(wsse);
    const authorization = headers.get('authorization')?.trim();
    if (!authorization) return null;
    const [scheme = '', value = ''] = authorization.split(/\s+/, 2);
    if (/^bearer$/i.test(scheme)) return byApiKey(value.toLowerCase());
    if (/^basic$/i.test(scheme)) {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) throw new AuthenticationError('Basic credentials must be email:apiKey.');
      return byApiKey(
        decoded
          .slice(colon + 1)
          .trim()
          .toLowerCase(),
        decoded.slice(0, colon).trim().toLowerCase(),
      );
    }
    // DiamanteDesk clients send `Authorization: WSSE profile="UsernameToken"` next to X-WSSE.
    if (/^wsse$/i.test(scheme)) throw new AuthenticationError('WSSE authorization needs an X-WSSE header.');
    throw new AuthenticationError(`Unsupported authorization scheme "${scheme}": use WSSE, Basic or Bearer.`);
  };
}

export type Authenticate = ReturnType<typeof createAuthenticator>;
