// Mutation payloads: the affected object, reloaded with the selection the client asked for (so
// payloads keep plugin-prisma's query optimisation), plus `userErrors`.
import type { ObjectRef } from '@pothos/core';
import { formatPrismaCursor, queryFromInfo } from '@pothos/plugin-prisma';
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { GraphQLResolveInfo } from 'graphql';
import { builder } from '../builder.ts';
import type { Context } from '../context.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { type PayloadShape, UserError } from './user-errors.ts';

type Model = 'Branch' | 'Ticket' | 'Comment' | 'Agent' | 'Customer' | 'Attachment' | 'ApiKey' | 'Webhook';

const loaders: Record<Model, (prisma: PrismaClient, query: object, id: number) => Promise<unknown>> = {
  Branch: (prisma, query, id) => prisma.branch.findUnique({ ...query, where: { id } }),
  Ticket: (prisma, query, id) => prisma.ticket.findUnique({ ...query, where: { id } }),
  Comment: (prisma, query, id) => prisma.comment.findUnique({ ...query, where: { id } }),
  Agent: (prisma, query, id) => prisma.agent.findUnique({ ...query, where: { id } }),
  Customer: (prisma, query, id) => prisma.customer.findUnique({ ...query, where: { id } }),
  Attachment: (prisma, query, id) => prisma.attachment.findUnique({ ...query, where: { id } }),
  ApiKey: (prisma, query, id) => prisma.apiKey.findUnique({ ...query, where: { id } }),
  Webhook: (prisma, query, id) => prisma.webhook.findUnique({ ...query, where: { id } }),
};

/** The edge of a created object, for Relay's `@appendEdge`/`@prependEdge`: its cursor in id-ordered lists. */
export async function edgeOf(ctx: Context, info: GraphQLResolveInfo, model: Model, id: number) {
  // Loaded with what the client selected below `node`, like the payload's own object.
  const node = await loaders[model](ctx.prisma, queryFromInfo({ context: ctx, info, path: ['node'] }), id);
  return { cursor: formatPrismaCursor({ id }, 'id'), node: node as never };
}

type BuilderTypes = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;
type EdgeRef = ObjectRef<BuilderTypes, { cursor: string; node: unknown }>;

/**
 * `XPayload { <field>: <Model>, userErrors }` for mutations that return the affected object; with
 * `edge`, also `<field>Edge` (mutations that create one).
 */
export function objectPayload<M extends Model>(
  name: string,
  field: string,
  model: M,
  description: string,
  edge?: EdgeRef,
) {
  return builder.objectRef<PayloadShape<{ id: number }>>(name).implement({
    description,
    fields: (t) => ({
      [field]: t.prismaField({
        type: model as 'Branch',
        nullable: true,
        description: `The ${field} as it is now; null when the mutation failed.`,
        resolve: (query, payload, _args, ctx) =>
          payload.result ? (loaders[model](ctx.prisma, query, payload.result.id) as never) : null,
      }),
      ...(edge
        ? {
            [`${field}Edge`]: t.field({
              type: edge,
              nullable: true,
              description: `The new ${field} as an edge of its lists (for Relay's @appendEdge); null when the mutation failed.`,
              resolve: (payload, _args, ctx, info) =>
                payload.result ? edgeOf(ctx, info, model, payload.result.id) : null,
            }),
          }
        : {}),
      userErrors: t.field({
        type: [UserError],
        description: 'Why the mutation failed; empty on success. Nothing was changed when it is not empty.',
        resolve: (payload) => payload.userErrors,
      }),
    }),
  });
}

/** `XPayload { deleted<Model>Id, userErrors }` for deletions. */
export function deletePayload(name: string, model: Model, description: string) {
  return builder.objectRef<PayloadShape<number>>(name).implement({
    description,
    fields: (t) => ({
      [`deleted${model}Id`]: t.id({
        nullable: true,
        description: `Global id of the deleted ${model.toLowerCase()}; null when nothing was deleted.`,
        resolve: (payload) => (payload.result == null ? null : encodeGlobalID(model, payload.result)),
      }),
      userErrors: t.field({
        type: [UserError],
        description: 'Why the mutation failed; empty on success. Nothing was changed when it is not empty.',
        resolve: (payload) => payload.userErrors,
      }),
    }),
  });
}
