// A ticket keeps two clocks: `updatedAt` moves with every change (agents see it), and
// `publicUpdatedAt` only with changes a customer can see (ticket fields, public comments and their
// files), which is what customers are shown as the ticket's last change: the time of a private
// note must not show through.
import type { Prisma } from '../generated/prisma/client.ts';
import { TICKET_PLACE } from './events/ticket-events.ts';

/** Stamps both clocks, or only the private one when customers cannot see the change. */
export const activityStamp = (visibleToCustomers: boolean, now: Date) =>
  visibleToCustomers ? { updatedAt: now, publicUpdatedAt: now } : { updatedAt: now };

/**
 * Records activity on a ticket, with other changes to it (`data`) in the same statement; returns
 * where the ticket is, which the events of the change carry.
 */
export function touchTicket(
  tx: Prisma.TransactionClient,
  ticketId: number,
  visibleToCustomers: boolean,
  now: Date,
  data: Prisma.TicketUncheckedUpdateInput = {},
) {
  return tx.ticket.update({
    where: { id: ticketId },
    data: { ...data, ...activityStamp(visibleToCustomers, now) },
    select: TICKET_PLACE,
  });
}
