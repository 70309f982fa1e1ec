// The events of tickets and what hangs off them (comments, files, watchers), built from the rows a
// use-case read or wrote. Who may see each is decided here once, as `private` and
// `onlyCustomerId`, and applied by the readers (src/domain/permissions.ts).
import type { Prisma } from '../../generated/prisma/client.ts';
import type { PersonRef } from '../people.ts';
import { created, diff } from './changes.ts';
import { globalId, type NewEvent, personId } from './types.ts';

export const TICKET_SNAPSHOT = {
  id: true,
  key: true,
  branchId: true,
  subject: true,
  description: true,
  status: true,
  priority: true,
  source: true,
  tags: true,
  spam: true,
  reporterAgentId: true,
  reporterCustomerId: true,
  assigneeId: true,
} as const satisfies Prisma.TicketSelect;

export type TicketSnapshot = Prisma.TicketGetPayload<{ select: typeof TICKET_SNAPSHOT }>;

/** The ticket as it stands, read under its row lock: the "before" of a change is what it replaces. */
export async function lockedTicket(tx: Prisma.TransactionClient, id: number): Promise<TicketSnapshot | null> {
  await tx.$executeRaw`SELECT 1 FROM "Ticket" WHERE "id" = ${id} FOR UPDATE`;
  return tx.ticket.findUnique({ where: { id }, select: TICKET_SNAPSHOT });
}

/** Where a ticket is: what every event about it or its parts carries. */
export const TICKET_PLACE = { id: true, key: true, branchId: true } as const satisfies Prisma.TicketSelect;

export type TicketPlace = Prisma.TicketGetPayload<{ select: typeof TICKET_PLACE }>;

const TICKET_FIELDS = [
  'subject',
  'description',
  'status',
  'priority',
  'source',
  'tags',
  'spam',
  'reporter',
  'assignee',
] as const;

function ticketValues(t: TicketSnapshot) {
  return {
    subject: t.subject,
    description: t.description,
    status: t.status,
    priority: t.priority,
    source: t.source,
    tags: t.tags,
    spam: t.spam,
    reporter: t.reporterAgentId
      ? globalId('Agent', t.reporterAgentId)
      : t.reporterCustomerId
        ? globalId('Customer', t.reporterCustomerId)
        : null,
    assignee: t.assigneeId ? globalId('Agent', t.assigneeId) : null,
  };
}

const onTicket = (t: TicketPlace) => ({ ticketId: t.id, branchId: t.branchId });

export const ticketCreated = (t: TicketSnapshot, actor: PersonRef | null, occurredAt: Date): NewEvent => ({
  type: 'ticket.created',
  subject: { type: 'Ticket', id: t.id, key: t.key },
  ...onTicket(t),
  actor,
  changes: [
    ...created(ticketValues(t), TICKET_FIELDS),
    { field: 'branch', from: null, to: globalId('Branch', t.branchId) },
  ],
  occurredAt,
});

/** null when nothing a client can see changed. */
export function ticketUpdated(
  before: TicketSnapshot,
  after: TicketSnapshot,
  actor: PersonRef | null,
  occurredAt: Date,
): NewEvent | null {
  const changes = diff(ticketValues(before), ticketValues(after), TICKET_FIELDS);
  if (changes.length === 0) return null;
  return {
    type: 'ticket.updated',
    subject: { type: 'Ticket', id: after.id, key: after.key },
    ...onTicket(after),
    actor,
    changes,
    occurredAt,
  };
}

export const ticketMoved = (
  before: TicketPlace,
  after: TicketPlace,
  actor: PersonRef | null,
  occurredAt: Date,
): NewEvent => ({
  type: 'ticket.moved',
  subject: { type: 'Ticket', id: after.id, key: after.key },
  ...onTicket(after),
  actor,
  changes: [
    { field: 'key', from: before.key, to: after.key },
    { field: 'branch', from: globalId('Branch', before.branchId), to: globalId('Branch', after.branchId) },
  ],
  occurredAt,
});

/** The tombstone: its comments, files and watchers went with it. */
export const ticketDeleted = (t: TicketPlace, actor: PersonRef | null, occurredAt: Date): NewEvent => ({
  type: 'ticket.deleted',
  subject: { type: 'Ticket', id: t.id, key: t.key },
  ...onTicket(t),
  actor,
  occurredAt,
});

export interface CommentFacts {
  id: number;
  content: string;
  private: boolean;
}

const COMMENT_FIELDS = ['content', 'private', 'author'] as const;

export const commentAdded = (
  c: CommentFacts & { author: PersonRef },
  ticket: TicketPlace,
  actor: PersonRef | null,
  occurredAt: Date,
): NewEvent => ({
  type: 'comment.added',
  subject: { type: 'Comment', id: c.id },
  ...onTicket(ticket),
  actor,
  // A private note and everything about it is for staff.
  private: c.private,
  changes: created({ content: c.content, private: c.private, author: personId(c.author) }, COMMENT_FIELDS),
  occurredAt,
});

export function commentUpdated(
  before: CommentFacts,
  after: CommentFacts,
  ticket: TicketPlace,
  actor: PersonRef | null,
  occurredAt: Date,
): NewEvent | null {
  const changes = diff(before, after, ['content', 'private']);
  if (changes.length === 0) return null;
  return {
    type: 'comment.updated',
    subject: { type: 'Comment', id: after.id },
    ...onTicket(ticket),
    actor,
    // Publishing a note would otherwise show customers what it said while it was private.
    private: before.private || after.private,
    changes,
    occurredAt,
  };
}

export const commentDeleted = (
  c: { id: number; private: boolean },
  ticket: TicketPlace,
  actor: PersonRef | null,
  occurredAt: Date,
): NewEvent => ({
  type: 'comment.deleted',
  subject: { type: 'Comment', id: c.id },
  ...onTicket(ticket),
  actor,
  private: c.private,
  occurredAt,
});

export interface AttachmentFacts {
  id: number;
  filename: string;
  contentType: string;
  byteSize: number;
  commentId?: number | null;
}

export function attachmentEvent(
  type: 'attachment.added' | 'attachment.removed',
  a: AttachmentFacts,
  ticket: TicketPlace,
  onPrivateNote: boolean,
  actor: PersonRef | null,
  occurredAt: Date,
): NewEvent {
  const values = {
    filename: a.filename,
    contentType: a.contentType,
    byteSize: a.byteSize,
    comment: a.commentId ? globalId('Comment', a.commentId) : null,
  };
  const fields = ['filename', 'contentType', 'byteSize', 'comment'] as const;
  return {
    type,
    subject: { type: 'Attachment', id: a.id },
    ...onTicket(ticket),
    actor,
    private: onPrivateNote,
    changes: type === 'attachment.added' ? created(values, fields) : diff(values, {}, fields),
    occurredAt,
  };
}

/** `attachment.added` for each row made from `files`, in order. */
export function filesAdded(
  rows: { id: number }[],
  files: Omit<AttachmentFacts, 'id'>[],
  ticket: TicketPlace,
  onPrivateNote: boolean,
  actor: PersonRef | null,
  occurredAt: Date,
  commentId: number | null = null,
): NewEvent[] {
  return rows.map((row, i) =>
    attachmentEvent('attachment.added', { ...files[i]!, ...row, commentId }, ticket, onPrivateNote, actor, occurredAt),
  );
}

/**
 * A watcher a customer added is listed to staff and to that watcher only (watchers.ts): so is
 * the event, or a customer could learn from it whether an email has an account.
 */
export function watcherEvent(
  type: 'watcher.added' | 'watcher.removed',
  ticket: TicketPlace,
  watcher: PersonRef,
  addedByCustomer: boolean,
  actor: PersonRef | null,
  occurredAt: Date,
): NewEvent {
  const id = personId(watcher);
  return {
    type,
    subject: { type: 'Ticket', id: ticket.id, key: ticket.key },
    ...onTicket(ticket),
    actor,
    private: addedByCustomer && watcher.kind === 'agent',
    onlyCustomerId: addedByCustomer && watcher.kind === 'customer' ? watcher.id : null,
    changes: [
      { field: 'watcher', from: type === 'watcher.added' ? null : id, to: type === 'watcher.added' ? id : null },
    ],
    occurredAt,
  };
}
