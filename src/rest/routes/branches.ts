// /branches: GET list, POST, GET|PUT|PATCH|DELETE /branches/{id}.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { runGraphQL, throwUserErrors } from '../execute.ts';
import { onlyProperties, RestError } from '../format.ts';
import { dateFilters, listHeaders, orderOf, pageOf } from '../lists.ts';
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

const WRITABLE = ['name', 'description', 'tags', 'key', 'logo', 'logoUrl', 'defaultAssignee'];

function branchInput(body: Record<string, unknown>) {
  onlyProperties('Branch', body, WRITABLE);
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
      const { page, limit, first, offset } = pageOf(request.query);
      const q = request.query;
      const data = await runGraphQL<{ branches: { totalCount: number; nodes: GqlBranch[] } }>(
        request.ctx,
        `query($first: Int, $offset: Int, $filter: BranchFilter, $orderBy: BranchOrder) {
          branches(first: $first, offset: $offset, filter: $filter, orderBy: $orderBy) { totalCount nodes { ${FIELDS} } }
        }`,
        {
          first,
          offset,
          orderBy: orderOf(q, { id: 'CREATED_AT', createdAt: 'CREATED_AT', key: 'KEY', name: 'NAME' }, 'CREATED_AT'),
          filter: compact({
            key: q.get('key') || undefined,
            name: q.get('name') || undefined,
            text: q.get('description') || undefined,
            tag: q.get('tags') || q.get('tag') || undefined,
            ...dateFilters(q),
          }),
        },
      );
      return {
        status: 200,
        body: data.branches.nodes.map(restBranch),
        headers: listHeaders(request, data.branches.totalCount, page, limit),
      };
    },
  },
  {
    method: 'POST',
    path: '/branches',
    async handle(request) {
      const data = await runGraphQL(
        request.ctx,
        `mutation($input: CreateBranchInput!) { createBranch(input: $input) { branch { ${FIELDS} } userErrors { message field code } } }`,
        { input: branchInput(await request.body()) },
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
      const data = await runGraphQL(
        request.ctx,
        `mutation($input: UpdateBranchInput!) { updateBranch(input: $input) { branch { ${FIELDS} } userErrors { message field code } } }`,
        { input: { id, ...branchInput(await request.body()) } },
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
