// API keys: 40 hex characters like DiamanteDesk's, several per person, shown once at creation.
import { createHash, randomBytes } from 'node:crypto';
import { DomainError } from '../domain/errors.ts';
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

type Db = Pick<PrismaClient, 'apiKey' | '$executeRaw'>;

/**
 * Makes a key for `owner`. With `maxActive`, refuses (LIMIT_REACHED) when the owner already has
 * that many non-revoked keys: the owner's row is locked meanwhile, so two requests at once
 * cannot both take the last place.
 */
export async function issueApiKey(
  prisma: PrismaClient,
  box: SecretBox,
  owner: { agentId: number } | { customerId: number },
  options: { label?: string; secret?: string; maxActive?: number } = {},
) {
  const secret = options.secret ?? generateApiKey();
  const create = (db: Db) =>
    db.apiKey.create({
      data: {
        ...owner,
        label: options.label ?? '',
        lookupHash: apiKeyLookupHash(secret),
        secretEncrypted: box.encrypt(secret),
      },
      select: { id: true },
    });
  const { maxActive } = options;
  const row =
    maxActive === undefined
      ? await create(prisma)
      : await prisma.$transaction(async (tx) => {
          if ('agentId' in owner) await tx.$executeRaw`SELECT 1 FROM "Agent" WHERE id = ${owner.agentId} FOR UPDATE`;
          else await tx.$executeRaw`SELECT 1 FROM "Customer" WHERE id = ${owner.customerId} FOR UPDATE`;
          const active = await tx.apiKey.count({ where: { ...owner, revokedAt: null } });
          if (active >= maxActive) {
            throw DomainError.of(
              'LIMIT_REACHED',
              `At most ${maxActive} active API keys per person: revoke one (revokeApiKey) before making another.`,
            );
          }
          return create(tx);
        });
  return { id: row.id, secret };
}
