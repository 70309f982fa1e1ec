// Attachments: the type, uploads (GraphQL multipart `File`s or DiamanteDesk's base64 objects)
// and removal. Bytes go to the BlobStore; the download routes live in src/http/downloads.ts.

import { issueDownloadToken } from '../auth/download-token.ts';
import { builder } from '../builder.ts';
import type { Context } from '../context.ts';
import * as attachments from '../domain/attachments.ts';
import { DomainError } from '../domain/errors.ts';
import { assertCan, attachmentVisibility, commentVisibility, viewerRef } from '../domain/permissions.ts';
import { Comment } from './comment.ts';
import { sharedConnection } from './connection.ts';
import { Base64FileInput, FileScalar, incomingFiles } from './files.ts';
import { maxItems } from './input-limits.ts';
import { deletePayload, edgeOf } from './payload.ts';
import { locate, TicketLocator } from './ticket/locators.ts';
import { Ticket } from './ticket/type.ts';
import { asPayload, onlyFor, type PayloadShape, UserError } from './user-errors.ts';

/**
 * Absolute link with a signed token for the caller, so a browser can open it without headers.
 * Files with the same bytes share one hash (and path); `attachment` names the one the link is
 * for, so the download carries that attachment's filename.
 */
function downloadUrl(ctx: Context, kind: 'file' | 'thumbnail', a: { id: number; sha256: string }) {
  const path = `/desk/attachments/download/${kind}/${a.sha256}?attachment=${a.id}`;
  const expires = Math.floor(ctx.now() / 1000) + ctx.files.downloadTokenSeconds;
  return `${ctx.baseUrl}${path}&token=${issueDownloadToken(ctx.box, ctx.viewer, kind, a.sha256, expires)}`;
}

export const Attachment = builder.prismaNode('Attachment', {
  description: 'A file on a ticket or a comment.',
  select: { id: true },
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id: Number(id), AND: [attachmentVisibility(ctx.viewer)] }),
  // A well-formed id of a missing row is null from node(id:), not an error.
  nullable: true,
  fields: (t) => ({
    internalId: t.exposeInt('id', { description: 'Database id, as the REST API shows it.' }),
    filename: t.exposeString('filename', {
      description: 'File name as uploaded, sanitised (no paths or control characters).',
    }),
    contentType: t.exposeString('contentType', {
      description: 'MIME type, detected from the bytes (not from the client).',
    }),
    byteSize: t.exposeInt('byteSize', { description: 'Size in bytes.' }),
    sha256: t.exposeString('sha256', { description: 'SHA-256 of the content, hex; the download paths use it.' }),
    url: t.field({
      type: 'URL',
      description: 'Download link, signed for you and valid for a limited time (HELPDESK_DOWNLOAD_TOKEN_TTL).',
      select: { id: true, sha256: true },
      resolve: (a, _args, ctx) => downloadUrl(ctx, 'file', a),
    }),
    thumbnailUrl: t.field({
      type: 'URL',
      nullable: true,
      description: 'A PNG preview within 100x100 (images only), signed like `url`.',
      select: { id: true, sha256: true, hasThumbnail: true },
      resolve: (a, _args, ctx) => (a.hasThumbnail ? downloadUrl(ctx, 'thumbnail', a) : null),
    }),
    ticket: t.relation('ticket', { nullable: true, description: 'The ticket the file is attached to, if any.' }),
    comment: t.relation('comment', { nullable: true, description: 'The comment the file is attached to, if any.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the file was uploaded.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the record last changed.' }),
  }),
});

export const { connection: AttachmentConnection, edge: AttachmentEdge } = sharedConnection(
  Attachment,
  'Attachment',
  'attachments',
);

// Files are listed oldest first, not filtered nor ordered otherwise: a ticket or comment has few.
builder.prismaObjectField(Ticket, 'attachments', (t) =>
  t.relatedConnection(
    'attachments',
    {
      cursor: 'id',
      totalCount: true,
      description: 'Files attached to the ticket itself (not to its comments), oldest first.',
      query: () => ({ orderBy: { id: 'asc' } }),
    },
    AttachmentConnection,
  ),
);
builder.prismaObjectField(Comment, 'attachments', (t) =>
  t.relatedConnection(
    'attachments',
    {
      cursor: 'id',
      totalCount: true,
      description: 'Files attached to the comment, oldest first.',
      query: () => ({ orderBy: { id: 'asc' } }),
    },
    AttachmentConnection,
  ),
);

const AddAttachmentsInput = builder.inputType('AddAttachmentsInput', {
  description:
    'Files for a ticket or a comment (give exactly one of them), as multipart `files` and/or `base64` objects.',
  fields: (t) => ({
    ticket: t.field({ type: TicketLocator, description: 'Attach to this ticket.' }),
    comment: t.globalID({ for: Comment, description: 'Attach to this comment.' }),
    files: t.field({
      type: [FileScalar],
      ...maxItems(null),
      description: 'Files sent with the GraphQL multipart request spec.',
    }),
    base64: t.field({ type: [Base64FileInput], ...maxItems(null), description: 'Files as base64 objects.' }),
  }),
});

const RemoveAttachmentInput = builder.inputType('RemoveAttachmentInput', {
  description: 'The attachment to remove.',
  fields: (t) => ({ id: t.globalID({ for: Attachment, required: true, description: 'The attachment.' }) }),
});

const AddAttachmentsPayload = builder.objectRef<PayloadShape<{ id: number }[]>>('AddAttachmentsPayload').implement({
  description: 'Result of `addAttachments`.',
  fields: (t) => ({
    attachments: t.prismaField({
      type: ['Attachment'],
      nullable: true,
      description: 'The new attachments, in the order sent (multipart files first); null when nothing was stored.',
      resolve: (query, p, _args, ctx) =>
        p.result
          ? ctx.prisma.attachment.findMany({
              ...query,
              where: { id: { in: p.result.map((r) => r.id) } },
              orderBy: { id: 'asc' },
            })
          : null,
    }),
    attachmentEdges: t.field({
      type: [AttachmentEdge],
      nullable: true,
      description:
        "The new attachments as edges of their lists (for Relay's @appendEdge), in the order sent; null when nothing was stored.",
      resolve: (p, _args, ctx, info) => p.result?.map((r) => edgeOf(ctx, info, 'Attachment', r.id)) ?? null,
    }),
    userErrors: t.field({
      type: [UserError],
      description: 'Why nothing was stored; empty on success.',
      resolve: (p) => p.userErrors,
    }),
  }),
});
const RemoveAttachmentPayload = deletePayload('RemoveAttachmentPayload', 'Attachment', 'Result of `removeAttachment`.');

async function targetOf(
  ctx: Context,
  input: typeof AddAttachmentsInput.$inferInput,
): Promise<attachments.AttachmentTarget> {
  if ((input.ticket == null) === (input.comment == null)) {
    throw DomainError.of('INVALID', 'Give exactly one of ticket or comment.', ['ticket']);
  }
  if (input.ticket) {
    const ticketId = await locate(ctx, input.ticket);
    return { ticketId };
  }
  const comment = await ctx.prisma.comment.findUnique({
    where: { id: Number(input.comment!.id), AND: [commentVisibility(ctx.viewer)] },
    select: { id: true, authorCustomerId: true },
  });
  if (!comment) throw DomainError.of('NOT_FOUND', 'Comment not found.', ['comment']);
  assertCan(ctx.viewer, 'attachment:addToComment', comment);
  return { commentId: comment.id };
}

builder.mutationFields((t) => ({
  addAttachments: t.field({
    type: AddAttachmentsPayload,
    description: `Attaches files to a ticket or comment you may see (customers: their tickets and own comments). At most ${attachments.DEFAULT_ATTACHMENT_LIMITS.maxFiles} files of ${attachments.DEFAULT_ATTACHMENT_LIMITS.maxFileSize / 1024 / 1024} MiB by default.`,
    args: { input: t.arg({ type: AddAttachmentsInput, required: true, description: 'Target and files.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(async () => {
        const target = await targetOf(ctx, input);
        const files = await incomingFiles(ctx, input.files, input.base64);
        return attachments.storeAttachments(ctx.prisma, ctx.files.store, target, files, ctx.now, viewerRef(ctx.viewer));
      }),
  }),
  removeAttachment: t.field({
    type: RemoveAttachmentPayload,
    ...onlyFor('staff', 'Only agents remove attachments.'),
    description: 'Removes an attachment; its file is deleted when nothing else refers to it. Agents only.',
    args: { input: t.arg({ type: RemoveAttachmentInput, required: true, description: 'The attachment.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() =>
        attachments.removeAttachment(ctx.prisma, ctx.files.store, Number(input.id.id), ctx.now, viewerRef(ctx.viewer)),
      ),
  }),
}));
