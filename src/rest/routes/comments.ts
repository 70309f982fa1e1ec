// /comments, /comments/{id}, /comment/{id}/author.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { MAX_PAGE_SIZE } from '../../builder.ts';
import { deleteRoute, runGraphQL, runMutation } from '../execute.ts';
import { knownProperties, onlyProperties, RestError } from '../format.ts';
import { dateFilters, idsParam, listOperation, listResponse, orderOf, textParam } from '../lists.ts';
import {
  enumValue,
  type GqlPerson,
  numericId,
  PERSON,
  personGlobalId,
  restPerson,
  TICKET_STATUSES,
} from '../people.ts';
import type { Route, RouteRequest } from '../router.ts';
import { compact, restDate } from '../serialize.ts';
import { ATTACHMENT, type GqlAttachment, restAttachment } from './attachments.ts';

export const COMMENT = `internalId content private createdAt updatedAt ticket { internalId } author { ${PERSON} }
  attachments(first: ${MAX_PAGE_SIZE}) { nodes { ${ATTACHMENT} } }`;

export interface GqlComment {
  internalId: number;
  content: string;
  private: boolean;
  createdAt: string;
  updatedAt: string;
  ticket: { internalId: number };
  author: GqlPerson | null;
  attachments: { nodes: GqlAttachment[] };
}

export function restComment(c: GqlComment) {
  return compact({
    id: c.internalId,
    content: c.content,
    private: c.private,
    ticket: c.ticket.internalId,
    author: restPerson(c.author),
    attachments: c.attachments.nodes.map(restAttachment),
    created_at: restDate(c.createdAt),
    updated_at: restDate(c.updatedAt),
  });
}

const NOT_FOUND = 'Comment loading failed, comment not found.';

const commentId = (request: RouteRequest) => {
  if (!/^\d{1,10}$/.test(request.params.id ?? '')) throw new RestError(404, NOT_FOUND);
  return encodeGlobalID('Comment', request.params.id!);
};

async function loadComment(request: RouteRequest) {
  const data = await runGraphQL<{ comment: GqlComment | null }>(
    request.ctx,
    `query($id: ID!) { comment(id: $id) { ${COMMENT} } }`,
    {
      id: commentId(request),
    },
  );
  if (!data.comment) throw new RestError(404, NOT_FOUND);
  return data.comment;
}

function flag(value: unknown) {
  if (value === undefined || value === null || value === '') return undefined;
  if (value === true || value === 'true' || value === '1' || value === 1) return true;
  if (value === false || value === 'false' || value === '0' || value === 0) return false;
  throw new RestError(400, '"private" must be true or false.');
}

const COMMENT_LIST = listOperation('comments', COMMENT, { filter: 'CommentFilter', orderBy: 'CommentOrder' });

const SORTS = {
  id: 'CREATED_AT',
  createdAt: 'CREATED_AT',
  updatedAt: 'UPDATED_AT',
  content: 'CONTENT',
  private: 'PRIVATE',
  ticket: 'TICKET',
  author: 'AUTHOR',
};

export const commentRoutes: Route[] = [
  {
    method: 'GET',
    path: '/comments',
    handle: (request) =>
      listResponse<GqlComment>(
        request,
        COMMENT_LIST,
        'comments',
        (q) => ({
          orderBy: orderOf(q, SORTS),
          filter: compact({
            ids: idsParam(q, 'Comment'),
            ticket: numericId(q.get('ticket'), 'ticket', 'Ticket'),
            author: personGlobalId(q.get('author'), 'author'),
            private: flag(q.get('private')),
            content: textParam(q, 'content'),
            ...dateFilters(q),
          }),
        }),
        restComment,
      ),
  },
  {
    method: 'POST',
    path: '/comments',
    async handle(request) {
      const body = knownProperties(
        'Comment',
        await request.body(),
        ['content', 'ticket', 'author', 'private', 'ticketStatus', 'attachmentsInput'],
        request.logger,
      );
      const ticket = numericId(body.ticket, 'ticket', 'Ticket');
      if (!ticket) throw new RestError(400, '"ticket" is required.');
      const added = await runMutation(
        request.ctx,
        'addComment',
        `mutation($input: AddCommentInput!) { addComment(input: $input) { comment { ${COMMENT} } userErrors { message field code } } }`,
        {
          input: compact({
            ticket: { id: ticket },
            content: body.content ?? '',
            author: personGlobalId(body.author, 'author'),
            private: flag(body.private),
            ticketStatus: enumValue(body.ticketStatus, 'ticketStatus', TICKET_STATUSES),
            attachments: Array.isArray(body.attachmentsInput) ? body.attachmentsInput : undefined,
          }),
        },
      );
      const comment = restComment(added.comment);
      return { status: 201, body: comment, headers: { Location: `${request.base}/comments/${comment.id}` } };
    },
  },
  {
    method: 'GET',
    path: '/comments/:id',
    handle: async (request) => ({ status: 200, body: restComment(await loadComment(request)) }),
  },
  {
    method: ['PUT', 'PATCH'],
    path: '/comments/:id',
    async handle(request) {
      const body = await request.body();
      onlyProperties('Comment', body, ['content', 'private', 'ticketStatus']);
      const updated = await runMutation(
        request.ctx,
        'updateComment',
        `mutation($input: UpdateCommentInput!) { updateComment(input: $input) { comment { ${COMMENT} } userErrors { message field code } } }`,
        {
          input: compact({
            id: commentId(request),
            content: body.content,
            private: flag(body.private),
            ticketStatus: enumValue(body.ticketStatus, 'ticketStatus', TICKET_STATUSES),
          }),
        },
      );
      return { status: 200, body: restComment(updated.comment) };
    },
  },
  deleteRoute(
    '/comments/:id',
    'deleteComment',
    `mutation($id: ID!) { deleteComment(input: {id: $id}) { deletedCommentId userErrors { message field code } } }`,
    (request) => ({ id: commentId(request) }),
  ),
  {
    method: 'GET',
    path: '/comment/:id/author',
    async handle(request) {
      const comment = await loadComment(request);
      if (!comment.author) throw new RestError(404, 'The comment has no author.');
      return { status: 200, body: restPerson(comment.author) };
    },
  },
];
