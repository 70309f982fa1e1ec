// The Ticket node: what a ticket shows, and to whom (watchers, updatedAt per viewer).
import { builder } from '../../builder.ts';
import { can, ticketUpdatedColumn, ticketVisibility } from '../../domain/permissions.ts';
import { RICH_TEXT_RULE } from '../../domain/rich-text.ts';
import { Branch } from '../branch.ts';
import { sharedConnection } from '../connection.ts';
import { Person } from '../person.ts';
import { TicketPriority, TicketSource, TicketStatus } from './enums.ts';

export const Ticket = builder.prismaNode('Ticket', {
  description: 'A support request in a branch.',
  // Select mode: a list loads the columns and relations its query asks for, not whole rows
  // (descriptions and every column of each person), which Prisma maps value by value.
  select: { id: true },
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
      select: (_args, _ctx, nested) => ({
        reporterAgent: nested(true, [], 'Agent'),
        reporterCustomer: nested(true, [], 'Customer'),
      }),
      resolve: (ticket) => ticket.reporterAgent ?? ticket.reporterCustomer,
    }),
    assignee: t.relation('assignee', { nullable: true, description: 'The agent responsible, if any.' }),
    watchers: t.field({
      type: [Person],
      description:
        'People notified of changes to the ticket. A watcher a customer added (by email or id) is listed to staff and to that watcher only, never to customers: adding someone must not tell a customer whether the email has an account.',
      select: (_args, _ctx, nested) => ({
        watchers: {
          select: { agent: nested(true, [], 'Agent'), customer: nested(true, [], 'Customer'), addedByCustomer: true },
          orderBy: { id: 'asc' },
        },
      }),
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
