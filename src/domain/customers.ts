// Deskie's customer operations: block, restore, soft and permanent deletion, linked profiles,
// custom fields and identification codes. Shared by GraphQL and the REST adapter.

import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import type { CustomFieldType } from '../generated/prisma/enums.ts';
import { DomainError, isUniqueViolation, Problems } from './errors.ts';
import { emailPattern } from './formats.ts';
import { containsText, escapeLike } from './text-search.ts';

export const fullNameOf = (firstName: string, lastName: string) => [firstName, lastName].filter(Boolean).join(' ');

/** Deskie's full name in one field: first word is the first name, the rest the last name. */
export function splitFullName(fullName: string) {
  const [first = '', ...rest] = fullName.trim().split(/\s+/);
  return { firstName: first, lastName: rest.join(' ') };
}

async function requireCustomer(prisma: PrismaClient, id: number, field = ['id']) {
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
function parseAnchors(query: string) {
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

/** Checks custom field values against their definitions; unknown keys and wrong types are refused. */
export async function validateCustomFields(prisma: PrismaClient, values: Record<string, unknown>, problems: Problems) {
  const keys = Object.keys(values);
  if (keys.length === 0) return {};
  const definitions = await prisma.customFieldDefinition.findMany({ where: { key: { in: keys } } });
  const byKey = new Map(definitions.map((d) => [d.key, d]));
  const clean: Record<string, string | number | boolean | null> = {};
  for (const key of keys) {
    const value = values[key];
    const definition = byKey.get(key);
    const field = ['customFields', key];
    if (!definition) {
      problems.add('INVALID', `Unknown custom field "${key}".`, field);
      continue;
    }
    if (value === null) {
      clean[key] = null;
      continue;
    }
    const ok =
      definition.type === 'STRING'
        ? typeof value === 'string' && value.length <= 10_000
        : definition.type === 'NUMBER'
          ? typeof value === 'number' && Number.isFinite(value)
          : definition.type === 'BOOLEAN'
            ? typeof value === 'boolean'
            : typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value));
    if (!ok)
      problems.add(
        'INVALID',
        `Custom field "${key}" (${definition.name}) must be a ${definition.type.toLowerCase()}.`,
        field,
      );
    else clean[key] = value as string | number | boolean;
  }
  return clean;
}

export const CUSTOM_FIELD_KEY = /^cf_[1-9]\d{0,8}$/;

/**
 * Defines a custom customer field. Its key is `cf_<number>`: the one given (a Deskie account's own
 * keys, so that migrated integrations keep sending `cf_20`), else `cf_<id>`, skipping the ids
 * whose key a chosen key already took.
 */
export async function createCustomFieldDefinition(
  prisma: PrismaClient,
  input: { name: string; type: CustomFieldType; key?: string | null },
) {
  const problems = new Problems();
  const name = input.name.trim();
  if (!name || name.length > 100) problems.add('INVALID', 'Name must be 1 to 100 characters.', ['name']);
  const key = input.key?.trim();
  if (key !== undefined && !CUSTOM_FIELD_KEY.test(key))
    problems.add('INVALID', 'key must be cf_ followed by a number, such as cf_20.', ['key']);
  problems.throwIfAny();
  try {
    if (key)
      return await prisma.customFieldDefinition.create({
        data: { key, name, type: input.type },
        select: { key: true },
      });
    // The row's id is taken from its sequence first, so the row is written once with its key
    // `cf_<id>`; ids whose key a chosen key already holds are skipped.
    let id: number;
    do id = await nextCustomFieldId(prisma);
    while (await prisma.customFieldDefinition.findUnique({ where: { key: `cf_${id}` }, select: { id: true } }));
    return await prisma.customFieldDefinition.create({
      data: { id, key: `cf_${id}`, name, type: input.type },
      select: { key: true },
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw DomainError.of('TAKEN', `Custom field ${key} already exists.`, ['key']);
    throw error;
  }
}

async function nextCustomFieldId(prisma: PrismaClient) {
  const rows = await prisma.$queryRaw<{ id: number }[]>`
    SELECT nextval(pg_get_serial_sequence('"CustomFieldDefinition"', 'id'))::int AS id`;
  return rows[0]!.id;
}

/** A custom field's value matched as text with Deskie's anchors (see anchoredText). */
export function customFieldTextWhere(key: string, query: string): Prisma.CustomerWhereInput {
  const { starts, ends, text, escaped } = parseAnchors(query);
  const path = [key];
  // JSON filters have no case-insensitive equality: the exact match is case-sensitive.
  if (starts && ends) return { customFields: { path, equals: text } };
  if (starts) return { customFields: { path, string_starts_with: escaped, mode: 'insensitive' } };
  if (ends) return { customFields: { path, string_ends_with: escaped, mode: 'insensitive' } };
  return { customFields: { path, string_contains: escaped, mode: 'insensitive' } };
}

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const IDENTIFICATION_CODE_TTL_MS = 60 * 60 * 1000;

/** 10 characters from a 32-letter alphabet without look-alikes: 50 random bits. */
export function newIdentificationCode(): string {
  const bytes = randomBytes(10);
  return Array.from(bytes, (b) => CODE_ALPHABET[b % 32]).join('');
}

export interface IdentifyInput {
  fullName?: string | null;
  companyName?: string | null;
  email?: string | null;
  phone?: string | null;
  whatsappPhone?: string | null;
  customId?: string | null;
  customChannel?: string | null;
  customFields?: Record<string, unknown> | null;
}

/**
 * Finds the profile the details describe (by custom id, then email, then phone, then WhatsApp
 * phone), or creates it, and issues a one-time code for it.
 */
export async function generateIdentificationCode(prisma: PrismaClient, input: IdentifyInput, now: Date) {
  const problems = new Problems();
  const email = input.email?.trim().toLowerCase() || null;
  if (email && !emailPattern.test(email)) problems.add('INVALID', 'email is not a valid address.', ['email']);
  if (!email && !input.phone && !input.whatsappPhone && !input.customId) {
    problems.add('REQUIRED', 'Give at least one of email, phone, whatsappPhone or customId to identify the person.');
  }
  const customFields = await validateCustomFields(prisma, input.customFields ?? {}, problems);
  problems.throwIfAny();

  const candidates: Prisma.CustomerWhereInput[] = [];
  if (input.customId) candidates.push({ customId: input.customId });
  if (email) candidates.push({ email });
  if (input.phone) candidates.push({ phone: input.phone });
  if (input.whatsappPhone) candidates.push({ whatsappPhone: input.whatsappPhone });
  let customer = null;
  for (const where of candidates) {
    customer = await prisma.customer.findFirst({ where: { ...where, isPlaceholder: false }, select: { id: true } });
    if (customer) break;
  }
  if (!customer) {
    const names = splitFullName(input.fullName ?? '');
    customer = await prisma.customer.create({
      data: {
        ...names,
        fullName: fullNameOf(names.firstName, names.lastName),
        email,
        phone: input.phone ?? null,
        whatsappPhone: input.whatsappPhone ?? null,
        companyName: input.companyName ?? null,
        customId: input.customId ?? null,
        customChannel: input.customChannel ?? null,
        channel:
          input.customChannel || input.customId
            ? 'CUSTOM'
            : email
              ? 'EMAIL'
              : input.whatsappPhone
                ? 'WHATSAPP'
                : 'PHONE',
        customFields,
      },
      select: { id: true },
    });
  }
  const code = await prisma.identificationCode.create({
    data: {
      code: newIdentificationCode(),
      customerId: customer.id,
      expiresAt: new Date(now.getTime() + IDENTIFICATION_CODE_TTL_MS),
    },
    select: { code: true, expiresAt: true, customerId: true },
  });
  return code;
}

/** Links the messenger profile to the person the code identifies. A code works once. */
export async function redeemIdentificationCode(prisma: PrismaClient, code: string, profileId: number, now: Date) {
  await requireCustomer(prisma, profileId, ['profile']);
  const claimed = await prisma.identificationCode.updateMany({
    where: { code: code.trim().toUpperCase(), usedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now },
  });
  if (claimed.count === 0) throw DomainError.of('NOT_FOUND', 'The code is unknown, expired or already used.', ['code']);
  const { customerId } = (await prisma.identificationCode.findUnique({
    where: { code: code.trim().toUpperCase() },
    select: { customerId: true },
  }))!;
  if (customerId !== profileId) await linkProfiles(prisma, customerId, profileId);
  return { id: customerId };
}
