// One delivery attempt, as pg-boss hands it to a worker: send the event, record what happened,
// and let pg-boss retry a failure with backoff (by throwing). The last failed attempt fails the
// delivery and disables the webhook: a receiver that has been failing for about a day is off until
// an admin enables it again (updateWebhook).
import type { JobWithMetadata } from 'pg-boss';
import type { SecretBox } from '../../auth/secret-box.ts';
import type { Clock } from '../../clock.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { Logger } from '../../logger.ts';
import { deliveryHeaders, eventPayload } from './payload.ts';
import { postWebhook, type SendOptions } from './send.ts';

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

class AttemptFailed extends Error {}

export function deliveryWorker({ prisma, box, logger, send, now }: WorkerDeps) {
  async function deliver(job: JobWithMetadata<DeliveryJob>) {
    const delivery = await prisma.webhookDelivery.findUnique({
      where: { id: job.data.delivery },
      include: { webhook: true, event: true },
    });
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
    const attemptedAt = new Date(now());
    const outcome = await postWebhook(webhook.url, body, headers, send);
    const last = !outcome.ok && job.retryCount >= job.retryLimit;
    const settled = outcome.ok || last;
    await prisma.$transaction([
      prisma.webhookAttempt.create({
        data: {
          deliveryId: delivery.id,
          attemptedAt,
          durationMs: outcome.durationMs,
          statusCode: outcome.statusCode,
          error: outcome.error,
          responseExcerpt: outcome.responseExcerpt,
        },
      }),
      prisma.webhookDelivery.update({
        where: { id: delivery.id },
        data: {
          attempts: { increment: 1 },
          lastAttemptAt: attemptedAt,
          ...(settled ? { state: outcome.ok ? 'SUCCEEDED' : 'FAILED', completedAt: new Date(now()) } : {}),
        },
      }),
      ...(last
        ? [
            prisma.webhook.updateMany({
              where: { id: webhook.id, enabled: true },
              data: {
                enabled: false,
                disabledAt: new Date(now()),
                disabledReason:
                  `Disabled after ${job.retryCount + 1} failed attempts of one delivery (last: ${outcome.error})`.slice(
                    0,
                    500,
                  ),
              },
            }),
          ]
        : []),
    ]);
    if (last) logger.warn({ webhook: webhook.id, delivery: delivery.id }, 'webhook disabled after repeated failures');
    if (!settled) throw new AttemptFailed(outcome.error ?? 'delivery failed');
  }

  return async ([job]: JobWithMetadata<DeliveryJob>[]) => {
    if (job) await deliver(job);
  };
}
