// Webhook, WebhookDelivery and WebhookAttempt: what admins see of the endpoints that receive
// events and of every attempt to reach them.
import { builder } from '../../builder.ts';
import { can, webhookVisibility } from '../../domain/permissions.ts';
import { cursorValues, sharedConnection } from '../connection.ts';
import { Event, EventTypeEnum } from '../event/type.ts';

export const WebhookDeliveryState = builder.enumType('WebhookDeliveryState', {
  description: 'Where a delivery stands.',
  values: {
    PENDING: { description: 'Being attempted, or waiting for its next retry.' },
    SUCCEEDED: { description: 'The receiver answered 2xx.' },
    FAILED: { description: 'Every attempt failed; the webhook was disabled.' },
    SKIPPED: { description: 'Not sent: the webhook was disabled before its turn.' },
  } as const,
});

builder.prismaObject('WebhookAttempt', {
  description: 'One HTTP attempt of a delivery.',
  fields: (t) => ({
    id: t.id({ description: 'Opaque id of the attempt.', resolve: (a) => `attempt-${a.id}` }),
    attemptedAt: t.expose('attemptedAt', { type: 'DateTime', description: 'When it was sent.' }),
    statusCode: t.exposeInt('statusCode', {
      nullable: true,
      description: "The receiver's HTTP status; null when there was no answer.",
    }),
    durationMs: t.exposeInt('durationMs', { description: 'How long it took, in milliseconds.' }),
    error: t.exposeString('error', {
      nullable: true,
      description: 'Why it failed (no answer in time, refused address, redirect, status); null on success.',
    }),
    responseExcerpt: t.exposeString('responseExcerpt', {
      nullable: true,
      description: "The start of the receiver's answer (at most 1 KiB).",
    }),
  }),
});

export const WebhookDelivery = builder.prismaNode('WebhookDelivery', {
  description: 'One event sent to one webhook, with its attempts.',
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, webhook: webhookVisibility(ctx.viewer) }),
  fields: (t) => ({
    deliveryId: t.exposeString('id', {
      description: 'The `X-Helpdesk-Delivery` header: the same on every attempt and redelivery, for deduplication.',
    }),
    state: t.expose('state', { type: WebhookDeliveryState, description: 'Where it stands.' }),
    event: t.field({
      type: Event,
      description: 'The event delivered.',
      select: { event: true },
      resolve: (d) => d.event,
    }),
    attemptCount: t.exposeInt('attempts', { description: 'Attempts made so far.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was queued.' }),
    lastAttemptAt: t.expose('lastAttemptAt', { type: 'DateTime', nullable: true, description: 'The last attempt.' }),
    completedAt: t.expose('completedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it succeeded, failed for good or was skipped.',
    }),
    attempts: t.relation('attemptLog', {
      description: 'Its attempts, newest first (the last 50).',
      query: { orderBy: { id: 'desc' }, take: 50 },
    }),
  }),
});

// Deliveries are keyed by the UUID their receivers see, not an int4.
export const { connection: WebhookDeliveryConnection } = sharedConnection(
  WebhookDelivery,
  'WebhookDelivery',
  'webhook deliveries',
  cursorValues.uuid,
);

export const Webhook = builder.prismaNode('Webhook', {
  description:
    'An HTTP endpoint that receives events as signed POSTs (README, "Webhooks"). Admins only. The signing secret is shown once, by createWebhook (or updateWebhook with rotateSecret).',
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id: Number(id), AND: [webhookVisibility(ctx.viewer)] }),
  fields: (t) => ({
    internalId: t.exposeInt('id', { description: 'Database id.' }),
    url: t.exposeString('url', { description: 'Where deliveries are POSTed.' }),
    events: t.field({
      type: [EventTypeEnum],
      description: 'The event types it receives.',
      select: { events: true },
      resolve: (w) => w.events as never,
    }),
    description: t.exposeString('description', { description: 'What it is for.' }),
    enabled: t.exposeBoolean('enabled', {
      description: 'Receives events. Turned off after a delivery failed for about a day; enable it with updateWebhook.',
    }),
    disabledAt: t.expose('disabledAt', { type: 'DateTime', nullable: true, description: 'When it was turned off.' }),
    disabledReason: t.exposeString('disabledReason', { nullable: true, description: 'Why it was turned off.' }),
    createdBy: t.relation('createdBy', { nullable: true, description: 'The admin who made it.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was made.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it last changed.' }),
    deliveries: t.relatedConnection(
      'deliveries',
      {
        cursor: 'id',
        totalCount: true,
        description: 'Its deliveries, newest first, each with its attempts.',
        args: { state: t.arg({ type: WebhookDeliveryState, description: 'Only deliveries in this state.' }) },
        query: (args) => ({
          where: args.state ? { state: args.state } : {},
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        }),
      },
      WebhookDeliveryConnection,
    ),
  }),
});

export const { connection: WebhookConnection, edge: WebhookEdge } = sharedConnection(Webhook, 'Webhook', 'webhooks');

builder.queryField('webhooks', (t) =>
  t.prismaConnection(
    {
      type: 'Webhook',
      nullable: true,
      cursor: 'id',
      authScopes: (_root, _args, ctx) => can(ctx.viewer, 'webhook:manage'),
      description: 'The webhooks, oldest first. Admins only.',
      totalCount: (_root, _args, ctx) => ctx.prisma.webhook.count(),
      resolve: (query, _root, _args, ctx) => ctx.prisma.webhook.findMany({ ...query, orderBy: { id: 'asc' } }),
    },
    WebhookConnection,
  ),
);
