import type { Clock } from '../clock.ts';
import type { Viewer } from '../context.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { TicketStatus } from '../generated/prisma/enums.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import { touchTicket } from './activity.ts';
import { checkPartTimeAllowance } from './agents.ts';
import { collectGarbage, createAttachmentRows, hashesUnder, type IncomingFile, writeBlobs } from './attachments.ts';
import { DomainError, Problems } from './errors.ts';
import { type EventLog, withEvents } from './events/outbox.ts';
import {
  commentAdded,
  commentDeleted,
  commentUpdated,
  filesAdded,
  lockedTicket,
  type TicketSnapshot,
  ticketUpdated,
} from './events/ticket-events.ts';
import { type PersonRef, requireActivePerson } from './people.ts';
import { assertCan, commentVisibility, viewerRef } from './permissions.ts';
import { sanitizeRichText } from './rich-text.ts';

export interface CommentInput {
  content?: string | null;
  private?: boolean | null;
  /** Also sets the ticket's status, as DiamanteDesk's `ticketStatus` does. */
  ticketStatus?: TicketStatus | null;
  author?: PersonRef | null;
}

/** Files created together with a ticket or comment: their blobs are written before the rows commit. */
export interface NewFiles {
  store: BlobStore;
  files: IncomingFile[];
}

const CONTENT_MAX = 65_535;

/** The content as stored (markup allowlisted, src/domain/rich-text.ts), or a problem. */
function validContent(problems: Problems, content: string | null | undefined) {
  if (content && content.length > CONTENT_MAX) {
    problems.add('TOO_LONG', `Content must be at most ${CONTENT_MAX} characters.`, ['content']);
    return content;
  }
  const clean = sanitizeRichText(content ?? '');
  if (!clean.trim()) problems.add('REQUIRED', 'Content must not be blank.', ['content']);
  return clean;
}

/** `now` dates the comment and decides which month's part-time allowance it counts against. */
export async function addComment(
  prisma: PrismaClient,
  ticketId: number,
  input: CommentInput,
  attach: NewFiles | undefined,
  now: Clock,
  /** Who made the change, for its events (the author may be someone else). */
  actor: PersonRef | null = null,
) {
  const createdAt = new Date(now());
  const problems = new Problems();
  const content = validContent(problems, input.content);
  if (!input.author) problems.add('REQUIRED', 'Author is required.', ['author']);
  problems.throwIfAny();
  await requireActivePerson(prisma, input.author!, ['author']);
  if (input.author!.kind === 'agent' && !input.private)
    await checkPartTimeAllowance(prisma, input.author!.id, ticketId, createdAt);
  const isPrivate = input.private ?? false;
  // Blobs before rows: a crash in between leaves unreferenced blobs (swept), never a comment without its files.
  const stored = attach?.files.length ? await writeBlobs(attach.store, attach.files) : [];
  return withEvents(prisma, async (tx, log) => {
    // Read first, under its row lock, when the status changes: the event says from what.
    const before = input.ticketStatus ? await lockedTicket(tx, ticketId) : null;
    const comment = await tx.comment.create({
      data: {
        ticketId,
        content,
        private: isPrivate,
        createdAt,
        publishedAt: isPrivate ? null : createdAt,
        ...(input.author!.kind === 'agent'
          ? { authorAgentId: input.author!.id }
          : { authorCustomerId: input.author!.id }),
      },
      select: { id: true },
    });
    const files = stored.length ? await createAttachmentRows(tx, { commentId: comment.id }, stored) : [];
    // Touch the ticket even without a status change: a new comment is activity on it. Customers
    // see it unless it is a private note that leaves the status alone.
    const ticket = await touchTicket(tx, ticketId, !isPrivate || Boolean(input.ticketStatus), createdAt, {
      status: input.ticketStatus ?? undefined,
    });
    log.add(
      commentAdded({ id: comment.id, content, private: isPrivate, author: input.author! }, ticket, actor, createdAt),
    );
    log.add(...filesAdded(files, stored, ticket, isPrivate, actor, createdAt, comment.id));
    statusChanged(log, before, input.ticketStatus, actor, createdAt);
    return comment;
  });
}

/** The comment if the viewer may see it (src/domain/permissions.ts), else NOT_FOUND. */
async function visibleComment(prisma: PrismaClient, viewer: Viewer, id: number) {
  const comment = await prisma.comment.findUnique({
    where: { id, AND: [commentVisibility(viewer)] },
    select: { authorAgentId: true, authorCustomerId: true, ticketId: true, private: true },
  });
  if (!comment) throw DomainError.of('NOT_FOUND', 'Comment not found.', ['id']);
  return comment;
}

/** `now` dates a publication and decides which month's part-time allowance it counts against. */
export async function updateComment(prisma: PrismaClient, viewer: Viewer, id: number, input: CommentInput, now: Clock) {
  assertCan(viewer, 'comment:update', await visibleComment(prisma, viewer, id));
  assertCan(viewer, 'comment:write', input);
  const publishedAt = new Date(now());
  const problems = new Problems();
  const content = input.content !== undefined ? validContent(problems, input.content) : undefined;
  problems.throwIfAny();
  const comment = await prisma.comment.findUnique({
    where: { id },
    select: { ticketId: true, private: true, authorAgentId: true },
  });
  if (!comment) throw DomainError.of('NOT_FOUND', 'Comment not found.', ['id']);
  const publishes = comment.private && input.private === false;
  // Publishing a note is replying: it uses the author's part-time allowance like a new reply.
  if (publishes && comment.authorAgentId !== null)
    await checkPartTimeAllowance(prisma, comment.authorAgentId, comment.ticketId, publishedAt);
  return withEvents(prisma, async (tx, log) => {
    // Under the comment's row lock: the event's "before" is what this update replaces.
    await tx.$executeRaw`SELECT 1 FROM "Comment" WHERE "id" = ${id} FOR UPDATE`;
    const previous = await tx.comment.findUnique({ where: { id }, select: { id: true, content: true, private: true } });
    if (!previous) throw DomainError.of('NOT_FOUND', 'Comment not found.', ['id']);
    const ticketBefore = input.ticketStatus ? await lockedTicket(tx, comment.ticketId) : null;
    const updated = await tx.comment.update({
      where: { id },
      data: {
        content,
        private: input.private ?? undefined,
        publishedAt: publishes ? publishedAt : undefined,
      },
      select: { id: true, content: true, private: true },
    });
    // A customer sees the change when the comment was public, is public now, or the status moved.
    const visible = !comment.private || !updated.private || Boolean(input.ticketStatus);
    const ticket = await touchTicket(tx, comment.ticketId, visible, publishedAt, {
      status: input.ticketStatus ?? undefined,
    });
    const actor = viewerRef(viewer);
    const event = commentUpdated(previous, updated, ticket, actor, publishedAt);
    if (event) log.add(event);
    statusChanged(log, ticketBefore, input.ticketStatus, actor, publishedAt);
    return { id: updated.id };
  });
}

/** Deletes a comment and its attachments, then the blobs nothing else uses. */
export async function deleteComment(prisma: PrismaClient, store: BlobStore, viewer: Viewer, id: number, now: Clock) {
  const comment = await visibleComment(prisma, viewer, id);
  assertCan(viewer, 'comment:delete', comment);
  const hashes = await hashesUnder(prisma, { commentId: id });
  await withEvents(prisma, async (tx, log) => {
    // Counted, not assumed: a concurrent delete of the same comment is NOT_FOUND for the second.
    const { count } = await tx.comment.deleteMany({ where: { id } });
    if (count === 0) throw DomainError.of('NOT_FOUND', 'Comment not found.', ['id']);
    // A public reply disappearing is a change its customer sees.
    const at = new Date(now());
    const ticket = await touchTicket(tx, comment.ticketId, !comment.private, at);
    log.add(commentDeleted({ id, private: comment.private }, ticket, viewerRef(viewer), at));
  });
  await collectGarbage(prisma, store, hashes);
  return id;
}

/** A comment that also set the ticket's status records that as a ticket change of its own. */
function statusChanged(
  log: EventLog,
  before: TicketSnapshot | null,
  status: TicketStatus | null | undefined,
  actor: PersonRef | null,
  at: Date,
) {
  if (!before || !status) return;
  const event = ticketUpdated(before, { ...before, status }, actor, at);
  if (event) log.add(event);
}
