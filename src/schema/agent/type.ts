// Agents: staff with the Teamwork Desk settings. The Agent node, whether it owns the
// installation and the branches it works in.
import { createHash } from 'node:crypto';
import DataLoader from 'dataloader';
import { builder } from '../../builder.ts';
import type { Context } from '../../context.ts';
import * as agents from '../../domain/agents.ts';
import { can } from '../../domain/permissions.ts';
import { usernameFromEmail } from '../../domain/usernames.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { sharedConnection } from '../connection.ts';
import { details, Person, PersonState, personColumns, visiblePerson } from '../person.ts';
import { AgentRole, EditMethod, TicketReplyRedirect, TimeFormat } from './enums.ts';

const gravatar = (email: string) =>
  `https://www.gravatar.com/avatar/${createHash('md5').update(email.trim().toLowerCase()).digest('hex')}?d=identicon`;

export const Agent = builder.prismaNode('Agent', {
  description: 'A staff member (DiamanteDesk "oro" user, Teamwork Desk agent).',
  select: { ...personColumns, role: true },
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
      select: { onboarding: true },
      resolve: (a) => a.onboarding as Record<string, unknown> | null,
    }),
    trainingWheelsEnrollment: t.field({
      type: 'JSONObject',
      ...details,
      description: "Teamwork Desk's training-wheels enrollment, kept as sent.",
      select: { trainingWheelsEnrollment: true },
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
  cache.appOwner ??= agents.appOwnerId(ctx.prisma);
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
