// Customers with their Deskie profiles: channels, custom fields, blocking, soft and permanent
// deletion, linked profiles and identification codes.
import DataLoader from 'dataloader';
import { builder } from '../builder.ts';
import type { Context } from '../context.ts';
import * as customers from '../domain/customers.ts';
import type { UserErrorShape } from '../domain/errors.ts';
import { DomainError } from '../domain/errors.ts';
import * as people from '../domain/people.ts';
import { assertCan, can } from '../domain/permissions.ts';
import { containsText } from '../domain/text-search.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { personOrder } from './agent.ts';
import { sharedConnection } from './connection.ts';
import {
  FILTER_TEXT_MAX,
  KEY_MAX,
  maxLength,
  PHONE_MAX,
  SEARCH_TEXT_MAX,
  SHORT_TEXT_MAX,
  URL_MAX,
} from './input-limits.ts';
import { deprecatedLookup, exactlyOne, locatorOf } from './locator.ts';
import { findPage, offsetArgDescription, timeRange } from './ordering.ts';
import { deletePayload, objectPayload } from './payload.ts';
import { details, Person, PersonState, staffOnly, visiblePerson } from './person.ts';
import { asPayload, onlyFor, UserError as UserErrorRef } from './user-errors.ts';

const CustomerChannel = builder.enumType('CustomerChannel', {
  description: 'The channel a customer profile belongs to.',
  values: {
    EMAIL: { description: 'Email.' },
    PHONE: { description: 'Phone.' },
    WEB: { description: 'Web portal or widget.' },
    TELEGRAM: { description: 'Telegram.' },
    WHATSAPP: { description: 'WhatsApp.' },
    FACEBOOK: { description: 'Facebook Messenger.' },
    TWITTER: { description: 'Twitter / X.' },
    VIBER: { description: 'Viber.' },
    VK: { description: 'VK.' },
    CUSTOM: { description: 'A custom integration channel (see customChannel).' },
  } as const,
});

const CustomFieldType = builder.enumType('CustomFieldType', {
  description: 'The type values of a custom field must have.',
  values: {
    STRING: { description: 'Text.' },
    NUMBER: { description: 'A number.' },
    BOOLEAN: { description: 'true or false.' },
    DATE: { description: 'A date, YYYY-MM-DD.' },
  } as const,
});

/** Other profiles of the same person, for many customers at once (one query per request). */
function linkedProfilesLoader(ctx: Context) {
  const cache = ctx as Context & { linkedProfiles?: DataLoader<string, Prisma.CustomerGetPayload<object>[]> };
  cache.linkedProfiles ??= new DataLoader(async (groups: readonly string[]) => {
    const rows = await ctx.prisma.customer.findMany({
      where: { linkGroup: { in: [...groups] } },
      orderBy: { id: 'asc' },
    });
    return groups.map((group) => rows.filter((row) => row.linkGroup === group));
  });
  return cache.linkedProfiles;
}

export const Customer = builder.prismaNode('Customer', {
  description:
    'An end user who asks for help (DiamanteDesk "diamante" user, Deskie user). One profile per channel; linked profiles are one person.',
  id: { field: 'id' },
  findUnique: visiblePerson('customer'),
  nullable: true,
  interfaces: [Person],
  fields: (t) => ({
    internalId: t.exposeInt('id', { description: 'Database id (`diamante_<id>` in the REST API).' }),
    firstName: t.exposeString('firstName', { description: 'First name.' }),
    lastName: t.exposeString('lastName', { description: 'Last name.' }),
    phone: t.exposeString('phone', { ...details, description: 'Phone number.' }),
    whatsappPhone: t.exposeString('whatsappPhone', { ...details, description: 'WhatsApp phone number.' }),
    companyName: t.exposeString('companyName', { ...details, description: 'Company.' }),
    companyPosition: t.exposeString('companyPosition', { ...details, description: 'Position in the company.' }),
    note: t.exposeString('note', { ...staffOnly, description: 'Internal note (agents only).' }),
    language: t.expose('language', { type: 'Locale', ...details, description: 'Preferred language, a BCP 47 tag.' }),
    customFields: t.field({
      type: 'JSONObject',
      ...details,
      description: 'Custom field values keyed like `cf_20`.',
      resolve: (c) => c.customFields as Record<string, unknown>,
    }),
    channel: t.expose('channel', { type: CustomerChannel, ...details, description: 'Channel of this profile.' }),
    channelExternalId: t.exposeString('channelExternalId', {
      ...details,
      description: 'Id on the channel (Telegram id, ...).',
    }),
    customId: t.exposeString('customId', { ...details, description: 'Id in your own system.' }),
    customChannel: t.exposeString('customChannel', {
      ...details,
      description: 'Custom channel number, for CUSTOM profiles.',
    }),
    thumbnailUrl: t.exposeString('thumbnailUrl', { nullable: true, description: 'Avatar image URL.' }),
    confirmed: t.exposeBoolean('confirmed', { ...details, description: 'Whether the email address is confirmed.' }),
    blocked: t.exposeBoolean('blocked', { ...details, description: 'Blocked: cannot sign in, new tickets are spam.' }),
    deleted: t.boolean({
      ...details,
      description: 'Soft-deleted (see disableCustomer).',
      select: { state: true },
      resolve: (c) => c.state === 'DELETED',
    }),
    state: t.expose('state', { type: PersonState, ...details, description: 'Active or deleted.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', ...details, description: 'When the customer was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', ...details, description: 'When the customer last changed.' }),
  }),
});

builder.prismaObjectField(Customer, 'linkedProfiles', (t) =>
  t.field({
    type: [Customer],
    ...details,
    description: 'Other profiles of the same person (linked across channels).',
    select: { linkGroup: true },
    resolve: async (c, _args, ctx) =>
      c.linkGroup ? (await linkedProfilesLoader(ctx).load(c.linkGroup)).filter((other) => other.id !== c.id) : [],
  }),
);

export const { connection: CustomerConnection, edge: CustomerEdge } = sharedConnection(
  Customer,
  'Customer',
  'customers',
);

const CustomerFilter = builder.inputType('CustomerFilter', {
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

const CustomFieldFilter = builder.inputType('CustomFieldFilter', {
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

function customerWhere(f: typeof CustomerFilter.$inferInput | null | undefined): Prisma.CustomerWhereInput {
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
  if (filter.text != null) return customers.customFieldTextWhere(filter.key, filter.text);
  return { customFields: { path: [filter.key], equals: filter.value as Prisma.InputJsonValue } };
}

builder.queryFields((t) => ({
  customer: t.prismaField({
    type: 'Customer',
    nullable: true,
    authScopes: { staff: true },
    description: 'One customer, by `by: {id}` or `by: {email}`; null when there is none. Agents only.',
    args: {
      by: t.arg({ type: CustomerLocator, description: 'The customer, by global id or email.' }),
      id: t.arg.globalID({ for: Customer, ...deprecatedLookup('id'), description: 'Global id of the customer.' }),
      email: t.arg({
        type: 'EmailAddress',
        ...deprecatedLookup('email'),
        description: 'Email address, case-insensitive.',
      }),
    },
    resolve: (query, _root, args, ctx) => {
      const by = locatorOf('customer', args, ['id', 'email']);
      return ctx.prisma.customer.findUnique({
        ...query,
        where: by.id ? { id: Number(by.id.id) } : { email: by.email!.toLowerCase() },
      });
    },
  }),
  customers: t.prismaConnection(
    {
      type: 'Customer',
      // Nullable: a bad argument (cursor, id) nulls this field alone, not the whole response.
      nullable: true,
      cursor: 'id',
      authScopes: { staff: true },
      description: 'Customers, oldest first. Agents only.',
      args: {
        filter: t.arg({ type: CustomerFilter, description: 'Narrows the list.' }),
        orderBy: t.arg({ type: personOrder.Input, description: 'Sort order; default oldest first.' }),
        offset: t.arg.int({ description: offsetArgDescription }),
      },
      totalCount: (_root, args, ctx) => ctx.prisma.customer.count({ where: customerWhere(args.filter) }),
      resolve: (query, _root, args, ctx) =>
        findPage(
          ctx.prisma.customer,
          query,
          customerWhere(args.filter),
          personOrder.toPrisma(args.orderBy) as Prisma.CustomerOrderByWithRelationInput[],
          args.offset,
        ),
    },
    CustomerConnection,
  ),
  customFieldDefinitions: t.prismaField({
    type: ['CustomFieldDefinition'],
    authScopes: { staff: true },
    description: 'Custom customer fields, in creation order. Agents only.',
    resolve: (query, _root, _args, ctx) =>
      ctx.prisma.customFieldDefinition.findMany({ ...query, orderBy: { id: 'asc' } }),
  }),
}));

builder.prismaObject('CustomFieldDefinition', {
  description: 'A custom customer field: values are stored under `key` in `Customer.customFields`.',
  fields: (t) => ({
    id: t.exposeID('key', { description: 'The key, such as `cf_20`.' }),
    key: t.exposeString('key', { description: 'The key values are stored under, such as `cf_20`.' }),
    name: t.exposeString('name', { description: 'Display name.' }),
    type: t.expose('type', { type: CustomFieldType, description: 'Type of the values.' }),
  }),
});

const profileFields = (t: InputFieldBuilder) => ({
  email: t.field({
    type: 'EmailAddress',
    description: 'Email address (unique). Only agents change it; a customer may send only their current one.',
  }),
  firstName: t.string({ description: 'First name.' }),
  lastName: t.string({ description: 'Last name.' }),
  fullName: t.string({ description: 'Full name in one field (Deskie style); split into first and last name.' }),
  phone: t.string({ description: 'Phone number.' }),
  whatsappPhone: t.string({ description: 'WhatsApp phone number.' }),
  companyName: t.string({ description: 'Company.' }),
  companyPosition: t.string({ description: 'Position in the company.' }),
  note: t.string({ description: 'Internal note (agents only).' }),
  language: t.field({ type: 'Locale', description: 'Preferred language, a BCP 47 tag such as `en`.' }),
  customFields: t.field({ type: 'JSONObject', description: 'Custom field values by key; null for a key removes it.' }),
  channel: t.field({ type: CustomerChannel, description: 'Channel of this profile (default EMAIL).' }),
  channelExternalId: t.string({ description: 'Id on the channel.' }),
  customId: t.string({ description: 'Id in your own system (unique).' }),
  customChannel: t.string({ description: 'Custom channel number, for CUSTOM profiles.' }),
  thumbnailUrl: t.string({
    ...maxLength(URL_MAX),
    description: `Avatar image URL (http or https, at most ${URL_MAX} characters).`,
  }),
  confirmed: t.boolean({ description: 'Whether the email address is confirmed.' }),
});
type InputFieldBuilder = Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0];

const CreateCustomerInput = builder.inputType('CreateCustomerInput', {
  description:
    'A new customer: a name and at least one way to reach them. An email of a deleted customer restores that customer.',
  fields: (t) => profileFields(t),
});
const UpdateCustomerInput = builder.inputType('UpdateCustomerInput', {
  description: 'Changes to a customer: only the fields sent change; null clears a field.',
  fields: (t) => ({
    id: t.globalID({ for: Customer, required: true, description: 'The customer to change.' }),
    ...profileFields(t),
  }),
});
/** The input of a mutation that acts on one customer: each mutation its own type, for evolving alone. */
const customerInput = (name: string, description: string) =>
  builder.inputType(name, {
    description,
    fields: (t) => ({ id: t.globalID({ for: Customer, required: true, description: 'The customer.' }) }),
  });
const BlockCustomerInput = customerInput('BlockCustomerInput', 'The customer to block.');
const RestoreCustomerInput = customerInput('RestoreCustomerInput', 'The customer to unblock and undelete.');
const DisableCustomerInput = customerInput('DisableCustomerInput', 'The customer to soft-delete.');
const DeleteCustomerPermanentlyInput = customerInput('DeleteCustomerPermanentlyInput', 'The customer to erase.');
const CustomerLocator = builder.inputType('CustomerLocator', {
  description: 'Finds a customer by global `id` or by `email`. Give exactly one.',
  isOneOf: true,
  fields: (t) => ({
    id: t.globalID({ for: Customer, description: 'Global id.' }),
    email: t.field({ type: 'EmailAddress', description: 'Email address, case-insensitive.' }),
  }),
});
const LinkCustomerProfilesInput = builder.inputType('LinkCustomerProfilesInput', {
  description: 'Two profiles of one person to link (their groups merge).',
  fields: (t) => ({
    id: t.globalID({ for: Customer, required: true, description: 'A profile.' }),
    with: t.field({
      type: CustomerLocator,
      required: true,
      description: 'The profile to link it with, by id or email.',
    }),
  }),
});
const UnlinkCustomerProfilesInput = builder.inputType('UnlinkCustomerProfilesInput', {
  description: 'A profile to take out of its linked group.',
  fields: (t) => ({
    id: t.globalID({ for: Customer, required: true, description: 'A profile of the group (returned in the payload).' }),
    profile: t.globalID({
      for: Customer,
      description: 'The profile to take out of the group of `id`; default `id` itself. Must be linked to `id`.',
    }),
  }),
});
const GenerateIdentificationCodeInput = builder.inputType('GenerateIdentificationCodeInput', {
  description: 'What you know of the person: found by custom id, email, phone or WhatsApp phone, or created.',
  fields: (t) => ({
    fullName: t.string({ ...maxLength(SHORT_TEXT_MAX), description: 'Full name.' }),
    companyName: t.string({ ...maxLength(SHORT_TEXT_MAX), description: 'Company.' }),
    email: t.field({ type: 'EmailAddress', description: 'Email address.' }),
    phone: t.string({ ...maxLength(PHONE_MAX), description: 'Phone.' }),
    whatsappPhone: t.string({ ...maxLength(PHONE_MAX), description: 'WhatsApp phone.' }),
    customId: t.string({ ...maxLength(SHORT_TEXT_MAX), description: 'Id in your own system.' }),
    customChannel: t.string({ ...maxLength(SHORT_TEXT_MAX), description: 'Custom channel number.' }),
    customFields: t.field({ type: 'JSONObject', description: 'Custom field values for a new profile.' }),
  }),
});
const RedeemIdentificationCodeInput = builder.inputType('RedeemIdentificationCodeInput', {
  description: 'A code a messenger profile sent, and that profile.',
  fields: (t) => ({
    code: t.string({ required: true, ...maxLength(KEY_MAX), description: 'The identification code.' }),
    profile: t.globalID({ for: Customer, required: true, description: 'The messenger profile that sent it.' }),
  }),
});
const CustomFieldDefinitionInput = builder.inputType('CreateCustomFieldDefinitionInput', {
  description: 'A new custom customer field.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Display name.' }),
    type: t.field({ type: CustomFieldType, required: true, description: 'Type of the values.' }),
    key: t.string({
      ...maxLength(KEY_MAX),
      description:
        'The key, `cf_<number>`, for instance the one a Deskie account used, so that migrated integrations keep their keys. Default `cf_<id>`.',
    }),
  }),
});

const customerPayload = (name: string, what: string) =>
  objectPayload(name, 'customer', 'Customer', `Result of \`${what}\`.`);
const CreateCustomerPayload = objectPayload(
  'CreateCustomerPayload',
  'customer',
  'Customer',
  'Result of `createCustomer`.',
  CustomerEdge,
);
const UpdateCustomerPayload = customerPayload('UpdateCustomerPayload', 'updateCustomer');
const BlockCustomerPayload = customerPayload('BlockCustomerPayload', 'blockCustomer');
const RestoreCustomerPayload = customerPayload('RestoreCustomerPayload', 'restoreCustomer');
const DisableCustomerPayload = customerPayload('DisableCustomerPayload', 'disableCustomer');
const LinkCustomerProfilesPayload = customerPayload('LinkCustomerProfilesPayload', 'linkCustomerProfiles');
const UnlinkCustomerProfilesPayload = customerPayload('UnlinkCustomerProfilesPayload', 'unlinkCustomerProfiles');
const RedeemIdentificationCodePayload = customerPayload('RedeemIdentificationCodePayload', 'redeemIdentificationCode');
const DeleteCustomerPermanentlyPayload = deletePayload(
  'DeleteCustomerPermanentlyPayload',
  'Customer',
  'Result of `deleteCustomerPermanently`.',
);

const GenerateIdentificationCodePayload = builder
  .objectRef<{ result: { code: string; expiresAt: Date; customerId: number } | null; userErrors: UserErrorShape[] }>(
    'GenerateIdentificationCodePayload',
  )
  .implement({
    description: 'Result of `generateIdentificationCode`.',
    fields: (t) => ({
      code: t.string({
        nullable: true,
        description: 'The code: works once, until expiresAt.',
        resolve: (p) => p.result?.code ?? null,
      }),
      expiresAt: t.field({
        type: 'DateTime',
        nullable: true,
        description: 'When the code stops working.',
        resolve: (p) => p.result?.expiresAt ?? null,
      }),
      customer: t.prismaField({
        type: 'Customer',
        nullable: true,
        description: 'The profile the code identifies (found or created).',
        resolve: (query, p, _args, ctx) =>
          p.result ? ctx.prisma.customer.findUnique({ ...query, where: { id: p.result.customerId } }) : null,
      }),
      userErrors: t.field({
        type: [UserErrorRef],
        description: 'Why no code was made; empty on success.',
        resolve: (p) => p.userErrors,
      }),
    }),
  });

const CreateCustomFieldDefinitionPayload = builder
  .objectRef<{ result: { key: string } | null; userErrors: UserErrorShape[] }>('CreateCustomFieldDefinitionPayload')
  .implement({
    description: 'Result of `createCustomFieldDefinition`.',
    fields: (t) => ({
      customFieldDefinition: t.prismaField({
        type: 'CustomFieldDefinition',
        nullable: true,
        description: 'The new field; null when none was made.',
        resolve: (query, p, _args, ctx) =>
          p.result ? ctx.prisma.customFieldDefinition.findUnique({ ...query, where: { key: p.result.key } }) : null,
      }),
      userErrors: t.field({
        type: [UserErrorRef],
        description: 'Why no field was made; empty on success.',
        resolve: (p) => p.userErrors,
      }),
    }),
  });

const byId = (input: { id: { id: string } }) => Number(input.id.id);

async function locateCustomer(ctx: Context, locator: typeof CustomerLocator.$inferInput) {
  if (locator.id) return Number(locator.id.id);
  const found = await ctx.prisma.customer.findUnique({
    where: { email: locator.email!.toLowerCase() },
    select: { id: true },
  });
  if (!found) throw DomainError.of('NOT_FOUND', 'No customer with that email.', ['with']);
  return found.id;
}

const staffMutation = onlyFor('staff', 'Only agents manage customers.');

builder.mutationFields((t) => ({
  createCustomer: t.field({
    type: CreateCustomerPayload,
    ...staffMutation,
    description: 'Creates a customer. Agents only.',
    args: { input: t.arg({ type: CreateCustomerInput, required: true, description: 'The new customer.' }) },
    resolve: (_root, { input }, ctx) => asPayload(() => people.createCustomer(ctx.prisma, input)),
  }),
  updateCustomer: t.field({
    type: UpdateCustomerPayload,
    description:
      'Changes a customer: a partial update. Customers may change their own profile, except the note, blocked, confirmed, customId, channel and their email (FORBIDDEN on `email`; agents change it).',
    args: { input: t.arg({ type: UpdateCustomerInput, required: true, description: 'The customer and its changes.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(async () => {
        const id = byId(input);
        assertCan(ctx.viewer, 'customer:update', { id, input });
        // Sending the current email back is no change, so it is read only for those who may not change it.
        if (input.email !== undefined && !can(ctx.viewer, 'customer:changeEmail')) {
          const current = await ctx.prisma.customer.findUnique({ where: { id }, select: { email: true } });
          if ((input.email?.trim().toLowerCase() ?? null) !== (current?.email ?? null))
            assertCan(ctx.viewer, 'customer:changeEmail');
        }
        return people.updateCustomer(ctx.prisma, id, input);
      }),
  }),
  blockCustomer: t.field({
    type: BlockCustomerPayload,
    ...staffMutation,
    description: 'Blocks a customer: they can no longer sign in, and their new tickets are marked spam. Agents only.',
    args: { input: t.arg({ type: BlockCustomerInput, required: true, description: 'The customer.' }) },
    resolve: (_root, { input }, ctx) => asPayload(() => customers.blockCustomer(ctx.prisma, byId(input), ctx.now)),
  }),
  restoreCustomer: t.field({
    type: RestoreCustomerPayload,
    ...staffMutation,
    description: 'Undoes a block and a soft delete. Agents only.',
    args: { input: t.arg({ type: RestoreCustomerInput, required: true, description: 'The customer.' }) },
    resolve: (_root, { input }, ctx) => asPayload(() => customers.restoreCustomer(ctx.prisma, byId(input))),
  }),
  disableCustomer: t.field({
    type: DisableCustomerPayload,
    ...staffMutation,
    description: 'Soft-deletes a customer: hidden from default lists, cannot sign in, restorable. Agents only.',
    args: { input: t.arg({ type: DisableCustomerInput, required: true, description: 'The customer.' }) },
    resolve: (_root, { input }, ctx) => asPayload(() => customers.disableCustomer(ctx.prisma, byId(input), ctx.now)),
  }),
  deleteCustomerPermanently: t.field({
    type: DeleteCustomerPermanentlyPayload,
    ...onlyFor('admin', 'Only admins delete customers permanently.'),
    description:
      'Erases a customer and their keys; their tickets and comments stay, attributed to a deleted-person placeholder. Admins only.',
    args: { input: t.arg({ type: DeleteCustomerPermanentlyInput, required: true, description: 'The customer.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() => customers.deleteCustomerPermanently(ctx.prisma, byId(input), ctx.now)),
  }),
  linkCustomerProfiles: t.field({
    type: LinkCustomerProfilesPayload,
    ...staffMutation,
    description: 'Links two profiles of one person; links are symmetric and transitive. Agents only.',
    args: { input: t.arg({ type: LinkCustomerProfilesInput, required: true, description: 'The two profiles.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(async () => customers.linkProfiles(ctx.prisma, byId(input), await locateCustomer(ctx, input.with))),
  }),
  unlinkCustomerProfiles: t.field({
    type: UnlinkCustomerProfilesPayload,
    ...staffMutation,
    description: 'Takes one profile out of its linked group (`profile`, or `id` itself). Agents only.',
    args: { input: t.arg({ type: UnlinkCustomerProfilesInput, required: true, description: 'The profiles.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() =>
        customers.unlinkProfile(ctx.prisma, byId(input), input.profile ? Number(input.profile.id) : undefined),
      ),
  }),
  generateIdentificationCode: t.field({
    type: GenerateIdentificationCodePayload,
    ...staffMutation,
    description:
      'Finds or creates the profile the details describe and returns a short, one-time, expiring code for it. Agents only.',
    args: {
      input: t.arg({
        type: GenerateIdentificationCodeInput,
        required: true,
        description: 'What you know of the person.',
      }),
    },
    resolve: (_root, { input }, ctx) =>
      asPayload(() => customers.generateIdentificationCode(ctx.prisma, input, new Date(ctx.now()))),
  }),
  redeemIdentificationCode: t.field({
    type: RedeemIdentificationCodePayload,
    ...staffMutation,
    description:
      'Links the messenger profile that sent a code with the profile the code identifies. A code works once. Agents only.',
    args: { input: t.arg({ type: RedeemIdentificationCodeInput, required: true, description: 'Code and profile.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() =>
        customers.redeemIdentificationCode(ctx.prisma, input.code, Number(input.profile.id), new Date(ctx.now())),
      ),
  }),
  createCustomFieldDefinition: t.field({
    type: CreateCustomFieldDefinitionPayload,
    ...onlyFor('admin', 'Only admins define custom fields.'),
    description: 'Defines a custom customer field; its key is `cf_<number>` (chosen, or `cf_<id>`). Admins only.',
    args: { input: t.arg({ type: CustomFieldDefinitionInput, required: true, description: 'Name and type.' }) },
    resolve: (_root, { input }, ctx) => asPayload(() => customers.createCustomFieldDefinition(ctx.prisma, input)),
  }),
}));
