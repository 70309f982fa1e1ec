// Delivery attempts, as pg-boss hands them to this instance in batches: send each event, record
// what happened, and let pg-boss retry a failure with backoff. The last failed attempt fails the
// delivery and disables the webhook: a receiver that has been failing for about a day is off until
// an admin enables it again (updateWebhook). A batch is read in one query and each attempt recorded
// in one statement: on the embedded database this work shares the requests' one connection.
import type { JobResult, JobWithMetadata } from 'pg-boss';
import type { SecretBox } from '../../auth/secret-box.ts';
import type { Clock } from '../../clock.ts';
import type { Prisma, PrismaClient } from '../../generated/prisma/client.ts';
import type { Logger } from '../../logger.ts';
import { deliveryHeaders, eventPayload } from './payload.ts';
import { type AttemptResult, postWebhook, type SendOptions, storableText } from './send.ts';

export interface DeliveryJob {
  delivery: string;
}

export interface WorkerDeps {
  prisma: PrismaClient;
  box: SecretBox;
  logger: Logger;
  send: SendOptions;
  now: Clock;
}

type Delivery = Prisma.WebhookDeliveryGetPayload<{ include: { webhook: true; event: true } }>;

class AttemptFailed extends Error {}

/** The attempt, the delivery's count and (when settled) its state, in one statement. */
const RECORD_ATTEMPT = `
WITH "attempt" AS (
  INSERT INTO "WebhookAttempt" ("deliveryId", "attemptedAt", "durationMs", "statusCode", "error", "responseExcerpt")
  VALUES ($1::uuid, $2::timestamptz AT TIME ZONE 'UTC', $3, $4, $5, $6)
)
UPDATE "WebhookDelivery"
SET "attempts" = "attempts" + 1, "lastAttemptAt" = $2::timestamptz AT TIME ZONE 'UTC',
  "state" = COALESCE($7::text::"WebhookDeliveryState", "state"),
  "completedAt" = CASE WHEN $7::text IS NULL THEN "completedAt" ELSE $8::timestamptz AT TIME ZONE 'UTC' END
WHERE "id" = $1::uuid`;

export function deliveryWorker({ prisma, box, logger, send, now }: WorkerDeps) {
  const iso = () => new Date(now()).toISOString();

  async function record(delivery: Delivery, attemptedAt: string, outcome: AttemptResult, state: string | null) {
    await prisma.$executeRawUnsafe(
      RECORD_ATTEMPT,
      delivery.id,
      attemptedAt,
      outcome.durationMs,
      outcome.statusCode,
      outcome.error,
      outcome.responseExcerpt,
      state,
      iso(),
    );
  }

  async function deliver(job: JobWithMetadata<DeliveryJob>, delivery: Delivery | undefined) {
    // Deleted with its webhook, or settled (a redelivery already sent it): nothing to do.
    if (delivery?.state !== 'PENDING') return;
    const { webhook, event } = delivery;
    if (!webhook.enabled) {
      await prisma.webhookDelivery.update({
        where: { id: delivery.id },
        data: { state: 'SKIPPED', completedAt: new Date(now()) },
      });
      return;
    }
    const body = JSON.stringify(eventPayload(event));
    const headers = deliveryHeaders(box.decrypt(webhook.secretEncrypted), event, delivery.id, body, now());
    const attemptedAt = iso();
    const outcome = await postWebhook(webhook.url, body, headers, send);
    const last = !outcome.ok && job.retryCount >= job.retryLimit;
    await record(delivery, attemptedAt, outcome, outcome.ok ? 'SUCCEEDED' : last ? 'FAILED' : null);
    if (last) {
      await prisma.webhook.updateMany({
        where: { id: webhook.id, enabled: true },
        data: {
          enabled: false,
          disabledAt: new Date(now()),
          // The cut may split a surrogate pair of the error.
          disabledReason: storableText(
            `Disabled after ${job.retryCount + 1} failed attempts of one delivery (last: ${outcome.error})`.slice(
              0,
              500,
            ),
          ),
        },
      });
      logger.warn({ webhook: webhook.id, delivery: delivery.id }, 'webhook disabled after repeated failures');
    }
    if (!outcome.ok && !last) throw new AttemptFailed(outcome.error ?? 'delivery failed');
  }

  /** A batch of attempts, sent at once; each settles on its own (a failure is retried alone). */
  return async (jobs: JobWithMetadata<DeliveryJob>[]): Promise<JobResult[]> => {
    const deliveries = await prisma.webhookDelivery.findMany({
      where: { id: { in: jobs.map((job) => job.data.delivery) } },
      include: { webhook: true, event: true },
    });
    const byId = new Map(deliveries.map((delivery) => [delivery.id, delivery]));
    return Promise.all(
      jobs.map((job) =>
        deliver(job, byId.get(job.data.delivery)).then(
          (): JobResult => ({ id: job.id, status: 'completed' }),
          (error: unknown): JobResult => {
            if (!(error instanceof AttemptFailed))
              logger.warn({ err: error, delivery: job.data.delivery }, 'webhook delivery attempt failed to run');
            return { id: job.id, status: 'failed', output: { error: String((error as Error).message ?? error) } };
          },
        ),
      ),
    );
  };
}
