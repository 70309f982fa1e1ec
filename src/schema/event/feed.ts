// Query.events: the change feed for integrations that sync, oldest first, resumable after any
// cursor. Staff only (and API keys of staff): it shows everything, private notes included.
import { builder } from '../../builder.ts';
import { eventPage } from '../../domain/events/read.ts';
import { can } from '../../domain/permissions.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { Agent } from '../agent/type.ts';
import { Attachment } from '../attachment.ts';
import { Comment } from '../comment.ts';
import { Customer } from '../customer/type.ts';
import { Ticket } from '../ticket/type.ts';
import { pageArgs, typesWhere } from './history.ts';
import { EventConnection, EventTypeEnum, eventConnection, eventWindow } from './type.ts';

const EventFilter = builder.inputType('EventFilter', {
  description: 'Narrows the change feed. All given conditions must hold.',
  fields: (t) => ({
    types: t.field({ type: [EventTypeEnum], description: 'Only events of these types.' }),
    subject: t.globalID({
      for: [Ticket, Comment, Attachment, Customer, Agent],
      description: 'Only events about this object (its id still works after it was deleted).',
    }),
    ticket: t.globalID({
      for: Ticket,
      description: 'Only events of this ticket and of its comments, files and watchers (also after it was deleted).',
    }),
  }),
});

function feedWhere(filter: typeof EventFilter.$inferInput | null | undefined): Prisma.EventWhereInput {
  if (!filter) return {};
  return {
    AND: [
      typesWhere(filter.types),
      filter.subject ? { subjectType: filter.subject.typename, subjectId: Number(filter.subject.id) } : {},
      filter.ticket ? { ticketId: Number(filter.ticket.id) } : {},
    ],
  };
}

builder.queryField('events', (t) =>
  t.field({
    type: EventConnection,
    // Nullable: a bad argument (cursor, id) or a caller who may not read it nulls this field alone.
    nullable: true,
    authScopes: (_root, _args, ctx) => can(ctx.viewer, 'event:readFeed'),
    description:
      'The change feed: every change as an event, oldest first, deletions as tombstones. Resume with `after:` the `cursor` (or `pageInfo.endCursor`) you read last: you get exactly the events committed after it, none skipped. Agents only.',
    args: {
      ...pageArgs(t, ['after', 'before']),
      filter: t.arg({ type: EventFilter, description: 'Narrows the feed.' }),
    },
    resolve: async (_root, args, ctx) => {
      const page = await eventPage(ctx.prisma, {
        where: feedWhere(args.filter),
        ...eventWindow(args),
        order: 'asc',
      });
      return eventConnection(page);
    },
  }),
);
