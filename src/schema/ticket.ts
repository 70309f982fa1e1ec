import { GraphQLError } from 'graphql';
import { builder } from '../builder.ts';
import type { Context, Viewer } from '../context.ts';
import type { PersonRef } from '../domain/people.ts';
import { assertCan, can, ticketUpdatedColumn, ticketVisibility, viewerRef } from '../domain/permissions.ts';
import { RICH_TEXT_RULE } from '../domain/rich-text.ts';
import { containsText } from '../domain/text-search.ts';
import * as tickets from '../domain/tickets.ts';
import type { WatcherTarget } from '../domain/watchers.ts';
import * as watchers from '../domain/watchers.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { Agent } from './agent.ts';
import { Branch } from './branch.ts';
import { sharedConnection } from './connection.ts';
import { Customer } from './customer.ts';
import { Base64FileInput, FileScalar, incomingFiles } from './files.ts';
import { FILTER_TEXT_MAX, KEY_MAX, maxItems, maxLength, SEARCH_TEXT_MAX, TAG_MAX } from './input-limits.ts';
import { deprecatedLookup, locatorOf } from './locator.ts';
import { findPage, offsetArgDescription, orderInput, timeRange } from './ordering.ts';
import { deletePayload, objectPayload } from './payload.ts';
import { Person, personRef } from './person.ts';
import { asPayload, onlyFor } from './user-errors.ts';

export const TicketStatus = builder.enumType('TicketStatus', {
  description: 'Where a ticket is in its life.',
  values: {
    NEW: { description: 'Just created, nobody has looked at it.' },
    OPEN: { description: 'Being looked at.' },
    PENDING: { description: 'Waiting for the customer.' },
    IN_PROGRESS: { description: 'Being worked on.' },
    CLOSED: { description: 'Done.' },
    ON_HOLD: { description: 'Parked.' },
  } as const,
});

export const TicketPriority = builder.enumType('TicketPriority', {
  description: 'How urgent a ticket is.',
  values: {
    LOW: { description: 'Low.' },
    MEDIUM: { description: 'Medium (default).' },
    HIGH: { description: 'High.' },
  } as const,
});

export const TicketSource = builder.enumType('TicketSource', {
  description: 'The channel a ticket came from.',
  values: {
    WEB: { description: 'Web form or portal (default).' },
    EMAIL: { description: 'Email.' },
    PHONE: { description: 'Phone call.' },
    CHAT: { description: 'Website chat widget.' },
    TELEGRAM: { description: 'Telegram.' },
    WHATSAPP: { description: 'WhatsApp.' },
    FACEBOOK: { description: 'Facebook Messenger.' },
    TWITTER: { description: 'Twitter / X.' },
    VIBER: { description: 'Viber.' },
    VK: { description: 'VK.' },
    API: { description: 'Created by an integration through the API.' },
    OTHER: { description: 'Any other channel.' },
  } as const,
});

export const Ticket = builder.prismaNode('Ticket', {
  description: 'A support request in a branch.',
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id: Number(id), AND: [ticketVisibility(ctx.viewer)] }),
  // A well-formed id of a missing row is null from node(id:), not an error.
  nullable: true,
  fields: (t) => ({
    internalId: t.exposeInt('id', { description: 'Database id, as the REST API shows it.' }),
    key: t.exposeString('key', {
      description: 'Branch key and number, for example `SUP-12`. Changes when the ticket moves.',
    }),
    number: t.exposeInt('number', { description: 'Number within its branch.' }),
    uniqueId: t.exposeString('uniqueId', { description: '32 hex characters, unique and never changing.' }),
    subject: t.exposeString('subject', { description: 'One-line summary.' }),
    description: t.exposeString('description', { description: `The request in full. ${RICH_TEXT_RULE}` }),
    status: t.expose('status', { type: TicketStatus, description: 'Life-cycle status.' }),
    priority: t.expose('priority', { type: TicketPriority, description: 'Urgency.' }),
    source: t.expose('source', { type: TicketSource, description: 'Channel the ticket came from.' }),
    tags: t.exposeStringList('tags', { description: 'Tags.' }),
    spam: t.exposeBoolean('spam', { description: 'Raised by a blocked customer.' }),
    branch: t.relation('branch', { description: 'The branch the ticket is in.' }),
    reporter: t.field({
      type: Person,
      nullable: true,
      description: 'Who raised the ticket.',
      select: { reporterAgent: true, reporterCustomer: true },
      resolve: (ticket) => ticket.reporterAgent ?? ticket.reporterCustomer,
    }),
    assignee: t.relation('assignee', { nullable: true, description: 'The agent responsible, if any.' }),
    watchers: t.field({
      type: [Person],
      description:
        'People notified of changes to the ticket. A watcher a customer added (by email or id) is listed to staff and to that watcher only, never to customers: adding someone must not tell a customer whether the email has an account.',
      select: { watchers: { select: { agent: true, customer: true, addedByCustomer: true }, orderBy: { id: 'asc' } } },
      resolve: (ticket, _args, ctx) =>
        ticket.watchers
          .filter((w) =>
            can(ctx.viewer, 'watcher:read', {
              addedByCustomer: w.addedByCustomer,
              customerId: w.customer?.id ?? null,
            }),
          )
          .map((w) => (w.agent ?? w.customer)!)
          .filter(Boolean),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the ticket was created.' }),
    updatedAt: t.field({
      type: 'DateTime',
      description:
        'When the ticket, its comments or its files last changed. Customers see the last change visible to them: private notes (and files on them) do not move it.',
      select: { updatedAt: true, publicUpdatedAt: true },
      resolve: (ticket, _args, ctx) =>
        ticketUpdatedColumn(ctx.viewer) === 'updatedAt' ? ticket.updatedAt : ticket.publicUpdatedAt,
    }),
  }),
});

builder.prismaObjectField(Branch, 'defaultAssignee', (t) =>
  t.relation('defaultAssignee', {
    nullable: true,
    description: 'Agent new tickets are assigned to when none is given.',
  }),
);
export const { connection: TicketConnection, edge: TicketEdge } = sharedConnection(Ticket, 'Ticket', 'tickets');

const TicketFilter = builder.inputType('TicketFilter', {
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

const ticketOrder = orderInput(
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

type TicketFilterValue = typeof TicketFilter.$inferInput;

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

function searchWhere(query: string): Prisma.TicketWhereInput {
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

const visibleTickets = (ctx: Context, where: Prisma.TicketWhereInput): Prisma.TicketWhereInput => ({
  AND: [where, ticketVisibility(ctx.viewer)],
});

/** `filter` and `orderBy` of the nested ticket lists, as on `Query.tickets`. */
const nestedTicketArgs = (t: { arg: ArgBuilder }) => ({
  filter: t.arg({ type: TicketFilter, description: 'Narrows the list.' }),
  orderBy: t.arg({ type: ticketOrder.Input, description: 'Sort order; default newest first.' }),
});
type ArgBuilder = Parameters<Parameters<typeof builder.queryFields>[0]>[0]['arg'];
type NestedTicketArgs = { filter?: TicketFilterValue | null; orderBy?: Parameters<typeof ticketOrderBy>[0] };

/** A nested list's query: what the viewer may see, narrowed and sorted as asked, newest first by default. */
const nestedTicketQuery = (args: NestedTicketArgs, ctx: Context) => ({
  where: visibleTickets(ctx, ticketWhere(args.filter, ctx.viewer)),
  orderBy: ticketOrderBy(args.orderBy, ctx.viewer),
});

builder.prismaObjectField(Branch, 'tickets', (t) =>
  t.relatedConnection(
    'tickets',
    {
      cursor: 'id',
      totalCount: true,
      description: 'Tickets in the branch that you may see, newest first unless `orderBy` says otherwise.',
      args: nestedTicketArgs(t),
      query: nestedTicketQuery,
    },
    TicketConnection,
  ),
);

builder.prismaObjectField(Agent, 'tickets', (t) =>
  t.relatedConnection(
    'assignedTickets',
    {
      cursor: 'id',
      totalCount: true,
      description: 'Tickets assigned to the agent (those you may see), newest first unless `orderBy` says otherwise.',
      args: nestedTicketArgs(t),
      query: nestedTicketQuery,
    },
    TicketConnection,
  ),
);

/** The customer's own tickets, or with includeLinked those of its whole profile group (a join, not a lookup first). */
function reporterWhere(
  c: { id: number; linkGroup: string | null },
  includeLinked: boolean | null | undefined,
): Prisma.TicketWhereInput {
  if (!includeLinked || !c.linkGroup) return { reporterCustomerId: c.id };
  return { reporterCustomer: { linkGroup: c.linkGroup } };
}

builder.prismaObjectField(Customer, 'tickets', (t) =>
  t.prismaConnection(
    {
      type: 'Ticket',
      cursor: 'id',
      description:
        'Tickets this customer reported (with includeLinked, those of all linked profiles) that you may see, newest first unless `orderBy` says otherwise. Empty for other customers when you are a customer.',
      args: {
        includeLinked: t.arg.boolean({ description: 'Include the tickets of linked profiles.' }),
        ...nestedTicketArgs(t),
      },
      resolve: (query, c, args, ctx) => {
        // Customers see other customers as a name only (src/schema/person.ts), their lists as empty.
        if (!can(ctx.viewer, 'person:readDetails', { kind: 'customer', id: c.id })) return [];
        const { where, orderBy } = nestedTicketQuery(args, ctx);
        return ctx.prisma.ticket.findMany({
          ...query,
          where: { AND: [reporterWhere(c, args.includeLinked), where] },
          orderBy,
        });
      },
      totalCount: (c, args, ctx) => {
        if (!can(ctx.viewer, 'person:readDetails', { kind: 'customer', id: c.id })) return 0;
        const { where } = nestedTicketQuery(args, ctx);
        return ctx.prisma.ticket.count({ where: { AND: [reporterWhere(c, args.includeLinked), where] } });
      },
    },
    TicketConnection,
  ),
);

builder.queryFields((t) => ({
  ticket: t.prismaField({
    type: 'Ticket',
    nullable: true,
    description:
      'One ticket, by `by: {id}` or `by: {key}` (keys it had before a move still work); null when none you may see.',
    args: {
      by: t.arg({ type: TicketLocator, description: 'The ticket, by global id or key.' }),
      id: t.arg.globalID({ for: Ticket, ...deprecatedLookup('id'), description: 'Global id of the ticket.' }),
      key: t.arg.string({
        ...maxLength(KEY_MAX),
        ...deprecatedLookup('key'),
        description: 'Ticket key such as `SUP-12`, case-insensitive.',
      }),
    },
    resolve: async (query, _root, args, ctx) => {
      const by = locatorOf('ticket', args, ['id', 'key']);
      const id = await tickets.locateTicket(
        ctx.prisma,
        by.id ? { id: Number(by.id.id) } : { key: by.key! },
        ticketVisibility(ctx.viewer),
      );
      return id === null ? null : ctx.prisma.ticket.findUnique({ ...query, where: { id } });
    },
  }),
  tickets: t.prismaConnection(
    {
      type: 'Ticket',
      // Nullable: a bad argument (cursor, id) nulls this field alone, not the whole response.
      nullable: true,
      cursor: 'id',
      description: 'Tickets, newest first unless `orderBy` says otherwise.',
      args: {
        filter: t.arg({ type: TicketFilter, description: 'Narrows the list.' }),
        orderBy: t.arg({ type: ticketOrder.Input, description: 'Sort order; default newest first.' }),
        offset: t.arg.int({ description: offsetArgDescription }),
      },
      totalCount: (_root, args, ctx) =>
        ctx.prisma.ticket.count({ where: visibleTickets(ctx, ticketWhere(args.filter, ctx.viewer)) }),
      resolve: (query, _root, args, ctx) =>
        findPage(
          ctx.prisma.ticket,
          query,
          visibleTickets(ctx, ticketWhere(args.filter, ctx.viewer)),
          ticketOrderBy(args.orderBy, ctx.viewer),
          args.offset,
        ),
    },
    TicketConnection,
  ),
  searchTickets: t.prismaConnection(
    {
      type: 'Ticket',
      // Nullable: a bad argument (cursor, id) nulls this field alone, not the whole response.
      nullable: true,
      cursor: 'id',
      description: 'Tickets whose key, subject or description contains the query (case-insensitive), newest first.',
      args: {
        query: t.arg.string({
          required: true,
          ...maxLength(SEARCH_TEXT_MAX),
          description: `Text to look for; 1 to ${SEARCH_TEXT_MAX} characters.`,
        }),
        offset: t.arg.int({ description: offsetArgDescription }),
      },
      totalCount: (_root, args, ctx) =>
        ctx.prisma.ticket.count({ where: visibleTickets(ctx, searchWhere(args.query)) }),
      resolve: (query, _root, args, ctx) =>
        findPage(
          ctx.prisma.ticket,
          query,
          visibleTickets(ctx, searchWhere(args.query)),
          [{ createdAt: 'desc' }, { id: 'desc' }],
          args.offset,
        ),
    },
    TicketConnection,
  ),
}));

export const TicketLocator = builder.inputType('TicketLocator', {
  description: 'Finds a ticket by global `id` or by `key`. Give exactly one.',
  isOneOf: true,
  fields: (t) => ({
    id: t.globalID({ for: Ticket, description: 'Global id of the ticket.' }),
    key: t.string({
      ...maxLength(KEY_MAX),
      description: 'Ticket key such as `SUP-12` (earlier keys of a moved ticket work too).',
    }),
  }),
});

/** Resolves a TicketLocator input to a ticket the caller may see, or a NOT_FOUND user error. */
export function locate(ctx: Context, locator: typeof TicketLocator.$inferInput, field = ['ticket']) {
  return tickets.requireTicket(
    ctx.prisma,
    locator.id ? { id: Number(locator.id.id) } : { key: locator.key ?? '' },
    ticketVisibility(ctx.viewer),
    field,
  );
}

/** The person a write is attributed to: the one named in the input, or else the caller. */
export function actingPerson(ctx: Context, given: { typename: string; id: string } | null | undefined): PersonRef {
  return given ? personRef(given) : viewerRef(ctx.viewer);
}

const CreateTicketInput = builder.inputType('CreateTicketInput', {
  description: 'A new ticket. Its key is the branch key plus the next number of that branch.',
  fields: (t) => ({
    branch: t.globalID({ for: Branch, required: true, description: 'Branch to create it in.' }),
    subject: t.string({ required: true, description: 'One-line summary, no control characters, at most 255.' }),
    description: t.string({
      required: true,
      description: `The request in full; not blank once sanitised. ${RICH_TEXT_RULE}`,
    }),
    status: t.field({ type: TicketStatus, description: 'Default NEW.' }),
    priority: t.field({ type: TicketPriority, description: 'Default MEDIUM.' }),
    source: t.field({ type: TicketSource, description: 'Default WEB.' }),
    tags: t.stringList({ description: 'Tags.' }),
    reporter: t.globalID({ for: [Agent, Customer], description: 'Agent or customer who raised it; default: you.' }),
    assignee: t.globalID({ for: Agent, description: "Responsible agent; default: the branch's default assignee." }),
    files: t.field({
      type: [FileScalar],
      ...maxItems(null),
      description: 'Files to attach (GraphQL multipart request).',
    }),
    attachments: t.field({
      type: [Base64FileInput],
      ...maxItems(null),
      description: 'Files to attach, base64-encoded.',
    }),
  }),
});

const UpdateTicketInput = builder.inputType('UpdateTicketInput', {
  description: 'Changes to a ticket; absent fields stay as they are.',
  fields: (t) => ({
    ticket: t.field({ type: TicketLocator, required: true, description: 'The ticket to change.' }),
    subject: t.string({ description: 'One-line summary, no control characters, at most 255.' }),
    description: t.string({ description: `The request in full; not blank once sanitised. ${RICH_TEXT_RULE}` }),
    status: t.field({ type: TicketStatus, description: 'New status.' }),
    priority: t.field({ type: TicketPriority, description: 'New priority.' }),
    source: t.field({ type: TicketSource, description: 'New source.' }),
    tags: t.stringList({ description: 'Replaces the tags.' }),
    reporter: t.globalID({ for: [Agent, Customer], description: 'New reporter.' }),
    assignee: t.globalID({ for: Agent, description: 'New assignee; null unassigns.' }),
  }),
});

const DeleteTicketInput = builder.inputType('DeleteTicketInput', {
  description: 'The ticket to delete, with its comments, watchers and attachments.',
  fields: (t) => ({ ticket: t.field({ type: TicketLocator, required: true, description: 'The ticket to delete.' }) }),
});

const MoveTicketInput = builder.inputType('MoveTicketInput', {
  description: 'Moves a ticket to another branch. It gets a key there; its old key keeps resolving.',
  fields: (t) => ({
    ticket: t.field({ type: TicketLocator, required: true, description: 'The ticket to move.' }),
    branch: t.globalID({ for: Branch, required: true, description: 'The branch to move it to.' }),
  }),
});

const watcherFields = (t: InputFieldBuilder) => ({
  ticket: t.field({ type: TicketLocator, required: true, description: 'The ticket.' }),
  watcher: t.globalID({ for: [Agent, Customer], description: 'The agent or customer; default: you.' }),
  watcherEmail: t.field({
    type: 'EmailAddress',
    description:
      'The watcher by email instead of id (agents first, then customers), as the DiamanteDesk portal does. For customers the answer is the same whether or not anyone has that email.',
  }),
});
type InputFieldBuilder = Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0];

const AddWatcherInput = builder.inputType('AddWatcherInput', {
  description: 'A ticket and the person to add to its watchers.',
  fields: watcherFields,
});
const RemoveWatcherInput = builder.inputType('RemoveWatcherInput', {
  description: 'A ticket and the person to remove from its watchers.',
  fields: watcherFields,
});

const CreateTicketPayload = objectPayload(
  'CreateTicketPayload',
  'ticket',
  'Ticket',
  'Result of `createTicket`.',
  TicketEdge,
);
const UpdateTicketPayload = objectPayload('UpdateTicketPayload', 'ticket', 'Ticket', 'Result of `updateTicket`.');
const MoveTicketPayload = objectPayload('MoveTicketPayload', 'ticket', 'Ticket', 'Result of `moveTicket`.');
const DeleteTicketPayload = deletePayload('DeleteTicketPayload', 'Ticket', 'Result of `deleteTicket`.');
const AddWatcherPayload = objectPayload('AddWatcherPayload', 'ticket', 'Ticket', 'Result of `addWatcher`.');
const RemoveWatcherPayload = objectPayload('RemoveWatcherPayload', 'ticket', 'Ticket', 'Result of `removeWatcher`.');

function ticketInput(input: {
  files?: unknown;
  attachments?: unknown;
  subject?: string | null;
  description?: string | null;
  status?: tickets.TicketInput['status'];
  priority?: tickets.TicketInput['priority'];
  source?: tickets.TicketInput['source'];
  tags?: string[] | null;
  reporter?: { typename: string; id: string } | null;
  assignee?: { typename: string; id: string } | null;
}): tickets.TicketInput {
  const { files: _files, attachments: _attachments, ...fields } = input;
  return {
    ...fields,
    reporter: input.reporter ? personRef(input.reporter) : undefined,
    assigneeId: input.assignee === undefined ? undefined : input.assignee === null ? null : Number(input.assignee.id),
  };
}

/** The watcher an input names: by email, or by id, or else the caller. */
const watcherTarget = (
  ctx: Context,
  input: { watcher?: { typename: string; id: string } | null; watcherEmail?: string | null },
): WatcherTarget => ({ person: actingPerson(ctx, input.watcher), email: input.watcherEmail });

builder.mutationFields((t) => ({
  createTicket: t.field({
    type: CreateTicketPayload,
    description: 'Creates a ticket. Customers create their own tickets and cannot set assignee or status.',
    args: { input: t.arg({ type: CreateTicketInput, required: true, description: 'The new ticket.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(async () => {
        const fields = ticketInput(input);
        assertCan(ctx.viewer, 'ticket:create', fields);
        // Files are read and checked first: refused files leave no ticket behind.
        const files = input.files || input.attachments ? await incomingFiles(ctx, input.files, input.attachments) : [];
        // The files' blobs are written before the ticket and its attachment rows commit together.
        return tickets.createTicket(
          ctx.prisma,
          Number(input.branch.id),
          { ...fields, reporter: actingPerson(ctx, input.reporter) },
          { store: ctx.files.store, files },
          ctx.now,
        );
      }),
  }),
  updateTicket: t.field({
    type: UpdateTicketPayload,
    ...onlyFor('staff', 'Only agents change tickets.'),
    description: 'Changes a ticket, found by id or key. Agents only.',
    args: { input: t.arg({ type: UpdateTicketInput, required: true, description: 'The ticket and its changes.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(async () =>
        tickets.updateTicket(ctx.prisma, await locate(ctx, input.ticket), ticketInput(input), ctx.now),
      ),
  }),
  deleteTicket: t.field({
    type: DeleteTicketPayload,
    ...onlyFor('admin', 'Only admins delete tickets.'),
    description: 'Deletes a ticket with its comments, watchers and attachments, permanently. Admins only.',
    args: { input: t.arg({ type: DeleteTicketInput, required: true, description: 'The ticket to delete.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(async () => tickets.deleteTicket(ctx.prisma, ctx.files.store, await locate(ctx, input.ticket))),
  }),
  moveTicket: t.field({
    type: MoveTicketPayload,
    ...onlyFor('staff', 'Only agents move tickets.'),
    description:
      'Moves a ticket to another branch; it gets a new key and its old key keeps resolving. Agents only. Concurrent moves of one ticket happen one after the other; a move asked with an out-of-date view (the ticket was moved meanwhile into that branch, or is addressed by a key it no longer has and already sits there) gets a CONFLICT user error.',
    args: { input: t.arg({ type: MoveTicketInput, required: true, description: 'The ticket and its new branch.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(async () =>
        tickets.moveTicket(
          ctx.prisma,
          await locate(ctx, input.ticket),
          Number(input.branch.id),
          input.ticket.key?.trim().toUpperCase(),
          ctx.now,
        ),
      ),
  }),
  addWatcher: t.field({
    type: AddWatcherPayload,
    description:
      'Adds a watcher to a ticket; adding one who already watches changes nothing. Customers may add watchers to tickets they reported; ' +
      'to a customer the answer is the same whether or not the email or id belongs to an active person (nobody is added if not), ' +
      'and the people a customer adds are not listed back to customers (only staff and the watcher see them).',
    args: { input: t.arg({ type: AddWatcherInput, required: true, description: 'Ticket and watcher.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(async () =>
        watchers.addWatcher(ctx.prisma, ctx.viewer, await locate(ctx, input.ticket), watcherTarget(ctx, input)),
      ),
  }),
  removeWatcher: t.field({
    type: RemoveWatcherPayload,
    description:
      'Removes a watcher from a ticket. Customers may remove themselves, or anyone from tickets they reported; to a customer the answer does not say whether that person watched (or exists).',
    args: { input: t.arg({ type: RemoveWatcherInput, required: true, description: 'Ticket and watcher.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(async () =>
        watchers.removeWatcher(ctx.prisma, ctx.viewer, await locate(ctx, input.ticket), watcherTarget(ctx, input)),
      ),
  }),
}));
