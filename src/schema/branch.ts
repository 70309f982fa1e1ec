import { builder } from '../builder.ts';
import * as branches from '../domain/branches.ts';
import { RICH_TEXT_RULE } from '../domain/rich-text.ts';
import { containsText } from '../domain/text-search.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { Agent } from './agent/type.ts';
import { countOf, sharedConnection } from './connection.ts';
import { FILTER_TEXT_MAX, KEY_MAX, LONG_TEXT_MAX, maxLength, SEARCH_TEXT_MAX, TAG_MAX } from './input-limits.ts';
import { deprecatedLookup, locatorOf } from './locator.ts';
import { findPage, offsetArgDescription, orderInput, timeRange } from './ordering.ts';
import { deletePayload, objectPayload } from './payload.ts';
import { asPayload, onlyFor } from './user-errors.ts';

export const Branch = builder.prismaNode('Branch', {
  description: 'A queue of tickets (a product, team or department). Its key prefixes the keys of its tickets.',
  select: { id: true },
  id: { field: 'id' },
  // A well-formed id of a missing row is null from node(id:), not an error.
  nullable: true,
  fields: (t) => ({
    internalId: t.exposeInt('id', { description: 'Database id, as the REST API shows it.' }),
    key: t.exposeString('key', {
      description: 'Unique key, letters only (for example `SUP`); ticket keys start with it.',
    }),
    name: t.exposeString('name', { description: 'Display name.' }),
    description: t.exposeString('description', {
      description: `Free-text description; empty when none. ${RICH_TEXT_RULE}`,
    }),
    tags: t.exposeStringList('tags', { description: 'Tags of the branch.' }),
    logoUrl: t.field({
      type: 'URL',
      nullable: true,
      description: 'Absolute URL of the branch logo, if any.',
      select: { logoUrl: true },
      resolve: (b) => b.logoUrl,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the branch was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the branch last changed.' }),
  }),
});

export const { connection: BranchConnection, edge: BranchEdge } = sharedConnection(Branch, 'Branch', 'branches');

const BranchFilter = builder.inputType('BranchFilter', {
  description: 'Narrows a list of branches.',
  fields: (t) => ({
    text: t.string({
      ...maxLength(SEARCH_TEXT_MAX),
      description: `Substring of the key, name or description, case-insensitive (at most ${SEARCH_TEXT_MAX} characters).`,
    }),
    tag: t.string({
      ...maxLength(TAG_MAX),
      description: `Only branches with this tag (at most ${TAG_MAX} characters).`,
    }),
    key: t.string({
      ...maxLength(FILTER_TEXT_MAX),
      description: `Substring of the key, case-insensitive (at most ${FILTER_TEXT_MAX} characters).`,
    }),
    name: t.string({
      ...maxLength(FILTER_TEXT_MAX),
      description: `Substring of the name, case-insensitive (at most ${FILTER_TEXT_MAX} characters).`,
    }),
    createdAfter: t.field({ type: 'DateTime', description: 'Created at or after this time.' }),
    createdBefore: t.field({ type: 'DateTime', description: 'Created strictly before this time.' }),
    updatedAfter: t.field({ type: 'DateTime', description: 'Updated at or after this time.' }),
    updatedBefore: t.field({ type: 'DateTime', description: 'Updated strictly before this time.' }),
    ids: t.globalIDList({ for: Branch, description: 'Only these branches.' }),
    description: t.string({
      ...maxLength(FILTER_TEXT_MAX),
      description: 'Substring of the description, case-insensitive.',
    }),
    defaultAssignee: t.globalID({ for: Agent, description: 'Only branches with this default assignee.' }),
  }),
});

function branchWhere(filter: typeof BranchFilter.$inferInput | null | undefined): Prisma.BranchWhereInput {
  const text = filter?.text?.trim();
  return {
    ...(filter?.tag ? { tags: { has: filter.tag.trim() } } : {}),
    ...(filter?.key ? { key: containsText(filter.key) } : {}),
    ...(filter?.name ? { name: containsText(filter.name) } : {}),
    ...(filter?.description?.trim() ? { description: containsText(filter.description.trim()) } : {}),
    ...(filter?.ids ? { id: { in: filter.ids.map((id) => Number(id.id)) } } : {}),
    ...(filter?.defaultAssignee ? { defaultAssigneeId: Number(filter.defaultAssignee.id) } : {}),
    createdAt: timeRange(filter?.createdAfter, filter?.createdBefore),
    updatedAt: timeRange(filter?.updatedAfter, filter?.updatedBefore),
    ...(text
      ? { OR: [{ key: containsText(text) }, { name: containsText(text) }, { description: containsText(text) }] }
      : {}),
  };
}

const branchOrder = orderInput(
  'BranchOrder',
  'Sort order of a branch list.',
  {
    CREATED_AT: { column: 'id', description: 'Creation order.' },
    KEY: { column: 'key', description: 'Key, alphabetically.' },
    NAME: { column: 'name', description: 'Name, alphabetically.' },
    DESCRIPTION: { column: 'description', description: 'Description, alphabetically.' },
    DEFAULT_ASSIGNEE: { column: 'defaultAssigneeId', description: 'Default assignee, in creation order.' },
    UPDATED_AT: { column: 'updatedAt', description: 'Last change.' },
  },
  { field: 'CREATED_AT', direction: 'ASC' },
);

export const BranchLocator = builder.inputType('BranchLocator', {
  description: 'Finds a branch by global `id` or by `key`. Give exactly one.',
  isOneOf: true,
  fields: (t) => ({
    id: t.globalID({ for: Branch, description: 'Global id of the branch.' }),
    key: t.string({ ...maxLength(KEY_MAX), description: 'Branch key such as `SUP`, case-insensitive.' }),
  }),
});

builder.queryFields((t) => ({
  branch: t.prismaField({
    type: 'Branch',
    nullable: true,
    description: 'One branch, by `by: {id}` or `by: {key}`; null when there is none.',
    args: {
      by: t.arg({ type: BranchLocator, description: 'The branch, by global id or key.' }),
      id: t.arg.globalID({ for: Branch, ...deprecatedLookup('id'), description: 'Global id of the branch.' }),
      key: t.arg.string({
        ...maxLength(KEY_MAX),
        ...deprecatedLookup('key'),
        description: 'Branch key, case-insensitive.',
      }),
    },
    resolve: (query, _root, args, ctx) => {
      const by = locatorOf('branch', args, ['id', 'key']);
      return ctx.prisma.branch.findUnique({
        ...query,
        where: by.id ? { id: Number(by.id.id) } : { key: by.key!.trim().toUpperCase() },
      });
    },
  }),
  branches: t.prismaConnection(
    {
      type: 'Branch',
      // Nullable: a bad argument (cursor, id) nulls this field alone, not the whole response.
      nullable: true,
      cursor: 'id',
      description: 'Branches, oldest first unless `orderBy` says otherwise.',
      args: {
        filter: t.arg({ type: BranchFilter, description: 'Narrows the list.' }),
        orderBy: t.arg({ type: branchOrder.Input, description: 'Sort order; default oldest first.' }),
        offset: t.arg.int({ description: offsetArgDescription }),
      },
      totalCount: (_root, args, ctx) => countOf(ctx, 'branch', branchWhere(args.filter)),
      resolve: (query, _root, args, ctx) =>
        findPage(
          ctx.prisma.branch,
          'Branch',
          query,
          branchWhere(args.filter),
          branchOrder.toPrisma(args.orderBy) as Prisma.BranchOrderByWithRelationInput[],
          args.offset,
          ctx.reads,
        ),
    },
    BranchConnection,
  ),
}));

const CreateBranchInput = builder.inputType('CreateBranchInput', {
  description: 'A new branch.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Display name: at least 2 characters, with a letter.' }),
    key: t.string({ description: 'Letters only, at least 2; derived from the name when absent.' }),
    description: t.string({
      ...maxLength(LONG_TEXT_MAX),
      description: `Free-text description (at most ${LONG_TEXT_MAX} characters).`,
    }),
    tags: t.stringList({ description: 'Tags.' }),
    logoUrl: t.field({ type: 'URL', description: 'Absolute URL of a logo image.' }),
    defaultAssignee: t.globalID({ for: Agent, description: 'Agent new tickets go to when none is given.' }),
  }),
});

const UpdateBranchInput = builder.inputType('UpdateBranchInput', {
  description: 'Changes to a branch; absent fields stay as they are.',
  fields: (t) => ({
    id: t.globalID({ required: true, for: Branch, description: 'The branch to change.' }),
    name: t.string({ description: 'Display name: at least 2 characters, with a letter.' }),
    key: t.string({ description: 'New key; only while the branch has no tickets.' }),
    description: t.string({
      ...maxLength(LONG_TEXT_MAX),
      description: `Free-text description (at most ${LONG_TEXT_MAX} characters).`,
    }),
    tags: t.stringList({ description: 'Replaces the tags.' }),
    logoUrl: t.field({ type: 'URL', description: 'Absolute URL of a logo image; null removes it.' }),
    defaultAssignee: t.globalID({
      for: Agent,
      description: 'Agent new tickets go to when none is given; null removes it.',
    }),
  }),
});

const DeleteBranchInput = builder.inputType('DeleteBranchInput', {
  description: 'The branch to delete. It must have no tickets.',
  fields: (t) => ({
    id: t.globalID({ required: true, for: Branch, description: 'The branch to delete.' }),
  }),
});

const CreateBranchPayload = objectPayload(
  'CreateBranchPayload',
  'branch',
  'Branch',
  'Result of `createBranch`.',
  BranchEdge,
);
const UpdateBranchPayload = objectPayload('UpdateBranchPayload', 'branch', 'Branch', 'Result of `updateBranch`.');
const DeleteBranchPayload = deletePayload('DeleteBranchPayload', 'Branch', 'Result of `deleteBranch`.');

builder.mutationFields((t) => ({
  createBranch: t.field({
    ...onlyFor('admin', 'Only admins manage branches.'),
    type: CreateBranchPayload,
    description: 'Creates a branch. Admins only.',
    args: { input: t.arg({ type: CreateBranchInput, required: true, description: 'The new branch.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() =>
        branches.createBranch(ctx.prisma, {
          ...input,
          logoUrl: input.logoUrl?.toString(),
          defaultAssigneeId: input.defaultAssignee ? Number(input.defaultAssignee.id) : undefined,
        }),
      ),
  }),
  updateBranch: t.field({
    ...onlyFor('admin', 'Only admins manage branches.'),
    type: UpdateBranchPayload,
    description: 'Changes a branch. Admins only.',
    args: { input: t.arg({ type: UpdateBranchInput, required: true, description: 'The branch and its changes.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() =>
        branches.updateBranch(ctx.prisma, Number(input.id.id), {
          ...input,
          logoUrl: input.logoUrl === undefined ? undefined : (input.logoUrl?.toString() ?? null),
          defaultAssigneeId:
            input.defaultAssignee === undefined
              ? undefined
              : input.defaultAssignee === null
                ? null
                : Number(input.defaultAssignee.id),
        }),
      ),
  }),
  deleteBranch: t.field({
    ...onlyFor('admin', 'Only admins manage branches.'),
    type: DeleteBranchPayload,
    description: 'Deletes a branch that has no tickets; one with tickets is a CONFLICT. Admins only.',
    args: { input: t.arg({ type: DeleteBranchInput, required: true, description: 'The branch to delete.' }) },
    resolve: (_root, { input }, ctx) => asPayload(() => branches.deleteBranch(ctx.prisma, Number(input.id.id))),
  }),
}));
