// Webhook deliveries in the background of every instance: the dispatcher turns committed events
// into queued deliveries, the workers send them. Started with the server (src/start.ts).
import type { SecretBox } from '../../auth/secret-box.ts';
import { type Clock, systemClock } from '../../clock.ts';
import type { Database } from '../../db/database.ts';
import type { Logger } from '../../logger.ts';
import type { EventHub } from '../hub.ts';
import { createDispatcher } from './dispatcher.ts';
import { DELIVERY_QUEUE, openDeliveryQueue, type RetrySettings } from './queue.ts';
import { deliveryWorker } from './worker.ts';

export interface WebhookRuntimeOptions extends RetrySettings {
  allowPrivate: boolean;
  /** Attempts this instance sends at once; 0: it queues deliveries but sends none. */
  concurrency: number;
  /** How often the dispatcher looks for events without a wake-up. */
  pollMs?: number;
}

export async function startWebhooks(deps: {
  db: Database;
  box: SecretBox;
  hub: EventHub;
  logger: Logger;
  options: WebhookRuntimeOptions;
  now?: Clock;
}) {
  const { db, box, hub, logger, options, now = systemClock } = deps;
  const { boss, queue } = await openDeliveryQueue(db, options, logger);
  let workerId: string | null = null;
  const dispatcher = createDispatcher({
    prisma: db.prisma,
    queue,
    logger,
    pollMs: options.pollMs ?? 5000,
    onQueued: () => {
      if (workerId) boss.notifyWorker(workerId);
    },
  });
  const stopWaking = hub.onWake(dispatcher.wake);
  if (options.concurrency > 0) {
    workerId = await boss.work(
      DELIVERY_QUEUE,
      {
        // One claim fetches as many attempts as may run at once; while claims come back full there
        // is more waiting, and the next is fetched at once.
        batchSize: options.concurrency,
        burstWhenBatchFull: true,
        perJobResults: true,
        pollingIntervalSeconds: 1,
        includeMetadata: true,
      },
      deliveryWorker({
        prisma: db.prisma,
        box,
        logger,
        now,
        send: { timeoutMs: options.timeoutMs, allowPrivate: options.allowPrivate },
      }),
    );
  }
  await dispatcher.start();
  return {
    queue,
    async stop() {
      stopWaking();
      await dispatcher.stop();
      // Attempts under way may finish (they are bounded by the timeout); then pg-boss stops.
      await boss.stop({ graceful: true, timeout: options.timeoutMs + 2000 });
    },
  };
}

export type WebhookRuntime = Awaited<ReturnType<typeof startWebhooks>>;
