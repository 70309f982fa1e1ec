// Deskie's customer operations: block, restore, soft and permanent deletion, linked profiles and
// text search with Deskie's anchors. Shared by GraphQL and every REST dialect. Custom fields and
// identification codes have their own modules.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import { DomainError } from './errors.ts';
import { containsText, escapeLike } from './text-search.ts';

export const fullNameOf = (firstName: string, lastName: string) => [firstName, lastName].filter(Boolean).join(' ');

/** Deskie's full name in one field: first word is the first name, the rest the last name. */
export function splitFullName(fullName: string) {
  const [first = '', ...rest] = fullName.trim().split(/\s+/);
  return { firstName: first, lastName: rest.join(' ') };
}

export async function requireCustomer(prisma: PrismaClient, id: number, field = ['id']) {
  const customer = await prisma.customer.findUnique({
    where: { id },
    select: { id: true, state: true, blocked: true, linkGroup: true, isPlaceholder: true },
  });
  if (!customer || customer.isPlaceholder) throw DomainError.of('NOT_FOUND', 'Customer not found.', field);
  return customer;
}

export async function blockCustomer(prisma: PrismaClient, id: number, now: Clock) {
  await requireCustomer(prisma, id);
  return prisma.customer.update({
    where: { id },
    data: { blocked: true, blockedAt: new Date(now()) },
    select: { id: true },
  });
}

/** Undoes a block and a soft delete (Deskie's restore does both). */
export async function restoreCustomer(prisma: PrismaClient, id: number) {
  await requireCustomer(prisma, id);
  return prisma.customer.update({
    where: { id },
    data: { blocked: false, blockedAt: null, state: 'ACTIVE', deletedAt: null },
    select: { id: true },
  });
}

/** The soft delete: hidden from default lists, cannot authenticate, restorable. */
export async function disableCustomer(prisma: PrismaClient, id: number, now: Clock) {
  const customer = await requireCustomer(prisma, id);
  // A deleted customer is gone: deleting it again finds nothing (REST: a second DELETE is a 404).
  if (customer.state === 'DELETED') throw DomainError.of('NOT_FOUND', 'Customer not found: already deleted.', ['id']);
  return prisma.customer.update({
    where: { id },
    data: { state: 'DELETED', deletedAt: new Date(now()) },
    select: { id: true },
  });
}

const PLACEHOLDER_CUSTOM_ID = 'helpdesk:deleted-person';

/**
 * Erases a customer: profile, keys, codes and watches go; tickets and comments stay, attributed
 * to one shared "Deleted person" placeholder, so history and foreign keys stay whole.
 */
export async function deleteCustomerPermanently(prisma: PrismaClient, id: number, now: Clock) {
  await requireCustomer(prisma, id);
  await prisma.$transaction(async (tx) => {
    const placeholder = await tx.customer.upsert({
      where: { customId: PLACEHOLDER_CUSTOM_ID },
      update: {},
      create: {
        customId: PLACEHOLDER_CUSTOM_ID,
        firstName: 'Deleted',
        lastName: 'person',
        fullName: 'Deleted person',
        state: 'DELETED',
        deletedAt: new Date(now()),
        isPlaceholder: true,
      },
      select: { id: true },
    });
    await tx.ticket.updateMany({ where: { reporterCustomerId: id }, data: { reporterCustomerId: placeholder.id } });
    await tx.comment.updateMany({ where: { authorCustomerId: id }, data: { authorCustomerId: placeholder.id } });
    await tx.customer.delete({ where: { id } });
  });
  return id;
}

/**
 * Links two profiles of one person. Links are symmetric and transitive: the two groups (or
 * lone profiles) become one group.
 */
export async function linkProfiles(prisma: PrismaClient, id: number, otherId: number) {
  if (id === otherId) throw DomainError.of('INVALID', 'A profile cannot be linked with itself.', ['with']);
  return prisma.$transaction(async (tx) => {
    const [a, b] = await Promise.all([
      requireCustomer(tx as PrismaClient, id),
      requireCustomer(tx as PrismaClient, otherId, ['with']),
    ]);
    const label = a.linkGroup ?? b.linkGroup ?? randomUUID();
    const groups = [a.linkGroup, b.linkGroup].filter((g): g is string => g !== null);
    await tx.customer.updateMany({
      where: { OR: [{ id: { in: [a.id, b.id] } }, ...(groups.length ? [{ linkGroup: { in: groups } }] : [])] },
      data: { linkGroup: label },
    });
    return { id };
  });
}

/**
 * Takes `profileId` (by default `id` itself) out of the group of `id`; a group left with one
 * profile dissolves. Naming both (Deskie's "unlink this user from that one") guards against
 * unlinking a profile from a group it is not in.
 */
export async function unlinkProfile(prisma: PrismaClient, id: number, profileId = id) {
  return prisma.$transaction(async (tx) => {
    const customer = await requireCustomer(tx as PrismaClient, id);
    const profile = profileId === id ? customer : await requireCustomer(tx as PrismaClient, profileId, ['profile']);
    if (!customer.linkGroup) throw DomainError.of('INVALID', 'This profile is not linked to any other.', ['id']);
    if (profile.linkGroup !== customer.linkGroup)
      throw DomainError.of('INVALID', 'That profile is not linked to this one.', ['profile']);
    await tx.customer.update({ where: { id: profileId }, data: { linkGroup: null } });
    const left = await tx.customer.findMany({ where: { linkGroup: customer.linkGroup }, select: { id: true } });
    if (left.length === 1) await tx.customer.update({ where: { id: left[0]!.id }, data: { linkGroup: null } });
    return { id };
  });
}

/**
 * Deskie's search anchors: `^x` starts with, `x^` ends with, `^x^` is exact, anything else
 * is a substring. Case-insensitive; LIKE wildcards in x are taken literally.
 */
export function parseAnchors(query: string) {
  const starts = query.startsWith('^');
  const ends = query.length > 1 && query.endsWith('^');
  const text = query.slice(starts ? 1 : 0, ends ? -1 : undefined);
  return { starts, ends, text, escaped: escapeLike(text) };
}

export function anchoredText(query: string): Prisma.StringFilter {
  const { starts, ends, text, escaped } = parseAnchors(query);
  if (starts && ends) return { equals: text, mode: 'insensitive' };
  if (starts) return { startsWith: escaped, mode: 'insensitive' };
  if (ends) return { endsWith: escaped, mode: 'insensitive' };
  return containsText(text);
}

export function customerTextWhere(query: string): Prisma.CustomerWhereInput {
  const filter = anchoredText(query.trim());
  return {
    OR: [
      { fullName: filter },
      { firstName: filter },
      { lastName: filter },
      { email: filter },
      { phone: filter },
      { whatsappPhone: filter },
      { companyName: filter },
    ],
  };
}
