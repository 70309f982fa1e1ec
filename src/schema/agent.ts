// Agents: staff with the Teamwork Desk settings.
import { createHash } from 'node:crypto';
import DataLoader from 'dataloader';
import { builder } from '../builder.ts';
import type { Context } from '../context.ts';
import * as people from '../domain/people.ts';
import { assertCan, can } from '../domain/permissions.ts';
import { containsText } from '../domain/text-search.ts';
import { USERNAME_MAX, usernameFromEmail } from '../domain/usernames.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { sharedConnection } from './connection.ts';
import { KEY_MAX, maxLength, SEARCH_TEXT_MAX } from './input-limits.ts';
import { deprecatedLookup, locatorOf } from './locator.ts';
import { findPage, offsetArgDescription, orderInput } from './ordering.ts';
import { objectPayload } from './payload.ts';
import { details, Person, PersonState, visiblePerson } from './person.ts';
import { asPayload, onlyFor } from './user-errors.ts';

export const AgentRole = builder.enumType('AgentRole', {
  description: 'What an agent may manage.',
  values: {
    ADMIN: { description: 'Everything, including agents and branches.' },
    AGENT: { description: 'Tickets, comments and customers.' },
  } as const,
});

const TimeFormat = builder.enumType('TimeFormat', {
  description: 'How an agent reads times.',
  values: { H12: { description: '12-hour clock.' }, H24: { description: '24-hour clock.' } } as const,
});

const EditMethod = builder.enumType('EditMethod', {
  description: 'Default input method for editing tickets.',
  values: { HTML: { description: 'Rich text (HTML).' }, MARKDOWN: { description: 'Markdown.' } } as const,
});

const TicketReplyRedirect = builder.enumType('TicketReplyRedirect', {
  description: 'Where an agent goes after answering a ticket.',
  values: {
    STAY: { description: 'Stay on the ticket.' },
    NEXT: { description: 'Go to the next ticket of the queue.' },
    INBOX: { description: 'Go back to the ticket list.' },
  } as const,
});

const gravatar = (email: string) =>
  `https://www.gravatar.com/avatar/${createHash('md5').update(email.trim().toLowerCase()).digest('hex')}?d=identicon`;

export const Agent = builder.prismaNode('Agent', {
  description: 'A staff member (DiamanteDesk "oro" user, Teamwork Desk agent).',
  id: { field: 'id' },
  findUnique: visiblePerson('agent'),
  // A well-formed id of a missing row is null from node(id:), not an error.
  nullable: true,
  interfaces: [Person],
  fields: (t) => ({
    internalId: t.exposeInt('id', { description: 'Database id (`oro_<id>` in the REST API).' }),
    username: t.string({
      ...details,
      description:
        "Login name (OroPlatform's `username`), accepted as the WSSE Username beside the email. Lowercase; by default the email's local part. Null for customers, as the email is.",
      select: { username: true, email: true },
      // Null only for a row inserted around the domain before start-up fills it.
      resolve: (a) => a.username ?? usernameFromEmail(a.email),
    }),
    firstName: t.exposeString('firstName', { description: 'First name.' }),
    lastName: t.exposeString('lastName', { description: 'Last name.' }),
    avatarUrl: t.field({
      type: 'URL',
      nullable: true,
      description:
        'Gravatar image for the email address (read-only). Null for customers: a Gravatar URL carries a hash of the email, which customers are not shown.',
      // No `select`: a customer gets null without a lookup (the agent may be invisible to them as
      // a node), and staff read the email the agent row was loaded with.
      resolve: (a, _args, ctx) => (can(ctx.viewer, 'helpdesk:readInternal') ? gravatar(a.email) : null),
    }),
    role: t.expose('role', { type: AgentRole, ...details, description: 'Admin or agent.' }),
    state: t.expose('state', { type: PersonState, ...details, description: 'Active or deleted.' }),
    deletedAt: t.expose('deletedAt', { type: 'DateTime', ...details, description: 'When the agent was deleted.' }),
    deletedBy: t.relation('deletedBy', { ...details, description: 'Who deleted the agent.' }),
    timezone: t.exposeString('timezone', { ...details, description: 'IANA time zone; null means UTC.' }),
    timeFormat: t.expose('timeFormat', { type: TimeFormat, ...details, description: '12- or 24-hour clock.' }),
    editMethod: t.expose('editMethod', { type: EditMethod, ...details, description: 'Default editor.' }),
    ticketReplyRedirect: t.expose('ticketReplyRedirect', {
      type: TicketReplyRedirect,
      ...details,
      description: 'Where to go after replying.',
    }),
    sendPushNotifications: t.exposeBoolean('sendPushNotifications', {
      ...details,
      description: 'Push notifications to mobile devices.',
    }),
    sendWebNotifications: t.exposeBoolean('sendWebNotifications', {
      ...details,
      description: 'Browser notifications about watched tickets.',
    }),
    autoFollowOnCC: t.exposeBoolean('autoFollowOnCC', {
      ...details,
      description: 'Become a watcher when CCed on a ticket.',
    }),
    isPartTime: t.exposeBoolean('isPartTime', {
      ...details,
      description: 'Part-time: replies to at most 10 tickets per month.',
    }),
    reviewer: t.exposeBoolean('reviewer', {
      ...details,
      description: 'Asked to review tickets of agents in training.',
    }),
    projectsCompanyId: t.exposeInt('projectsCompanyId', {
      ...details,
      description: "Teamwork Desk's projectsCompanyId: the agent's company in Teamwork Projects.",
    }),
    ldKey: t.exposeString('ldKey', {
      ...details,
      description: "Teamwork Desk's ldKey (a feature-flag key), kept as sent.",
    }),
    onboarding: t.field({
      type: 'JSONObject',
      ...details,
      description: "Teamwork Desk's onboarding state, kept as sent.",
      resolve: (a) => a.onboarding as Record<string, unknown> | null,
    }),
    trainingWheelsEnrollment: t.field({
      type: 'JSONObject',
      ...details,
      description: "Teamwork Desk's training-wheels enrollment, kept as sent.",
      resolve: (a) => a.trainingWheelsEnrollment as Record<string, unknown> | null,
    }),
    createdBy: t.relation('createdBy', { ...details, description: 'Who created the agent.' }),
    updatedBy: t.relation('updatedBy', { ...details, description: 'Who last changed the agent.' }),
    createdAt: t.expose('createdAt', {
      type: 'DateTime',
      ...details,
      description: 'When the agent was created.',
    }),
    updatedAt: t.expose('updatedAt', {
      type: 'DateTime',
      ...details,
      description: 'When the agent last changed.',
    }),
  }),
});

/** Per request: the installation's owner (one lookup however many agents are shown). */
function appOwner(ctx: Context): Promise<number | null> {
  const cache = ctx as Context & { appOwner?: Promise<number | null> };
  cache.appOwner ??= people.appOwnerId(ctx.prisma);
  return cache.appOwner;
}

/** The branches of many agents at once: two statements per request, not two per agent. */
function agentBranchesLoader(ctx: Context) {
  const cache = ctx as Context & { agentBranches?: DataLoader<number, Prisma.BranchGetPayload<object>[]> };
  cache.agentBranches ??= new DataLoader(async (ids: readonly number[]) => {
    const assigned = await ctx.prisma.ticket.groupBy({
      by: ['branchId', 'assigneeId'],
      where: { assigneeId: { in: [...ids] } },
    });
    const branches = await ctx.prisma.branch.findMany({
      where: { OR: [{ defaultAssigneeId: { in: [...ids] } }, { id: { in: assigned.map((a) => a.branchId) } }] },
      orderBy: { id: 'asc' },
    });
    return ids.map((id) =>
      branches.filter(
        (b) => b.defaultAssigneeId === id || assigned.some((a) => a.assigneeId === id && a.branchId === b.id),
      ),
    );
  });
  return cache.agentBranches;
}

builder.prismaObjectFields(Agent, (t) => ({
  isAppOwner: t.boolean({
    ...details,
    description: "The installation's owner (Teamwork's isAppOwner): the earliest created active admin.",
    resolve: async (a, _args, ctx) => a.id === (await appOwner(ctx)),
  }),
  branches: t.prismaField({
    type: ['Branch'],
    ...details,
    description:
      "Branches the agent works in (Teamwork's inboxes): those it is the default assignee of or has tickets assigned in, in creation order.",
    resolve: (_query, a, _args, ctx) => agentBranchesLoader(ctx).load(a.id),
  }),
}));

export const { connection: AgentConnection, edge: AgentEdge } = sharedConnection(Agent, 'Agent', 'agents');

const AgentFilter = builder.inputType('AgentFilter', {
  description: 'Narrows a list of agents.',
  fields: (t) => ({
    text: t.string({
      ...maxLength(SEARCH_TEXT_MAX),
      description: `Substring of the name or email, case-insensitive (at most ${SEARCH_TEXT_MAX} characters).`,
    }),
    state: t.field({ type: PersonState, description: 'Only agents in this state (default: ACTIVE).' }),
    role: t.field({ type: AgentRole, description: 'Only agents with this role.' }),
    username: t.string({
      ...maxLength(USERNAME_MAX),
      description: 'Only the agent with exactly this username (case-insensitive).',
    }),
    email: t.field({ type: 'EmailAddress', description: 'Only the agent with exactly this email (case-insensitive).' }),
  }),
});

const agentWhere = (f: typeof AgentFilter.$inferInput | null | undefined): Prisma.AgentWhereInput => ({
  state: f?.state ?? 'ACTIVE',
  role: f?.role ?? undefined,
  username: f?.username != null ? f.username.trim().toLowerCase() : undefined,
  email: f?.email != null ? f.email.toLowerCase() : undefined,
  ...(f?.text
    ? { OR: [{ email: containsText(f.text) }, { firstName: containsText(f.text) }, { lastName: containsText(f.text) }] }
    : {}),
});

export const personOrder = orderInput(
  'PersonOrder',
  'Sort order of a list of agents or customers.',
  {
    CREATED_AT: { column: 'id', description: 'Creation order.' },
    EMAIL: { column: 'email', description: 'Email, alphabetically.' },
    FIRST_NAME: { column: 'firstName', description: 'First name, alphabetically.' },
    LAST_NAME: { column: 'lastName', description: 'Last name, alphabetically.' },
    UPDATED_AT: { column: 'updatedAt', description: 'Last change.' },
  },
  { field: 'CREATED_AT', direction: 'ASC' },
);

const AgentLocator = builder.inputType('AgentLocator', {
  description: 'Finds an agent by global `id` or by `email`. Give exactly one.',
  isOneOf: true,
  fields: (t) => ({
    id: t.globalID({ for: Agent, description: 'Global id of the agent.' }),
    email: t.field({ type: 'EmailAddress', description: 'Email address, case-insensitive.' }),
  }),
});

builder.queryFields((t) => ({
  agent: t.prismaField({
    type: 'Agent',
    nullable: true,
    authScopes: { staff: true },
    description: 'One agent, by `by: {id}` or `by: {email}`; null when there is none. Agents only.',
    args: {
      by: t.arg({ type: AgentLocator, description: 'The agent, by global id or email.' }),
      id: t.arg.globalID({ for: Agent, ...deprecatedLookup('id'), description: 'Global id of the agent.' }),
      email: t.arg({
        type: 'EmailAddress',
        ...deprecatedLookup('email'),
        description: 'Email address, case-insensitive.',
      }),
    },
    resolve: (query, _root, args, ctx) => {
      const by = locatorOf('agent', args, ['id', 'email']);
      return ctx.prisma.agent.findUnique({
        ...query,
        where: by.id ? { id: Number(by.id.id) } : { email: by.email!.toLowerCase() },
      });
    },
  }),
  agents: t.prismaConnection(
    {
      type: 'Agent',
      // Nullable: a bad argument (cursor, id) nulls this field alone, not the whole response.
      nullable: true,
      cursor: 'id',
      authScopes: { staff: true },
      description: 'Agents, oldest first. Agents only.',
      args: {
        filter: t.arg({ type: AgentFilter, description: 'Narrows the list.' }),
        orderBy: t.arg({ type: personOrder.Input, description: 'Sort order; default oldest first.' }),
        offset: t.arg.int({ description: offsetArgDescription }),
      },
      totalCount: (_root, args, ctx) => ctx.prisma.agent.count({ where: agentWhere(args.filter) }),
      resolve: (query, _root, args, ctx) =>
        findPage(
          ctx.prisma.agent,
          query,
          agentWhere(args.filter),
          personOrder.toPrisma(args.orderBy) as Prisma.AgentOrderByWithRelationInput[],
          args.offset,
        ),
    },
    AgentConnection,
  ),
}));

const preferenceFields = (t: PothosInputFieldBuilder) => ({
  timezone: t.string({ ...maxLength(KEY_MAX), description: 'IANA time zone such as Europe/London; null for UTC.' }),
  timeFormat: t.field({ type: TimeFormat, description: '12- or 24-hour clock.' }),
  editMethod: t.field({ type: EditMethod, description: 'Default editor.' }),
  ticketReplyRedirect: t.field({ type: TicketReplyRedirect, description: 'Where to go after replying.' }),
  sendPushNotifications: t.boolean({ description: 'Push notifications to mobile devices.' }),
  sendWebNotifications: t.boolean({ description: 'Browser notifications.' }),
  autoFollowOnCC: t.boolean({ description: 'Watch tickets you are CCed on.' }),
  isPartTime: t.boolean({ description: 'Part-time (admins only).' }),
  reviewer: t.boolean({ description: 'Reviewer (admins only).' }),
  projectsCompanyId: t.int({ description: 'Company in Teamwork Projects (admins only).' }),
  ldKey: t.string({ ...maxLength(KEY_MAX), description: 'Teamwork feature-flag key, kept as sent.' }),
  onboarding: t.field({
    type: 'JSONObject',
    description: 'Teamwork onboarding state (at most 10,000 characters of JSON).',
  }),
  trainingWheelsEnrollment: t.field({
    type: 'JSONObject',
    description: 'Teamwork training-wheels enrollment (at most 10,000 characters of JSON).',
  }),
});
type PothosInputFieldBuilder = Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0];

const CreateAgentInput = builder.inputType('CreateAgentInput', {
  description: 'A new agent.',
  fields: (t) => ({
    email: t.field({ type: 'EmailAddress', required: true, description: 'Unique email address.' }),
    username: t.string({
      description: "Unique login name (letters, digits, '.', '_', '-'); default: the email's local part, made unique.",
    }),
    firstName: t.string({ required: true, description: 'First name.' }),
    lastName: t.string({ description: 'Last name.' }),
    role: t.field({ type: AgentRole, description: 'Default AGENT.' }),
    ...preferenceFields(t),
  }),
});
const UpdateAgentInput = builder.inputType('UpdateAgentInput', {
  description:
    'Changes to an agent. Only the fields sent change; null clears a nullable field. Agents change their own names and preferences; admins also email, username, role, state, isPartTime and reviewer.',
  fields: (t) => ({
    id: t.globalID({ for: Agent, required: true, description: 'The agent to change.' }),
    email: t.field({ type: 'EmailAddress', description: 'Unique email address (admins only).' }),
    username: t.string({ description: 'Unique login name (admins only).' }),
    firstName: t.string({ description: 'First name.' }),
    lastName: t.string({ description: 'Last name.' }),
    role: t.field({ type: AgentRole, description: 'Admin or agent (admins only).' }),
    state: t.field({ type: PersonState, description: 'DELETED deletes the agent, ACTIVE restores (admins only).' }),
    ...preferenceFields(t),
  }),
});

const CreateAgentPayload = objectPayload('CreateAgentPayload', 'agent', 'Agent', 'Result of `createAgent`.', AgentEdge);
const UpdateAgentPayload = objectPayload('UpdateAgentPayload', 'agent', 'Agent', 'Result of `updateAgent`.');

builder.mutationFields((t) => ({
  createAgent: t.field({
    type: CreateAgentPayload,
    ...onlyFor('admin', 'Only admins manage agents.'),
    description: 'Creates an agent. Admins only.',
    args: { input: t.arg({ type: CreateAgentInput, required: true, description: 'The new agent.' }) },
    resolve: (_root, { input }, ctx) => asPayload(() => people.createAgent(ctx.prisma, input, ctx.viewer.id)),
  }),
  updateAgent: t.field({
    type: UpdateAgentPayload,
    ...onlyFor('staff', 'Only agents change agents.'),
    description: 'Changes an agent: a partial update. Agents their own preferences, admins anything.',
    args: { input: t.arg({ type: UpdateAgentInput, required: true, description: 'The agent and its changes.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() => {
        const id = Number(input.id.id);
        assertCan(ctx.viewer, 'agent:update', { id, input });
        return people.updateAgent(ctx.prisma, id, input, ctx.viewer.id, ctx.now);
      }),
  }),
}));
