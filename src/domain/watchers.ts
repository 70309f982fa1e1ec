// Who watches a ticket. Staff manage any ticket's watchers and hear about unknown people; a
// customer's answer must not depend on whether a person exists (it would reveal accounts), so
// for customers the permission is checked first, an unknown email or inactive person is a silent
// no-op, and the watcher a customer adds is hidden from customers (Ticket.watchers).
import { type Clock, systemClock } from '../clock.ts';
import type { Viewer } from '../context.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { DomainError, isUniqueViolation } from './errors.ts';
import { withEvents } from './events/outbox.ts';
import { TICKET_PLACE, watcherEvent } from './events/ticket-events.ts';
import { ownerColumns, type PersonRef, requireActivePerson } from './people.ts';
import { assertCan, can, isSelf, viewerRef } from './permissions.ts';

/** The watcher: by `email` when given (agents first), else `person` (the one named, or the caller). */
export interface WatcherTarget {
  person: PersonRef;
  email?: string | null;
}

/** An active agent or customer by email (agents first), for watcher lists managed by email. */
export async function personByEmail(prisma: PrismaClient, email: string): Promise<PersonRef | null> {
  const clean = email.trim().toLowerCase();
  const agent = await prisma.agent.findUnique({ where: { email: clean }, select: { id: true, state: true } });
  if (agent?.state === 'ACTIVE') return { kind: 'agent', id: agent.id };
  const customer = await prisma.customer.findUnique({ where: { email: clean }, select: { id: true, state: true } });
  if (customer?.state === 'ACTIVE') return { kind: 'customer', id: customer.id };
  return null;
}

/** Staff name the watcher exactly: an email nobody has is NOT_FOUND. */
async function namedWatcher(prisma: PrismaClient, target: WatcherTarget) {
  if (!target.email) return target.person;
  const person = await personByEmail(prisma, target.email);
  if (!person) throw DomainError.of('NOT_FOUND', 'Nobody has that email.', ['watcherEmail']);
  return person;
}

/** For customers: the person, or `null` when the email belongs to nobody (not an error, see above). */
function silentWatcher(prisma: PrismaClient, target: WatcherTarget) {
  return target.email ? personByEmail(prisma, target.email) : Promise.resolve(target.person);
}

/** Customers change the watchers of tickets they reported; agents of any ticket. */
async function checkWatcherChange(prisma: PrismaClient, viewer: Viewer, ticketId: number) {
  if (can(viewer, 'watcher:manage')) return;
  const ticket = await prisma.ticket.findUnique({ where: { id: ticketId }, select: { reporterCustomerId: true } });
  assertCan(viewer, 'watcher:change', ticket);
}

/** Adds a watcher; watching twice is not an error (the caller's intent, this person watches, holds). */
export async function addWatcher(
  prisma: PrismaClient,
  viewer: Viewer,
  ticketId: number,
  target: WatcherTarget,
  now: Clock = systemClock,
) {
  const staff = can(viewer, 'watcher:manage');
  let person: PersonRef | null;
  if (staff) {
    person = await namedWatcher(prisma, target);
    await requireActivePerson(prisma, person, ['watcher']);
  } else {
    await checkWatcherChange(prisma, viewer, ticketId);
    person = await silentWatcher(prisma, target);
    if (!person) return { id: ticketId };
    try {
      await requireActivePerson(prisma, person, ['watcher']);
    } catch (error) {
      if (error instanceof DomainError) return { id: ticketId };
      throw error;
    }
  }
  const owner = ownerColumns(person);
  const existing = await prisma.ticketWatcher.findFirst({ where: { ticketId, ...owner }, select: { id: true } });
  let created = false;
  if (!existing) {
    const addedByCustomer = !staff && !isSelf(viewer, person);
    const watcher = person;
    created = await withEvents(prisma, async (tx, log) => {
      const row = await tx.ticketWatcher.create({
        data: { ticketId, ...owner, addedByCustomer },
        select: { ticket: { select: TICKET_PLACE } },
      });
      log.add(watcherEvent('watcher.added', row.ticket, watcher, addedByCustomer, viewerRef(viewer), new Date(now())));
      return true;
    }).catch((error: unknown) => {
      if (!isUniqueViolation(error)) throw error; // a concurrent add of the same person
      return false;
    });
  }
  if (staff && !created) {
    // Added (again) by staff: listed to customers from now on.
    await prisma.ticketWatcher.updateMany({
      where: { ticketId, ...owner, addedByCustomer: true },
      data: { addedByCustomer: false },
    });
  }
  return { id: ticketId };
}

/** Removes a watcher. Staff hear NOT_FOUND for someone who does not watch; customers never do. */
export async function removeWatcher(
  prisma: PrismaClient,
  viewer: Viewer,
  ticketId: number,
  target: WatcherTarget,
  now: Clock = systemClock,
) {
  if (can(viewer, 'watcher:manage')) {
    const removed = await unwatch(prisma, viewer, ticketId, await namedWatcher(prisma, target), now);
    if (!removed) throw DomainError.of('NOT_FOUND', 'That person does not watch this ticket.', ['watcher']);
    return { id: ticketId };
  }
  const person = await silentWatcher(prisma, target);
  if (!can(viewer, 'watcher:leave', person)) await checkWatcherChange(prisma, viewer, ticketId);
  if (person) await unwatch(prisma, viewer, ticketId, person, now);
  return { id: ticketId };
}

/** Removes the watcher and records it; false when that person did not watch the ticket. */
function unwatch(prisma: PrismaClient, viewer: Viewer, ticketId: number, person: PersonRef, now: Clock) {
  return withEvents(prisma, async (tx, log) => {
    const row = await tx.ticketWatcher.findFirst({
      where: { ticketId, ...ownerColumns(person) },
      select: { id: true, addedByCustomer: true, ticket: { select: TICKET_PLACE } },
    });
    // Counted, not assumed: of two concurrent removals only one records the event.
    if (!row || (await tx.ticketWatcher.deleteMany({ where: { id: row.id } })).count === 0) return false;
    log.add(
      watcherEvent('watcher.removed', row.ticket, person, row.addedByCustomer, viewerRef(viewer), new Date(now())),
    );
    return true;
  });
}
