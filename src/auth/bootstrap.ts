// How a fresh install hands its operator a first credential: a first admin made (and its key logged
// once) on the first start of an empty database, HELPDESK_ADMIN_EMAIL + HELPDESK_ADMIN_API_KEY, and
// `npm run create-admin`. README, "Your first API key".

import { createAgent } from '../domain/agents.ts';
import { isUniqueViolation } from '../domain/errors.ts';
import { usernameFromEmail, withDefaultUsername } from '../domain/usernames.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { apiKeyLookupHash, issueApiKey } from './api-keys.ts';
import type { SecretBox } from './secret-box.ts';

/** The email of the admin made on the first start; change it with updateAgent. */
export const FIRST_ADMIN_EMAIL = 'admin@example.com';

/** A configuration the server refuses to start with; the message says what to change. */
export class BootstrapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BootstrapError';
  }
}

const ENV_LABEL = 'HELPDESK_ADMIN_API_KEY';

/**
 * HELPDESK_ADMIN_EMAIL + HELPDESK_ADMIN_API_KEY promise that this key signs this admin in. Makes
 * it true: creates the admin, or adds the key to the existing admin ('key-added'); 'unchanged' when
 * it already is. Refuses (BootstrapError) what cannot be made true without surprises: the key is
 * someone else's or was revoked, or the email belongs to an agent who is not an active admin.
 */
export async function ensureAdmin(
  prisma: PrismaClient,
  box: SecretBox,
  admin: { email: string; apiKey: string },
): Promise<'created' | 'key-added' | 'unchanged'> {
  const agent = await prisma.agent.findUnique({
    where: { email: admin.email },
    select: { id: true, role: true, state: true },
  });
  const key = await prisma.apiKey.findUnique({
    where: { lookupHash: apiKeyLookupHash(admin.apiKey) },
    select: { agentId: true, revokedAt: true },
  });
  if (key && (!agent || key.agentId !== agent.id)) {
    throw new BootstrapError(
      'HELPDESK_ADMIN_API_KEY is already in use by another person; choose another key (openssl rand -hex 20).',
    );
  }
  if (key?.revokedAt) {
    throw new BootstrapError(
      `HELPDESK_ADMIN_API_KEY was revoked for ${admin.email}; a revoked key is never brought back. ` +
        'Set a new key (openssl rand -hex 20), or unset both HELPDESK_ADMIN_ variables.',
    );
  }
  if (agent && (agent.role !== 'ADMIN' || agent.state !== 'ACTIVE')) {
    throw new BootstrapError(
      `HELPDESK_ADMIN_EMAIL names ${admin.email}, who is ${agent.state === 'ACTIVE' ? 'an agent, not an admin' : 'a deleted agent'}; ` +
        'the server does not promote or restore people from its environment. Name an active admin, or unset both ' +
        'HELPDESK_ADMIN_ variables (npm run create-admin makes an admin).',
    );
  }
  if (key) return 'unchanged';
  if (agent) {
    await issueApiKey(prisma, box, { agentId: agent.id }, { label: ENV_LABEL, secret: admin.apiKey });
    return 'key-added';
  }
  const created = await withDefaultUsername(prisma, admin.email, (username) =>
    prisma.agent.create({
      data: { email: admin.email, username, firstName: 'Admin', role: 'ADMIN' },
      select: { id: true },
    }),
  );
  await issueApiKey(prisma, box, { agentId: created.id }, { label: ENV_LABEL, secret: admin.apiKey });
  return 'created';
}

/**
 * For an empty database (no agents, no API keys: the caller checked) without HELPDESK_ADMIN_
 * variables: makes a first admin with a fresh key and returns both, for the one log line that shows
 * the key. Two instances starting at once make one admin (the email is unique): the second gets null.
 */
export async function createFirstAdmin(prisma: PrismaClient, box: SecretBox) {
  try {
    return await prisma.$transaction(async (tx) => {
      const agent = await tx.agent.create({
        data: {
          email: FIRST_ADMIN_EMAIL,
          username: usernameFromEmail(FIRST_ADMIN_EMAIL),
          firstName: 'Admin',
          role: 'ADMIN',
        },
        select: { id: true },
      });
      const { secret } = await issueApiKey(tx as PrismaClient, box, { agentId: agent.id }, { label: 'first start' });
      return { email: FIRST_ADMIN_EMAIL, apiKey: secret };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return null;
    throw error;
  }
}

/**
 * `npm run create-admin`: a new admin with a new key, or a new key for an existing admin. An agent
 * who is not an admin, or is deleted, is refused rather than promoted behind everyone's back.
 */
export async function createAdminKey(
  prisma: PrismaClient,
  box: SecretBox,
  options: { email: string; firstName?: string; lastName?: string; label?: string },
) {
  const email = options.email.toLowerCase();
  const existing = await prisma.agent.findUnique({ where: { email }, select: { id: true, role: true, state: true } });
  if (existing && (existing.role !== 'ADMIN' || existing.state !== 'ACTIVE')) {
    throw new BootstrapError(
      `${email} is ${existing.state === 'ACTIVE' ? 'an agent, not an admin' : 'a deleted agent'}. ` +
        'An admin can change that with the updateAgent mutation; or name another email.',
    );
  }
  const label = options.label ?? 'create-admin';
  if (existing) {
    const { secret } = await issueApiKey(prisma, box, { agentId: existing.id }, { label });
    return { created: false, agentId: existing.id, email, apiKey: secret };
  }
  return prisma.$transaction(async (tx) => {
    // The same checks as createAgent in the API (a valid email, name lengths).
    const agent = await createAgent(tx as PrismaClient, {
      email,
      firstName: options.firstName || 'Admin',
      lastName: options.lastName ?? '',
      role: 'ADMIN',
    });
    const { secret } = await issueApiKey(tx as PrismaClient, box, { agentId: agent.id }, { label });
    return { created: true, agentId: agent.id, email, apiKey: secret };
  });
}
