// Events about a comment (the comment itself, files added to it or removed from it) follow the
// comment as it is now, not as it was when they were recorded: a reply made private later counts as
// a private note, and what a deleted comment said is gone with it. Staff see everything in the log
// as it was; the others (customers) see what the policy (src/domain/permissions.ts) lets them see
// of private events: nothing.
import { decodeGlobalID } from '@pothos/plugin-relay';
import type { Viewer } from '../../context.ts';
import type { Prisma, PrismaClient } from '../../generated/prisma/client.ts';
import { eventVisibleOnVisibleSubject } from '../permissions.ts';
import { type EventRow, type FieldChange, globalId } from './types.ts';

/** Whether the policy lets the viewer see an event only staff see. */
const seesPrivateEvents = (viewer: Viewer) =>
  eventVisibleOnVisibleSubject(viewer, { private: true, onlyCustomerId: null });

/**
 * The comment an event is about: its subject, or the comment a file was added to or removed from
 * (which the event names by global id); null for the rest.
 */
export function eventCommentId(event: Pick<EventRow, 'subjectType' | 'subjectId' | 'changes'>): number | null {
  if (event.subjectType === 'Comment') return event.subjectId;
  if (event.subjectType !== 'Attachment' || !Array.isArray(event.changes)) return null;
  const named = (event.changes as FieldChange[]).find((change) => change.field === 'comment');
  const id = named?.to ?? named?.from;
  if (typeof id !== 'string') return null;
  const decoded = decodeGlobalID(id);
  return decoded.typename === 'Comment' && /^\d+$/.test(decoded.id) ? Number(decoded.id) : null;
}

/**
 * A ticket's events without those about its comments that are private now, for whoever does not
 * see private events; one read of the ticket's private comments, whatever the page holds.
 */
export async function commentEventsVisibility(
  prisma: PrismaClient,
  viewer: Viewer,
  ticketId: number,
): Promise<Prisma.EventWhereInput> {
  if (seesPrivateEvents(viewer)) return {};
  const rows = await prisma.comment.findMany({ where: { ticketId, private: true }, select: { id: true } });
  if (rows.length === 0) return {};
  const ids = rows.map((row) => row.id);
  // A file's event names its comment in `changes`: `to` when it was added, `from` when removed.
  const onTheirFiles = ids.flatMap((id) => [
    { changes: { array_contains: [{ field: 'comment', to: globalId('Comment', id) }] } },
    { changes: { array_contains: [{ field: 'comment', from: globalId('Comment', id) }] } },
  ]);
  return {
    AND: [
      { NOT: { subjectType: 'Comment', subjectId: { in: ids } } },
      { NOT: { subjectType: 'Attachment', OR: onTheirFiles } },
    ],
  };
}

/**
 * The same rule for one event in hand (a live subscription delivering it, `node(id:)`), as a
 * condition on the event's ticket, read together with whether the viewer may see the ticket.
 */
export function commentEventCondition(viewer: Viewer, event: EventRow): Prisma.TicketWhereInput {
  const commentId = eventCommentId(event);
  if (commentId === null || seesPrivateEvents(viewer)) return {};
  return { comments: { none: { id: commentId, private: true } } };
}

/** What a deleted comment's events stop showing: what it said and its files' names. */
const WHAT_IT_SAID = ['content', 'filename'];

/**
 * An event's changes as the viewer may read them now that its comment may be gone: the fact that
 * a comment was added, changed or deleted stays, what a deleted one said does not. Asks
 * `commentExists` only when it matters.
 */
export async function commentChangesNow(
  viewer: Viewer,
  changes: FieldChange[],
  commentExists: () => Promise<boolean>,
): Promise<FieldChange[]> {
  if (!changes.some((change) => WHAT_IT_SAID.includes(change.field)) || seesPrivateEvents(viewer)) return changes;
  if (await commentExists()) return changes;
  return changes.filter((change) => !WHAT_IT_SAID.includes(change.field));
}
