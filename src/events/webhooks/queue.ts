// The durable queue of delivery attempts: pg-boss, on the server's own database. On PostgreSQL it
// has a small pool of its own; on the embedded database its statements take turns on PGlite's one
// connection with Prisma's (src/db/connection-guard.ts). Retries with exponential backoff, the
// claim of a job by one worker at a time (SKIP LOCKED) and its expiry when a worker dies are
// pg-boss's; what was sent and answered is ours (WebhookDelivery, WebhookAttempt).
import { type Db, fromPrisma, PgBoss } from 'pg-boss';
import type { Database } from '../../db/database.ts';
import type { DeliveryQueue } from '../../domain/webhooks.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import type { Logger } from '../../logger.ts';

export const DELIVERY_QUEUE = 'webhook-delivery';
export const QUEUE_SCHEMA = 'pgboss';

export interface RetrySettings {
  /** Every attempt's deadline (HELPDESK_WEBHOOK_TIMEOUT_MS). */
  timeoutMs: number;
  /** The first retry's delay; each next one about doubles (HELPDESK_WEBHOOK_RETRY_DELAY_SECONDS). */
  retryDelaySeconds: number;
  /** Attempts in all before a delivery fails and its webhook is disabled (HELPDESK_WEBHOOK_MAX_ATTEMPTS). */
  maxAttempts: number;
}

/** No retry waits longer than this (the backoff is capped). */
export const RETRY_DELAY_MAX_SECONDS = 3 * 3600;

/**
 * How long a claimed attempt may run before pg-boss gives it to another worker: well past the
 * request's deadline, so two workers never send the same attempt at once, and soon enough that an
 * attempt whose worker died (kill -9) is retried within a minute or so.
 */
export const claimSeconds = (timeoutMs: number) => Math.ceil(timeoutMs / 1000) * 2 + 5;

/** pg-boss on PGlite, through the connection's turns: nothing interleaves with a Prisma transaction. */
function embeddedDatabase({ pglite, exclusive }: NonNullable<Database['embedded']>): Db {
  return {
    executeSql: (text, values) =>
      exclusive(async () => {
        try {
          if (values?.length) return (await pglite.query(text, values)) as { rows: never[] };
          // Without parameters pg-boss may send several statements (its migrations, locked blocks).
          const results = await pglite.exec(text);
          return { rows: results.flatMap((result) => result.rows as never[]) };
        } catch (error) {
          // One connection: a failed statement inside BEGIN must not leave the next caller in it.
          await pglite.query('ROLLBACK').catch(() => {});
          throw error;
        }
      }),
  };
}

export async function openDeliveryQueue(db: Database, settings: RetrySettings, logger: Logger) {
  const claim = claimSeconds(settings.timeoutMs);
  const common = {
    schema: QUEUE_SCHEMA,
    schedule: false,
    // Expired claims (a worker that died mid-attempt) are found by the supervisor: as often as they expire.
    superviseIntervalSeconds: Math.min(60, claim),
  };
  const boss = db.embedded
    ? new PgBoss({ ...common, db: embeddedDatabase(db.embedded), backend: 'pglite' })
    : new PgBoss({ ...common, connectionString: db.url!, max: 3, application_name: 'helpdesk-webhooks' });
  boss.on('error', (error) => logger.warn({ err: error }, 'webhook queue error'));
  await boss.start();
  const options = {
    retryLimit: Math.max(0, settings.maxAttempts - 1),
    retryDelay: settings.retryDelaySeconds,
    retryBackoff: true,
    retryDelayMax: RETRY_DELAY_MAX_SECONDS,
    expireInSeconds: claim,
  };
  if (await boss.getQueue(DELIVERY_QUEUE)) await boss.updateQueue(DELIVERY_QUEUE, options);
  else await boss.createQueue(DELIVERY_QUEUE, options).catch(() => boss.updateQueue(DELIVERY_QUEUE, options));
  // Reads the queue into pg-boss's cache now: inside a transaction a cache miss would wait for
  // the connection that transaction holds (on the embedded database).
  await boss.insert(DELIVERY_QUEUE, []);
  const queue: DeliveryQueue = {
    async enqueue(tx: Prisma.TransactionClient, deliveryIds: string[]) {
      if (deliveryIds.length === 0) return;
      await boss.insert(
        DELIVERY_QUEUE,
        deliveryIds.map((delivery) => ({ data: { delivery } })),
        { db: fromPrisma(tx) },
      );
    },
  };
  return { boss, queue };
}
