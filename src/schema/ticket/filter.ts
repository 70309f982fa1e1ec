// How ticket lists are narrowed and sorted, as Prisma clauses that add the viewer's visibility.
import { GraphQLError } from 'graphql';
import { builder } from '../../builder.ts';
import type { Context, Viewer } from '../../context.ts';
import { ticketUpdatedColumn, ticketVisibility } from '../../domain/permissions.ts';
import { containsText } from '../../domain/text-search.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { Agent } from '../agent/type.ts';
import { Branch } from '../branch.ts';
import { Customer } from '../customer/type.ts';
import { FILTER_TEXT_MAX, maxLength, SEARCH_TEXT_MAX, TAG_MAX } from '../input-limits.ts';
import { orderInput, timeRange } from '../ordering.ts';
import { TicketPriority, TicketSource, TicketStatus } from './enums.ts';
import { Ticket } from './type.ts';

export const TicketFilter = builder.inputType('TicketFilter', {
  description: 'Narrows a list of tickets. All given conditions must hold.',
  fields: (t) => ({
    branch: t.globalID({ for: Branch, description: 'Only tickets in this branch.' }),
    status: t.field({ type: [TicketStatus], description: 'Only tickets with one of these statuses.' }),
    priority: t.field({ type: [TicketPriority], description: 'Only tickets with one of these priorities.' }),
    source: t.field({ type: [TicketSource], description: 'Only tickets from one of these channels.' }),
    assignee: t.globalID({ for: Agent, description: 'Only tickets assigned to this agent.' }),
    unassigned: t.boolean({ description: 'true: only tickets without an assignee.' }),
    reporter: t.globalID({ for: [Agent, Customer], description: 'Only tickets reported by this person.' }),
    tag: t.string({
      ...maxLength(TAG_MAX),
      description: `Only tickets with this tag (at most ${TAG_MAX} characters).`,
    }),
    spam: t.boolean({ description: 'Only spam (true) or only non-spam (false) tickets.' }),
    createdAfter: t.field({ type: 'DateTime', description: 'Created at or after this time.' }),
    createdBefore: t.field({ type: 'DateTime', description: 'Created strictly before this time.' }),
    updatedAfter: t.field({ type: 'DateTime', description: 'Updated at or after this time.' }),
    updatedBefore: t.field({ type: 'DateTime', description: 'Updated strictly before this time.' }),
    text: t.string({
      ...maxLength(SEARCH_TEXT_MAX),
      description: `Substring of the key, subject or description, case-insensitive (at most ${SEARCH_TEXT_MAX} characters).`,
    }),
    ids: t.globalIDList({ for: Ticket, description: 'Only these tickets.' }),
    key: t.string({ ...maxLength(FILTER_TEXT_MAX), description: 'Substring of the key, case-insensitive.' }),
    subject: t.string({ ...maxLength(FILTER_TEXT_MAX), description: 'Substring of the subject, case-insensitive.' }),
    description: t.string({
      ...maxLength(FILTER_TEXT_MAX),
      description: 'Substring of the description, case-insensitive.',
    }),
    uniqueId: t.string({ ...maxLength(FILTER_TEXT_MAX), description: 'Substring of the unique id, case-insensitive.' }),
  }),
});

export const ticketOrder = orderInput(
  'TicketOrder',
  'Sort order of a ticket list. Ties are broken by creation order.',
  {
    CREATED_AT: { column: 'createdAt', description: 'Creation time.' },
    UPDATED_AT: { column: 'updatedAt', description: 'Last change.' },
    PRIORITY: { column: 'priority', description: 'Priority (LOW < MEDIUM < HIGH).' },
    STATUS: { column: 'status', description: 'Status, in the enum order.' },
    SUBJECT: { column: 'subject', description: 'Subject, alphabetically.' },
    KEY: { column: 'key', description: 'Key, alphabetically.' },
    DESCRIPTION: { column: 'description', description: 'Description, alphabetically.' },
    SOURCE: { column: 'source', description: 'Source, in the enum order.' },
    BRANCH: { column: 'branchId', description: 'Branch, in creation order.' },
    ASSIGNEE: { column: 'assigneeId', description: 'Assignee, in creation order; unassigned last (ascending).' },
    REPORTER: {
      column: 'reporterAgentId',
      columns: ['reporterAgentId', 'reporterCustomerId'],
      description: 'Reporter: tickets reported by agents (in agent creation order), then by customers.',
    },
    UNIQUE_ID: { column: 'uniqueId', description: 'Unique id, alphabetically.' },
  },
  { field: 'CREATED_AT', direction: 'DESC' },
);

export type TicketFilterValue = typeof TicketFilter.$inferInput;

export function ticketWhere(filter: TicketFilterValue | null | undefined, viewer: Viewer): Prisma.TicketWhereInput {
  if (!filter) return {};
  const and: Prisma.TicketWhereInput[] = [];
  if (filter.branch) and.push({ branchId: Number(filter.branch.id) });
  if (filter.status?.length) and.push({ status: { in: filter.status } });
  if (filter.priority?.length) and.push({ priority: { in: filter.priority } });
  if (filter.source?.length) and.push({ source: { in: filter.source } });
  if (filter.assignee) and.push({ assigneeId: Number(filter.assignee.id) });
  if (filter.unassigned != null) and.push({ assigneeId: filter.unassigned ? null : { not: null } });
  if (filter.reporter) {
    and.push(
      filter.reporter.typename === 'Agent'
        ? { reporterAgentId: Number(filter.reporter.id) }
        : { reporterCustomerId: Number(filter.reporter.id) },
    );
  }
  if (filter.tag) and.push({ tags: { has: filter.tag.trim() } });
  if (filter.spam != null) and.push({ spam: filter.spam });
  const created = timeRange(filter.createdAfter, filter.createdBefore);
  if (created) and.push({ createdAt: created });
  const updated = timeRange(filter.updatedAfter, filter.updatedBefore);
  if (updated) and.push({ [ticketUpdatedColumn(viewer)]: updated });
  if (filter.text?.trim()) and.push(textWhere(filter.text.trim()));
  if (filter.ids) and.push({ id: { in: filter.ids.map((id) => Number(id.id)) } });
  for (const column of ['key', 'subject', 'description', 'uniqueId'] as const) {
    const value = filter[column]?.trim();
    if (value) and.push({ [column]: containsText(value) });
  }
  return and.length ? { AND: and } : {};
}

function textWhere(text: string): Prisma.TicketWhereInput {
  return {
    OR: [{ key: containsText(text) }, { subject: containsText(text) }, { description: containsText(text) }],
  };
}

export function searchWhere(query: string): Prisma.TicketWhereInput {
  const text = query.trim();
  if (!text) {
    throw new GraphQLError('Argument "query" of "searchTickets" must contain at least 1 character.', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return textWhere(text);
}

export const ticketOrderBy = (order: Parameters<typeof ticketOrder.toPrisma>[0], viewer: Viewer) =>
  (ticketOrder.toPrisma(order) as Prisma.TicketOrderByWithRelationInput[]).map((term) =>
    'updatedAt' in term ? { [ticketUpdatedColumn(viewer)]: term.updatedAt } : term,
  );

export const visibleTickets = (ctx: Context, where: Prisma.TicketWhereInput): Prisma.TicketWhereInput => ({
  AND: [where, ticketVisibility(ctx.viewer)],
});

/** `filter` and `orderBy` of the nested ticket lists, as on `Query.tickets`. */
export const nestedTicketArgs = (t: { arg: ArgBuilder }) => ({
  filter: t.arg({ type: TicketFilter, description: 'Narrows the list.' }),
  orderBy: t.arg({ type: ticketOrder.Input, description: 'Sort order; default newest first.' }),
});
type ArgBuilder = Parameters<Parameters<typeof builder.queryFields>[0]>[0]['arg'];
type NestedTicketArgs = { filter?: TicketFilterValue | null; orderBy?: Parameters<typeof ticketOrderBy>[0] };

/** A nested list's query: what the viewer may see, narrowed and sorted as asked, newest first by default. */
export const nestedTicketQuery = (args: NestedTicketArgs, ctx: Context) => ({
  where: visibleTickets(ctx, ticketWhere(args.filter, ctx.viewer)),
  orderBy: ticketOrderBy(args.orderBy, ctx.viewer),
});
