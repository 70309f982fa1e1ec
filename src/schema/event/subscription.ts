// Subscription.ticketEvents: ticket events as they are committed, over GraphQL over SSE (yoga
// serves `text/event-stream`). Each event is checked against the subscriber's permissions when it
// is delivered, not when they subscribed: a ticket they stopped watching, a private note, or a key
// revoked meanwhile delivers nothing.
import { GraphQLError } from 'graphql';
import type { YogaInitialContext } from 'graphql-yoga';
import { stillAuthenticated } from '../../auth/still-authenticated.ts';
import { builder } from '../../builder.ts';
import type { Context } from '../../context.ts';
import { eventReadable } from '../../domain/events/read.ts';
import { type EventRow, type EventType, TICKET_EVENT_TYPES } from '../../domain/events/types.ts';
import { ticketVisibility, viewerRef } from '../../domain/permissions.ts';
import { locateTicket } from '../../domain/tickets.ts';
import { Branch } from '../branch.ts';
import { Ticket } from '../ticket/type.ts';
import { Event, EventTypeEnum, enumName, forgetEventLoads } from './type.ts';

builder.subscriptionType({
  description:
    'Live changes, over GraphQL over SSE: POST the subscription to `/graphql` with `Accept: text/event-stream`.',
});

const TicketEventFilter = builder.inputType('TicketEventFilter', {
  description: 'Which ticket events to receive. All given conditions must hold.',
  fields: (t) => ({
    ticket: t.globalID({ for: Ticket, description: 'Only events of this ticket (and its comments, files, watchers).' }),
    branch: t.globalID({ for: Branch, description: 'Only events of tickets in this branch.' }),
    types: t.field({
      type: [EventTypeEnum],
      description: `Only these types; of ${TICKET_EVENT_TYPES.map(enumName).join(', ')}. Default: all of them.`,
    }),
  }),
});

/** How long a subscriber's credentials count as checked before they are read again. */
const RECHECK_MS = 10_000;

/** Asks again, at most every RECHECK_MS, whether the subscriber could still sign in. */
function credentialCheck(ctx: Context) {
  let checkedAt = Date.now();
  return async () => {
    if (Date.now() - checkedAt < RECHECK_MS) return true;
    checkedAt = Date.now();
    return stillAuthenticated(ctx.prisma, ctx.viewer);
  };
}

/**
 * The events of `source` the subscriber may receive, ending as soon as the client goes away. A
 * generator alone would not: its `return` waits for its next `yield`, which a quiet stream (or one
 * that only sees events it filters out) may never reach, and its slot among the person's
 * subscriptions and its place in the live stream would stay taken. Ending the source wakes the
 * generator instead. The request's abort is watched too: not every transport cancels the response
 * when the client hangs up (`yoga.fetch` does not), but every one aborts the request.
 */
function delivered(
  source: AsyncIterableIterator<EventRow>,
  ctx: Context,
  wanted: (event: EventRow) => boolean,
  signal: AbortSignal | undefined,
): AsyncIterableIterator<EventRow> {
  const release = async () => {
    signal?.removeEventListener('abort', hangUp);
    await source.return?.();
  };
  const hangUp = () => void release();
  signal?.addEventListener('abort', hangUp, { once: true });
  if (signal?.aborted) hangUp();

  const events = (async function* () {
    const signedIn = credentialCheck(ctx);
    try {
      for await (const event of source) {
        if (!wanted(event)) continue;
        if (!(await signedIn())) return;
        if (!(await eventReadable(ctx.prisma, ctx.viewer, event))) continue;
        // A subscription's context lives long: the ticket and people of each event are read afresh.
        forgetEventLoads(ctx);
        yield event;
      }
    } finally {
      await release();
    }
  })();
  const iterator: AsyncIterableIterator<EventRow> = {
    next: () => events.next(),
    async return() {
      await release();
      return events.return(undefined);
    },
    async throw(error) {
      await release();
      return events.throw(error);
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

builder.subscriptionField('ticketEvents', (t) =>
  t.field({
    type: Event,
    description:
      'Ticket events as they happen (creations, changes, moves, deletions, comments, files, watchers), each checked against your permissions when it is delivered: customers receive only events of tickets they may see, never private notes. Missed events (while disconnected) are in `Ticket.history` and, for staff, the `events` feed.',
    args: { filter: t.arg({ type: TicketEventFilter, description: 'Which events.' }) },
    subscribe: async (_root, { filter }, ctx) => {
      const types = (filter?.types ?? TICKET_EVENT_TYPES) as EventType[];
      const others = types.filter((type) => !TICKET_EVENT_TYPES.includes(type));
      if (others.length > 0) {
        throw new GraphQLError(`Not ticket events: ${others.map(enumName).join(', ')}.`, {
          extensions: { code: 'BAD_USER_INPUT', argument: 'filter.types' },
        });
      }
      const ticketId = filter?.ticket ? Number(filter.ticket.id) : null;
      if (
        ticketId !== null &&
        (await locateTicket(ctx.prisma, { id: ticketId }, ticketVisibility(ctx.viewer))) === null
      ) {
        throw new GraphQLError('Ticket not found.', { extensions: { code: 'NOT_FOUND', argument: 'filter.ticket' } });
      }
      const branchId = filter?.branch ? Number(filter.branch.id) : null;
      const { kind, id } = viewerRef(ctx.viewer);
      const source = await ctx.events.subscribe(`${kind}:${id}`);
      return delivered(
        source,
        ctx,
        (event) =>
          types.includes(event.type as EventType) &&
          (ticketId === null || event.ticketId === ticketId) &&
          (branchId === null || event.branchId === branchId),
        (ctx as Context & Partial<YogaInitialContext>).request?.signal,
      );
    },
    resolve: (event) => event,
  }),
);
