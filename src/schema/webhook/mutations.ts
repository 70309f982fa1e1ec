// createWebhook, updateWebhook, deleteWebhook and redeliverWebhookDelivery: each parses its input
// and calls one use-case in src/domain/webhooks.ts. Admins only (`webhook:manage`).
import { builder } from '../../builder.ts';
import { DomainError } from '../../domain/errors.ts';
import { EVENT_TYPES } from '../../domain/events/types.ts';
import * as webhooks from '../../domain/webhooks.ts';
import { EventTypeEnum } from '../event/type.ts';
import { maxItems } from '../input-limits.ts';
import { deletePayload, objectPayload } from '../payload.ts';
import { asPayload, onlyFor, type PayloadShape, UserError } from '../user-errors.ts';
import { Webhook, WebhookDelivery, WebhookEdge } from './type.ts';

const adminsOnly = onlyFor('admin', 'Only admins manage webhooks.');
const URL_RULE = `An http(s) URL of at most 2048 characters; loopback and private addresses are refused unless HELPDESK_WEBHOOK_ALLOW_PRIVATE=1.`;
const DESCRIPTION_RULE = `At most ${webhooks.WEBHOOK_DESCRIPTION_MAX} characters.`;
const eventList = { ...maxItems(EVENT_TYPES.length) };

const CreateWebhookInput = builder.inputType('CreateWebhookInput', {
  description: 'A new webhook.',
  fields: (t) => ({
    url: t.string({ required: true, description: `Where to POST events. ${URL_RULE}` }),
    events: t.field({
      type: [EventTypeEnum],
      required: true,
      ...eventList,
      description: 'The event types to deliver.',
    }),
    description: t.string({ description: `What it is for. ${DESCRIPTION_RULE}` }),
  }),
});

const UpdateWebhookInput = builder.inputType('UpdateWebhookInput', {
  description: 'Changes to a webhook; absent fields stay as they are.',
  fields: (t) => ({
    id: t.globalID({ for: Webhook, required: true, description: 'The webhook.' }),
    url: t.string({ description: `Where to POST events. ${URL_RULE}` }),
    events: t.field({ type: [EventTypeEnum], ...eventList, description: 'The event types to deliver.' }),
    description: t.string({ description: DESCRIPTION_RULE }),
    enabled: t.boolean({
      description: 'Turn deliveries on (again, after failures: from the next event on) or off.',
    }),
    rotateSecret: t.boolean({ description: 'Make a new signing secret; it is returned this once.' }),
  }),
});

const DeleteWebhookInput = builder.inputType('DeleteWebhookInput', {
  description: 'The webhook to delete.',
  fields: (t) => ({ id: t.globalID({ for: Webhook, required: true, description: 'The webhook.' }) }),
});

const RedeliverWebhookDeliveryInput = builder.inputType('RedeliverWebhookDeliveryInput', {
  description: 'The delivery to send again.',
  fields: (t) => ({ id: t.globalID({ for: WebhookDelivery, required: true, description: 'The delivery.' }) }),
});

/** Create and update payloads also carry the signing secret, when one was made. */
function withSecret(ref: ReturnType<typeof objectPayload>, when: string) {
  builder.objectField(ref, 'secret', (t) =>
    t.string({
      nullable: true,
      description: `The signing secret (64 hex characters), ${when}: shown this once, store it now. Null otherwise.`,
      resolve: (payload) => (payload.result as { secret?: string } | null)?.secret ?? null,
    }),
  );
  return ref;
}

const CreateWebhookPayload = withSecret(
  objectPayload('CreateWebhookPayload', 'webhook', 'Webhook', 'Result of `createWebhook`.', WebhookEdge),
  'for the new webhook',
);
const UpdateWebhookPayload = withSecret(
  objectPayload('UpdateWebhookPayload', 'webhook', 'Webhook', 'Result of `updateWebhook`.'),
  'when `rotateSecret` made a new one',
);
const DeleteWebhookPayload = deletePayload('DeleteWebhookPayload', 'Webhook', 'Result of `deleteWebhook`.');

const RedeliverWebhookDeliveryPayload = builder
  .objectRef<PayloadShape<string>>('RedeliverWebhookDeliveryPayload')
  .implement({
    description: 'Result of `redeliverWebhookDelivery`.',
    fields: (t) => ({
      delivery: t.prismaField({
        type: 'WebhookDelivery',
        nullable: true,
        description: 'The delivery, queued again; null when the mutation failed.',
        resolve: (query, payload, _args, ctx) =>
          payload.result ? ctx.prisma.webhookDelivery.findUnique({ ...query, where: { id: payload.result } }) : null,
      }),
      userErrors: t.field({
        type: [UserError],
        description: 'Why the mutation failed; empty on success. Nothing was changed when it is not empty.',
        resolve: (payload) => payload.userErrors,
      }),
    }),
  });

builder.mutationFields((t) => ({
  createWebhook: t.field({
    type: CreateWebhookPayload,
    ...adminsOnly,
    description:
      'Registers a webhook: every event of the given types committed from now on is POSTed to its URL, signed with a secret returned here once. Admins only; at most HELPDESK_MAX_WEBHOOKS of them.',
    args: { input: t.arg({ type: CreateWebhookInput, required: true, description: 'The new webhook.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() => webhooks.createWebhook(ctx.prisma, ctx.box, ctx.viewer, input, ctx.webhooks.settings)),
  }),
  updateWebhook: t.field({
    type: UpdateWebhookPayload,
    ...adminsOnly,
    description:
      'Changes a webhook: its URL, events, description, whether it is enabled (a webhook disabled after failures is enabled again here), or its secret. Admins only.',
    args: { input: t.arg({ type: UpdateWebhookInput, required: true, description: 'The webhook and its changes.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() =>
        webhooks.updateWebhook(
          ctx.prisma,
          ctx.box,
          ctx.viewer,
          Number(input.id.id),
          input,
          ctx.webhooks.settings,
          ctx.now,
        ),
      ),
  }),
  deleteWebhook: t.field({
    type: DeleteWebhookPayload,
    ...adminsOnly,
    description: 'Deletes a webhook and its delivery log; nothing more is sent to it. Admins only.',
    args: { input: t.arg({ type: DeleteWebhookInput, required: true, description: 'The webhook.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() => webhooks.deleteWebhook(ctx.prisma, ctx.viewer, Number(input.id.id))),
  }),
  redeliverWebhookDelivery: t.field({
    type: RedeliverWebhookDeliveryPayload,
    ...adminsOnly,
    description:
      'Sends a delivery again, with the same `X-Helpdesk-Delivery` id and a new timestamp and signature, and retries it on failure. Not while it is still being attempted (CONFLICT), nor to a disabled webhook. Admins only.',
    args: {
      input: t.arg({ type: RedeliverWebhookDeliveryInput, required: true, description: 'The delivery.' }),
    },
    resolve: (_root, { input }, ctx) =>
      asPayload(() => {
        const queue = ctx.webhooks.queue();
        if (!queue) throw DomainError.of('CONFLICT', 'Webhook deliveries are not running on this server.', ['id']);
        return webhooks.redeliverWebhookDelivery(ctx.prisma, ctx.viewer, input.id.id, queue);
      }),
  }),
}));
