// Deskie's customer operations: block, restore, soft and permanent deletion, linked profiles and
// text search with Deskie's anchors. Shared by GraphQL and every REST dialect. Custom fields and
// identification codes have their own modules.
import { randomUUID } from 'node:crypto';
import { type Clock, systemClock } from '../clock.ts';
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import { DomainError } from './errors.ts';
import { type EventLog, withEvents } from './events/outbox.ts';
import { CUSTOMER_SNAPSHOT, customerChanged, customerEvent, lockedCustomer } from './events/people-events.ts';
import { globalId } from './events/types.ts';
import type { PersonRef } from './people.ts';
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
    select: { id: true, customId: true, state: true, blocked: true, linkGroup: true, isPlaceholder: true },
  });
  if (!customer || customer.isPlaceholder) throw DomainError.of('NOT_FOUND', 'Customer not found.', field);
  return customer;
}

/** Changes a customer's state and records it as `type`, with what changed. */
function changeState(
  prisma: PrismaClient,
  id: number,
  type: 'customer.blocked' | 'customer.restored' | 'customer.disabled',
  data: Prisma.CustomerUpdateInput,
  at: Date,
  actor: PersonRef | null,
) {
  return withEvents(prisma, async (tx, log) => {
    const before = await lockedCustomer(tx, id);
    if (!before) throw DomainError.of('NOT_FOUND', 'Customer not found.', ['id']);
    const after = await tx.customer.update({ where: { id }, data, select: CUSTOMER_SNAPSHOT });
    log.add(customerChanged(type, before, after, actor, at)!);
    return { id };
  });
}

export async function blockCustomer(prisma: PrismaClient, id: number, now: Clock, actor: PersonRef | null = null) {
  await requireCustomer(prisma, id);
  const at = new Date(now());
  return changeState(prisma, id, 'customer.blocked', { blocked: true, blockedAt: at }, at, actor);
}

/** Undoes a block and a soft delete (Deskie's restore does both). */
export async function restoreCustomer(
  prisma: PrismaClient,
  id: number,
  now: Clock = systemClock,
  actor: PersonRef | null = null,
) {
  await requireCustomer(prisma, id);
  const data = { blocked: false, blockedAt: null, state: 'ACTIVE', deletedAt: null } as const;
  return changeState(prisma, id, 'customer.restored', data, new Date(now()), actor);
}

/** The soft delete: hidden from default lists, cannot authenticate, restorable. */
export async function disableCustomer(prisma: PrismaClient, id: number, now: Clock, actor: PersonRef | null = null) {
  const customer = await requireCustomer(prisma, id);
  // A deleted customer is gone: deleting it again finds nothing (REST: a second DELETE is a 404).
  if (customer.state === 'DELETED') throw DomainError.of('NOT_FOUND', 'Customer not found: already deleted.', ['id']);
  const at = new Date(now());
  return changeState(prisma, id, 'customer.disabled', { state: 'DELETED', deletedAt: at }, at, actor);
}

const PLACEHOLDER_CUSTOM_ID = 'helpdesk:deleted-person';

/**
 * Erases a customer: profile, keys, codes and watches go; tickets and comments stay, attributed
 * to one shared "Deleted person" placeholder, so history and foreign keys stay whole. The events
 * about the profile lose their values and the customId key (the personal data they held); its
 * tombstone stays, with the id alone.
 */
export async function deleteCustomerPermanently(
  prisma: PrismaClient,
  id: number,
  now: Clock,
  actor: PersonRef | null = null,
) {
  await requireCustomer(prisma, id);
  await withEvents(prisma, async (tx, log) => {
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
    const deleted = await tx.customer.delete({ where: { id }, select: { id: true, customId: true } });
    await tx.event.updateMany({ where: { customerId: id }, data: { changes: [], subjectKey: null } });
    log.add(customerEvent('customer.deleted', deleted, [], actor, new Date(now())));
  });
  return id;
}

/**
 * Links two profiles of one person. Links are symmetric and transitive: the two groups (or
 * lone profiles) become one group.
 */
export async function linkProfiles(
  prisma: PrismaClient,
  id: number,
  otherId: number,
  now: Clock = systemClock,
  actor: PersonRef | null = null,
) {
  if (id === otherId) throw DomainError.of('INVALID', 'A profile cannot be linked with itself.', ['with']);
  return withEvents(prisma, async (tx, log) => {
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
    const at = new Date(now());
    linked(log, 'customer.linked', a, [], [b.id], actor, at);
    linked(log, 'customer.linked', b, [], [a.id], actor, at);
    return { id };
  });
}

/** A change of the profiles a customer is linked with, as global ids before and after. */
function linked(
  log: EventLog,
  type: 'customer.linked' | 'customer.unlinked',
  customer: { id: number; customId: string | null },
  from: number[],
  to: number[],
  actor: PersonRef | null,
  at: Date,
) {
  const ids = (list: number[]) => list.map((other) => globalId('Customer', other));
  log.add(customerEvent(type, customer, [{ field: 'linkedWith', from: ids(from), to: ids(to) }], actor, at));
}

/**
 * Takes `profileId` (by default `id` itself) out of the group of `id`; a group left with one
 * profile dissolves. Naming both (Deskie's "unlink this user from that one") guards against
 * unlinking a profile from a group it is not in.
 */
export async function unlinkProfile(
  prisma: PrismaClient,
  id: number,
  profileId = id,
  now: Clock = systemClock,
  actor: PersonRef | null = null,
) {
  return withEvents(prisma, async (tx, log) => {
    const customer = await requireCustomer(tx as PrismaClient, id);
    const profile = profileId === id ? customer : await requireCustomer(tx as PrismaClient, profileId, ['profile']);
    if (!customer.linkGroup) throw DomainError.of('INVALID', 'This profile is not linked to any other.', ['id']);
    if (profile.linkGroup !== customer.linkGroup)
      throw DomainError.of('INVALID', 'That profile is not linked to this one.', ['profile']);
    await tx.customer.update({ where: { id: profileId }, data: { linkGroup: null } });
    const left = await tx.customer.findMany({
      where: { linkGroup: customer.linkGroup },
      select: { id: true, customId: true },
    });
    if (left.length === 1) await tx.customer.update({ where: { id: left[0]!.id }, data: { linkGroup: null } });
    const at = new Date(now());
    const others = left.map((other) => other.id);
    linked(log, 'customer.unlinked', profile, others, [], actor, at);
    if (left.length === 1) linked(log, 'customer.unlinked', left[0]!, [profileId], [], actor, at);
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
