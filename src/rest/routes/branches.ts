// /branches: GET list, POST, GET|PUT|PATCH|DELETE /branches/{id}.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { runGraphQL, throwUserErrors } from '../execute.ts';
import { knownProperties, onlyProperties, RestError } from '../format.ts';
import {
  dateFilters,
  idsParam,
  listHeaders,
  listOperation,
  mapInBatches,
  orderOf,
  pageOf,
  readPage,
  textParam,
} from '../lists.ts';
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
    async handle(request) {
      const { page, limit, offset } = pageOf(request);
      const q = request.query;
      const { nodes, total } = await readPage<GqlBranch>(
        request.ctx,
        BRANCH_LIST,
        'branches',
        {
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
        },
        { limit, offset },
      );
      return {
        status: 200,
        body: await mapInBatches(nodes, restBranch),
        headers: listHeaders(request, total, page, limit),
      };
    },
  },
  {
    method: 'POST',
    path: '/branches',
    async handle(request) {
      const body = knownProperties('Branch', await request.body(), WRITABLE, request.logger);
      const data = await runGraphQL(
        request.ctx,
        `mutation($input: CreateBranchInput!) { createBranch(input: $input) { branch { ${FIELDS} } userErrors { message field code } } }`,
        { input: branchInput(body) },
      );
      throwUserErrors(data.createBranch);
      const branch = restBranch(data.createBranch.branch);
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
      const data = await runGraphQL(
        request.ctx,
        `mutation($input: UpdateBranchInput!) { updateBranch(input: $input) { branch { ${FIELDS} } userErrors { message field code } } }`,
        { input: { id, ...branchInput(body) } },
      );
      throwUserErrors(data.updateBranch);
      return { status: 200, body: restBranch(data.updateBranch.branch) };
    },
  },
  {
    method: 'DELETE',
    path: '/branches/:id',
    async handle(request) {
      const data = await runGraphQL(
        request.ctx,
        `mutation($id: ID!) { deleteBranch(input: {id: $id}) { deletedBranchId userErrors { message field code } } }`,
        { id: branchId(request) },
      );
      throwUserErrors(data.deleteBranch);
      return { status: 204 };
    },
  },
];
