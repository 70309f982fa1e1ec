import { builder } from '../builder.ts';
import * as comments from '../domain/comments.ts';
import { assertCan, commentVisibility, commentVisibilityOnVisibleTicket, viewerRef } from '../domain/permissions.ts';
import { RICH_TEXT_RULE } from '../domain/rich-text.ts';
import { containsText } from '../domain/text-search.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { Agent } from './agent/type.ts';
import { countOf, sharedConnection } from './connection.ts';
import { Customer } from './customer/type.ts';
import { incomingFiles, newFileFields } from './files.ts';
import { FILTER_TEXT_MAX, maxLength } from './input-limits.ts';
import { findPage, offsetArgDescription, orderInput, timeRange } from './ordering.ts';
import { deletePayload, objectPayload } from './payload.ts';
import { Person } from './person.ts';
import { TicketStatus } from './ticket/enums.ts';
import { actingPerson, locate, TicketLocator } from './ticket/locators.ts';
import { Ticket } from './ticket/type.ts';
import { asPayload, onlyFor } from './user-errors.ts';

export const Comment = builder.prismaNode('Comment', {
  description: 'A reply or internal note on a ticket.',
  select: { id: true },
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id: Number(id), AND: [commentVisibility(ctx.viewer)] }),
  // A well-formed id of a missing row is null from node(id:), not an error.
  nullable: true,
  fields: (t) => ({
    internalId: t.exposeInt('id', { description: 'Database id, as the REST API shows it.' }),
    content: t.exposeString('content', { description: `The text. ${RICH_TEXT_RULE}` }),
    private: t.exposeBoolean('private', { description: 'Internal note, visible to agents only.' }),
    author: t.field({
      type: Person,
      nullable: true,
      description: 'Who wrote it.',
      select: (_args, _ctx, nested) => ({
        authorAgent: nested(true, [], 'Agent'),
        authorCustomer: nested(true, [], 'Customer'),
      }),
      resolve: (comment) => comment.authorAgent ?? comment.authorCustomer,
    }),
    ticket: t.relation('ticket', { description: 'The ticket commented on.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the comment was written.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the comment last changed.' }),
  }),
});

const CommentFilter = builder.inputType('CommentFilter', {
  description: 'Narrows a list of comments.',
  fields: (t) => ({
    ticket: t.globalID({ for: Ticket, description: 'Only comments on this ticket.' }),
    author: t.globalID({ for: [Agent, Customer], description: 'Only comments by this person.' }),
    private: t.boolean({ description: 'Only internal notes (true) or only public replies (false).' }),
    createdAfter: t.field({ type: 'DateTime', description: 'Created at or after this time.' }),
    createdBefore: t.field({ type: 'DateTime', description: 'Created strictly before this time.' }),
    updatedAfter: t.field({ type: 'DateTime', description: 'Changed at or after this time.' }),
    updatedBefore: t.field({ type: 'DateTime', description: 'Changed strictly before this time.' }),
    ids: t.globalIDList({ for: Comment, description: 'Only these comments.' }),
    content: t.string({ ...maxLength(FILTER_TEXT_MAX), description: 'Substring of the text, case-insensitive.' }),
  }),
});

function commentWhere(filter: typeof CommentFilter.$inferInput | null | undefined): Prisma.CommentWhereInput {
  if (!filter) return {};
  return {
    ticketId: filter.ticket ? Number(filter.ticket.id) : undefined,
    ...(filter.author
      ? filter.author.typename === 'Agent'
        ? { authorAgentId: Number(filter.author.id) }
        : { authorCustomerId: Number(filter.author.id) }
      : {}),
    private: filter.private ?? undefined,
    createdAt: timeRange(filter.createdAfter, filter.createdBefore),
    updatedAt: timeRange(filter.updatedAfter, filter.updatedBefore),
    ...(filter.ids ? { id: { in: filter.ids.map((id) => Number(id.id)) } } : {}),
    ...(filter.content?.trim() ? { content: containsText(filter.content.trim()) } : {}),
  };
}

export const { connection: CommentConnection, edge: CommentEdge } = sharedConnection(Comment, 'Comment', 'comments');

const commentOrder = orderInput(
  'CommentOrder',
  'Sort order of a comment list.',
  {
    CREATED_AT: { column: 'id', description: 'Creation order.' },
    UPDATED_AT: { column: 'updatedAt', description: 'Last change.' },
    CONTENT: { column: 'content', description: 'Text, alphabetically.' },
    PRIVATE: { column: 'private', description: 'Public replies first (ascending), then internal notes.' },
    TICKET: { column: 'ticketId', description: 'Ticket, in creation order.' },
    AUTHOR: {
      column: 'authorAgentId',
      columns: ['authorAgentId', 'authorCustomerId'],
      description: 'Author: comments by agents (in agent creation order), then by customers.',
    },
  },
  { field: 'CREATED_AT', direction: 'ASC' },
);

builder.prismaObjectField(Ticket, 'comments', (t) =>
  t.relatedConnection(
    'comments',
    {
      cursor: 'id',
      totalCount: true,
      description:
        'Comments on the ticket (private notes only for agents), oldest first unless `orderBy` says otherwise.',
      args: {
        filter: t.arg({ type: CommentFilter, description: 'Narrows the list.' }),
        orderBy: t.arg({ type: commentOrder.Input, description: 'Sort order; default oldest first.' }),
      },
      query: (args, ctx) => ({
        where: { AND: [commentWhere(args.filter), commentVisibilityOnVisibleTicket(ctx.viewer)] },
        orderBy: commentOrder.toPrisma(args.orderBy) as Prisma.CommentOrderByWithRelationInput[],
      }),
    },
    CommentConnection,
  ),
);

builder.queryFields((t) => ({
  comment: t.prismaField({
    type: 'Comment',
    nullable: true,
    description: 'One comment by global id.',
    args: { id: t.arg.globalID({ for: Comment, required: true, description: 'Global id of the comment.' }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.comment.findUnique({
        ...query,
        where: { id: Number(args.id.id), AND: [commentVisibility(ctx.viewer)] },
      }),
  }),
  comments: t.prismaConnection(
    {
      type: 'Comment',
      // Nullable: a bad argument (cursor, id) nulls this field alone, not the whole response.
      nullable: true,
      cursor: 'id',
      description: 'Comments, oldest first.',
      args: {
        filter: t.arg({ type: CommentFilter, description: 'Narrows the list.' }),
        orderBy: t.arg({ type: commentOrder.Input, description: 'Sort order; default oldest first.' }),
        offset: t.arg.int({ description: offsetArgDescription }),
      },
      totalCount: (_root, args, ctx) =>
        countOf(ctx, 'comment', { AND: [commentWhere(args.filter), commentVisibility(ctx.viewer)] }),
      resolve: (query, _root, args, ctx) =>
        findPage(
          ctx.prisma.comment,
          'Comment',
          query,
          { AND: [commentWhere(args.filter), commentVisibility(ctx.viewer)] },
          commentOrder.toPrisma(args.orderBy) as Prisma.CommentOrderByWithRelationInput[],
          args.offset,
          ctx.reads,
        ),
    },
    CommentConnection,
  ),
}));

const AddCommentInput = builder.inputType('AddCommentInput', {
  description: 'A new comment on a ticket.',
  fields: (t) => ({
    ticket: t.field({ type: TicketLocator, required: true, description: 'The ticket to comment on.' }),
    content: t.string({ required: true, description: `The text; not blank once sanitised. ${RICH_TEXT_RULE}` }),
    private: t.boolean({ description: 'Internal note visible to agents only (default false).' }),
    ticketStatus: t.field({ type: TicketStatus, description: 'Also set the ticket to this status.' }),
    author: t.globalID({ for: [Agent, Customer], description: 'Who wrote it; default: you.' }),
    ...newFileFields(t),
  }),
});
const UpdateCommentInput = builder.inputType('UpdateCommentInput', {
  description: 'Changes to a comment; absent fields stay as they are.',
  fields: (t) => ({
    id: t.globalID({ for: Comment, required: true, description: 'The comment to change.' }),
    content: t.string({ description: `New text; not blank once sanitised. ${RICH_TEXT_RULE}` }),
    private: t.boolean({ description: 'Internal note or public reply.' }),
    ticketStatus: t.field({ type: TicketStatus, description: 'Also set the ticket to this status.' }),
  }),
});
const DeleteCommentInput = builder.inputType('DeleteCommentInput', {
  description: 'The comment to delete.',
  fields: (t) => ({ id: t.globalID({ for: Comment, required: true, description: 'The comment to delete.' }) }),
});

const AddCommentPayload = objectPayload(
  'AddCommentPayload',
  'comment',
  'Comment',
  'Result of `addComment`.',
  CommentEdge,
);
const UpdateCommentPayload = objectPayload('UpdateCommentPayload', 'comment', 'Comment', 'Result of `updateComment`.');
const DeleteCommentPayload = deletePayload('DeleteCommentPayload', 'Comment', 'Result of `deleteComment`.');

builder.mutationFields((t) => ({
  addComment: t.field({
    type: AddCommentPayload,
    description:
      'Comments on a ticket, optionally changing its status. Customers comment on their own tickets, publicly and as themselves.',
    args: { input: t.arg({ type: AddCommentInput, required: true, description: 'The comment.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(async () => {
        const ticketId = await locate(ctx, input.ticket);
        const author = actingPerson(ctx, input.author);
        assertCan(ctx.viewer, 'comment:write', { ...input, author });
        const files = input.files || input.attachments ? await incomingFiles(ctx, input.files, input.attachments) : [];
        // The files' blobs are written before the comment and its attachment rows commit together.
        return comments.addComment(
          ctx.prisma,
          ticketId,
          { ...input, author },
          { store: ctx.files.store, files },
          ctx.now,
          viewerRef(ctx.viewer),
        );
      }),
  }),
  updateComment: t.field({
    type: UpdateCommentPayload,
    description: 'Changes a comment. Customers change only their own, and cannot make them private.',
    args: { input: t.arg({ type: UpdateCommentInput, required: true, description: 'The comment and its changes.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() => comments.updateComment(ctx.prisma, ctx.viewer, Number(input.id.id), input, ctx.now)),
  }),
  deleteComment: t.field({
    type: DeleteCommentPayload,
    ...onlyFor('staff', 'Only agents delete comments.'),
    description: 'Deletes a comment and its attachments, permanently. Admins, and agents for their own comments.',
    args: { input: t.arg({ type: DeleteCommentInput, required: true, description: 'The comment to delete.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() => comments.deleteComment(ctx.prisma, ctx.files.store, ctx.viewer, Number(input.id.id), ctx.now)),
  }),
}));
