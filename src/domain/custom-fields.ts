// Custom customer fields: their definitions (keys `cf_<number>`, as Deskie's), the check of the
// values a customer is given, and the filter on a field's text.
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import type { CustomFieldType } from '../generated/prisma/enums.ts';
import { parseAnchors } from './customers.ts';
import { DomainError, isUniqueViolation, Problems } from './errors.ts';

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
