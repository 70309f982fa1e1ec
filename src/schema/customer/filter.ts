// How customer lists are narrowed: text with Deskie's anchors, custom field values, dates.
import { builder } from '../../builder.ts';
import { customFieldTextWhere } from '../../domain/custom-fields.ts';
import * as customers from '../../domain/customers.ts';
import { containsText } from '../../domain/text-search.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { FILTER_TEXT_MAX, KEY_MAX, maxLength, SEARCH_TEXT_MAX } from '../input-limits.ts';
import { exactlyOne } from '../locator.ts';
import { timeRange } from '../ordering.ts';
import { PersonState } from '../person.ts';
import { CustomerChannel } from './enums.ts';
import { Customer } from './type.ts';

export const CustomerFilter = builder.inputType('CustomerFilter', {
  description: 'Narrows a list of customers. Deleted customers are left out unless `deleted` says otherwise.',
  fields: (t) => ({
    text: t.string({
      ...maxLength(SEARCH_TEXT_MAX),
      description: `Name, email, phone or company: \`^x\` starts with, \`x^\` ends with, \`^x^\` exact, else contains. Case-insensitive, at most ${SEARCH_TEXT_MAX} characters.`,
    }),
    channel: t.field({ type: CustomerChannel, description: 'Only profiles of this channel.' }),
    blocked: t.boolean({ description: 'Only blocked (true) or unblocked (false) customers.' }),
    deleted: t.boolean({ description: 'true: only soft-deleted customers; false (default): only active ones.' }),
    state: t.field({ type: PersonState, description: 'Same as `deleted`, by state.' }),
    language: t.field({ type: 'Locale', description: 'Only customers with this language (a BCP 47 tag).' }),
    customField: t.field({ type: CustomFieldFilter, description: 'Only customers whose custom field has this value.' }),
    ids: t.globalIDList({ for: Customer, description: 'Only these customers.' }),
    email: t.string({ ...maxLength(FILTER_TEXT_MAX), description: 'Substring of the email, case-insensitive.' }),
    firstName: t.string({
      ...maxLength(FILTER_TEXT_MAX),
      description: 'Substring of the first name, case-insensitive.',
    }),
    lastName: t.string({ ...maxLength(FILTER_TEXT_MAX), description: 'Substring of the last name, case-insensitive.' }),
    createdAfter: t.field({ type: 'DateTime', description: 'Created at or after this time.' }),
    createdBefore: t.field({ type: 'DateTime', description: 'Created strictly before this time.' }),
    updatedAfter: t.field({ type: 'DateTime', description: 'Changed at or after this time.' }),
    updatedBefore: t.field({ type: 'DateTime', description: 'Changed strictly before this time.' }),
  }),
});

export const CustomFieldFilter = builder.inputType('CustomFieldFilter', {
  description: 'A custom field value to match.',
  fields: (t) => ({
    key: t.string({ required: true, ...maxLength(KEY_MAX), description: 'Custom field key such as `cf_20`.' }),
    value: t.field({
      type: 'JSON',
      description: 'The value (string, number or boolean), matched exactly. Give value or text.',
    }),
    text: t.string({
      ...maxLength(SEARCH_TEXT_MAX),
      description:
        'Text in a string value: `^x` starts with, `x^` ends with, `^x^` exact (case-sensitive), else contains; case-insensitive. Give value or text.',
    }),
  }),
});

export function customerWhere(f: typeof CustomerFilter.$inferInput | null | undefined): Prisma.CustomerWhereInput {
  const deleted = f?.deleted ?? (f?.state ? f.state === 'DELETED' : false);
  return {
    isPlaceholder: false,
    state: deleted ? 'DELETED' : 'ACTIVE',
    channel: f?.channel ?? undefined,
    blocked: f?.blocked ?? undefined,
    language: f?.language ?? undefined,
    ...(f?.ids ? { id: { in: f.ids.map((id) => Number(id.id)) } } : {}),
    createdAt: timeRange(f?.createdAfter, f?.createdBefore),
    updatedAt: timeRange(f?.updatedAfter, f?.updatedBefore),
    AND: [
      f?.customField ? customFieldWhere(f.customField) : {},
      f?.text?.trim() ? customers.customerTextWhere(f.text) : {},
      ...(['email', 'firstName', 'lastName'] as const)
        .filter((column) => f?.[column]?.trim())
        .map((column) => ({ [column]: containsText(f![column]!.trim()) })),
    ],
  };
}

function customFieldWhere(filter: typeof CustomFieldFilter.$inferInput): Prisma.CustomerWhereInput {
  exactlyOne('customField', filter, ['value', 'text']);
  if (filter.text != null) return customFieldTextWhere(filter.key, filter.text);
  return { customFields: { path: [filter.key], equals: filter.value as Prisma.InputJsonValue } };
}
