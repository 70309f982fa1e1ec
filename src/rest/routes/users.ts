// /users (DiamanteDesk customers), /users/{email}/, /users/{id}; and the customer portal's
// /users/current and /tickets/{id}/watchers.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { can } from '../../domain/permissions.ts';
import { deleteRoute, runGraphQL, runMutation } from '../execute.ts';
import { knownProperties, onlyProperties, RestError } from '../format.ts';
import { dateFilters, idsParam, listOperation, listResponse, orderOf, textParam } from '../lists.ts';
import { type GqlPerson, PERSON, personGlobalId, typedId } from '../people.ts';
import type { Route, RouteRequest } from '../router.ts';
import { compact } from '../serialize.ts';
import { ticketLocator } from './tickets.ts';

const FIELDS = `internalId email firstName lastName state`;

interface GqlCustomer {
  internalId: number;
  email: string | null;
  firstName: string;
  lastName: string;
  state: string | null;
}

/** Exactly the guide's `{id, email, first_name, last_name}`. */
export function restUser(c: GqlCustomer) {
  return compact({ id: c.internalId, email: c.email, first_name: c.firstName, last_name: c.lastName });
}

const NOT_FOUND = 'User loading failed, user not found.';

const WRITABLE = ['email', 'firstName', 'lastName'];

const userInput = (body: Record<string, unknown>) =>
  compact({ email: body.email, firstName: body.firstName, lastName: body.lastName });

const USER_LIST = listOperation('customers', FIELDS, { filter: 'CustomerFilter', orderBy: 'PersonOrder' });

const SORTS = {
  id: 'CREATED_AT',
  createdAt: 'CREATED_AT',
  updatedAt: 'UPDATED_AT',
  email: 'EMAIL',
  firstName: 'FIRST_NAME',
  lastName: 'LAST_NAME',
};

async function loadUser(request: RouteRequest, by: { id?: string; email?: string }) {
  const data = await runGraphQL<{ customer: GqlCustomer | null }>(
    request.ctx,
    `query($id: ID, $email: EmailAddress) { customer(id: $id, email: $email) { ${FIELDS} } }`,
    by,
  );
  if (!data.customer || !can(request.ctx.viewer, 'customer:readOverRest', data.customer))
    throw new RestError(404, NOT_FOUND);
  return restUser(data.customer);
}

const byRef = (ref: string | undefined) => {
  if (ref && /^\d{1,10}$/.test(ref)) return { id: encodeGlobalID('Customer', ref) };
  if (ref?.includes('@')) return { email: ref };
  throw new RestError(404, NOT_FOUND);
};

async function updateUser(request: RouteRequest, id: string) {
  const body = await request.body();
  onlyProperties('User', body, WRITABLE);
  const updated = await runMutation(
    request.ctx,
    'updateCustomer',
    `mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) { customer { ${FIELDS} } userErrors { message field code } } }`,
    { input: { id, ...userInput(body) } },
  );
  return { status: 200, body: restUser(updated.customer) };
}

const currentCustomer = (request: RouteRequest) => {
  const viewer = request.ctx.viewer;
  if (!can(viewer, 'portal:currentUser')) throw new RestError(404, 'users/current is for customers (portal users).');
  return encodeGlobalID('Customer', viewer.id);
};

async function watchers(request: RouteRequest) {
  const data = await runGraphQL(
    request.ctx,
    `query($id: ID, $key: String) { ticket(id: $id, key: $key) { watchers { ${PERSON} } } }`,
    ticketLocator(request.params.ref),
  );
  if (!data.ticket) throw new RestError(404, 'Ticket loading failed, ticket not found.');
  return (data.ticket.watchers as GqlPerson[]).map((w) =>
    compact({ id: w.internalId, user_type: typedId(w), email: w.email, name: w.name }),
  );
}

export const userRoutes: Route[] = [
  {
    method: 'GET',
    path: '/users',
    handle: (request) =>
      listResponse<GqlCustomer>(
        request,
        USER_LIST,
        'customers',
        (q) => ({
          orderBy: orderOf(q, SORTS),
          filter: compact({
            ids: idsParam(q, 'Customer'),
            email: textParam(q, 'email'),
            firstName: textParam(q, 'first_name', 'firstName'),
            lastName: textParam(q, 'last_name', 'lastName'),
            ...dateFilters(q),
          }),
        }),
        restUser,
      ),
  },
  {
    method: 'POST',
    path: '/users',
    async handle(request) {
      const input = userInput(knownProperties('User', await request.body(), WRITABLE, request.logger));
      for (const field of ['email', 'firstName', 'lastName'] as const) {
        if (!input[field]) throw new RestError(400, `"${field}" is required.`);
      }
      const created = await runMutation(
        request.ctx,
        'createCustomer',
        `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { ${FIELDS} } userErrors { message field code } } }`,
        { input },
      );
      const user = restUser(created.customer);
      return { status: 201, body: user, headers: { Location: `${request.base}/users/${user.id}` } };
    },
  },
  {
    method: 'GET',
    path: '/users/current',
    portalOnly: true,
    async handle(request) {
      currentCustomer(request);
      const data = await runGraphQL(request.ctx, `{ viewer { ... on Customer { ${FIELDS} } } }`);
      return { status: 200, body: restUser(data.viewer) };
    },
  },
  {
    method: ['PUT', 'PATCH'],
    path: '/users/current',
    handle: (request) => updateUser(request, currentCustomer(request)),
    portalOnly: true,
  },
  {
    method: 'GET',
    path: '/users/:ref',
    handle: async (request) => ({ status: 200, body: await loadUser(request, byRef(request.params.ref)) }),
  },
  {
    method: ['PUT', 'PATCH'],
    path: '/users/:ref',
    handle: (request) => {
      const ref = byRef(request.params.ref);
      if (!ref.id) throw new RestError(404, NOT_FOUND);
      return updateUser(request, ref.id);
    },
  },
  deleteRoute(
    '/users/:ref',
    'disableCustomer',
    `mutation($id: ID!) { disableCustomer(input: {id: $id}) { customer { internalId } userErrors { message field code } } }`,
    (request) => {
      const ref = byRef(request.params.ref);
      if (!ref.id) throw new RestError(404, NOT_FOUND);
      return { id: ref.id };
    },
  ),
  {
    method: 'GET',
    path: '/tickets/:ref/watchers',
    portalOnly: true,
    handle: async (request) => ({ status: 200, body: await watchers(request) }),
  },
  {
    method: 'POST',
    path: '/tickets/:ref/watchers',
    portalOnly: true,
    async handle(request) {
      const body = knownProperties('Watcher', await request.body(), ['email'], request.logger);
      const email = String(body.email ?? '')
        .trim()
        .toLowerCase();
      if (!email) throw new RestError(400, '"email" is required.');
      await runMutation(
        request.ctx,
        'addWatcher',
        `mutation($input: AddWatcherInput!) { addWatcher(input: $input) { ticket { internalId } userErrors { message field code } } }`,
        { input: { ticket: ticketLocator(request.params.ref), watcherEmail: email } },
      );
      return { status: 201, body: await watchers(request) };
    },
  },
  deleteRoute(
    '/tickets/:ref/watchers/:userId',
    'removeWatcher',
    `mutation($input: RemoveWatcherInput!) { removeWatcher(input: $input) { ticket { internalId } userErrors { message field code } } }`,
    (request) => {
      const watcher = personGlobalId(request.params.userId, 'userId');
      return { input: { ticket: ticketLocator(request.params.ref), watcher } };
    },
    { portalOnly: true },
  ),
];
