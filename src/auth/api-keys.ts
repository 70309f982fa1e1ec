// API keys: 40 hex characters like DiamanteDesk's, several per person, shown once at creation.
import { createHash, randomBytes } from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { SecretBox } from './secret-box.ts';

export const apiKeyPattern = /^[0-9a-f]{40}$/;

export function generateApiKey(): string {
  return randomBytes(20).toString('hex');
}

/** Basic and Bearer send the key itself; its SHA-256 finds the row without decrypting them all. */
export function apiKeyLookupHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export async function issueApiKey(
  prisma: PrismaClient,
  box: SecretBox,
  owner: { agentId: number } | { customerId: number },
  options: { label?: string; secret?: string } = {},
) {
  const secret = options.secret ?? generateApiKey();
  const row = await prisma.apiKey.create({
    data: {
      ...owner,
      label: options.label ?? '',
      lookupHash: apiKeyLookupHash(secret),
      secretEncrypted: box.encrypt(secret),
    },
    select: { id: true },
  });
  return { id: row.id, secret };
}
