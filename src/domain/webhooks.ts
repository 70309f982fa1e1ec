// Webhooks (issue 18): admins register URLs that receive events as signed POSTs. This module owns
// their rules and storage; the deliveries themselves run in the background (src/events/webhooks/).
import { randomBytes } from 'node:crypto';
import type { SecretBox } from '../auth/secret-box.ts';
import type { Clock } from '../clock.ts';
import type { Viewer } from '../context.ts';
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import { DomainError, Problems } from './errors.ts';
import { EVENT_ORDER_LOCK } from './events/outbox.ts';
import { lastEventId } from './events/read.ts';
import { type EventType, isEventType } from './events/types.ts';
import { assertCan, viewerRef } from './permissions.ts';
import { WEBHOOK_URL_MAX, webhookUrlProblem } from './webhook-urls.ts';

export const WEBHOOK_DESCRIPTION_MAX = 500;

export interface WebhookSettings {
  /** Webhooks one installation may have (HELPDESK_MAX_WEBHOOKS). */
  maxWebhooks: number;
  /** Receivers on loopback and private networks allowed (HELPDESK_WEBHOOK_ALLOW_PRIVATE). */
  allowPrivate: boolean;
}

export interface WebhookInput {
  url?: string | null;
  events?: readonly string[] | null;
  description?: string | null;
  enabled?: boolean | null;
}

/** Puts a delivery on the queue inside the caller's transaction (src/events/webhooks/queue.ts). */
export interface DeliveryQueue {
  enqueue(tx: Prisma.TransactionClient, deliveryIds: string[]): Promise<void>;
}

function validate(input: WebhookInput, creating: boolean, settings: WebhookSettings) {
  const problems = new Problems();
  const out: { url?: string; events?: EventType[]; description?: string } = {};
  if (input.url !== undefined || creating) {
    const url = input.url?.trim() ?? '';
    if (!url) problems.add('REQUIRED', 'The URL is required.', ['url']);
    else {
      const problem = webhookUrlProblem(url, settings.allowPrivate);
      if (problem) problems.add(url.length > WEBHOOK_URL_MAX ? 'TOO_LONG' : 'INVALID', problem, ['url']);
    }
    out.url = url;
  }
  if (input.events !== undefined || creating) {
    const events = [...new Set(input.events ?? [])];
    const unknown = events.filter((type) => !isEventType(type));
    if (events.length === 0) problems.add('REQUIRED', 'Name at least one event type to deliver.', ['events']);
    else if (unknown.length) problems.add('INVALID', `Unknown event types: ${unknown.join(', ')}.`, ['events']);
    out.events = events.filter(isEventType);
  }
  if (input.description !== undefined || creating) {
    const description = input.description?.trim() ?? '';
    if (description.length > WEBHOOK_DESCRIPTION_MAX)
      problems.add('TOO_LONG', `The description must be at most ${WEBHOOK_DESCRIPTION_MAX} characters.`, [
        'description',
      ]);
    if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(description))
      problems.add('INVALID', 'The description must not contain control characters.', ['description']);
    out.description = description;
  }
  problems.throwIfAny();
  return out;
}

/** A signing secret: 32 random bytes, hex. Shown once; stored encrypted (the HMAC needs it). */
const newSecret = () => randomBytes(32).toString('hex');

/**
 * The end of the event log, read under the event-ordering lock (src/domain/events/outbox.ts): no
 * event commits until this transaction does, so every later event is after this id.
 */
async function logEnd(tx: Prisma.TransactionClient) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${EVENT_ORDER_LOCK}::bigint)`;
  return lastEventId(tx);
}

export async function createWebhook(
  prisma: PrismaClient,
  box: SecretBox,
  viewer: Viewer,
  input: WebhookInput,
  settings: WebhookSettings,
) {
  assertCan(viewer, 'webhook:manage');
  const clean = validate(input, true, settings);
  const secret = newSecret();
  const actor = viewerRef(viewer);
  return prisma.$transaction(async (tx) => {
    const deliverAfter = await logEnd(tx);
    // Counted under the same lock: two admins at once cannot pass the limit together.
    if ((await tx.webhook.count()) >= settings.maxWebhooks) {
      throw DomainError.of(
        'LIMIT_REACHED',
        `This helpdesk has ${settings.maxWebhooks} webhooks, the most it allows (HELPDESK_MAX_WEBHOOKS); delete one first.`,
      );
    }
    const webhook = await tx.webhook.create({
      data: {
        url: clean.url!,
        events: clean.events!,
        description: clean.description ?? '',
        secretEncrypted: box.encrypt(secret),
        deliverAfter,
        createdById: actor.kind === 'agent' ? actor.id : null,
      },
      select: { id: true },
    });
    return { id: webhook.id, secret };
  });
}

/**
 * Changes a webhook. Enabling one again (after failures) delivers the events from then on; a new
 * signing secret is made when asked and returned this once.
 */
export async function updateWebhook(
  prisma: PrismaClient,
  box: SecretBox,
  viewer: Viewer,
  id: number,
  input: WebhookInput & { rotateSecret?: boolean | null },
  settings: WebhookSettings,
  now: Clock,
) {
  assertCan(viewer, 'webhook:manage');
  const clean = validate(input, false, settings);
  if (input.enabled === null) throw DomainError.of('INVALID', 'enabled cannot be null.', ['enabled']);
  const secret = input.rotateSecret ? newSecret() : undefined;
  return prisma.$transaction(async (tx) => {
    const current = await tx.webhook.findUnique({ where: { id }, select: { enabled: true } });
    if (!current) throw DomainError.of('NOT_FOUND', 'Webhook not found.', ['id']);
    const data: Prisma.WebhookUpdateInput = { ...clean, ...(secret ? { secretEncrypted: box.encrypt(secret) } : {}) };
    if (input.enabled === true && !current.enabled)
      Object.assign(data, { enabled: true, disabledAt: null, disabledReason: null, deliverAfter: await logEnd(tx) });
    if (input.enabled === false && current.enabled)
      Object.assign(data, { enabled: false, disabledAt: new Date(now()), disabledReason: 'Disabled by an admin.' });
    await tx.webhook.update({ where: { id }, data, select: { id: true } });
    return { id, secret };
  });
}

/** Deletes a webhook with its deliveries; queued attempts find nothing to send. */
export async function deleteWebhook(prisma: PrismaClient, viewer: Viewer, id: number) {
  assertCan(viewer, 'webhook:manage');
  const { count } = await prisma.webhook.deleteMany({ where: { id } });
  if (count === 0) throw DomainError.of('NOT_FOUND', 'Webhook not found.', ['id']);
  return id;
}

/**
 * Sends a delivery again, with the same delivery id (receivers that processed it know it), and
 * the retries that follow a failure.
 */
export async function redeliverWebhookDelivery(
  prisma: PrismaClient,
  viewer: Viewer,
  deliveryId: string,
  queue: DeliveryQueue,
) {
  assertCan(viewer, 'webhook:manage');
  const delivery = /^[0-9a-f-]{36}$/i.test(deliveryId)
    ? await prisma.webhookDelivery.findUnique({
        where: { id: deliveryId },
        select: { state: true, webhook: { select: { enabled: true } } },
      })
    : null;
  if (!delivery) throw DomainError.of('NOT_FOUND', 'Delivery not found.', ['id']);
  if (!delivery.webhook.enabled)
    throw DomainError.of('CONFLICT', 'The webhook is disabled: enable it with updateWebhook first.', ['id']);
  await prisma.$transaction(async (tx) => {
    // Counted, not assumed: a delivery still being tried (or asked twice at once) is sent once.
    const { count } = await tx.webhookDelivery.updateMany({
      where: { id: deliveryId, state: { not: 'PENDING' } },
      data: { state: 'PENDING', completedAt: null },
    });
    if (count === 0) throw DomainError.of('CONFLICT', 'This delivery is still being attempted.', ['id']);
    await queue.enqueue(tx, [deliveryId]);
  });
  return deliveryId;
}
