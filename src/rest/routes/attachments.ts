// Attachments of tickets and comments: GET list, POST (base64 `attachmentsInput`), GET and DELETE one.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { MAX_PAGE_SIZE } from '../../builder.ts';
import { deleteRoute, runGraphQL, runMutation } from '../execute.ts';
import { knownProperties, RestError } from '../format.ts';
import type { Route, RouteRequest } from '../router.ts';
import { compact, restDate } from '../serialize.ts';

export const ATTACHMENT = `internalId filename url thumbnailUrl createdAt updatedAt`;

export interface GqlAttachment {
  internalId: number;
  filename: string;
  url: string;
  thumbnailUrl: string | null;
  createdAt: string;
  updatedAt: string;
}

/** `{id, created_at, updated_at, file: {url, filename}, thumbnails: {url, filename}}`. */
export function restAttachment(a: GqlAttachment) {
  return compact({
    id: a.internalId,
    created_at: restDate(a.createdAt),
    updated_at: restDate(a.updatedAt),
    file: { url: a.url, filename: a.filename },
    thumbnails: a.thumbnailUrl ? { url: a.thumbnailUrl, filename: `${a.filename}.png` } : undefined,
  });
}

type Owner = 'ticket' | 'comment';

const ownerLocator = (owner: Owner, ref: string | undefined) => {
  if (!ref || (owner === 'comment' && !/^\d{1,10}$/.test(ref))) throw new RestError(404, `The ${owner} was not found.`);
  if (owner === 'comment') return { comment: encodeGlobalID('Comment', ref) };
  return { ticket: /^\d{1,10}$/.test(ref) ? { id: encodeGlobalID('Ticket', ref) } : { key: ref } };
};

async function listOf(request: RouteRequest, owner: Owner): Promise<GqlAttachment[]> {
  const ref = request.params.ownerId;
  const query =
    owner === 'ticket'
      ? `query($id: ID, $key: String) { owner: ticket(id: $id, key: $key) { attachments(first: ${MAX_PAGE_SIZE}) { nodes { ${ATTACHMENT} } } } }`
      : `query($id: ID!) { owner: comment(id: $id) { attachments(first: ${MAX_PAGE_SIZE}) { nodes { ${ATTACHMENT} } } } }`;
  const locator = ownerLocator(owner, ref);
  const variables = 'comment' in locator ? { id: locator.comment } : locator.ticket;
  const data = await runGraphQL(request.ctx, query, variables);
  if (!data.owner) throw new RestError(404, `The ${owner} was not found.`);
  return data.owner.attachments.nodes;
}

function routesFor(owner: Owner): Route[] {
  const base = owner === 'ticket' ? '/tickets/:ownerId/attachments' : '/comments/:ownerId/attachments';
  const one = async (request: RouteRequest) => {
    const found = (await listOf(request, owner)).find((a) => String(a.internalId) === request.params.attachmentId);
    if (!found) throw new RestError(404, 'Attachment not found.');
    return found;
  };
  return [
    {
      method: 'GET',
      path: base,
      handle: async (request) => ({ status: 200, body: (await listOf(request, owner)).map(restAttachment) }),
    },
    {
      method: 'POST',
      path: base,
      async handle(request) {
        const body = knownProperties('Attachment', await request.body(), ['attachmentsInput'], request.logger);
        if (!Array.isArray(body.attachmentsInput))
          throw new RestError(400, '"attachmentsInput" must be a list of {filename, content}.');
        const added = await runMutation(
          request.ctx,
          'addAttachments',
          `mutation($input: AddAttachmentsInput!) { addAttachments(input: $input) { attachments { ${ATTACHMENT} } userErrors { message field code } } }`,
          { input: { ...ownerLocator(owner, request.params.ownerId), base64: body.attachmentsInput } },
        );
        return { status: 201, body: (added.attachments as GqlAttachment[]).map(restAttachment) };
      },
    },
    {
      method: 'GET',
      path: `${base}/:attachmentId`,
      handle: async (request) => ({ status: 200, body: restAttachment(await one(request)) }),
    },
    deleteRoute(
      `${base}/:attachmentId`,
      'removeAttachment',
      `mutation($id: ID!) { removeAttachment(input: {id: $id}) { deletedAttachmentId userErrors { message field code } } }`,
      async (request) => ({ id: encodeGlobalID('Attachment', (await one(request)).internalId) }),
    ),
  ];
}

export const attachmentRoutes: Route[] = [...routesFor('ticket'), ...routesFor('comment')];
