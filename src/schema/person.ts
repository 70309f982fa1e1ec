import { builder } from '../builder.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import * as people from '../domain/people.ts';
import { containsText } from '../domain/text-search.ts';
import type { PersonRef } from '../domain/people.ts';
import { exactlyOne } from './locator.ts';
import { orderInput } from './ordering.ts';
import { objectPayload } from './payload.ts';
import { asPayload, onlyFor } from './user-errors.ts';
import type { Context } from '../context.ts';
import { DomainError } from '../domain/errors.ts';
import { canSeePersonDetails, isStaff } from '../domain/permissions.ts';

interface PersonShape {
  id: number;
  email: string | null;
  firstName: string;
  lastName: string;
}

const fullName = (p: PersonShape) => [p.firstName, p.lastName].filter(Boolean).join(' ');

const refOf = (p: PersonShape): PersonRef => ({ kind: 'role' in p ? 'agent' : 'customer', id: p.id });

/**
 * Field options for what customers may not see of other people (they see `{id, name}`):
 * staff and the person themself get the value, everyone else null.
 */
const details = {
  nullable: true as const,
  authScopes: (person: PersonShape, _args: object, ctx: Context) => canSeePersonDetails(ctx.viewer, refOf(person)),
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

export const AgentRole = builder.enumType('AgentRole', {
  description: 'What an agent may manage.',
  values: {
    ADMIN: { description: 'Everything, including agents and branches.' },
    AGENT: { description: 'Tickets, comments and customers.' },
  } as const,
});

export const PersonState = builder.enumType('PersonState', {
  description: 'Whether a person is active or (soft-)deleted.',
  values: {
    ACTIVE: { description: 'Can sign in and take part.' },
    DELETED: { description: 'Deleted; kept so that history stays attributed.' },
  } as const,
});

// Customers may load only themselves by id; other people reach them through tickets and comments.
const visiblePerson = (kind: PersonRef['kind']) => (id: string, ctx: Context) =>
  isStaff(ctx.viewer) || (ctx.viewer?.kind === kind && ctx.viewer.id === Number(id)) ? { id: Number(id) } : { id: -1 };

export const Agent = builder.prismaNode('Agent', {
  description: 'A staff member (DiamanteDesk "oro" user, Teamwork Desk agent).',
  id: { field: 'id' },
  findUnique: visiblePerson('agent'),
  // A well-formed id of a missing row is null from node(id:), not an error.
  nullable: true,
  interfaces: [Person],
  fields: (t) => ({
    internalId: t.exposeInt('id', { description: 'Database id (`oro_<id>` in the REST API).' }),
    firstName: t.exposeString('firstName', { description: 'First name.' }),
    lastName: t.exposeString('lastName', { description: 'Last name.' }),
    role: t.expose('role', { type: AgentRole, ...details, description: 'Admin or agent (null for customers).' }),
    state: t.expose('state', { type: PersonState, ...details, description: 'Active or deleted (null for customers).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', ...details, description: 'When the agent was created (null for customers).' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', ...details, description: 'When the agent last changed (null for customers).' }),
  }),
});

export const Customer = builder.prismaNode('Customer', {
  description: 'An end user who asks for help (DiamanteDesk "diamante" user, Deskie user).',
  id: { field: 'id' },
  findUnique: visiblePerson('customer'),
  // A well-formed id of a missing row is null from node(id:), not an error.
  nullable: true,
  interfaces: [Person],
  fields: (t) => ({
    internalId: t.exposeInt('id', { description: 'Database id (`diamante_<id>` in the REST API).' }),
    firstName: t.exposeString('firstName', { description: 'First name.' }),
    lastName: t.exposeString('lastName', { description: 'Last name.' }),
    phone: t.exposeString('phone', { ...details, description: 'Phone number (staff and the customer only).' }),
    state: t.expose('state', { type: PersonState, ...details, description: 'Active or deleted (staff and the customer only).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', ...details, description: 'When the customer was created (staff and the customer only).' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', ...details, description: 'When the customer last changed (staff and the customer only).' }),
  }),
});

/** A decoded Agent or Customer global id as the domain's person reference. */
export function personRef(id: { typename: string; id: string }): PersonRef {
  return { kind: id.typename === 'Agent' ? 'agent' : 'customer', id: Number(id.id) };
}

const PersonFilter = builder.inputType('PersonFilter', {
  description: 'Narrows a list of agents or customers.',
  fields: (t) => ({
    text: t.string({ description: 'Substring of the name or email, case-insensitive.' }),
    state: t.field({ type: PersonState, description: 'Only people in this state (default: ACTIVE).' }),
  }),
});

const textWhere = (text: string | null | undefined) =>
  text
    ? {
        OR: [
          { email: containsText(text) },
          { firstName: containsText(text) },
          { lastName: containsText(text) },
        ],
      }
    : {};

const personOrder = orderInput(
  'PersonOrder',
  'Sort order of a list of agents or customers.',
  {
    CREATED_AT: { column: 'id', description: 'Creation order.' },
    EMAIL: { column: 'email', description: 'Email, alphabetically.' },
    FIRST_NAME: { column: 'firstName', description: 'First name, alphabetically.' },
    LAST_NAME: { column: 'lastName', description: 'Last name, alphabetically.' },
  },
  { field: 'CREATED_AT', direction: 'ASC' },
);

builder.queryFields((t) => ({
  viewer: t.field({
    type: Person,
    nullable: true,
    description: 'The authenticated caller; null without credentials.',
    resolve: (_root, _args, ctx) => {
      const viewer = ctx.viewer;
      if (!viewer) return null;
      return viewer.kind === 'agent'
        ? ctx.prisma.agent.findUnique({ where: { id: viewer.id } })
        : ctx.prisma.customer.findUnique({ where: { id: viewer.id } });
    },
  }),
  agent: t.prismaField({
    authScopes: { staff: true },
    type: 'Agent',
    nullable: true,
    description: 'One agent, by global `id` or by `email`. Give exactly one. Agents only.',
    args: {
      id: t.arg.globalID({ for: Agent, description: 'Global id of the agent.' }),
      email: t.arg({ type: 'EmailAddress', description: 'Email address, case-insensitive.' }),
    },
    resolve: (query, _root, args, ctx) => {
      exactlyOne('agent', args, ['id', 'email']);
      return ctx.prisma.agent.findUnique({
        ...query,
        where: args.id ? { id: Number(args.id.id) } : { email: args.email!.toLowerCase() },
      });
    },
  }),
  agents: t.prismaConnection({
    authScopes: { staff: true },
    type: 'Agent',
    cursor: 'id',
    description: 'Agents, oldest first. Agents only.',
    args: {
      filter: t.arg({ type: PersonFilter, description: 'Narrows the list.' }),
      orderBy: t.arg({ type: personOrder.Input, description: 'Sort order; default oldest first.' }),
    },
    totalCount: (_root, args, ctx) => ctx.prisma.agent.count({ where: agentWhere(args.filter) }),
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.agent.findMany({
        ...query,
        where: agentWhere(args.filter),
        orderBy: personOrder.toPrisma(args.orderBy) as Prisma.AgentOrderByWithRelationInput[],
      }),
  }),
  customer: t.prismaField({
    authScopes: { staff: true },
    type: 'Customer',
    nullable: true,
    description: 'One customer, by global `id` or by `email`. Give exactly one. Agents only.',
    args: {
      id: t.arg.globalID({ for: Customer, description: 'Global id of the customer.' }),
      email: t.arg({ type: 'EmailAddress', description: 'Email address, case-insensitive.' }),
    },
    resolve: (query, _root, args, ctx) => {
      exactlyOne('customer', args, ['id', 'email']);
      return ctx.prisma.customer.findUnique({
        ...query,
        where: args.id ? { id: Number(args.id.id) } : { email: args.email!.toLowerCase() },
      });
    },
  }),
  customers: t.prismaConnection({
    authScopes: { staff: true },
    type: 'Customer',
    cursor: 'id',
    description: 'Customers, oldest first. Agents only.',
    args: {
      filter: t.arg({ type: PersonFilter, description: 'Narrows the list.' }),
      orderBy: t.arg({ type: personOrder.Input, description: 'Sort order; default oldest first.' }),
    },
    totalCount: (_root, args, ctx) => ctx.prisma.customer.count({ where: customerWhere(args.filter) }),
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.customer.findMany({
        ...query,
        where: customerWhere(args.filter),
        orderBy: personOrder.toPrisma(args.orderBy) as Prisma.CustomerOrderByWithRelationInput[],
      }),
  }),
}));

type PersonFilterValue = { text?: string | null; state?: 'ACTIVE' | 'DELETED' | null } | null | undefined;
const agentWhere = (f: PersonFilterValue): Prisma.AgentWhereInput => ({ state: f?.state ?? 'ACTIVE', ...textWhere(f?.text) });
const customerWhere = (f: PersonFilterValue): Prisma.CustomerWhereInput => ({
  state: f?.state ?? 'ACTIVE',
  ...textWhere(f?.text),
});

const CreateAgentInput = builder.inputType('CreateAgentInput', {
  description: 'A new agent.',
  fields: (t) => ({
    email: t.field({ type: 'EmailAddress', required: true, description: 'Unique email address.' }),
    firstName: t.string({ required: true, description: 'First name.' }),
    lastName: t.string({ description: 'Last name.' }),
    role: t.field({ type: AgentRole, description: 'Default AGENT.' }),
  }),
});
const UpdateAgentInput = builder.inputType('UpdateAgentInput', {
  description: 'Changes to an agent; absent fields stay as they are.',
  fields: (t) => ({
    id: t.globalID({ for: Agent, required: true, description: 'The agent to change.' }),
    email: t.field({ type: 'EmailAddress', description: 'Unique email address.' }),
    firstName: t.string({ description: 'First name.' }),
    lastName: t.string({ description: 'Last name.' }),
    role: t.field({ type: AgentRole, description: 'Admin or agent.' }),
  }),
});
const CreateCustomerInput = builder.inputType('CreateCustomerInput', {
  description: 'A new customer. An email of a deleted customer restores that customer.',
  fields: (t) => ({
    email: t.field({ type: 'EmailAddress', required: true, description: 'Unique email address.' }),
    firstName: t.string({ required: true, description: 'First name.' }),
    lastName: t.string({ required: true, description: 'Last name.' }),
    phone: t.string({ description: 'Phone number.' }),
  }),
});
const UpdateCustomerInput = builder.inputType('UpdateCustomerInput', {
  description: 'Changes to a customer; absent fields stay as they are.',
  fields: (t) => ({
    id: t.globalID({ for: Customer, required: true, description: 'The customer to change.' }),
    email: t.field({ type: 'EmailAddress', description: 'Unique email address.' }),
    firstName: t.string({ description: 'First name.' }),
    lastName: t.string({ description: 'Last name.' }),
    phone: t.string({ description: 'Phone number; null removes it.' }),
  }),
});

const CreateAgentPayload = objectPayload('CreateAgentPayload', 'agent', 'Agent', 'Result of `createAgent`.');
const UpdateAgentPayload = objectPayload('UpdateAgentPayload', 'agent', 'Agent', 'Result of `updateAgent`.');
const CreateCustomerPayload = objectPayload('CreateCustomerPayload', 'customer', 'Customer', 'Result of `createCustomer`.');
const UpdateCustomerPayload = objectPayload('UpdateCustomerPayload', 'customer', 'Customer', 'Result of `updateCustomer`.');

builder.mutationFields((t) => ({
  createAgent: t.field({
    type: CreateAgentPayload,
    ...onlyFor('admin', 'Only admins manage agents.'),
    description: 'Creates an agent. Admins only.',
    args: { input: t.arg({ type: CreateAgentInput, required: true, description: 'The new agent.' }) },
    resolve: (_root, { input }, ctx) => asPayload(() => people.createAgent(ctx.prisma, input)),
  }),
  updateAgent: t.field({
    type: UpdateAgentPayload,
    ...onlyFor('admin', 'Only admins manage agents.'),
    description: 'Changes an agent. Admins only.',
    args: { input: t.arg({ type: UpdateAgentInput, required: true, description: 'The agent and its changes.' }) },
    resolve: (_root, { input }, ctx) => asPayload(() => people.updateAgent(ctx.prisma, Number(input.id.id), input)),
  }),
  createCustomer: t.field({
    type: CreateCustomerPayload,
    ...onlyFor('staff', 'Only agents create customers.'),
    description: 'Creates a customer. Agents only.',
    args: { input: t.arg({ type: CreateCustomerInput, required: true, description: 'The new customer.' }) },
    resolve: (_root, { input }, ctx) => asPayload(() => people.createCustomer(ctx.prisma, input)),
  }),
  updateCustomer: t.field({
    type: UpdateCustomerPayload,
    description: 'Changes a customer. Customers may change their own profile.',
    args: { input: t.arg({ type: UpdateCustomerInput, required: true, description: 'The customer and its changes.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() => {
        const id = Number(input.id.id);
        // Another customer is invisible to a customer: not found, like a missing one.
        if (!canSeePersonDetails(ctx.viewer, { kind: 'customer', id })) throw DomainError.of('NOT_FOUND', 'Customer not found.', ['id']);
        return people.updateCustomer(ctx.prisma, id, input);
      }),
  }),
}));
