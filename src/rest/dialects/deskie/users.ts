// Deskie's users API (customers here): every operation of its documentation at its own path.
// Each route maps Deskie's fields to one GraphQL operation and the answer back to Deskie's shape
// (the request fields: ./user-input.ts).
import type { LanguageTable } from '../../../domain/languages.ts';
import { runGraphQL } from '../../execute.ts';
import { RestError } from '../../format.ts';
import type { DialectRequest, DialectRoute } from '../dialect.ts';
import { mutate } from '../host.ts';
import { deskieList, deskieUser, type GqlUser, languageTag, USER, userId } from './format.ts';
import { customerId, customerInput, deskieField, textValue, userErrors, userObject } from './user-input.ts';

function userRoutes(languages: LanguageTable): DialectRoute[] {
  const one = (u: GqlUser) => ({ user: deskieUser(u, languages) });

  async function load(request: DialectRequest, id: number) {
    const data = await runGraphQL<{ customer: GqlUser | null }>(
      request.ctx,
      `query($id: ID!) { customer(id: $id) { ${USER} } }`,
      { id: customerId(id) },
    );
    if (!data.customer) throw new RestError(404, 'User not found.');
    return data.customer;
  }

  /** `PUT /users/{id}/{action}.json` for the mutations that take only the customer. */
  const action = (path: string, mutation: string): DialectRoute => ({
    method: 'PUT',
    path,
    async handle(request) {
      const payload = await mutate(
        request.ctx,
        `mutation($id: ID!) { ${mutation}(input: {id: $id}) { customer { ${USER} } ${userErrors} } }`,
        { id: customerId(userId(request.params.id)) },
        mutation,
        deskieField,
      );
      return { status: 200, body: one(payload.customer) };
    },
  });

  const LIST_FILTERS = ['user_email', 'user_phone', 'user_full_name', 'company_name'];

  return [
    {
      method: 'GET',
      path: '/users',
      async handle(request) {
        const q = request.queryObject;
        for (const name of Object.keys(q)) {
          if (!['page', 'limit', 'language_id', 'custom_fields', ...LIST_FILTERS].includes(name))
            throw new RestError(
              400,
              `Unknown filter "${name}"; this server filters users by ${LIST_FILTERS.join(', ')}, language_id and custom_fields[cf_N].`,
            );
        }
        const number = (name: string, fallback: number, max: number) => {
          const raw = q[name];
          if (raw === undefined || raw === '') return fallback;
          if (typeof raw !== 'string' || !/^\d{1,6}$/.test(raw) || Number(raw) < 1 || Number(raw) > max)
            throw new RestError(400, `"${name}" must be an integer from 1 to ${max}.`);
          return Number(raw);
        };
        // Deskie's defaults: the first 100 users; 100 is also its largest page.
        const limit = number('limit', 100, 100);
        const page = number('page', 1, 100_000);
        const texts = LIST_FILTERS.filter((name) => q[name] !== undefined);
        if (texts.length > 1) throw new RestError(400, `Filter by one of ${texts.join(', ')} at a time.`);
        const text = texts[0] ? q[texts[0]] : undefined;
        if (text !== undefined && typeof text !== 'string') throw new RestError(400, `"${texts[0]}" must be text.`);
        const fields = q.custom_fields;
        let customField: { key: string; text: string } | undefined;
        if (fields !== undefined) {
          const entries = typeof fields === 'object' && fields && !Array.isArray(fields) ? Object.entries(fields) : [];
          const [entry] = entries;
          if (entries.length !== 1 || typeof entry![1] !== 'string')
            throw new RestError(400, 'Filter by one custom field at a time: custom_fields[cf_20]=value.');
          customField = { key: entry![0], text: entry![1] };
        }
        const data = await runGraphQL(
          request.ctx,
          `query($first: Int, $offset: Int, $filter: CustomerFilter) {
            customers(first: $first, offset: $offset, filter: $filter) { totalCount nodes { ${USER} } }
          }`,
          {
            first: limit,
            offset: (page - 1) * limit,
            filter: {
              text: text || undefined,
              language: q.language_id === undefined ? undefined : languageTag(q.language_id, languages),
              customField,
            },
          },
        );
        const users = (data.customers.nodes as GqlUser[]).map((u) => deskieUser(u, languages));
        // Deskie's list items carry no linked_users.
        for (const user of users) delete (user as Partial<typeof user>).linked_users;
        return { status: 200, body: deskieList(users, data.customers.totalCount) };
      },
    },
    {
      method: 'POST',
      path: '/users',
      async handle(request) {
        const input = customerInput(userObject(await request.body()), languages, true);
        const payload = await mutate(
          request.ctx,
          `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { ${USER} } ${userErrors} } }`,
          { input },
          'createCustomer',
          deskieField,
        );
        return {
          status: 201,
          body: one(payload.customer),
          headers: { Location: `${request.match.base}/users/${payload.customer.internalId}.json` },
        };
      },
    },
    {
      method: 'POST',
      path: '/users/identification',
      async handle(request) {
        const user = userObject(await request.body());
        const allowed: Record<string, string> = {
          user_full_name: 'fullName',
          company_name: 'companyName',
          user_email: 'email',
          user_phone: 'phone',
          user_whatsapp_phone: 'whatsappPhone',
          user_custom_id: 'customId',
          user_custom_channel: 'customChannel',
        };
        const input: Record<string, unknown> = {};
        for (const [field, value] of Object.entries(user)) {
          if (field === 'custom_fields') input.customFields = value;
          else if (allowed[field]) input[allowed[field]] = textValue(value, field);
          else throw new RestError(400, `Identification does not take a "${field}" field.`);
        }
        const payload = await mutate(
          request.ctx,
          `mutation($input: GenerateIdentificationCodeInput!) { generateIdentificationCode(input: $input) { code ${userErrors} } }`,
          { input },
          'generateIdentificationCode',
          deskieField,
        );
        return { status: 200, body: { code: payload.code } };
      },
    },
    {
      method: 'GET',
      path: '/users/:id',
      handle: async (request) => ({ status: 200, body: one(await load(request, userId(request.params.id))) }),
    },
    {
      method: 'PUT',
      path: '/users/:id',
      async handle(request) {
        const id = userId(request.params.id);
        const input = customerInput(userObject(await request.body()), languages, false);
        const payload = await mutate(
          request.ctx,
          `mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) { customer { ${USER} } ${userErrors} } }`,
          { input: { ...input, id: customerId(id) } },
          'updateCustomer',
          deskieField,
        );
        return { status: 200, body: one(payload.customer) };
      },
    },
    {
      method: 'DELETE',
      path: '/users/:id',
      async handle(request) {
        await mutate(
          request.ctx,
          `mutation($id: ID!) { deleteCustomerPermanently(input: {id: $id}) { deletedCustomerId ${userErrors} } }`,
          { id: customerId(userId(request.params.id)) },
          'deleteCustomerPermanently',
          deskieField,
        );
        return { status: 200 };
      },
    },
    action('/users/:id/disable', 'disableCustomer'),
    action('/users/:id/block', 'blockCustomer'),
    action('/users/:id/restore', 'restoreCustomer'),
    {
      method: 'PUT',
      path: '/users/:id/link',
      async handle(request) {
        const body = await request.body();
        const email = body.userEmail;
        if (typeof email !== 'string' || !email.trim())
          throw new RestError(400, 'Give "user_email": the email of the profile to link with.');
        const payload = await mutate(
          request.ctx,
          `mutation($id: ID!, $email: EmailAddress!) { linkCustomerProfiles(input: {id: $id, with: {email: $email}}) { customer { ${USER} } ${userErrors} } }`,
          { id: customerId(userId(request.params.id)), email: email.trim() },
          'linkCustomerProfiles',
          deskieField,
        );
        return { status: 200, body: one(payload.customer) };
      },
    },
    {
      method: 'PUT',
      path: '/users/:id/unlink',
      async handle(request) {
        const body = await request.body();
        const payload = await mutate(
          request.ctx,
          `mutation($id: ID!, $profile: ID!) { unlinkCustomerProfiles(input: {id: $id, profile: $profile}) { customer { ${USER} } ${userErrors} } }`,
          { id: customerId(userId(request.params.id)), profile: customerId(userId(body.userId, 'user_id')) },
          'unlinkCustomerProfiles',
          deskieField,
        );
        return { status: 200, body: one(payload.customer) };
      },
    },
  ];
}

export { userRoutes as deskieUserRoutes };
