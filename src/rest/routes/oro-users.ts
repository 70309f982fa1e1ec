// OroPlatform's user REST API, which DiamanteDesk ran on and its integrations call for staff:
// `GET /api/rest/{v}/users` (assignee dropdowns), `/users/{id}`, and `/user/filter?username=|email=`
// (the API user itself, whose id becomes `oro_<id>` as reporter or author). Served for agents, in
// Oro's shapes (camelCase, ISO 8601 dates with a colon in the offset), with the desk API's
// authentication and permissions (agents only).
import { encodeGlobalID } from '@pothos/plugin-relay';
import { runGraphQL } from '../execute.ts';
import { RestError } from '../format.ts';
import { listOperation, listResponse } from '../lists.ts';
import type { Route } from '../router.ts';

/** Oro's list default (RestGetController::ITEMS_PER_PAGE); shops ask for `limit=999999`. */
const ORO_DEFAULT_LIMIT = 10;

const FIELDS = `internalId username email firstName lastName role state createdAt updatedAt`;

interface GqlAgent {
  internalId: number;
  username: string;
  email: string | null;
  firstName: string;
  lastName: string;
  role: 'ADMIN' | 'AGENT' | null;
  state: 'ACTIVE' | 'DELETED' | null;
  createdAt: string | null;
  updatedAt: string | null;
}

/** PHP's `DateTime::format('c')`, as Oro wrote dates: `2015-07-17T11:25:21+00:00`. */
const oroDate = (value: string | null) => (value ? new Date(value).toISOString().replace(/\.\d{3}Z$/, '+00:00') : null);

const ROLES = {
  ADMIN: { role: 'ROLE_ADMINISTRATOR', label: 'Administrator' },
  AGENT: { role: 'ROLE_USER', label: 'User' },
} as const;

/** The fields of Oro's user that we have; Oro's nullable name parts are null, as Oro sent them. */
export function oroUser(a: GqlAgent) {
  return {
    id: a.internalId,
    username: a.username,
    email: a.email,
    namePrefix: null,
    firstName: a.firstName,
    middleName: null,
    lastName: a.lastName,
    nameSuffix: null,
    enabled: a.state === 'ACTIVE',
    createdAt: oroDate(a.createdAt),
    updatedAt: oroDate(a.updatedAt),
    roles: a.role ? [ROLES[a.role]] : [],
  };
}

const NOT_FOUND = 'User not found.';

const USER_LIST = listOperation('agents', FIELDS);

/** Oro's filter accepted `[a-zA-Z0-9\-_\.]+` and `[a-zA-Z0-9\-_\.@]+`: anything else matches nobody. */
const USERNAME_SHAPE = /^[A-Za-z0-9._-]{1,64}$/;
const EMAIL_SHAPE = /^[^\s@]{1,64}@[^\s@]{1,189}$/;

export const oroUserRoutes: Route[] = [
  {
    method: 'GET',
    path: '/users',
    // Active agents only: the list fills assignee dropdowns, where a deleted agent cannot be chosen.
    handle: (request) => listResponse<GqlAgent>(request, USER_LIST, 'agents', () => ({}), oroUser, ORO_DEFAULT_LIMIT),
  },
  {
    method: 'GET',
    path: '/users/:id',
    async handle(request) {
      const id = request.params.id ?? '';
      if (!/^\d{1,10}$/.test(id)) throw new RestError(404, NOT_FOUND);
      const data = await runGraphQL<{ agent: GqlAgent | null }>(
        request.ctx,
        `query($id: ID!) { agent(id: $id) { ${FIELDS} } }`,
        { id: encodeGlobalID('Agent', id) },
      );
      if (!data.agent) throw new RestError(404, NOT_FOUND);
      return { status: 200, body: oroUser(data.agent) };
    },
  },
  {
    method: 'GET',
    path: '/user/filter',
    async handle(request) {
      // Other parameters (a shop's leftover `limit=999999`) are not filters and are ignored.
      const username = request.query.get('username')?.trim();
      const email = request.query.get('email')?.trim();
      if (!username && !email) throw new RestError(400, 'Give "username" or "email" to filter users by.');
      if ((username && !USERNAME_SHAPE.test(username)) || (email && !EMAIL_SHAPE.test(email)))
        throw new RestError(404, NOT_FOUND);
      const data = await runGraphQL<{ agents: { nodes: GqlAgent[] } }>(
        request.ctx,
        `query($filter: AgentFilter) { agents(first: 1, filter: $filter) { nodes { ${FIELDS} } } }`,
        { filter: { ...(username ? { username } : {}), ...(email ? { email } : {}) } },
      );
      const agent = data.agents.nodes[0];
      if (!agent) throw new RestError(404, NOT_FOUND);
      return { status: 200, body: oroUser(agent) };
    },
  },
];
