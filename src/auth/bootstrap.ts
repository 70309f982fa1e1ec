// HELPDESK_ADMIN_EMAIL + HELPDESK_ADMIN_API_KEY: how a fresh install gets its first credential.
import type { PrismaClient } from '../generated/prisma/client.ts';
import { apiKeyLookupHash, issueApiKey } from './api-keys.ts';
import type { SecretBox } from './secret-box.ts';

/** Creates the admin agent with that key unless an agent with the email exists. Returns whether it did. */
export async function ensureAdmin(prisma: PrismaClient, box: SecretBox, admin: { email: string; apiKey: string }) {
  const existing = await prisma.agent.findUnique({ where: { email: admin.email }, select: { id: true } });
  if (existing) return false;
  const taken = await prisma.apiKey.findUnique({ where: { lookupHash: apiKeyLookupHash(admin.apiKey) } });
  if (taken) throw new Error('HELPDESK_ADMIN_API_KEY is already in use by another person; choose another key');
  const agent = await prisma.agent.create({
    data: { email: admin.email, firstName: 'Admin', role: 'ADMIN' },
    select: { id: true },
  });
  await issueApiKey(prisma, box, { agentId: agent.id }, { label: 'HELPDESK_ADMIN_API_KEY', secret: admin.apiKey });
  return true;
}
