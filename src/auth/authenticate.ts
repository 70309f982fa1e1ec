// Who is calling. Basic (`email:apiKey`, Deskie style) and Bearer (`apiKey`, Teamwork style) are
// read here; WSSE and the full rules arrive with the permissions work. No credentials means an
// anonymous caller, which the schema treats as such.
import type { Viewer } from '../context.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { apiKeyLookupHash, apiKeyPattern } from './api-keys.ts';

export class AuthenticationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

function credentialsFrom(header: string | null): { email?: string; key: string } | null {
  if (!header) return null;
  const [scheme, value = ''] = header.trim().split(/\s+/, 2);
  if (/^bearer$/i.test(scheme ?? '')) return { key: value.toLowerCase() };
  if (/^basic$/i.test(scheme ?? '')) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new AuthenticationError('Basic credentials must be email:apiKey.');
    return { email: decoded.slice(0, colon).trim().toLowerCase(), key: decoded.slice(colon + 1).trim().toLowerCase() };
  }
  return null;
}

export async function authenticate(prisma: PrismaClient, request: Request): Promise<Viewer | null> {
  const credentials = credentialsFrom(request.headers.get('authorization'));
  if (!credentials) return null;
  if (!apiKeyPattern.test(credentials.key)) throw new AuthenticationError('Invalid API key.');
  const key = await prisma.apiKey.findUnique({
    where: { lookupHash: apiKeyLookupHash(credentials.key) },
    select: {
      revokedAt: true,
      agent: { select: { id: true, email: true, role: true, state: true } },
      customer: { select: { id: true, email: true, state: true } },
    },
  });
  const person = key?.agent ?? key?.customer;
  if (!key || key.revokedAt || !person || person.state !== 'ACTIVE') throw new AuthenticationError('Invalid API key.');
  if (credentials.email !== undefined && credentials.email !== person.email) {
    throw new AuthenticationError('Invalid API key.');
  }
  return key.agent ? { kind: 'agent', id: key.agent.id, role: key.agent.role } : { kind: 'customer', id: key.customer!.id };
}
