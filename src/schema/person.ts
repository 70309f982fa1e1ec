import { builder } from '../builder.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import * as people from '../domain/people.ts';
import { containsText } from '../domain/text-search.ts';
import type { PersonRef } from '../domain/people.ts';
import { exactlyOne } from './locator.ts';
import { orderInput } from './ordering.ts';
import { objectPayload } from './payload.ts';
import { asPayload } from './user-errors.ts';

interface PersonShape {
  id: number;
  email: string | null;
  firstName: string;
  lastName: string;
}

const fullName = (p: PersonShape) => [p.firstName, p.lastName].filter(Boolean).join(' ');

export const Person = builder.interfaceRef<PersonShape>('Person').implement({
  description: 'Someone who reports tickets, writes comments or watches tickets: an `Agent` or a `Customer`.',
  interfaces: [builder.nodeInterfaceRef()],
  resolveType: (person) => ('role' in person ? 'Agent' : 'Customer'),
  fields: (t) => ({
    email: t.field({
      type: 'EmailAddress',
      nullable: true,
      description: 'Email address; customers reaching you from a messenger may have none.',
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

export const Agent = builder.prismaNode('Agent', {
  description: 'A staff member (DiamanteDesk "oro" user, Teamwork Desk agent).',
  id: { field: 'id' },
  // A well-formed id of a missing row is null from node(id:), not an error.
  nullable: true,
  interfaces: [Person],
  fields: (t) => ({
    internalId: t.exposeInt('id', { description: 'Database id (`oro_<id>` in the REST API).' }),
    firstName: t.exposeString('firstName', { description: 'First name.' }),
    lastName: t.exposeString('lastName', { description: 'Last name.' }),
    role: t.expose('role', { type: AgentRole, description: 'Admin or agent.' }),
    state: t.expose('state', { type: PersonState, description: 'Active or deleted.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the agent was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the agent last changed.' }),
  }),
});

export const Customer = builder.prismaNode('Customer', {
  description: 'An end user who asks for help (DiamanteDesk "diamante" user, Deskie user).',
  id: { field: 'id' },
  // A well-formed id of a missing row is null from node(id:), not an error.
  nullable: true,
  interfaces: [Person],
  fields: (t) => ({
    internalId: t.exposeInt('id', { description: 'Database id (`diamante_<id>` in the REST API).' }),
    firstName: t.exposeString('firstName', { description: 'First name.' }),
    lastName: t.exposeString('lastName', { description: 'Last name.' }),
    phone: t.exposeString('phone', { nullable: true, description: 'Phone number.' }),
    state: t.expose('state', { type: PersonState, description: 'Active or deleted.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the customer was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the customer last changed.' }),
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
    type: 'Agent',
    nullable: true,
    description: 'One agent, by global `id` or by `email`. Give exactly one.',
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
    type: 'Agent',
    cursor: 'id',
    description: 'Agents, oldest first.',
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
    type: 'Customer',
    nullable: true,
    description: 'One customer, by global `id` or by `email`. Give exactly one.',
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
    type: 'Customer',
    cursor: 'id',
    description: 'Customers, oldest first.',
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
    description: 'Creates an agent.',
    args: { input: t.arg({ type: CreateAgentInput, required: true, description: 'The new agent.' }) },
    resolve: (_root, { input }, ctx) => asPayload(() => people.createAgent(ctx.prisma, input)),
  }),
  updateAgent: t.field({
    type: UpdateAgentPayload,
    description: 'Changes an agent.',
    args: { input: t.arg({ type: UpdateAgentInput, required: true, description: 'The agent and its changes.' }) },
    resolve: (_root, { input }, ctx) => asPayload(() => people.updateAgent(ctx.prisma, Number(input.id.id), input)),
  }),
  createCustomer: t.field({
    type: CreateCustomerPayload,
    description: 'Creates a customer.',
    args: { input: t.arg({ type: CreateCustomerInput, required: true, description: 'The new customer.' }) },
    resolve: (_root, { input }, ctx) => asPayload(() => people.createCustomer(ctx.prisma, input)),
  }),
  updateCustomer: t.field({
    type: UpdateCustomerPayload,
    description: 'Changes a customer.',
    args: { input: t.arg({ type: UpdateCustomerInput, required: true, description: 'The customer and its changes.' }) },
    resolve: (_root, { input }, ctx) => asPayload(() => people.updateCustomer(ctx.prisma, Number(input.id.id), input)),
  }),
}));
