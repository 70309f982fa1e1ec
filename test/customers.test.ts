// Deskie-style customer profiles through GraphQL: profile fields, partial updates, custom fields,
// blocking, soft and permanent deletion, linked profiles, identification codes, anchored search,
// a few permission checks and the statement count of linked profiles in a list.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiKey } from '../src/auth/api-keys.ts';
import { IDENTIFICATION_CODE_TTL_MS } from '../src/domain/identification-codes.ts';
import { createAgent, createBranch, createTicket } from './fixtures.ts';
import { graphql, type VariablesOf } from './graphql.ts';
import { createTestApp, type GraphQLResponse, ok, type TestApp, testClock } from './helpers.ts';

const gid = (type: string, id: number) => encodeGlobalID(type, id);
const UserErrors = graphql('fragment UserErrors on UserError { code field message }');
const Profile = graphql(`
  fragment Profile on Customer {
    id internalId email firstName lastName name phone whatsappPhone companyName companyPosition note language
    customFields channel channelExternalId customId customChannel thumbnailUrl confirmed blocked deleted state
  }
`);

const createMutation = graphql(
  `mutation($input: CreateCustomerInput!) {
    createCustomer(input: $input) { customer { ...Profile } userErrors { ...UserErrors } }
  }`,
  [Profile, UserErrors],
);
const updateMutation = graphql(
  `mutation($input: UpdateCustomerInput!) {
    updateCustomer(input: $input) { customer { ...Profile } userErrors { ...UserErrors } }
  }`,
  [Profile, UserErrors],
);
const State = graphql('fragment State on Customer { id blocked deleted state }');
/** The mutations that take `{id}` and return the customer's state. */
const actions = {
  blockCustomer: graphql(
    'mutation($id: ID!) { result: blockCustomer(input: {id: $id}) { customer { ...State } userErrors { ...UserErrors } } }',
    [State, UserErrors],
  ),
  disableCustomer: graphql(
    'mutation($id: ID!) { result: disableCustomer(input: {id: $id}) { customer { ...State } userErrors { ...UserErrors } } }',
    [State, UserErrors],
  ),
  restoreCustomer: graphql(
    'mutation($id: ID!) { result: restoreCustomer(input: {id: $id}) { customer { ...State } userErrors { ...UserErrors } } }',
    [State, UserErrors],
  ),
};
const unlinkMutation = graphql(
  `mutation($id: ID!, $profile: ID) {
    unlinkCustomerProfiles(input: {id: $id, profile: $profile}) {
      customer { id linkedProfiles { id } } userErrors { ...UserErrors }
    }
  }`,
  [UserErrors],
);
const linkMutation = graphql(
  `mutation($id: ID!, $with: CustomerLocator!) {
    linkCustomerProfiles(input: {id: $id, with: $with}) {
      customer { id linkedProfiles { id } } userErrors { ...UserErrors }
    }
  }`,
  [UserErrors],
);
const customerQuery = graphql('query($id: ID!) { customer(id: $id) { ...Profile } }', [Profile]);
const customerShape = graphql('query($id: ID!) { customer(id: $id) { id deleted linkedProfiles { id } } }');
type CustomerInput = VariablesOf<typeof createMutation>['input'];
type UpdateInput = VariablesOf<typeof updateMutation>['input'];

/** A response that is the client's fault (or a user error), never a crash. */
function expectNoCrash(response: GraphQLResponse) {
  expect(response.status).toBeLessThan(500);
  for (const error of response.errors ?? []) {
    expect(error.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
    expect(error.message).not.toBe('Unexpected error.');
  }
}

/** Shared helpers bound to one app. */
function helpers(getApp: () => TestApp) {
  const app = () => getApp();
  return {
    async create(input: CustomerInput, key?: string) {
      return ok(await app().gql(createMutation, { input }, { key })).createCustomer;
    },
    async update(input: UpdateInput, key?: string) {
      return ok(await app().gql(updateMutation, { input }, { key })).updateCustomer;
    },
    /** Runs `name(input: {id})` returning `{ customer { id blocked deleted state } userErrors }`. */
    async act(name: keyof typeof actions, id: string, key?: string) {
      return ok(await app().gql(actions[name], { id }, { key })).result;
    },
    async unlink(id: string, profile?: string) {
      return ok(await app().gql(unlinkMutation, { id, profile })).unlinkCustomerProfiles;
    },
    async keyFor(customerId: number) {
      return (await issueApiKey(app().db.prisma, app().box, { customerId })).secret;
    },
    async statusWith(key: string) {
      return (await app().gql(graphql('{ viewer { id } }'), {}, { key })).status;
    },
    async customer(id: string) {
      return ok(await app().gql(customerQuery, { id })).customer;
    },
    /** id, deleted and linked profiles; null when there is no such customer. */
    async shape(id: string) {
      return ok(await app().gql(customerShape, { id })).customer;
    },
    async listIds(filter: VariablesOf<typeof listQuery>['f']) {
      const data = ok(await app().gql(listQuery, { f: filter }));
      expect(data.customers!.totalCount).toBe(data.customers!.nodes.length);
      return data.customers!.nodes.map((n) => n.id);
    },
    async defineField(name: string, type: 'STRING' | 'NUMBER' | 'BOOLEAN' | 'DATE') {
      const result = ok(await app().gql(defineFieldMutation, { input: { name, type } })).createCustomFieldDefinition;
      expect(result.userErrors).toEqual([]);
      return result.customFieldDefinition!;
    },
  };
}
const defineKeyMutation = graphql(
  `mutation($input: CreateCustomFieldDefinitionInput!) {
    createCustomFieldDefinition(input: $input) { customFieldDefinition { key name type } userErrors { ...UserErrors } }
  }`,
  [UserErrors],
);
const listQuery = graphql(
  'query($f: CustomerFilter) { customers(first: 100, filter: $f) { totalCount nodes { id } } }',
);
const defineFieldMutation = graphql(
  `mutation($input: CreateCustomFieldDefinitionInput!) {
    createCustomFieldDefinition(input: $input) { customFieldDefinition { id key name type } userErrors { ...UserErrors } }
  }`,
  [UserErrors],
);

describe('customer profiles', () => {
  let app: TestApp;
  const h = helpers(() => app);

  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app?.close());

  it('creates a customer with every Deskie profile field; fullName is split into first and last name', async () => {
    const result = await h.create({
      fullName: '  Ann Marie   Lee ',
      email: 'Ann.Lee@Example.com',
      phone: '+44 20 7946 0000',
      whatsappPhone: '+44 7700 900000',
      companyName: 'Lee & Co',
      companyPosition: 'Buyer',
      note: 'Prefers mornings',
      language: 'en',
      channel: 'TELEGRAM',
      channelExternalId: 'tg-100200',
      customId: 'crm-1',
      customChannel: '7',
      thumbnailUrl: 'https://cdn.example.com/ann.png',
      confirmed: true,
    });
    expect(result.userErrors).toEqual([]);
    expect(result.customer).toMatchObject({
      email: 'ann.lee@example.com',
      firstName: 'Ann',
      lastName: 'Marie Lee',
      name: 'Ann Marie Lee',
      phone: '+44 20 7946 0000',
      whatsappPhone: '+44 7700 900000',
      companyName: 'Lee & Co',
      companyPosition: 'Buyer',
      note: 'Prefers mornings',
      language: 'en',
      customFields: {},
      channel: 'TELEGRAM',
      channelExternalId: 'tg-100200',
      customId: 'crm-1',
      customChannel: '7',
      thumbnailUrl: 'https://cdn.example.com/ann.png',
      confirmed: true,
      blocked: false,
      deleted: false,
      state: 'ACTIVE',
    });
    expect(result.customer!.id).toBe(gid('Customer', result.customer!.internalId));
    const row = await app.db.prisma.customer.findUniqueOrThrow({ where: { id: result.customer!.internalId } });
    expect(row.fullName).toBe('Ann Marie Lee');
  });

  it('defaults: EMAIL channel, not confirmed, no custom fields', async () => {
    const result = await h.create({ email: 'plain@example.com', firstName: 'Plain' });
    expect(result.userErrors).toEqual([]);
    expect(result.customer).toMatchObject({
      channel: 'EMAIL',
      confirmed: false,
      customFields: {},
      lastName: '',
      name: 'Plain',
      phone: null,
      language: null,
    });
  });

  it('creates a messenger profile without an email', async () => {
    const result = await h.create({
      firstName: 'Tele',
      lastName: 'Gram',
      channel: 'TELEGRAM',
      channelExternalId: '987654',
    });
    expect(result.userErrors).toEqual([]);
    expect(result.customer).toMatchObject({
      email: null,
      channel: 'TELEGRAM',
      channelExternalId: '987654',
      name: 'Tele Gram',
    });
    // A second messenger profile without an email is fine too (no unique clash on null).
    const second = await h.create({ firstName: 'Whats', channel: 'WHATSAPP', whatsappPhone: '+1 555 0101' });
    expect(second.userErrors).toEqual([]);
    expect(second.customer!.email).toBeNull();
  });

  it('refuses a profile without a name, and one without any contact, as REQUIRED', async () => {
    const before = await app.db.prisma.customer.count();
    const noName = await h.create({ email: 'noname@example.com' });
    expect(noName.customer).toBeNull();
    expect(noName.userErrors).toEqual([expect.objectContaining({ code: 'REQUIRED', field: ['firstName'] })]);
    const noContact = await h.create({ firstName: 'Ghost', companyName: 'Nowhere' });
    expect(noContact.customer).toBeNull();
    expect(noContact.userErrors).toEqual([expect.objectContaining({ code: 'REQUIRED' })]);
    expect(await app.db.prisma.customer.count()).toBe(before);
  });

  it('refuses a customId another customer has as TAKEN on customId', async () => {
    const first = await h.create({ firstName: 'Orig', customId: 'ext-42', channel: 'CUSTOM', customChannel: '1' });
    expect(first.userErrors).toEqual([]);
    const before = await app.db.prisma.customer.count();
    const copy = await h.create({ firstName: 'Copy', customId: 'ext-42', email: 'copy@example.com' });
    expect(copy.customer).toBeNull();
    expect(copy.userErrors).toEqual([expect.objectContaining({ code: 'TAKEN', field: ['customId'] })]);
    expect(await app.db.prisma.customer.count()).toBe(before);
    // The same through an update.
    const other = await h.create({ firstName: 'Other', email: 'other-cid@example.com' });
    const taken = await h.update({ id: other.customer!.id, customId: 'ext-42' });
    expect(taken.customer).toBeNull();
    expect(taken.userErrors).toEqual([expect.objectContaining({ code: 'TAKEN', field: ['customId'] })]);
  });

  it.each([
    ['language', { language: 'not a language!' }],
    ['language', { language: '12345' }],
    ['thumbnailUrl', { thumbnailUrl: 'javascript:alert(1)' }],
    ['thumbnailUrl', { thumbnailUrl: 'not a url' }],
  ])('refuses a bad %s (%j) without a crash and without creating anything', async (field, bad) => {
    const before = await app.db.prisma.customer.count();
    const response = await app.gql(createMutation, {
      input: { firstName: 'Bad', email: `bad-${Math.random().toString(36).slice(2)}@example.com`, ...bad },
    });
    expectNoCrash(response);
    if (response.errors?.length) {
      expect(response.data?.createCustomer ?? null).toBeNull();
    } else {
      expect(response.data?.createCustomer.customer).toBeNull();
      expect(response.data?.createCustomer.userErrors).toEqual([
        expect.objectContaining({ code: 'INVALID', field: [field] }),
      ]);
    }
    expect(await app.db.prisma.customer.count()).toBe(before);
  });

  it('updates only the fields sent; an explicit null clears a field', async () => {
    const { customer } = await h.create({
      firstName: 'Una',
      lastName: 'Partial',
      email: 'una@example.com',
      phone: '+1 555 0001',
      companyName: 'Acme',
      companyPosition: 'CEO',
      note: 'keep me',
      language: 'de',
    });
    const result = await h.update({ id: customer!.id, phone: null, companyName: null, companyPosition: 'CTO' });
    expect(result.userErrors).toEqual([]);
    expect(result.customer).toMatchObject({
      firstName: 'Una',
      lastName: 'Partial',
      email: 'una@example.com',
      phone: null,
      companyName: null,
      companyPosition: 'CTO',
      note: 'keep me',
      language: 'de',
      channel: 'EMAIL',
    });
    const renamed = await h.update({ id: customer!.id, lastName: 'Changed' });
    expect(renamed.customer).toMatchObject({
      firstName: 'Una',
      lastName: 'Changed',
      name: 'Una Changed',
      companyPosition: 'CTO',
      note: 'keep me',
    });
    expect((await app.db.prisma.customer.findUniqueOrThrow({ where: { id: customer!.internalId } })).fullName).toBe(
      'Una Changed',
    );
    const byFullName = await h.update({ id: customer!.id, fullName: 'Una Maria Full' });
    expect(byFullName.customer).toMatchObject({
      firstName: 'Una',
      lastName: 'Maria Full',
      name: 'Una Maria Full',
      companyPosition: 'CTO',
    });
    // A required name cannot be cleared; nothing changes.
    const cleared = await h.update({ id: customer!.id, firstName: null, note: 'changed' });
    expect(cleared.customer).toBeNull();
    expect(cleared.userErrors).toEqual([expect.objectContaining({ code: 'REQUIRED', field: ['firstName'] })]);
    expect(await h.customer(customer!.id)).toMatchObject({ firstName: 'Una', note: 'keep me' });
  });

  describe('custom fields', () => {
    let tier: { key: string };
    let score: { key: string };
    let vip: { key: string };
    let since: { key: string };

    beforeAll(async () => {
      tier = await h.defineField('Tier', 'STRING');
      score = await h.defineField('Score', 'NUMBER');
      vip = await h.defineField('VIP', 'BOOLEAN');
      since = await h.defineField('Customer since', 'DATE');
    });

    it('gives each definition a cf_<id> key and lists them in creation order', async () => {
      const keys = [tier.key, score.key, vip.key, since.key];
      // Other tests define fields too (in any order): look at these four only.
      const rows = await app.db.prisma.customFieldDefinition.findMany({
        where: { key: { in: keys } },
        orderBy: { id: 'asc' },
      });
      expect(keys).toEqual(rows.map((r) => `cf_${r.id}`));
      for (const d of [tier, score, vip, since]) expect(d.key).toMatch(/^cf_\d+$/);
      const listed = ok(await app.gql(graphql('{ customFieldDefinitions { key name type } }'))).customFieldDefinitions;
      expect(listed.filter((d) => keys.includes(d.key))).toEqual([
        { key: tier.key, name: 'Tier', type: 'STRING' },
        { key: score.key, name: 'Score', type: 'NUMBER' },
        { key: vip.key, name: 'VIP', type: 'BOOLEAN' },
        { key: since.key, name: 'Customer since', type: 'DATE' },
      ]);
    });

    it("takes a chosen cf_<number> key (a Deskie account's own), refuses a taken or malformed one, skips it later", async () => {
      const define = async (input: VariablesOf<typeof defineFieldMutation>['input']) =>
        ok(await app.gql(defineKeyMutation, { input })).createCustomFieldDefinition;
      const next =
        (await app.db.prisma.customFieldDefinition.findMany({ orderBy: { id: 'desc' }, take: 1 }))[0]!.id + 1;
      // Taking the key the next automatic definition would get: that one moves on to a free number.
      const chosen = await define({ name: 'Deskie plan', type: 'STRING', key: `cf_${next}` });
      expect(chosen).toEqual({
        customFieldDefinition: { key: `cf_${next}`, name: 'Deskie plan', type: 'STRING' },
        userErrors: [],
      });
      const automatic = await define({ name: 'Automatic', type: 'NUMBER' });
      expect(automatic.userErrors).toEqual([]);
      expect(automatic.customFieldDefinition!.key).toMatch(/^cf_\d+$/);
      expect(automatic.customFieldDefinition!.key).not.toBe(`cf_${next}`);
      const taken = await define({ name: 'Again', type: 'STRING', key: `cf_${next}` });
      expect(taken).toEqual({
        customFieldDefinition: null,
        userErrors: [expect.objectContaining({ code: 'TAKEN', field: ['key'] })],
      });
      for (const key of ['cf_0', 'cf_', 'tier', 'cf_1x', 'cf_1234567890']) {
        expect((await define({ name: 'Bad', type: 'STRING', key })).userErrors).toEqual([
          expect.objectContaining({ code: 'INVALID', field: ['key'] }),
        ]);
      }
    });

    it("filters by a custom field's text with Deskie's anchors, or by its exact value", async () => {
      const plan = await h.defineField('Plan', 'STRING');
      const made: Record<string, string> = {};
      for (const [name, value] of [
        ['gold', 'Gold data plan'],
        ['silver', 'silver'],
        ['pct', '50% off'],
      ] as const) {
        const result = await h.create({
          firstName: name,
          email: `${name}@plan.example.com`,
          customFields: { [plan.key]: value },
        });
        expect(result.userErrors).toEqual([]);
        made[name] = result.customer!.id;
      }
      const found = async (filter: Record<string, unknown>) => {
        const listed = await h.listIds({ customField: { key: plan.key, ...filter } });
        return Object.keys(made).filter((name) => listed.includes(made[name]!));
      };
      expect(await found({ text: 'DATA' })).toEqual(['gold']);
      expect(await found({ text: '^gold' })).toEqual(['gold']);
      expect(await found({ text: 'plan^' })).toEqual(['gold']);
      expect(await found({ text: '^silver^' })).toEqual(['silver']);
      expect(await found({ text: '^silv^' })).toEqual([]);
      expect(await found({ text: '%' })).toEqual(['pct']);
      expect(await found({ text: '_' })).toEqual([]);
      expect(await found({ value: 'silver' })).toEqual(['silver']);
      const both = await app.gql(graphql('query($f: CustomerFilter) { customers(filter: $f) { totalCount } }'), {
        f: { customField: { key: plan.key, value: 'silver', text: 'x' } },
      });
      expect(both.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('only admins define custom fields', async () => {
      const key = (await createAgent(app, { withKey: true })).key!;
      const result = ok(
        await app.gql(
          graphql(
            `mutation {
              createCustomFieldDefinition(input: {name: "Nope", type: STRING}) {
                customFieldDefinition { key } userErrors { ...UserErrors }
              }
            }`,
            [UserErrors],
          ),
          {},
          { key },
        ),
      ).createCustomFieldDefinition;
      expect(result.customFieldDefinition).toBeNull();
      expect(result.userErrors).toEqual([expect.objectContaining({ code: 'FORBIDDEN' })]);
    });

    it('stores values of the right type', async () => {
      const values = { [tier.key]: 'gold', [score.key]: 42, [vip.key]: true, [since.key]: '2020-05-17' };
      const result = await h.create({ firstName: 'Cf', email: 'cf-ok@example.com', customFields: values });
      expect(result.userErrors).toEqual([]);
      expect(result.customer!.customFields).toEqual(values);
    });

    it.each([
      ['STRING', () => tier.key, 12],
      ['NUMBER', () => score.key, '42'],
      ['BOOLEAN', () => vip.key, 'yes'],
      ['DATE', () => since.key, 'yesterday'],
      ['DATE', () => since.key, 20200517],
    ])(
      'refuses a value of the wrong type for a %s field as INVALID on [customFields, key]',
      async (_type, key, value) => {
        const before = await app.db.prisma.customer.count();
        const result = await h.create({
          firstName: 'Cf',
          email: `cf-bad-${Math.random().toString(36).slice(2)}@example.com`,
          customFields: { [key()]: value },
        });
        expect(result.customer).toBeNull();
        expect(result.userErrors).toEqual([
          expect.objectContaining({ code: 'INVALID', field: ['customFields', key()] }),
        ]);
        expect(await app.db.prisma.customer.count()).toBe(before);
      },
    );

    it('refuses an unknown key as INVALID', async () => {
      const result = await h.create({
        firstName: 'Cf',
        email: 'cf-unknown@example.com',
        customFields: { cf_999999: 'x' },
      });
      expect(result.customer).toBeNull();
      expect(result.userErrors).toEqual([
        expect.objectContaining({ code: 'INVALID', field: ['customFields', 'cf_999999'] }),
      ]);
      const { customer } = await h.create({ firstName: 'Cf', email: 'cf-unknown2@example.com' });
      const update = await h.update({ id: customer!.id, customFields: { shoe_size: 44 } });
      expect(update.userErrors).toEqual([
        expect.objectContaining({ code: 'INVALID', field: ['customFields', 'shoe_size'] }),
      ]);
    });

    it('merges on update: keys sent replace, null removes a key, others stay', async () => {
      const { customer } = await h.create({
        firstName: 'Merge',
        email: 'cf-merge@example.com',
        customFields: { [tier.key]: 'silver', [score.key]: 5, [vip.key]: false },
      });
      const result = await h.update({ id: customer!.id, customFields: { [score.key]: 7, [tier.key]: null } });
      expect(result.userErrors).toEqual([]);
      expect(result.customer!.customFields).toEqual({ [score.key]: 7, [vip.key]: false });
      // Other fields do not touch custom fields.
      const renamed = await h.update({ id: customer!.id, lastName: 'Again' });
      expect(renamed.customer!.customFields).toEqual({ [score.key]: 7, [vip.key]: false });
      // A wrong value in a merge changes nothing.
      const bad = await h.update({ id: customer!.id, customFields: { [score.key]: 'eight', [vip.key]: true } });
      expect(bad.userErrors).toEqual([
        expect.objectContaining({ code: 'INVALID', field: ['customFields', score.key] }),
      ]);
      expect((await h.customer(customer!.id))?.customFields).toEqual({ [score.key]: 7, [vip.key]: false });
    });

    it('filters customers by a custom field value', async () => {
      const a = await h.create({
        firstName: 'Platinum',
        email: 'cf-plat@example.com',
        customFields: { [tier.key]: 'platinum', [score.key]: 99 },
      });
      const b = await h.create({
        firstName: 'Bronze',
        email: 'cf-bronze@example.com',
        customFields: { [tier.key]: 'bronze', [score.key]: 99 },
      });
      expect(await h.listIds({ customField: { key: tier.key, value: 'platinum' } })).toEqual([a.customer!.id]);
      expect(await h.listIds({ customField: { key: score.key, value: 99 } })).toEqual([a.customer!.id, b.customer!.id]);
      expect(await h.listIds({ customField: { key: tier.key, value: 'nothing-like-this' } })).toEqual([]);
      const c = await h.create({ firstName: 'Vip', email: 'cf-vip@example.com', customFields: { [vip.key]: true } });
      const vips = await h.listIds({ customField: { key: vip.key, value: true } });
      expect(vips).toContain(c.customer!.id);
      expect(vips).not.toContain(a.customer!.id);
    });
  });

  describe('permissions', () => {
    let self: { id: string; internalId: number };
    let selfKey: string;
    let agentKey: string;

    beforeAll(async () => {
      self = (await h.create({ firstName: 'Self', email: 'self@example.com', phone: '+1 555 0300' })).customer!;
      selfKey = await h.keyFor(self.internalId);
      agentKey = (await createAgent(app, { withKey: true })).key!;
      await h.update({ id: self.id, note: 'Internal: VIP' });
    });

    it('a customer cannot block or link profiles (FORBIDDEN user error), and nothing changes', async () => {
      const blocked = await h.act('blockCustomer', self.id, selfKey);
      expect(blocked.customer).toBeNull();
      expect(blocked.userErrors).toEqual([expect.objectContaining({ code: 'FORBIDDEN' })]);
      const other = (await h.create({ firstName: 'Other', email: 'perm-other@example.com' })).customer;
      const linked = ok(
        await app.gql(linkMutation, { id: self.id, with: { id: other!.id } }, { key: selfKey }),
      ).linkCustomerProfiles;
      expect(linked.customer).toBeNull();
      expect(linked.userErrors).toEqual([expect.objectContaining({ code: 'FORBIDDEN' })]);
      const row = await app.db.prisma.customer.findUniqueOrThrow({ where: { id: self.internalId } });
      expect(row.blocked).toBe(false);
      expect(row.linkGroup).toBeNull();
    });

    it('a customer changes its own phone, but not its note', async () => {
      const phone = ok(
        await app.gql(
          graphql(
            `mutation($id: ID!) {
              updateCustomer(input: {id: $id, phone: "+1 555 0399"}) { customer { phone note } userErrors { ...UserErrors } }
            }`,
            [UserErrors],
          ),
          { id: self.id },
          { key: selfKey },
        ),
      ).updateCustomer;
      expect(phone.userErrors).toEqual([]);
      expect(phone.customer!.phone).toBe('+1 555 0399');
      expect(phone.customer!.note).toBeNull();
      const note = ok(
        await app.gql(
          graphql(
            `mutation($id: ID!) {
              updateCustomer(input: {id: $id, note: "I am great"}) { customer { id } userErrors { ...UserErrors } }
            }`,
            [UserErrors],
          ),
          { id: self.id },
          { key: selfKey },
        ),
      ).updateCustomer;
      expect(note.customer).toBeNull();
      expect(note.userErrors).toEqual([expect.objectContaining({ code: 'FORBIDDEN', field: ['note'] })]);
      expect((await app.db.prisma.customer.findUniqueOrThrow({ where: { id: self.internalId } })).note).toBe(
        'Internal: VIP',
      );
    });

    it('a customer never sees the note, even its own; an agent does', async () => {
      // The phone is its own to change (another test does): whatever is stored, it sees.
      const { phone } = await app.db.prisma.customer.findUniqueOrThrow({ where: { id: self.internalId } });
      const viewer = ok(
        await app.gql(graphql('{ viewer { ... on Customer { id phone note } } }'), {}, { key: selfKey }),
      ).viewer;
      expect(viewer).toEqual({ id: self.id, phone, note: null });
      const node = ok(
        await app.gql(
          graphql('query($id: ID!) { node(id: $id) { ... on Customer { phone note } } }'),
          { id: self.id },
          { key: selfKey },
        ),
      ).node;
      expect(node).toEqual({ phone, note: null });
      const seen = ok(
        await app.gql(graphql('query($id: ID!) { customer(id: $id) { note } }'), { id: self.id }, { key: agentKey }),
      ).customer;
      expect(seen!.note).toBe('Internal: VIP');
    });
  });
});

describe('blocking, disabling and permanent deletion', () => {
  let app: TestApp;
  const h = helpers(() => app);
  let branch: { id: string };

  beforeAll(async () => {
    app = await createTestApp();
    branch = await createBranch(app, 'Support', 'SUP');
  });
  afterAll(() => app?.close());

  const ticketOf = async (key: string) =>
    ok(
      await app.gql(graphql('query($k: String!) { ticket(key: $k) { key spam reporter { __typename id name } } }'), {
        k: key,
      }),
    ).ticket!;

  it('blocking: the key gets 401, new tickets with that reporter are spam; restoring undoes both', async () => {
    const { customer } = await h.create({ firstName: 'Spammy', email: 'spammy@example.com' });
    const key = await h.keyFor(customer!.internalId);
    expect(await h.statusWith(key)).toBe(200);
    const before = await createTicket(app, { branch: branch.id, reporter: customer!.id, subject: 'Before the block' });

    const blocked = await h.act('blockCustomer', customer!.id);
    expect(blocked.userErrors).toEqual([]);
    expect(blocked.customer).toMatchObject({ blocked: true, deleted: false, state: 'ACTIVE' });
    expect(await h.statusWith(key)).toBe(401);
    expect(await h.listIds({ blocked: true })).toEqual([customer!.id]);
    expect(await h.listIds(null)).toContain(customer!.id); // blocked is not deleted

    const spam = await createTicket(app, { branch: branch.id, reporter: customer!.id, subject: 'Buy cheap watches' });
    expect((await ticketOf(spam.key)).spam).toBe(true);
    expect((await ticketOf(before.key)).spam).toBe(false);
    const byAgent = await createTicket(app, { branch: branch.id, subject: 'Reported by the admin' });
    expect((await ticketOf(byAgent.key)).spam).toBe(false);

    const restored = await h.act('restoreCustomer', customer!.id);
    expect(restored.userErrors).toEqual([]);
    expect(restored.customer).toMatchObject({ blocked: false, state: 'ACTIVE' });
    expect(await h.statusWith(key)).toBe(200);
    expect(await h.listIds({ blocked: true })).toEqual([]);
    const after = await createTicket(app, { branch: branch.id, reporter: customer!.id, subject: 'After the restore' });
    expect((await ticketOf(after.key)).spam).toBe(false);
    expect((await ticketOf(spam.key)).spam).toBe(true); // history stays
    // A customer who is no longer blocked creates tickets with their own key, not spam.
    const own = ok(
      await app.gql(
        graphql(
          `mutation($b: ID!) {
            createTicket(input: {branch: $b, subject: "Mine", description: "d"}) { ticket { spam } userErrors { ...UserErrors } }
          }`,
          [UserErrors],
        ),
        { b: branch.id },
        { key },
      ),
    ).createTicket;
    expect(own.userErrors).toEqual([]);
    expect(own.ticket!.spam).toBe(false);
  });

  it('tickets(filter: {spam}) lists spam and non-spam tickets', async () => {
    const { customer } = await h.create({ firstName: 'Filter', lastName: 'Spam', email: 'filter-spam@example.com' });
    await h.act('blockCustomer', customer!.id);
    const spam = await createTicket(app, { branch: branch.id, reporter: customer!.id, subject: 'Spam for the filter' });
    const all = ok(await app.gql(graphql('{ tickets(first: 100) { totalCount nodes { key spam } } }'))).tickets;
    const response = await app.gql(
      graphql(`{
        spam: tickets(first: 100, filter: {spam: true}) { totalCount nodes { key } }
        ham: tickets(first: 100, filter: {spam: false}) { totalCount nodes { key } }
      }`),
    );
    const data = ok(response);
    const spamKeys = all!.nodes.filter((t) => t.spam).map((t) => t.key);
    expect(spamKeys).toContain(spam.key);
    expect(data.spam!.nodes.map((t) => t.key).sort()).toEqual(spamKeys.sort());
    expect(data.spam!.totalCount).toBe(spamKeys.length);
    expect(data.ham!.totalCount).toBe(all!.totalCount - spamKeys.length);
    expect(data.ham!.nodes.map((t) => t.key)).not.toContain(spam.key);
    await h.act('restoreCustomer', customer!.id);
  });

  it('disabling hides the customer from the default list and refuses its key; restoring brings it back', async () => {
    const { customer } = await h.create({ firstName: 'Soft', lastName: 'Deleted', email: 'soft@example.com' });
    const key = await h.keyFor(customer!.internalId);
    const disabled = await h.act('disableCustomer', customer!.id);
    expect(disabled.userErrors).toEqual([]);
    expect(disabled.customer).toMatchObject({ deleted: true, state: 'DELETED' });
    expect(await h.listIds(null)).not.toContain(customer!.id);
    expect(await h.listIds({ deleted: true })).toEqual([customer!.id]);
    expect(await h.listIds({ state: 'DELETED' })).toEqual([customer!.id]);
    expect(await h.statusWith(key)).toBe(401);
    expect(await h.shape(customer!.id)).toMatchObject({ id: customer!.id, deleted: true });

    const restored = await h.act('restoreCustomer', customer!.id);
    expect(restored.userErrors).toEqual([]);
    expect(restored.customer).toMatchObject({ deleted: false, state: 'ACTIVE' });
    expect(await h.listIds(null)).toContain(customer!.id);
    expect(await h.listIds({ deleted: true })).toEqual([]);
    expect(await h.statusWith(key)).toBe(200);
  });

  it('refuses to block, disable or restore a customer that does not exist (NOT_FOUND)', async () => {
    for (const name of ['blockCustomer', 'disableCustomer', 'restoreCustomer'] as const) {
      const result = await h.act(name, gid('Customer', 999_999));
      expect(result.customer).toBeNull();
      expect(result.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
    }
  });

  describe('deleteCustomerPermanently', () => {
    const erase = async (id: string, key?: string) => {
      const response = await app.gql(
        graphql(
          `mutation($id: ID!) {
            deleteCustomerPermanently(input: {id: $id}) { deletedCustomerId userErrors { ...UserErrors } }
          }`,
          [UserErrors],
        ),
        { id },
        { key },
      );
      expect(response.status).toBe(200);
      return ok(response).deleteCustomerPermanently;
    };

    it('erases the profile and its keys; tickets and comments stay with a "Deleted person" placeholder', async () => {
      const { customer } = await h.create({ firstName: 'Gone', lastName: 'Soon', email: 'gone@example.com' });
      const key = await h.keyFor(customer!.internalId);
      const ticket = await createTicket(app, { branch: branch.id, reporter: customer!.id, subject: 'Erase me later' });
      const comment = ok(
        await app.gql(
          graphql(
            `mutation($k: String!) {
              addComment(input: {ticket: {key: $k}, content: "my last words"}) { comment { id } userErrors { ...UserErrors } }
            }`,
            [UserErrors],
          ),
          { k: ticket.key },
          { key },
        ),
      ).addComment;
      expect(comment.userErrors).toEqual([]);
      const code = ok(
        await app.gql(
          graphql(
            'mutation { generateIdentificationCode(input: {email: "gone@example.com"}) { code userErrors { ...UserErrors } } }',
            [UserErrors],
          ),
        ),
      ).generateIdentificationCode;
      expect(code.code).toHaveLength(10);

      const result = await erase(customer!.id);
      expect(result.userErrors).toEqual([]);
      expect(result.deletedCustomerId).toBe(customer!.id);

      expect(await h.shape(customer!.id)).toBeNull();
      expect(ok(await app.gql(graphql('{ customer(email: "gone@example.com") { id } }'))).customer).toBeNull();
      expect(await app.db.prisma.apiKey.count({ where: { customerId: customer!.internalId } })).toBe(0);
      expect(await app.db.prisma.identificationCode.count({ where: { code: code.code! } })).toBe(0);
      expect(await h.statusWith(key)).toBe(401);

      const after = ok(
        await app.gql(
          graphql(`query($k: String!) {
            ticket(key: $k) {
              key reporter { __typename id name email } comments { nodes { id content author { __typename id name } } }
            }
          }`),
          { k: ticket.key },
        ),
      ).ticket;
      expect(after).not.toBeNull();
      expect(after!.reporter!.__typename).toBe('Customer');
      expect(after!.reporter!.name).toBe('Deleted person');
      expect(after!.reporter!.id).not.toBe(customer!.id);
      expect(after!.reporter!.email).toBeNull();
      const kept = after!.comments.nodes.find((c) => c.id === comment.comment!.id);
      expect(kept).toMatchObject({
        content: 'my last words',
        author: { __typename: 'Customer', name: 'Deleted person', id: after!.reporter!.id },
      });
      // The placeholder is no customer of the list, and cannot be blocked or edited.
      expect(await h.listIds(null)).not.toContain(after!.reporter!.id);
      expect(await h.listIds({ deleted: true })).not.toContain(after!.reporter!.id);
      expect((await h.act('blockCustomer', after!.reporter!.id)).userErrors).toEqual([
        expect.objectContaining({ code: 'NOT_FOUND' }),
      ]);
    });

    it('a second deletion of the same customer is NOT_FOUND', async () => {
      const { customer } = await h.create({ firstName: 'Twice', email: 'twice@example.com' });
      expect((await erase(customer!.id)).userErrors).toEqual([]);
      const again = await erase(customer!.id);
      expect(again.deletedCustomerId).toBeNull();
      expect(again.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
    });

    it('two deleted customers share one placeholder', async () => {
      const a = (await h.create({ firstName: 'First', email: 'erase-a@example.com' })).customer;
      const b = (await h.create({ firstName: 'Second', email: 'erase-b@example.com' })).customer;
      const ta = await createTicket(app, { branch: branch.id, reporter: a!.id, subject: 'A' });
      const tb = await createTicket(app, { branch: branch.id, reporter: b!.id, subject: 'B' });
      expect((await erase(a!.id)).userErrors).toEqual([]);
      expect((await erase(b!.id)).userErrors).toEqual([]);
      const ra = (await ticketOf(ta.key)).reporter;
      const rb = (await ticketOf(tb.key)).reporter;
      expect(ra!.name).toBe('Deleted person');
      expect(rb!.id).toBe(ra!.id);
      expect(await app.db.prisma.customer.count({ where: { isPlaceholder: true } })).toBe(1);
    });

    it('a linked customer can be erased; the rest of its group stays linked', async () => {
      const ids = [];
      for (const name of ['La', 'Lb', 'Lc'])
        ids.push((await h.create({ firstName: name, email: `${name.toLowerCase()}@erase.example.com` })).customer!.id);
      for (const other of ids.slice(1)) {
        const linked = ok(await app.gql(linkMutation, { id: ids[0]!, with: { id: other! } })).linkCustomerProfiles;
        expect(linked.userErrors).toEqual([]);
      }
      expect((await erase(ids[1]!)).userErrors).toEqual([]);
      expect((await h.shape(ids[0]!))?.linkedProfiles).toEqual([{ id: ids[2] }]);
      expect((await h.shape(ids[2]!))?.linkedProfiles).toEqual([{ id: ids[0] }]);
    });

    it('only admins erase customers', async () => {
      const { customer } = await h.create({ firstName: 'Kept', email: 'kept@example.com' });
      const key = (await createAgent(app, { withKey: true })).key!;
      const result = await erase(customer!.id, key);
      expect(result.deletedCustomerId).toBeNull();
      expect(result.userErrors).toEqual([expect.objectContaining({ code: 'FORBIDDEN' })]);
      expect((await h.shape(customer!.id))?.id).toBe(customer!.id);
    });
  });
});

describe('linked profiles and identification codes', () => {
  let app: TestApp;
  const h = helpers(() => app);
  let branch: { id: string };
  // Codes expire: the app reads this clock, so expiry is shown by moving it, not by waiting.
  const clock = testClock('2026-06-15T12:00:00Z');

  beforeAll(async () => {
    app = await createTestApp({ now: clock });
    branch = await createBranch(app, 'Linking', 'LNK');
  });
  afterAll(() => app?.close());

  const link = async (id: string, withLocator: VariablesOf<typeof linkMutation>['with']) =>
    ok(await app.gql(linkMutation, { id, with: withLocator })).linkCustomerProfiles;
  const unlink = (id: string) => h.unlink(id);
  const linkedOf = async (id: string) => (await h.shape(id))!.linkedProfiles!.map((p) => p.id);
  const make = async (name: string, extra: Partial<CustomerInput> = {}) =>
    (await h.create({ firstName: name, email: `${name.toLowerCase()}@link.example.com`, ...extra })).customer!;

  it('links symmetrically and transitively; unlinking the middle keeps the others; the last pair dissolves', async () => {
    const a = await make('Alpha');
    const b = await make('Bravo');
    const c = await make('Charlie');
    expect(await linkedOf(a.id)).toEqual([]);

    const ab = await link(a.id, { id: b.id });
    expect(ab.userErrors).toEqual([]);
    expect(ab.customer!.linkedProfiles).toEqual([{ id: b.id }]);
    expect(await linkedOf(b.id)).toEqual([a.id]);

    const bc = await link(b.id, { email: 'charlie@link.example.com' });
    expect(bc.userErrors).toEqual([]);
    expect(await linkedOf(a.id)).toEqual([b.id, c.id]);
    expect(await linkedOf(b.id)).toEqual([a.id, c.id]);
    expect(await linkedOf(c.id)).toEqual([a.id, b.id]);

    // Linking two already linked profiles again changes nothing.
    expect((await link(c.id, { id: a.id })).userErrors).toEqual([]);
    expect(await linkedOf(a.id)).toEqual([b.id, c.id]);

    const out = await unlink(b.id);
    expect(out.userErrors).toEqual([]);
    expect(out.customer!.linkedProfiles).toEqual([]);
    expect(await linkedOf(a.id)).toEqual([c.id]);
    expect(await linkedOf(c.id)).toEqual([a.id]);
    expect(await linkedOf(b.id)).toEqual([]);

    expect((await unlink(c.id)).userErrors).toEqual([]);
    expect(await linkedOf(a.id)).toEqual([]);
    expect(await linkedOf(c.id)).toEqual([]);
    const rows = await app.db.prisma.customer.findMany({
      where: { id: { in: [a.internalId, b.internalId, c.internalId] } },
    });
    expect(rows.map((r) => r.linkGroup)).toEqual([null, null, null]);

    const again = await unlink(a.id);
    expect(again.customer).toBeNull();
    expect(again.userErrors).toEqual([expect.objectContaining({ code: 'INVALID' })]);
  });

  it('merges two groups into one', async () => {
    const [p, q, r, s] = [await make('Papa'), await make('Quebec'), await make('Romeo'), await make('Sierra')];
    expect((await link(p.id, { id: q.id })).userErrors).toEqual([]);
    expect((await link(r.id, { id: s.id })).userErrors).toEqual([]);
    expect((await link(q.id, { id: s.id })).userErrors).toEqual([]);
    expect(await linkedOf(p.id)).toEqual([q.id, r.id, s.id]);
    expect(await linkedOf(s.id)).toEqual([p.id, q.id, r.id]);
  });

  it('unlinks a named profile from the group of another, only when they are linked', async () => {
    const [m, n, o, lone] = [await make('Mike'), await make('November'), await make('Oscar'), await make('Lone')];
    expect((await link(m.id, { id: n.id })).userErrors).toEqual([]);
    expect((await link(m.id, { id: o.id })).userErrors).toEqual([]);
    const unlinkFrom = (id: string, profile: string) => h.unlink(id, profile);
    const notLinked = await unlinkFrom(lone.id, m.id);
    expect(notLinked.userErrors).toEqual([expect.objectContaining({ code: 'INVALID', field: ['id'] })]);
    const other = await unlinkFrom(m.id, lone.id);
    expect(other.userErrors).toEqual([expect.objectContaining({ code: 'INVALID', field: ['profile'] })]);
    const out = await unlinkFrom(m.id, n.id);
    expect(out.userErrors).toEqual([]);
    // The payload is the profile of the group, without the one taken out.
    expect(out.customer).toEqual({ id: m.id, linkedProfiles: [{ id: o.id }] });
    expect(await linkedOf(n.id)).toEqual([]);
  });

  it('a channel id names one profile per channel', async () => {
    const first = await h.create({ firstName: 'Tg', channel: 'TELEGRAM', channelExternalId: '495582869' });
    expect(first.userErrors).toEqual([]);
    const copy = await h.create({ firstName: 'Tg copy', channel: 'TELEGRAM', channelExternalId: '495582869' });
    expect(copy.customer).toBeNull();
    expect(copy.userErrors).toEqual([expect.objectContaining({ code: 'TAKEN', field: ['channelExternalId'] })]);
    // The same number on another channel is another person's id there.
    const viber = await h.create({ firstName: 'Vb', channel: 'VIBER', channelExternalId: '495582869' });
    expect(viber.userErrors).toEqual([]);
    const moved = await h.update({ id: viber.customer!.id, channel: 'TELEGRAM' });
    expect(moved.userErrors).toEqual([expect.objectContaining({ code: 'TAKEN', field: ['channelExternalId'] })]);
  });

  it('refuses to link a profile with itself, or with a missing one', async () => {
    const x = await make('Xray');
    const self = await link(x.id, { id: x.id });
    expect(self.customer).toBeNull();
    expect(self.userErrors).toEqual([expect.objectContaining({ code: 'INVALID' })]);
    const selfByEmail = await link(x.id, { email: 'xray@link.example.com' });
    expect(selfByEmail.customer).toBeNull();
    expect(selfByEmail.userErrors).toEqual([expect.objectContaining({ code: 'INVALID' })]);
    const missing = await link(x.id, { email: 'nobody@link.example.com' });
    expect(missing.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['with'] })]);
    const missingId = await link(x.id, { id: gid('Customer', 999_999) });
    expect(missingId.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
    expect(await linkedOf(x.id)).toEqual([]);
  });

  it('Customer.tickets(includeLinked) adds the tickets of linked profiles', async () => {
    const mail = await make('Mail');
    const tg = (await h.create({ firstName: 'Mail', channel: 'TELEGRAM', channelExternalId: 'tg-mail' })).customer;
    const stranger = await make('Stranger');
    const own = [
      await createTicket(app, { branch: branch.id, reporter: mail.id }),
      await createTicket(app, { branch: branch.id, reporter: mail.id }),
    ];
    const fromTg = await createTicket(app, { branch: branch.id, reporter: tg!.id });
    const notTheirs = await createTicket(app, { branch: branch.id, reporter: stranger.id });
    expect((await link(mail.id, { id: tg!.id })).userErrors).toEqual([]);

    const data = ok(
      await app.gql(
        graphql(`query($id: ID!) {
          customer(id: $id) {
            own: tickets(first: 10) { totalCount nodes { key } }
            all: tickets(first: 10, includeLinked: true) { totalCount nodes { key } }
            firstOnly: tickets(first: 1, includeLinked: true) { totalCount nodes { key } }
          }
        }`),
        { id: mail.id },
      ),
    ).customer;
    expect(data!.own.totalCount).toBe(2);
    expect(data!.own.nodes.map((t) => t.key)).toEqual([own[1]!.key, own[0]!.key]);
    expect(data!.all.totalCount).toBe(3);
    expect(data!.all.nodes.map((t) => t.key)).toEqual([fromTg.key, own[1]!.key, own[0]!.key]);
    expect(data!.all.nodes.map((t) => t.key)).not.toContain(notTheirs.key);
    expect(data!.firstOnly.totalCount).toBe(3);
    expect(data!.firstOnly.nodes).toHaveLength(1);
    const tgView = ok(
      await app.gql(graphql('query($id: ID!) { customer(id: $id) { tickets(includeLinked: true) { totalCount } } }'), {
        id: tg!.id,
      }),
    ).customer;
    expect(tgView!.tickets.totalCount).toBe(3);
  });

  describe('identification codes', () => {
    const generateMutation = graphql(
      `mutation($input: GenerateIdentificationCodeInput!) {
        generateIdentificationCode(input: $input) {
          code expiresAt customer { id name email phone channel } userErrors { ...UserErrors }
        }
      }`,
      [UserErrors],
    );
    const generate = async (input: VariablesOf<typeof generateMutation>['input']) =>
      ok(await app.gql(generateMutation, { input })).generateIdentificationCode;
    const redeemMutation = graphql(
      `mutation($code: String!, $p: ID!) {
        redeemIdentificationCode(input: {code: $code, profile: $p}) {
          customer { id linkedProfiles { id } } userErrors { ...UserErrors }
        }
      }`,
      [UserErrors],
    );
    /** `code` as generate returned it (null only when generating failed, which the test checks). */
    const redeem = async (code: string | null, profile: string) =>
      ok(await app.gql(redeemMutation, { code: code!, p: profile })).redeemIdentificationCode;
    const telegram = async (id: string) =>
      (await h.create({ firstName: 'Tg', channel: 'TELEGRAM', channelExternalId: id })).customer!;

    it('finds an existing customer by email and returns a 10-character code valid for a while', async () => {
      const known = await make('Known');
      const before = await app.db.prisma.customer.count();
      const result = await generate({ email: 'Known@Link.Example.com', fullName: 'Someone Else' });
      expect(result.userErrors).toEqual([]);
      expect(result.customer!.id).toBe(known.id);
      expect(result.customer!.name).toBe('Known');
      expect(result.code).toMatch(/^[A-Z2-9]{10}$/);
      expect(new Date(result.expiresAt!).getTime()).toBe(clock() + IDENTIFICATION_CODE_TTL_MS);
      expect(await app.db.prisma.customer.count()).toBe(before);
    });

    it('creates a profile from new details', async () => {
      const before = await app.db.prisma.customer.count();
      const result = await generate({ fullName: 'Nina New Person', phone: '+1 555 0199' });
      expect(result.userErrors).toEqual([]);
      expect(result.customer).toMatchObject({
        name: 'Nina New Person',
        email: null,
        phone: '+1 555 0199',
        channel: 'PHONE',
      });
      expect(await app.db.prisma.customer.count()).toBe(before + 1);
      // Asking again with the same phone finds that profile, with a different code.
      const again = await generate({ phone: '+1 555 0199' });
      expect(again.customer!.id).toBe(result.customer!.id);
      expect(again.code).not.toBe(result.code);
    });

    it('refuses details that identify nobody', async () => {
      const result = await generate({ fullName: 'Only A Name' });
      expect(result.code).toBeNull();
      expect(result.userErrors).toEqual([expect.objectContaining({ code: 'REQUIRED' })]);
    });

    it('redeeming links the messenger profile with the identified one; a code works once', async () => {
      const person = await make('Redeemer');
      const tg = await telegram('tg-redeem');
      const { code } = await generate({ email: 'redeemer@link.example.com' });
      const result = await redeem(code!.toLowerCase(), tg.id);
      expect(result.userErrors).toEqual([]);
      expect(result.customer!.id).toBe(person.id);
      expect(result.customer!.linkedProfiles).toEqual([{ id: tg.id }]);
      expect(await linkedOf(tg.id)).toEqual([person.id]);

      const other = await telegram('tg-redeem-2');
      const second = await redeem(code, other.id);
      expect(second.customer).toBeNull();
      expect(second.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['code'] })]);
      expect(await linkedOf(other.id)).toEqual([]);
    });

    it('a code works until it expires; an expired code is NOT_FOUND', async () => {
      const issued = clock();
      try {
        const person = await make('Expired');
        const { code: lastMinute } = await generate({ email: 'expired@link.example.com' });
        const { code } = await generate({ email: 'expired@link.example.com' });
        clock.set(issued + IDENTIFICATION_CODE_TTL_MS - 1000);
        const inTime = await redeem(lastMinute, (await telegram('tg-in-time')).id);
        expect(inTime.userErrors).toEqual([]);
        expect(inTime.customer!.id).toBe(person.id);

        clock.set(issued + IDENTIFICATION_CODE_TTL_MS + 1000);
        const tg = await telegram('tg-expired');
        const result = await redeem(code, tg.id);
        expect(result.customer).toBeNull();
        expect(result.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
        expect(await linkedOf(tg.id)).toEqual([]);
      } finally {
        clock.set(issued);
      }
    });

    it('an unknown code is NOT_FOUND', async () => {
      const tg = await telegram('tg-unknown-code');
      const result = await redeem('ZZZZZZZZZZ', tg.id);
      expect(result.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['code'] })]);
    });

    it('an unknown profile is NOT_FOUND and leaves the code usable', async () => {
      const person = await make('Patient');
      const { code } = await generate({ email: 'patient@link.example.com' });
      const missing = await redeem(code, gid('Customer', 999_999));
      expect(missing.customer).toBeNull();
      expect(missing.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['profile'] })]);
      const tg = await telegram('tg-patient');
      const later = await redeem(code, tg.id);
      expect(later.userErrors).toEqual([]);
      expect(later.customer!.id).toBe(person.id);
      expect(await linkedOf(person.id)).toEqual([tg.id]);
    });
  });
});

describe('customer search', () => {
  let app: TestApp;
  const h = helpers(() => app);
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    app = await createTestApp();
    const people: [string, Record<string, unknown>][] = [
      ['ann', { fullName: 'Ann Lee', email: 'ann.lee@example.com', companyName: 'Lee Corp', language: 'en' }],
      ['anna', { fullName: 'Anna Leeson', email: 'anna@example.com', language: 'de' }],
      ['joann', { fullName: 'Joann Jackson', email: 'jj@example.com', companyName: 'Widgets Ltd' }],
      [
        'bob',
        {
          fullName: 'Bob Smith',
          email: 'bob@smith.test',
          phone: '+1 555 0100',
          companyName: 'Acme Anvils',
          language: 'de',
        },
      ],
      [
        'tg',
        { fullName: 'Tele Gram', channel: 'TELEGRAM', channelExternalId: '5550001', whatsappPhone: '+49 151 777' },
      ],
      ['pct', { fullName: 'Percy Cent', email: 'percy@example.com', companyName: '100% Fun' }],
    ];
    for (const [name, input] of people) {
      const result = await h.create(input);
      expect(result.userErrors).toEqual([]);
      ids[name] = result.customer!.id;
    }
  });
  afterAll(() => app?.close());

  const names = async (filter: Record<string, unknown>) => {
    const found = await h.listIds(filter);
    return Object.entries(ids)
      .filter(([, id]) => found.includes(id))
      .map(([name]) => name)
      .sort();
  };

  it.each([
    ['^ann', ['ann', 'anna']],
    ['^ANN', ['ann', 'anna']],
    ['son^', ['anna', 'joann']],
    ['^ann lee^', ['ann']],
    ['^Ann Leeson^', []],
    ['ann', ['ann', 'anna', 'joann']],
    ['oan', ['joann']],
    ['smith.test', ['bob']],
    ['555 0100', ['bob']],
    ['+49 151', ['tg']],
    ['anvils', ['bob']],
    ['^lee corp^', ['ann']],
    ['100%', ['pct']],
    ['%', ['pct']],
    ['_', []],
    ['nobody-at-all', []],
  ])('text %j finds %j', async (text, expected) => {
    expect(await names({ text })).toEqual([...expected].sort());
  });

  it('filters by channel, blocked and language, combined with text', async () => {
    expect(await names({ channel: 'TELEGRAM' })).toEqual(['tg']);
    expect(await names({ channel: 'EMAIL' })).toEqual(['ann', 'anna', 'bob', 'joann', 'pct']);
    expect(await names({ language: 'de' })).toEqual(['anna', 'bob']);
    expect(await names({ language: 'de', text: '^b' })).toEqual(['bob']);
    expect(await names({ blocked: true })).toEqual([]);
    expect((await h.act('blockCustomer', ids.joann!)).userErrors).toEqual([]);
    expect(await names({ blocked: true })).toEqual(['joann']);
    expect(await names({ blocked: false })).toEqual(['ann', 'anna', 'bob', 'pct', 'tg']);
    expect(await names({ blocked: true, text: 'ann' })).toEqual(['joann']);
  });
});

describe('customer list data loading', () => {
  let app: TestApp;
  const h = helpers(() => app);

  beforeAll(async () => {
    app = await createTestApp();
    const ids: string[] = [];
    for (let n = 0; n < 24; n++)
      ids.push((await h.create({ firstName: `Load${n}`, email: `load${n}@example.com` })).customer!.id);
    // Groups of three: 0-1-2, 3-4-5, ...
    for (let n = 0; n < ids.length; n += 3) {
      for (const other of [ids[n + 1], ids[n + 2]]) {
        const result = ok(await app.gql(linkMutation, { id: ids[n]!, with: { id: other! } })).linkCustomerProfiles;
        expect(result.userErrors).toEqual([]);
      }
    }
  });
  afterAll(() => app?.close());

  it('loads linked profiles with the same number of statements for 2 and 20 customers', async () => {
    const query = graphql(
      'query($n: Int!) { customers(first: $n) { totalCount nodes { id name linkedProfiles { id name } } } }',
    );
    const count = async (n: number) => {
      const before = app.db.statements;
      const data = ok(await app.gql(query, { n }));
      return { statements: app.db.statements - before, nodes: data.customers!.nodes };
    };
    await count(1); // warm-up (key lastUsedAt)
    const small = await count(2);
    const large = await count(20);
    expect(small.nodes).toHaveLength(2);
    expect(large.nodes).toHaveLength(20);
    expect(large.nodes[0]!.linkedProfiles!.map((p) => p.name)).toEqual(['Load1', 'Load2']);
    expect(large.nodes[19]!.linkedProfiles!.map((p) => p.name)).toEqual(['Load18', 'Load20']);
    expect(large.statements).toBe(small.statements);
    expect(large.statements).toBeLessThan(10);
  });
});
