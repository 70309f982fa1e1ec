// Ticket rules from DiamanteDesk: keys are the branch key plus a per-branch sequence
// (src/domain/ticket-numbers.ts hands the numbers out). A moved ticket gets a new key and keeps
// answering to the old one.
import { randomBytes } from 'node:crypto';
import { type Clock, systemClock } from '../clock.ts';
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import type { TicketPriority, TicketSource, TicketStatus } from '../generated/prisma/enums.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import { activityStamp } from './activity.ts';
import { collectGarbage, createAttachmentRows, hashesUnder, writeBlobs } from './attachments.ts';
import { normaliseTags } from './branches.ts';
import type { NewFiles } from './comments.ts';
import { DomainError, isUniqueViolation, Problems } from './errors.ts';
import { withEvents } from './events/outbox.ts';
import {
  filesAdded,
  lockedTicket,
  TICKET_PLACE,
  TICKET_SNAPSHOT,
  ticketCreated,
  ticketDeleted,
  ticketMoved,
  ticketUpdated,
} from './events/ticket-events.ts';
import { type PersonRef, requireActiveAgent, requireActivePerson } from './people.ts';
import { sanitizeRichText } from './rich-text.ts';
import { reserveTicketNumbers } from './ticket-numbers.ts';

export interface TicketInput {
  subject?: string | null;
  description?: string | null;
  status?: TicketStatus | null;
  priority?: TicketPriority | null;
  source?: TicketSource | null;
  tags?: string[] | null;
  reporter?: PersonRef | null;
  /** Agent id; null unassigns, undefined leaves as is (or uses the branch default on create). */
  assigneeId?: number | null;
}

export type TicketLocator = { id: number; key?: undefined } | { key: string; id?: undefined };

const SUBJECT_MAX = 255;
const DESCRIPTION_MAX = 65_535;

export const newUniqueId = () => randomBytes(16).toString('hex');

function validate(input: TicketInput, creating: boolean) {
  const problems = new Problems();
  const out: {
    subject?: string;
    description?: string;
    tags?: string[];
  } = {};
  if (input.subject !== undefined || creating) {
    const subject = input.subject?.trim() ?? '';
    if (!subject) problems.add('REQUIRED', 'Subject is required.', ['subject']);
    else if (/[\u0000-\u001f\u007f]/.test(subject))
      problems.add('INVALID', 'Subject must not contain control characters.', ['subject']);
    else if (subject.length > SUBJECT_MAX)
      problems.add('TOO_LONG', `Subject must be at most ${SUBJECT_MAX} characters.`, ['subject']);
    out.subject = subject;
  }
  if (input.description !== undefined || creating) {
    const given = input.description ?? '';
    // Markup is allowlisted on write (src/domain/rich-text.ts); what is left must not be blank.
    const description = given.length > DESCRIPTION_MAX ? given : sanitizeRichText(given);
    if (!description.trim()) problems.add('REQUIRED', 'Description must not be blank.', ['description']);
    else if (given.length > DESCRIPTION_MAX) {
      problems.add('TOO_LONG', `Description must be at most ${DESCRIPTION_MAX} characters.`, ['description']);
    }
    out.description = description;
  }
  if (creating && !input.reporter) problems.add('REQUIRED', 'Reporter is required.', ['reporter']);
  out.tags = normaliseTags(input.tags, problems, ['tags']);
  problems.throwIfAny();
  return out;
}

const requireAssignee = (prisma: PrismaClient, id: number) =>
  requireActiveAgent(prisma, id, 'Assignee is not an active agent.', ['assignee']);

const reporterColumns = (reporter: PersonRef) =>
  reporter.kind === 'agent'
    ? { reporterAgentId: reporter.id, reporterCustomerId: null }
    : { reporterAgentId: null, reporterCustomerId: reporter.id };

export async function createTicket(
  prisma: PrismaClient,
  branchId: number,
  input: TicketInput,
  attach: NewFiles | undefined,
  clock: Clock,
  /** Who made the change, for its events (the reporter may be someone else). */
  actor: PersonRef | null = null,
) {
  const clean = validate(input, true);
  const branch = await prisma.branch.findUnique({ where: { id: branchId }, select: { defaultAssigneeId: true } });
  if (!branch) throw DomainError.of('NOT_FOUND', 'Branch not found.', ['branch']);
  // Deskie: every new ticket from a blocked customer is marked spam.
  const { blocked: spam } = await requireActivePerson(prisma, input.reporter!, ['reporter']);
  if (input.assigneeId != null) await requireAssignee(prisma, input.assigneeId);
  const assigneeId = input.assigneeId === undefined ? branch.defaultAssigneeId : input.assigneeId;
  // Blobs before rows: a crash in between leaves unreferenced blobs (swept), never a ticket without its files.
  const stored = attach?.files.length ? await writeBlobs(attach.store, attach.files) : [];

  return withEvents(prisma, async (tx, log) => {
    // Holds the branch row lock until commit: the next creation waits for this number.
    const { first: number, keyOf } = await reserveTicketNumbers(tx, branchId);
    const now = new Date(clock());
    const ticket = await tx.ticket.create({
      data: {
        key: keyOf(number),
        number,
        uniqueId: newUniqueId(),
        subject: clean.subject!,
        description: clean.description!,
        status: input.status ?? 'NEW',
        priority: input.priority ?? 'MEDIUM',
        source: input.source ?? 'WEB',
        tags: clean.tags ?? [],
        spam,
        branchId,
        assigneeId,
        ...reporterColumns(input.reporter!),
        createdAt: now,
        ...activityStamp(true, now),
      },
      select: TICKET_SNAPSHOT,
    });
    log.add(ticketCreated(ticket, actor, now));
    if (stored.length) {
      const rows = await createAttachmentRows(tx, { ticketId: ticket.id }, stored);
      log.add(...filesAdded(rows, stored, ticket, false, actor, now));
    }
    return { id: ticket.id };
  });
}

/** Finds a ticket by id or by key, following the keys it had before it moved. */
/**
 * Finds a ticket by id or by key, following the keys it had before it moved, among the tickets
 * `visible` to the caller (src/domain/permissions.ts): an invisible ticket is simply not found.
 */
export async function locateTicket(
  prisma: PrismaClient,
  locator: TicketLocator,
  visible: Prisma.TicketWhereInput,
): Promise<number | null> {
  const find = async (where: Prisma.TicketWhereUniqueInput) =>
    (await prisma.ticket.findUnique({ where: { ...where, AND: [visible] }, select: { id: true } }))?.id ?? null;
  if (locator.id !== undefined) return find({ id: locator.id });
  const key = locator.key.trim().toUpperCase();
  const direct = await find({ key });
  if (direct !== null) return direct;
  const alias = await prisma.ticketKeyAlias.findUnique({ where: { key }, select: { ticketId: true } });
  return alias ? find({ id: alias.ticketId }) : null;
}

export async function requireTicket(
  prisma: PrismaClient,
  locator: TicketLocator,
  visible: Prisma.TicketWhereInput,
  field = ['ticket'],
) {
  const id = await locateTicket(prisma, locator, visible);
  if (id === null) throw DomainError.of('NOT_FOUND', 'Ticket not found.', field);
  return id;
}

export async function updateTicket(
  prisma: PrismaClient,
  id: number,
  input: TicketInput,
  now: Clock,
  actor: PersonRef | null = null,
) {
  const clean = validate(input, false);
  if (input.reporter) await requireActivePerson(prisma, input.reporter, ['reporter']);
  if (input.assigneeId != null) await requireAssignee(prisma, input.assigneeId);
  const at = new Date(now());
  return withEvents(prisma, async (tx, log) => {
    const before = await lockedTicket(tx, id);
    if (!before) throw DomainError.of('NOT_FOUND', 'Ticket not found.', ['ticket']);
    const after = await tx.ticket.update({
      where: { id },
      data: {
        ...clean,
        status: input.status ?? undefined,
        priority: input.priority ?? undefined,
        source: input.source ?? undefined,
        assigneeId: input.assigneeId,
        ...(input.reporter ? reporterColumns(input.reporter) : {}),
        // Every field of a ticket is shown to its customer.
        ...activityStamp(true, at),
      },
      select: TICKET_SNAPSHOT,
    });
    const event = ticketUpdated(before, after, actor, at);
    if (event) log.add(event);
    return { id };
  });
}

/**
 * Deletes a ticket with its comments, watchers and attachments, then the blobs nothing else uses.
 * Its tombstone (`ticket.deleted`) stands for all of them.
 */
export async function deleteTicket(
  prisma: PrismaClient,
  store: BlobStore,
  id: number,
  now: Clock = systemClock,
  actor: PersonRef | null = null,
) {
  const hashes = await hashesUnder(prisma, { ticketId: id });
  await withEvents(prisma, async (tx, log) => {
    const deleted = await tx.ticket.delete({ where: { id }, select: TICKET_PLACE });
    log.add(ticketDeleted(deleted, actor, new Date(now())));
  });
  await collectGarbage(prisma, store, hashes);
  return id;
}

/**
 * Moves a ticket to another branch: it takes that branch's next number; the old key stays an alias.
 * Concurrent moves of one ticket run one after the other (a row lock on the ticket). A request
 * whose view of the ticket is out of date gets CONFLICT instead of a move it did not ask for: the
 * ticket is already in the target branch, and it was moved since the caller knew it (addressed by
 * a key it no longer has, `addressedKey`), or while this request waited for the lock.
 */
export async function moveTicket(
  prisma: PrismaClient,
  id: number,
  branchId: number,
  addressedKey: string | undefined,
  now: Clock,
  actor: PersonRef | null = null,
) {
  const before = await prisma.ticket.findUnique({ where: { id }, select: { key: true } });
  if (!before) throw DomainError.of('NOT_FOUND', 'Ticket not found.', ['ticket']);
  try {
    return await withEvents(prisma, async (tx, log) => {
      // Locked until commit: the next move of this ticket reads the key this one leaves behind.
      const ticket = await lockedTicket(tx, id);
      if (!ticket) throw DomainError.of('NOT_FOUND', 'Ticket not found.', ['ticket']);
      if (ticket.branchId === branchId) {
        const stale = ticket.key !== before.key || (addressedKey !== undefined && addressedKey !== ticket.key);
        if (stale) throw movedMeanwhile(ticket.key);
        throw DomainError.of('INVALID', 'The ticket is already in that branch.', ['branch']);
      }
      const target = await reserveTicketNumbers(tx, branchId);
      await tx.ticketKeyAlias.create({ data: { key: ticket.key, ticketId: id } });
      const at = new Date(now());
      const moved = await tx.ticket.update({
        where: { id },
        // The key a customer sees changes: a change they can see.
        data: {
          branchId,
          number: target.first,
          key: target.keyOf(target.first),
          ...activityStamp(true, at),
        },
        select: TICKET_PLACE,
      });
      log.add(ticketMoved({ id, key: ticket.key, branchId: ticket.branchId }, moved, actor, at));
      return { id };
    });
  } catch (error) {
    // Belt and braces: should two moves still collide (an old key taken twice), the loser hears
    // CONFLICT, never an unexpected error.
    if (isUniqueViolation(error)) throw movedMeanwhile();
    throw error;
  }
}

function movedMeanwhile(key?: string) {
  return DomainError.of(
    'CONFLICT',
    key
      ? `The ticket was moved meanwhile and is now ${key}; check it and try again.`
      : 'The ticket was moved meanwhile; check it and try again.',
    ['ticket'],
  );
}
