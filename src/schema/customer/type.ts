// Customers with their Deskie profiles: channels, custom fields, blocking, soft and permanent
// deletion and linked profiles. The Customer node and the other profiles of the same person.
import DataLoader from 'dataloader';
import { builder } from '../../builder.ts';
import type { Context } from '../../context.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { sharedConnection } from '../connection.ts';
import { details, Person, PersonState, personColumns, staffOnly, visiblePerson } from '../person.ts';
import { CustomerChannel } from './enums.ts';

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
  // linkGroup too: `tickets(includeLinked:)` reads it (a connection field takes no select of its own).
  select: { ...personColumns, linkGroup: true },
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
      select: { customFields: true },
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
