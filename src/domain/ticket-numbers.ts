// The one place ticket numbers are handed out (DiamanteDesk: the branch key plus a per-branch
// sequence that starts at 1 and never reuses a number). createTicket, moveTicket, the bulk seeder
// and test fixtures all take their numbers here, so a ticket made one way never collides with one
// made another way.
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import { DomainError } from './errors.ts';

/** A block of consecutive numbers of one branch: `first` to `last`, both included. */
export interface TicketNumbers {
  first: number;
  last: number;
  /** The key a ticket with that number has in this branch. */
  keyOf(number: number): string;
}

export const ticketKey = (branchKey: string, number: number) => `${branchKey}-${number}`;

/**
 * Reserves the next `count` numbers of a branch in one statement. The UPDATE takes the branch row
 * lock until the surrounding transaction commits, so concurrent reservations wait for each other
 * and get consecutive, disjoint blocks; outside a transaction the block is still atomic. A block
 * rather than a list, so the seeder can reserve millions of numbers at once.
 */
export async function reserveTicketNumbers(
  tx: Prisma.TransactionClient | PrismaClient,
  branchId: number,
  count = 1,
): Promise<TicketNumbers> {
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`count must be at least 1 (got ${count})`);
  // updateManyAndReturn answers "no such branch" with no row instead of an error to translate.
  const [branch] = await tx.branch.updateManyAndReturn({
    where: { id: branchId },
    data: { ticketSequence: { increment: count } },
    select: { key: true, ticketSequence: true },
  });
  if (!branch) throw DomainError.of('NOT_FOUND', 'Branch not found.', ['branch']);
  return {
    first: branch.ticketSequence - count + 1,
    last: branch.ticketSequence,
    keyOf: (number) => ticketKey(branch.key, number),
  };
}
