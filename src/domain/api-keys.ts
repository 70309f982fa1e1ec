// Making and revoking API keys on a person's behalf: who may, how many, and the label's rule.
// The key itself (format, hashing, encryption, the locked count) is src/auth/api-keys.ts.
import { issueApiKey } from '../auth/api-keys.ts';
import type { SecretBox } from '../auth/secret-box.ts';
import type { Clock } from '../clock.ts';
import type { Viewer } from '../context.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { DomainError, Problems } from './errors.ts';
import { ownerColumns, type PersonRef, requireActivePerson } from './people.ts';
import { apiKeyVisibility, assertCan } from './permissions.ts';

const LABEL_MAX = 100;

/** A new key for `owner` (an active person), at most `maxActive` unrevoked keys each. */
export async function createApiKey(
  prisma: PrismaClient,
  box: SecretBox,
  viewer: Viewer,
  input: { owner: PersonRef; label?: string | null },
  maxActive: number,
) {
  const { owner } = input;
  assertCan(viewer, 'apiKey:create', owner);
  const problems = new Problems();
  const label = input.label?.trim() ?? '';
  if (label.length > LABEL_MAX) problems.add('TOO_LONG', `Label must be at most ${LABEL_MAX} characters.`, ['label']);
  problems.throwIfAny();
  await requireActivePerson(prisma, owner, ['owner']);
  return issueApiKey(prisma, box, ownerColumns(owner), {
    label,
    maxActive,
  });
}

/** Revokes a key the viewer may see; revoking a revoked key keeps its first revocation time. */
export async function revokeApiKey(prisma: PrismaClient, viewer: Viewer, id: number, clock: Clock) {
  const key = await prisma.apiKey.findUnique({
    where: { id, AND: [apiKeyVisibility(viewer)] },
    select: { revokedAt: true },
  });
  if (!key) throw DomainError.of('NOT_FOUND', 'API key not found.', ['id']);
  if (!key.revokedAt) await prisma.apiKey.update({ where: { id }, data: { revokedAt: new Date(clock()) } });
  return { id };
}
