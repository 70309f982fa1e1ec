// Query.customer, Query.customers and the custom field definitions.
import { builder } from '../../builder.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { personOrder } from '../agent/filter.ts';
import { countOf } from '../connection.ts';
import { deprecatedLookup, locatorOf } from '../locator.ts';
import { findPage, offsetArgDescription } from '../ordering.ts';
import { CustomFieldType } from './enums.ts';
import { CustomerFilter, customerWhere } from './filter.ts';
import { CustomerLocator } from './locators.ts';
import { Customer, CustomerConnection } from './type.ts';

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
      totalCount: (_root, args, ctx) => countOf(ctx, 'customer', customerWhere(args.filter)),
      resolve: (query, _root, args, ctx) =>
        findPage(
          ctx.prisma.customer,
          'Customer',
          query,
          customerWhere(args.filter),
          personOrder.toPrisma(args.orderBy) as Prisma.CustomerOrderByWithRelationInput[],
          args.offset,
          ctx.reads,
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
