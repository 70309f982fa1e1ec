// The Person interface shared by agents and customers, and what may be seen of whom.
import { builder } from '../builder.ts';
import type { Context } from '../context.ts';
import { fullNameOf } from '../domain/customers.ts';
import type { PersonRef } from '../domain/people.ts';
import { can, personVisibility, viewerRef } from '../domain/permissions.ts';

export interface PersonShape {
  id: number;
  email: string | null;
  firstName: string;
  lastName: string;
}

/**
 * The columns every Agent and Customer row is loaded with (select mode): what the Person fields
 * and the details rule read. Agents add `role`, which tells the two apart.
 */
export const personColumns = { id: true, email: true, firstName: true, lastName: true } as const;

const fullName = (p: PersonShape) => fullNameOf(p.firstName, p.lastName);

const refOf = (p: PersonShape): PersonRef => ({ kind: 'role' in p ? 'agent' : 'customer', id: p.id });

/**
 * Field options for what customers may not see of other people (they see `{id, name}`):
 * staff and the person themself get the value, everyone else null.
 */
export const details = {
  // Nullable for that reason alone; src/schema/describe.ts says so in the field's description.
  nullable: true as const,
  extensions: { hiddenFromCustomers: 'others' },
  authScopes: (person: PersonShape, _args: object, ctx: Context) =>
    can(ctx.viewer, 'person:readDetails', refOf(person)),
  unauthorizedResolver: () => null,
};

/** Like `details`, but for staff only (a customer's note is not for the customer). */
export const staffOnly = {
  nullable: true as const,
  extensions: { hiddenFromCustomers: 'all' },
  authScopes: { staff: true },
  unauthorizedResolver: () => null,
};

export const Person = builder.interfaceRef<PersonShape>('Person').implement({
  description: 'Someone who reports tickets, writes comments or watches tickets: an `Agent` or a `Customer`.',
  interfaces: [builder.nodeInterfaceRef()],
  resolveType: (person) => ('role' in person ? 'Agent' : 'Customer'),
  fields: (t) => ({
    email: t.field({
      type: 'EmailAddress',
      ...details,
      description: 'Email address; null for a customer from a messenger, and for other people when you are a customer.',
      resolve: (p) => p.email,
    }),
    name: t.string({ description: 'Full name.', resolve: fullName }),
  }),
});

export const PersonState = builder.enumType('PersonState', {
  description: 'Whether a person is active or (soft-)deleted.',
  values: {
    ACTIVE: { description: 'Can sign in and take part.' },
    DELETED: { description: 'Deleted; kept so that history stays attributed.' },
  } as const,
});

/** Customers may load only themselves by id; other people reach them through tickets and comments. */
export const visiblePerson = (kind: PersonRef['kind']) => (id: string, ctx: Context) =>
  personVisibility(ctx.viewer, { kind, id: Number(id) });

/** A decoded Agent or Customer global id as the domain's person reference. */
export function personRef(id: { typename: string; id: string }): PersonRef {
  return { kind: id.typename === 'Agent' ? 'agent' : 'customer', id: Number(id.id) };
}

builder.queryFields((t) => ({
  viewer: t.field({
    type: Person,
    nullable: true,
    description: 'The authenticated caller.',
    resolve: (_root, _args, ctx) => {
      const { kind, id } = viewerRef(ctx.viewer);
      return kind === 'agent'
        ? ctx.prisma.agent.findUnique({ where: { id } })
        : ctx.prisma.customer.findUnique({ where: { id } });
    },
  }),
}));
