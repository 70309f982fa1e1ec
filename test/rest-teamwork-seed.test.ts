// Teamwork Desk's "Update user" document (test/seeds/teamwork-users.txt, a copy of the seed): its
// request is the list of body params, so the walk PATCHes a {"user": ...} with every param the
// document lists, of the type it gives, with Bearer credentials; then compares the answer with
// the document: every listed field present with its type, and the 200 example (cut off in the
// document after its first inbox) field by field. Its values are type placeholders ("string",
// 0, true), so types are compared, not values. Differences are listed and documented.
import { readFileSync } from 'node:fs';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, startRestServer } from './rest-helpers.ts';
import { bodyParams, truncatedJson } from './seed-walk.ts';

const document = readFileSync(new URL('./seeds/teamwork-users.txt', import.meta.url), 'utf8');
const params = bodyParams(document);
const example = truncatedJson(document, document.indexOf('UserAPIBody\n')) as {
  included: { inboxes: Record<string, unknown>[] };
};
const isoDate = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Fields that are about the request, never answered. */
const REQUEST_ONLY = ['filter_args'];
/** Answered only for deleted users, as the document says. */
const WHEN_DELETED = ['deletedAt', 'deletedBy'];

/** Values for the writable fields, as the answer must show them back. */
const WRITES = {
  autoFollowOnCC: true,
  editMethod: 'markdown',
  email: 'patched@example.com',
  firstName: 'Patricia',
  lastName: 'Patched',
  isPartTime: true,
  reviewer: true,
  role: 'agent',
  sendPushNotifications: false,
  sendWebNotifications: false,
  state: 'active',
  ticketReplyRedirect: 'Inbox',
  timeFormatId: 1,
  timezoneId: 19,
  ldKey: 'ld-42',
  projectsCompanyId: 7,
  onboarding: { step: 3, done: false },
  trainingWheelsEnrollment: { enrolled: true },
};

type Server = Awaited<ReturnType<typeof startRestServer>>;

// One walk through the document, in its order (read, then patch, then patch again), kept in that
// order when CI shuffles: each step reads what the steps before it changed.
describe('Teamwork Desk users API, walked from its document', { shuffle: false }, () => {
  let server: Server;
  let agentId: number;
  let agentKey: string;
  let branchId: number;

  async function call(method: string, path: string, body?: string, key = ADMIN_KEY) {
    const response = await fetch(`${server.origin}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body,
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  }

  /** A value of the document's type for each param: what a client filling the schema sends. */
  function valueFor(param: { name: string; type: string }): unknown {
    const real: Record<string, unknown> = {
      ...WRITES,
      email: 'Patched@Example.com',
      // Read-only: sent wrong on purpose, and ignored.
      id: 999_999,
      isAppOwner: true,
      avatarURL: 'https://example.com/x.png',
      createdAt: '2000-01-01T00:00:00.000Z',
      deletedAt: '2000-01-01T00:00:00.000Z',
      updatedAt: '2000-01-01T00:00:00.000Z',
      createdBy: { id: 1, type: 'users' },
      deletedBy: { id: 1, type: 'users' },
      updatedBy: { id: 1, type: 'users' },
      filter_args: { page: 1 },
    };
    if (param.name in real) return real[param.name];
    return { string: 'x', integer: 1, boolean: true, object: {} }[param.type];
  }

  const typeOf = (value: unknown) =>
    value === null ? 'null' : Number.isInteger(value) ? 'integer' : Array.isArray(value) ? 'array' : typeof value;

  beforeAll(async () => {
    server = await startRestServer();
    const agent = await server.graphql(
      'mutation { createAgent(input: {email: "tw@example.com", firstName: "Tom", lastName: "Work"}) { agent { id internalId } } }',
    );
    agentId = agent.createAgent.agent.internalId;
    agentKey = (
      await server.graphql('mutation($owner: ID!) { createApiKey(input: {owner: $owner}) { secret } }', {
        owner: agent.createAgent.agent.id,
      })
    ).createApiKey.secret;
    const branch = await server.graphql(
      'mutation($a: ID!) { createBranch(input: {name: "Support", defaultAssignee: $a}) { branch { internalId } } }',
      { a: agent.createAgent.agent.id },
    );
    branchId = branch.createBranch.branch.internalId;
  });
  afterAll(() => server?.close());

  it('reads the document: 28 body params', () => {
    expect(params).toHaveLength(28);
    expect(params.map((p) => p.name)).toEqual(expect.arrayContaining([...REQUEST_ONLY, ...WHEN_DELETED, 'isAppOwner']));
  });

  it('PATCH with every listed param: every writable field applied, read-only ones ignored; the answer has every field', async () => {
    const body = JSON.stringify({ user: Object.fromEntries(params.map((p) => [p.name, valueFor(p)])) });
    const patched = await call('PATCH', `/desk/api/v2/users/${agentId}.json`, body);
    expect(patched.status, JSON.stringify(patched.json)).toBe(200);
    const { user, included } = patched.json;
    expect(user).toMatchObject({
      ...WRITES,
      id: agentId,
      isAppOwner: false,
      createdBy: { id: 1, type: 'users' },
      updatedBy: { id: 1, type: 'users' },
    });
    expect(user.createdAt).toMatch(isoDate);
    expect(new Date(user.updatedAt).getTime()).toBeGreaterThan(Date.parse('2001-01-01'));
    expect(user.avatarURL).toMatch(/^https:\/\/www\.gravatar\.com\/avatar\/[0-9a-f]{32}/);
    const stored = await server.graphql(
      `{ agent(id: "${encodeGlobalID('Agent', String(agentId))}") { timezone timeFormat } }`,
    );
    expect(stored.agent).toEqual({ timezone: 'Europe/Berlin', timeFormat: 'H12' });

    // Field by field against the document's list: present, and of the type it gives.
    const differences: string[] = [];
    let compared = 0;
    for (const param of params) {
      if ([...REQUEST_ONLY, ...WHEN_DELETED].includes(param.name)) continue;
      compared++;
      if (!(param.name in user)) differences.push(`${param.name}: missing`);
      else if (typeOf(user[param.name]) !== param.type) differences.push(`${param.name}: ${typeOf(user[param.name])}`);
    }
    expect(differences).toEqual([]);
    expect(compared).toBe(25);

    // The 200 example's included.inboxes[0], field by field by type.
    expect(included.inboxes).toHaveLength(1);
    const inbox = included.inboxes[0];
    expect(inbox.id).toBe(branchId);
    const inboxDifferences: string[] = [];
    for (const [name, value] of Object.entries(example.included.inboxes[0]!)) {
      if (!(name in inbox)) inboxDifferences.push(`${name}: missing`);
      else if (typeOf(inbox[name]) !== typeOf(value)) inboxDifferences.push(`${name}: ${typeOf(inbox[name])}`);
    }
    // Branches do not record who created them (documented).
    expect(inboxDifferences).toEqual(['createdBy: null']);
    expect(inbox.createdAt).toMatch(isoDate);
    expect(user.inboxes).toEqual([{ id: branchId, type: 'inboxes' }]);
  });

  it('absent fields stay, null clears a nullable one, null for a required one is a validator 400', async () => {
    const path = `/desk/api/v2/users/${agentId}.json`;
    const cleared = await call('PATCH', path, '{"user": {"timezoneId": null}}');
    expect(cleared.status).toBe(200);
    expect(cleared.json.user).toMatchObject({ timezoneId: 14, firstName: 'Patricia', reviewer: true });
    const emptied = await call(
      'PATCH',
      path,
      '{"user": {"onboarding": null, "ldKey": null, "projectsCompanyId": null}}',
    );
    expect(emptied.status).toBe(200);
    expect(emptied.json.user).toMatchObject({
      onboarding: {},
      ldKey: '',
      projectsCompanyId: 0,
      trainingWheelsEnrollment: { enrolled: true },
    });
    for (const [field, message] of [
      ['email', 'email cannot be cleared.'],
      ['firstName', 'firstName cannot be cleared.'],
      ['timeFormatId', 'timeFormat cannot be null.'],
    ] as const) {
      const refused = await call('PATCH', path, `{"user": {"${field}": null}}`);
      expect(refused.status, field).toBe(400);
      expect(refused.json).toEqual({ errors: { [field]: [message] } });
    }
    const unknown = await call(
      'PATCH',
      path,
      '{"user": {"nickname": "x", "timezoneId": 0, "role": "boss"}, "extra": 1}',
    );
    expect(unknown.status).toBe(400);
    expect(unknown.json).toEqual({
      errors: {
        extra: ['unknown field'],
        nickname: ['unknown field'],
        timezoneId: ['must be a timezone id from 1 to 48'],
        role: ['must be one of admin, agent'],
      },
    });
    const badEmail = await call('PATCH', path, '{"user": {"email": "not-an-address"}}');
    expect(badEmail.status).toBe(400);
    expect(badEmail.json).toEqual({ errors: { email: [expect.stringMatching(/not a valid email/)] } });
    const broken = await call('PATCH', path, '{"user": ');
    expect(broken.status).toBe(400);
    expect(broken.json).toEqual({ errors: { base: [expect.any(String)] } });
  });

  it("permissions are GraphQL's: an agent changes its own preferences, not its role nor others", async () => {
    const own = await call('PATCH', `/desk/api/v2/users/${agentId}.json`, '{"user": {"timezoneId": 15}}', agentKey);
    expect(own.status).toBe(200);
    const role = await call('PATCH', `/desk/api/v2/users/${agentId}.json`, '{"user": {"role": "admin"}}', agentKey);
    expect(role.status).toBe(403);
    expect(role.json).toEqual({ errors: { role: ['Only admins change role.'] } });
    const company = await call(
      'PATCH',
      `/desk/api/v2/users/${agentId}.json`,
      '{"user": {"projectsCompanyId": 3}}',
      agentKey,
    );
    expect(company.json).toEqual({ errors: { projectsCompanyId: ['Only admins change projectsCompanyId.'] } });
    const other = await call('PATCH', '/desk/api/v2/users/1.json', '{"user": {"firstName": "X"}}', agentKey);
    expect(other.status).toBe(403);
    expect((await call('GET', '/desk/api/v2/users/1.json', undefined, 'f'.repeat(40))).status).toBe(401);
    expect((await call('GET', '/desk/api/v2/users/999999.json')).status).toBe(404);
  });

  it('the first admin is the app owner and, as the last active admin, cannot be demoted', async () => {
    const owner = await call('GET', '/desk/api/v2/users/1.json');
    expect(owner.status).toBe(200);
    expect(owner.json.user).toMatchObject({ id: 1, role: 'admin', isAppOwner: true });
    expect(owner.json.included).toEqual({ inboxes: [] });
    const demoted = await call('PATCH', '/desk/api/v2/users/1.json', '{"user": {"role": "agent"}}');
    expect(demoted.status).toBe(409);
    expect(demoted.json).toEqual({ errors: { role: [expect.stringMatching(/last active admin/)] } });
  });

  it('state "deleted" deletes the agent: deletedAt and deletedBy appear; "active" restores', async () => {
    const made = await server.graphql(
      'mutation { createAgent(input: {email: "gone@example.com", firstName: "Gone"}) { agent { internalId } } }',
    );
    const path = `/desk/api/v2/users/${made.createAgent.agent.internalId}.json`;
    const deleted = await call('PATCH', path, '{"user": {"state": "deleted"}}');
    expect(deleted.status).toBe(200);
    expect(deleted.json.user).toMatchObject({ state: 'deleted', deletedBy: { id: 1, type: 'users' } });
    expect(deleted.json.user.deletedAt).toMatch(isoDate);
    expect((await call('GET', path)).json.user.state).toBe('deleted');
    const restored = await call('PATCH', path, '{"user": {"state": "Active"}}');
    expect(restored.json.user.state).toBe('active');
    expect(restored.json.user).not.toHaveProperty('deletedAt');
    expect(restored.json.user).not.toHaveProperty('deletedBy');
    await call('PATCH', path, '{"user": {"state": "deleted"}}');
  });

  it('GET /users.json pages as Teamwork does, with the inboxes side-loaded once', async () => {
    const first = await call('GET', '/desk/api/v2/users.json?pageSize=1');
    expect(first.status).toBe(200);
    expect(first.json.users).toHaveLength(1);
    expect(first.json.meta).toEqual({ page: { pageOffset: 0, pageSize: 1, count: 2, hasMore: true } });
    const second = await call('GET', '/desk/api/v2/users.json?page=2&pageSize=1');
    expect(second.json.users.map((u: any) => u.id)).toEqual([agentId]);
    expect(second.json.included.inboxes.map((i: any) => i.id)).toEqual([branchId]);
    expect(second.json.meta.page.hasMore).toBe(false);
    const bad = await call('GET', '/desk/api/v2/users.json?pageSize=500&sort=x');
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toHaveProperty('sort');
  });
});
