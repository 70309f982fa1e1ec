import { builder } from '../builder.ts';
import type { Context } from '../context.ts';
import * as apiKeys from '../domain/api-keys.ts';
import type { PersonRef } from '../domain/people.ts';
import { apiKeyVisibility, can, viewerRef } from '../domain/permissions.ts';
import { Agent } from './agent/type.ts';
import { Customer } from './customer/type.ts';
import { objectPayload } from './payload.ts';
import { Person, personRef } from './person.ts';
import { asPayload, type PayloadShape, UserError } from './user-errors.ts';

export const ApiKey = builder.prismaNode('ApiKey', {
  description:
    'A credential for WSSE, Basic or Bearer authentication. The secret itself is shown only once, when created.',
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id: Number(id), AND: [apiKeyVisibility(ctx.viewer)] }),
  fields: (t) => ({
    internalId: t.exposeInt('id', { description: 'Database id.' }),
    label: t.exposeString('label', { description: 'What the key is for, as given when it was made.' }),
    owner: t.field({
      type: Person,
      description: 'The agent or customer the key authenticates as.',
      select: { agent: true, customer: true },
      resolve: (key) => (key.agent ?? key.customer)!,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the key was made.' }),
    lastUsedAt: t.expose('lastUsedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'Last use, to the minute; null if never.',
    }),
    revokedAt: t.expose('revokedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was revoked; null while it works.',
    }),
  }),
});

const ownKeysOnly = (kind: PersonRef['kind']) => ({
  nullable: true as const,
  description: 'API keys of this person, newest first (yourself, or anyone for admins; null otherwise).',
  query: { orderBy: { id: 'desc' as const } },
  authScopes: (person: { id: number }, _args: object, ctx: Context) =>
    can(ctx.viewer, 'apiKey:list', { kind, id: person.id }),
  unauthorizedResolver: () => null,
});
builder.prismaObjectField(Agent, 'apiKeys', (t) => t.relation('apiKeys', ownKeysOnly('agent')));
builder.prismaObjectField(Customer, 'apiKeys', (t) => t.relation('apiKeys', ownKeysOnly('customer')));

const CreateApiKeyInput = builder.inputType('CreateApiKeyInput', {
  description: 'A new API key.',
  fields: (t) => ({
    label: t.string({ description: 'What the key is for (at most 100 characters).' }),
    owner: t.globalID({
      for: [Agent, Customer],
      description: 'Whose key; default yourself. Admins may make keys for anyone.',
    }),
  }),
});

const RevokeApiKeyInput = builder.inputType('RevokeApiKeyInput', {
  description: 'The API key to revoke.',
  fields: (t) => ({ id: t.globalID({ for: ApiKey, required: true, description: 'The key to revoke.' }) }),
});

const CreateApiKeyPayload = builder
  .objectRef<PayloadShape<{ id: number; secret: string }>>('CreateApiKeyPayload')
  .implement({
    description: 'Result of `createApiKey`.',
    fields: (t) => ({
      apiKey: t.prismaField({
        type: 'ApiKey',
        nullable: true,
        description: 'The new key; null when it was not made.',
        resolve: (query, payload, _args, ctx) =>
          payload.result ? ctx.prisma.apiKey.findUnique({ ...query, where: { id: payload.result.id } }) : null,
      }),
      secret: t.string({
        nullable: true,
        description: 'The key itself (40 hex characters). Shown this once: it cannot be read again.',
        resolve: (payload) => payload.result?.secret ?? null,
      }),
      userErrors: t.field({
        type: [UserError],
        description: 'Why no key was made; empty on success.',
        resolve: (p) => p.userErrors,
      }),
    }),
  });

const RevokeApiKeyPayload = objectPayload('RevokeApiKeyPayload', 'apiKey', 'ApiKey', 'Result of `revokeApiKey`.');

builder.mutationFields((t) => ({
  createApiKey: t.field({
    type: CreateApiKeyPayload,
    description:
      'Makes an API key for yourself (admins: for anyone). The secret is in the payload, once. A person holds at most 20 active keys (HELPDESK_MAX_API_KEYS): past that, LIMIT_REACHED.',
    args: { input: t.arg({ type: CreateApiKeyInput, required: true, description: 'Label and owner.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() =>
        apiKeys.createApiKey(
          ctx.prisma,
          ctx.box,
          ctx.viewer,
          { owner: input.owner ? personRef(input.owner) : viewerRef(ctx.viewer), label: input.label },
          ctx.quotas.apiKeysPerPerson,
        ),
      ),
  }),
  revokeApiKey: t.field({
    type: RevokeApiKeyPayload,
    description: 'Revokes one of your API keys (admins: anyone’s). It stops working at once.',
    args: { input: t.arg({ type: RevokeApiKeyInput, required: true, description: 'The key.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() => apiKeys.revokeApiKey(ctx.prisma, ctx.viewer, Number(input.id.id), ctx.now)),
  }),
}));
