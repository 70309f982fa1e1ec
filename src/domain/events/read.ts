// Reading the event log: the change feed (oldest first, resumable after any cursor), the histories
// of a ticket or a customer (newest first), and single events. Who may see what is the policy's
// (src/domain/permissions.ts); callers pass its clauses in `where`.
import type { Viewer } from '../../context.ts';
import type { Prisma, PrismaClient } from '../../generated/prisma/client.ts';
import { DomainError } from '../errors.ts';
import { canSeeEvent, ticketVisibility } from '../permissions.ts';
import { commentEventCondition } from './comment-events.ts';
import type { EventRow } from './types.ts';

export interface EventPageQuery {
  where: Prisma.EventWhereInput;
  /** `asc` for the feed (resume after the last one read), `desc` for histories. */
  order: 'asc' | 'desc';
  /** Relay's window: the events after / before these cursors (event ids), in `order`. */
  after?: bigint | null;
  before?: bigint | null;
  /** The first or the last n of the window; `first` by default. */
  first?: number | null;
  last?: number | null;
}

const DEFAULT_PAGE = 20;

export async function eventPage(prisma: PrismaClient, query: EventPageQuery) {
  if (query.first != null && query.last != null)
    throw DomainError.of('INVALID', 'Give `first` or `last`, not both.', ['last']);
  const later = query.order === 'asc' ? 'gt' : 'lt';
  const earlier = query.order === 'asc' ? 'lt' : 'gt';
  const window: Prisma.EventWhereInput[] = [
    query.where,
    query.after != null ? { id: { [later]: query.after } } : {},
    query.before != null ? { id: { [earlier]: query.before } } : {},
  ];
  const fromEnd = query.last != null;
  const size = (fromEnd ? query.last : query.first) ?? DEFAULT_PAGE;
  const reverse = query.order === 'asc' ? 'desc' : 'asc';
  const rows: EventRow[] = await prisma.event.findMany({
    where: { AND: window },
    orderBy: { id: fromEnd ? reverse : query.order },
    take: size + 1,
  });
  const page = rows.slice(0, size);
  if (fromEnd) page.reverse();
  return {
    rows: page,
    hasNextPage: !fromEnd && rows.length > size,
    hasPreviousPage: fromEnd && rows.length > size,
  };
}

/** The events committed after `after`, oldest first: what live streams and the dispatcher read. */
export function eventsAfter(prisma: PrismaClient, after: bigint, limit: number): Promise<EventRow[]> {
  return prisma.event.findMany({ where: { id: { gt: after } }, orderBy: { id: 'asc' }, take: limit });
}

/** The id of the newest event, 0 when there is none: where a new reader starts. */
export async function lastEventId(prisma: Prisma.TransactionClient): Promise<bigint> {
  const last = await prisma.event.findFirst({ orderBy: { id: 'desc' }, select: { id: true } });
  return last?.id ?? 0n;
}

/**
 * Whether the viewer may see the event now: its ticket's visibility, and that of the comment it is
 * about, are read when they matter.
 */
export async function eventReadable(prisma: PrismaClient, viewer: Viewer, event: EventRow): Promise<boolean> {
  if (canSeeEvent(viewer, event, false)) return true;
  if (event.ticketId === null || !canSeeEvent(viewer, event, true)) return false;
  const visible = await prisma.ticket.count({
    where: {
      id: event.ticketId,
      AND: [ticketVisibility(viewer), commentEventCondition(viewer, event)],
    },
  });
  return visible > 0;
}

/** One event by id, when the viewer may see it (`node(id:)`). */
export async function readableEvent(prisma: PrismaClient, viewer: Viewer, id: bigint): Promise<EventRow | null> {
  const event = await prisma.event.findUnique({ where: { id } });
  return event && (await eventReadable(prisma, viewer, event)) ? event : null;
}
