// /branches: GET list, POST, GET|PUT|PATCH|DELETE /branches/{id}.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { deleteRoute, runGraphQL, runMutation } from '../execute.ts';
import { knownProperties, onlyProperties, RestError } from '../format.ts';
import { dateFilters, idsParam, listOperation, listResponse, orderOf, textParam } from '../lists.ts';
import { numericId } from '../people.ts';
import type { Route, RouteRequest } from '../router.ts';
import { compact, restDate } from '../serialize.ts';

const FIELDS = `internalId key name description tags logoUrl createdAt updatedAt defaultAssignee { internalId }`;

interface GqlBranch {
  internalId: number;
  key: string;
  name: string;
  description: string;
  tags: string[];
  logoUrl: string | null;
  createdAt: string;
  updatedAt: string;
  defaultAssignee: { internalId: number } | null;
}

export function restBranch(b: GqlBranch) {
  return compact({
    id: b.internalId,
    key: b.key,
    name: b.name,
    description: b.description,
    tags: b.tags,
    logo: b.logoUrl,
    default_assignee: b.defaultAssignee?.internalId,
    created_at: restDate(b.createdAt),
    updated_at: restDate(b.updatedAt),
  });
}

const branchId = (request: RouteRequest) => {
  if (!/^\d{1,10}$/.test(request.params.id ?? '')) throw new RestError(404, 'Branch loading failed. Branch not found.');
  return encodeGlobalID('Branch', request.params.id!);
};

const BRANCH_LIST = listOperation('branches', FIELDS, { filter: 'BranchFilter', orderBy: 'BranchOrder' });

const SORTS = {
  id: 'CREATED_AT',
  createdAt: 'CREATED_AT',
  updatedAt: 'UPDATED_AT',
  key: 'KEY',
  name: 'NAME',
  description: 'DESCRIPTION',
  defaultAssignee: 'DEFAULT_ASSIGNEE',
};

const WRITABLE = ['name', 'description', 'tags', 'key', 'logo', 'logoUrl', 'defaultAssignee'];

function branchInput(body: Record<string, unknown>) {
  const assignee = body.defaultAssignee;
  return compact({
    name: body.name,
    key: body.key,
    description: body.description,
    tags: body.tags === undefined ? undefined : Array.isArray(body.tags) ? body.tags.map(String) : [String(body.tags)],
    logoUrl: body.logo ?? body.logoUrl,
    defaultAssignee:
      assignee === undefined || assignee === null || assignee === ''
        ? undefined
        : encodeGlobalID('Agent', String(assignee)),
  });
}

async function readBranch(request: RouteRequest, id: string) {
  const data = await runGraphQL<{ node: GqlBranch | null }>(
    request.ctx,
    `query($id: ID!) { node(id: $id) { ... on Branch { ${FIELDS} } } }`,
    { id },
  );
  if (!data.node) throw new RestError(404, 'Branch loading failed. Branch not found.');
  return restBranch(data.node);
}

export const branchRoutes: Route[] = [
  {
    method: 'GET',
    path: '/branches',
    handle: (request) =>
      listResponse<GqlBranch>(
        request,
        BRANCH_LIST,
        'branches',
        (q) => ({
          orderBy: orderOf(q, SORTS),
          filter: compact({
            ids: idsParam(q, 'Branch'),
            key: textParam(q, 'key'),
            name: textParam(q, 'name'),
            description: textParam(q, 'description'),
            tag: textParam(q, 'tags', 'tag'),
            defaultAssignee: numericId(
              textParam(q, 'default_assignee', 'defaultAssignee'),
              'default_assignee',
              'Agent',
            ),
            ...dateFilters(q),
          }),
        }),
        restBranch,
      ),
  },
  {
    method: 'POST',
    path: '/branches',
    async handle(request) {
      const body = knownProperties('Branch', await request.body(), WRITABLE, request.logger);
      const created = await runMutation(
        request.ctx,
        'createBranch',
        `mutation($input: CreateBranchInput!) { createBranch(input: $input) { branch { ${FIELDS} } userErrors { message field code } } }`,
        { input: branchInput(body) },
      );
      const branch = restBranch(created.branch);
      return { status: 201, body: branch, headers: { Location: `${request.base}/branches/${branch.id}` } };
    },
  },
  {
    method: 'GET',
    path: '/branches/:id',
    handle: async (request) => ({ status: 200, body: await readBranch(request, branchId(request)) }),
  },
  {
    method: ['PUT', 'PATCH'],
    path: '/branches/:id',
    async handle(request) {
      const id = branchId(request);
      const body = await request.body();
      onlyProperties('Branch', body, WRITABLE);
      const updated = await runMutation(
        request.ctx,
        'updateBranch',
        `mutation($input: UpdateBranchInput!) { updateBranch(input: $input) { branch { ${FIELDS} } userErrors { message field code } } }`,
        { input: { id, ...branchInput(body) } },
      );
      return { status: 200, body: restBranch(updated.branch) };
    },
  },
  deleteRoute(
    '/branches/:id',
    'deleteBranch',
    `mutation($id: ID!) { deleteBranch(input: {id: $id}) { deletedBranchId userErrors { message field code } } }`,
    (request) => ({ id: branchId(request) }),
  ),
];
