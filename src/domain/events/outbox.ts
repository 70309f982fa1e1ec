// The transactional outbox: a use-case records its events inside the transaction of the change,
// as that transaction's last statement, so an event exists exactly when its change committed (a
// rollback leaves none; a crash after commit loses none).
//
// Ordering. A sequence hands out ids in the order transactions ask, not the order they commit:
// if id 7 commits after id 8, a reader that saw 8 and resumes "after 8" never sees 7. So the
// insert first takes a transaction-scoped advisory lock, held until commit: ids are then handed
// out and committed one transaction at a time, in id order, and "after N" is a complete answer.
// The lock is taken by the last statement of the transaction, after every row lock the change
// needed, so it is held only for that insert and the commit (and cannot be part of a deadlock:
// nothing waits for a row lock while holding it).
import type { Prisma, PrismaClient } from '../../generated/prisma/client.ts';
import type { NewEvent } from './types.ts';

/** The advisory lock key that orders event inserts ("HELP" in ASCII). */
export const EVENT_ORDER_LOCK = 0x48454c50;

// Lock first (a materialized CTE every produced row depends on), then the rows in the order given.
const INSERT_EVENTS = `
WITH "lock" AS MATERIALIZED (SELECT pg_advisory_xact_lock(${EVENT_ORDER_LOCK}::bigint) AS "held")
INSERT INTO "Event" ("type", "subjectType", "subjectId", "subjectKey", "ticketId", "branchId", "customerId",
  "actorType", "actorId", "private", "onlyCustomerId", "changes", "occurredAt")
SELECT e."type", e."subjectType", e."subjectId", e."subjectKey", e."ticketId", e."branchId", e."customerId",
  e."actorType", e."actorId", e."private", e."onlyCustomerId", e."changes", e."occurredAt" AT TIME ZONE 'UTC'
FROM "lock", ROWS FROM (jsonb_to_recordset($1::jsonb) AS ("type" text, "subjectType" text, "subjectId" int,
  "subjectKey" text, "ticketId" int, "branchId" int, "customerId" int, "actorType" text, "actorId" int,
  "private" boolean, "onlyCustomerId" int, "changes" jsonb, "occurredAt" timestamptz)) WITH ORDINALITY
  AS e("type", "subjectType", "subjectId", "subjectKey", "ticketId", "branchId", "customerId", "actorType",
  "actorId", "private", "onlyCustomerId", "changes", "occurredAt", "position")
ORDER BY e."position"`;

const row = (event: NewEvent) => ({
  type: event.type,
  subjectType: event.subject.type,
  subjectId: event.subject.id,
  subjectKey: event.subject.key ?? null,
  ticketId: event.ticketId ?? null,
  branchId: event.branchId ?? null,
  customerId: event.customerId ?? null,
  actorType: event.actor?.kind ?? null,
  actorId: event.actor?.id ?? null,
  private: event.private ?? false,
  onlyCustomerId: event.onlyCustomerId ?? null,
  changes: event.changes ?? [],
  occurredAt: event.occurredAt.toISOString(),
});

/** Inserts events in one statement, in the order given; call it last in the transaction. */
export async function insertEvents(tx: Prisma.TransactionClient, events: NewEvent[]) {
  if (events.length === 0) return;
  await tx.$executeRawUnsafe(INSERT_EVENTS, JSON.stringify(events.map(row)));
}

/** What a use-case adds its events to. */
export interface EventLog {
  add(...events: NewEvent[]): void;
}

type Listener = () => void;
const listeners = new WeakMap<object, Set<Listener>>();

/**
 * Calls `listener` after every transaction of `prisma` that committed events (the live event
 * stream and the webhook dispatcher wake up on it). Returns the function that stops it.
 */
export function onEventsCommitted(prisma: object, listener: Listener): () => void {
  let set = listeners.get(prisma);
  if (!set) {
    set = new Set();
    listeners.set(prisma, set);
  }
  set.add(listener);
  return () => set.delete(listener);
}

/**
 * Runs `work` in a transaction and records the events it adds as the transaction's last statement.
 * Listeners hear about them once the transaction committed.
 */
export async function withEvents<T>(
  prisma: PrismaClient,
  work: (tx: Prisma.TransactionClient, log: EventLog) => Promise<T>,
): Promise<T> {
  const pending: NewEvent[] = [];
  const log: EventLog = { add: (...events) => void pending.push(...events) };
  // Called with a transaction (a use-case inside another's, as create-admin does): its events are
  // that transaction's, and the readers' periodic check finds them once it commits.
  // Prisma's transaction clients have no `$connect` (nested `$transaction` needs savepoints, which
  // the PGlite adapter lacks).
  const run = async (tx: Prisma.TransactionClient) => {
    const value = await work(tx, log);
    await insertEvents(tx, pending);
    return value;
  };
  if (typeof (prisma as { $connect?: unknown }).$connect !== 'function') {
    return run(prisma as unknown as Prisma.TransactionClient);
  }
  const result = await prisma.$transaction(run);
  if (pending.length > 0) {
    for (const listener of listeners.get(prisma) ?? []) {
      try {
        listener();
      } catch {
        // A listener only wakes readers up; the change committed and its events are stored.
      }
    }
  }
  return result;
}
