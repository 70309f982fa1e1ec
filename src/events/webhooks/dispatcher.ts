// Fans committed events out to webhooks, in the background: the write that made an event only
// recorded it (the outbox); here, after it, one delivery per event and interested webhook is made
// and queued. The dispatcher reads the log after its cursor (EventCursor 'webhooks'), which it
// holds locked while it works: one instance at a time dispatches, and a batch is dispatched once.
import { randomUUID } from 'node:crypto';
import type { DeliveryQueue } from '../../domain/webhooks.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { Logger } from '../../logger.ts';

export const DISPATCH_CURSOR = 'webhooks';
const BATCH = 200;
/** Wake-ups within this long are one dispatch: under load, many events per transaction. */
const DEBOUNCE_MS = 100;

export interface DispatcherOptions {
  prisma: PrismaClient;
  queue: DeliveryQueue;
  logger: Logger;
  /** How often to look without a wake-up (a wake-up lost between instances). */
  pollMs: number;
  /** After deliveries were queued (to start the local worker at once). */
  onQueued?: () => void;
}

export function createDispatcher({ prisma, queue, logger, pollMs, onQueued }: DispatcherOptions) {
  let running = false;
  let again = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  /** Dispatches one batch; returns how many events it read (0: none new, or another instance is at it). */
  const batch = () =>
    prisma.$transaction(async (tx) => {
      const [cursor] = await tx.$queryRaw<{ position: bigint }[]>`
        SELECT "position" FROM "EventCursor" WHERE "name" = ${DISPATCH_CURSOR} FOR UPDATE SKIP LOCKED`;
      if (!cursor) return 0;
      // Events first, webhooks second: a webhook this query does not see yet was made after these
      // events were committed, and its deliverAfter is past them (src/domain/webhooks.ts).
      const events = await tx.event.findMany({
        where: { id: { gt: cursor.position } },
        orderBy: { id: 'asc' },
        take: BATCH,
        select: { id: true, type: true },
      });
      if (events.length === 0) return 0;
      const hooks = await tx.webhook.findMany({
        where: { enabled: true },
        select: { id: true, events: true, deliverAfter: true },
      });
      const deliveries = events.flatMap((event) =>
        hooks
          .filter((hook) => event.id > hook.deliverAfter && hook.events.includes(event.type))
          .map((hook) => ({ id: randomUUID(), webhookId: hook.id, eventId: event.id })),
      );
      if (deliveries.length > 0) {
        await tx.webhookDelivery.createMany({ data: deliveries });
        await queue.enqueue(
          tx,
          deliveries.map((delivery) => delivery.id),
        );
      }
      await tx.eventCursor.update({ where: { name: DISPATCH_CURSOR }, data: { position: events.at(-1)!.id } });
      if (deliveries.length > 0) onQueued?.();
      return events.length;
    });

  /**
   * Without enabled webhooks, moves the cursor to the log's end in one statement: a webhook made
   * meanwhile starts after that end (it reads it under the event-ordering lock). 1 when it moved.
   */
  const skipWithoutWebhooks = () =>
    prisma.$executeRaw`
      UPDATE "EventCursor" SET "position" = (SELECT COALESCE(max("id"), 0) FROM "Event")
      WHERE "name" = ${DISPATCH_CURSOR} AND NOT EXISTS (SELECT 1 FROM "Webhook" WHERE "enabled")`;

  const run = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        if ((await skipWithoutWebhooks()) === 1) continue;
        while (!stopped && (await batch()) === BATCH);
      } while (again && !stopped);
    } catch (error) {
      logger.warn({ err: error }, 'dispatching events to webhooks failed; retrying at the next wake-up');
    } finally {
      running = false;
    }
  };

  const wake = () => {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void run();
    }, DEBOUNCE_MS);
    timer.unref();
  };
  const poll = setInterval(wake, pollMs);
  poll.unref();

  return {
    wake,
    /** Makes the cursor (at the log's end, on a new installation) and dispatches what is waiting. */
    async start() {
      await prisma.$executeRaw`
        INSERT INTO "EventCursor" ("name", "position")
        SELECT ${DISPATCH_CURSOR}, COALESCE(max("id"), 0) FROM "Event"
        ON CONFLICT ("name") DO NOTHING`;
      await run();
    },
    async stop() {
      stopped = true;
      clearInterval(poll);
      clearTimeout(timer);
      while (running) await new Promise((resolve) => setTimeout(resolve, 10));
    },
  };
}
