// Ticket.history and Customer.history: what happened to one object, newest first, filtered by the
// same policy as reads (customers: no private notes, nothing about comments made private since, no
// fields only staff see, nobody else's).
import { builder, DEFAULT_PAGE_SIZE } from '../../builder.ts';
import { commentEventsVisibility } from '../../domain/events/comment-events.ts';
import { eventPage } from '../../domain/events/read.ts';
import type { EventType } from '../../domain/events/types.ts';
import { can, eventVisibilityOnVisibleSubject } from '../../domain/permissions.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { Customer } from '../customer/type.ts';
import { KEY_MAX, maxLength } from '../input-limits.ts';
import { Ticket } from '../ticket/type.ts';
import { EventConnection, EventTypeEnum, emptyEventConnection, eventConnection, eventWindow } from './type.ts';

type ArgBuilder = Parameters<Parameters<typeof builder.queryFields>[0]>[0]['arg'];

export const pageArgs = (t: { arg: ArgBuilder }, [later, earlier]: [string, string]) => ({
  first: t.arg.int({ description: `The first n events of the window (default ${DEFAULT_PAGE_SIZE}, at most 100).` }),
  after: t.arg.string({
    ...maxLength(KEY_MAX),
    description: `Only events ${later} this cursor (an event's \`cursor\`).`,
  }),
  last: t.arg.int({ description: 'The last n events of the window (at most 100).' }),
  before: t.arg.string({ ...maxLength(KEY_MAX), description: `Only events ${earlier} this cursor.` }),
});

export const typesWhere = (types: readonly EventType[] | null | undefined): Prisma.EventWhereInput =>
  types?.length ? { type: { in: [...types] } } : {};

const historyArgs = (t: { arg: ArgBuilder }) => ({
  ...pageArgs(t, ['older than', 'newer than']),
  types: t.arg({ type: [EventTypeEnum], description: 'Only events of these types.' }),
});

builder.prismaObjectField(Ticket, 'history', (t) =>
  t.field({
    type: EventConnection,
    select: { id: true },
    description:
      'What happened to the ticket and its comments, files and watchers, newest first: who changed what from what to what. Customers see only what they may see: no private notes, no files on them, no watchers hidden from them.',
    args: historyArgs(t),
    resolve: async (ticket, args, ctx) => {
      const page = await eventPage(ctx.prisma, {
        where: {
          AND: [
            { ticketId: ticket.id },
            typesWhere(args.types),
            eventVisibilityOnVisibleSubject(ctx.viewer),
            await commentEventsVisibility(ctx.prisma, ctx.viewer, ticket.id),
          ],
        },
        ...eventWindow(args),
        order: 'desc',
      });
      return eventConnection(page);
    },
  }),
);

builder.prismaObjectField(Customer, 'history', (t) =>
  t.field({
    type: EventConnection,
    select: { id: true },
    description:
      'What happened to this customer profile, newest first. A customer sees the history of their own profile without the fields only staff see; other customers see it empty.',
    args: historyArgs(t),
    resolve: async (customer, args, ctx) => {
      if (!can(ctx.viewer, 'person:readDetails', { kind: 'customer', id: customer.id })) return emptyEventConnection();
      const page = await eventPage(ctx.prisma, {
        where: {
          AND: [{ customerId: customer.id }, typesWhere(args.types), eventVisibilityOnVisibleSubject(ctx.viewer)],
        },
        ...eventWindow(args),
        order: 'desc',
      });
      return eventConnection(page);
    },
  }),
);
