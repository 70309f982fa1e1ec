// Query.ticket, Query.tickets and Query.searchTickets.
import { builder } from '../../builder.ts';
import { ticketVisibility } from '../../domain/permissions.ts';
import * as tickets from '../../domain/tickets.ts';
import { countOf } from '../connection.ts';
import { KEY_MAX, maxLength, SEARCH_TEXT_MAX } from '../input-limits.ts';
import { deprecatedLookup, locatorOf } from '../locator.ts';
import { findPage, offsetArgDescription } from '../ordering.ts';
import { searchWhere, TicketFilter, ticketOrder, ticketOrderBy, ticketWhere, visibleTickets } from './filter.ts';
import { TicketLocator } from './locators.ts';
import { Ticket, TicketConnection } from './type.ts';

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
        countOf(ctx, 'ticket', visibleTickets(ctx, ticketWhere(args.filter, ctx.viewer))),
      resolve: (query, _root, args, ctx) =>
        findPage(
          ctx.prisma.ticket,
          'Ticket',
          query,
          visibleTickets(ctx, ticketWhere(args.filter, ctx.viewer)),
          ticketOrderBy(args.orderBy, ctx.viewer),
          args.offset,
          ctx.reads,
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
      totalCount: (_root, args, ctx) => countOf(ctx, 'ticket', visibleTickets(ctx, searchWhere(args.query))),
      resolve: (query, _root, args, ctx) =>
        findPage(
          ctx.prisma.ticket,
          'Ticket',
          query,
          visibleTickets(ctx, searchWhere(args.query)),
          [{ createdAt: 'desc' }, { id: 'desc' }],
          args.offset,
          ctx.reads,
        ),
    },
    TicketConnection,
  ),
}));
