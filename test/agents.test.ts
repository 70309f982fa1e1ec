// Teamwork-style agents through GraphQL: settings with their defaults, partial updates, what an
// agent may change of itself, deletion and restoring, assigned tickets and the part-time limit.
import { createHash } from 'node:crypto';
import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiKey } from '../src/auth/api-keys.ts';
import { createAgent, createBranch, createCustomer, createTicket } from './fixtures.ts';
import { graphql, type ResultOf, type VariablesOf } from './graphql.ts';
import { createTestApp, ok, type TestApp, testClock } from './helpers.ts';

const gid = (type: string, id: number) => encodeGlobalID(type, id);
const dbId = (globalId: string) => decodeGlobalID(globalId).id;
const UserErrors = graphql('fragment UserErrors on UserError { code field message }');
const AgentFields = graphql(`
  fragment AgentFields on Agent {
    id internalId email firstName lastName name role state avatarUrl deletedAt
    deletedBy { id } createdBy { id } updatedBy { id }
    timezone timeFormat editMethod ticketReplyRedirect sendPushNotifications sendWebNotifications autoFollowOnCC
    isPartTime reviewer
  }
`);
const createMutation = graphql(
  `mutation($input: CreateAgentInput!) {
    createAgent(input: $input) { agent { ...AgentFields } userErrors { ...UserErrors } }
  }`,
  [AgentFields, UserErrors],
);
const updateMutation = graphql(
  `mutation($input: UpdateAgentInput!) {
    updateAgent(input: $input) { agent { ...AgentFields } userErrors { ...UserErrors } }
  }`,
  [AgentFields, UserErrors],
);
const agentQuery = graphql('query($id: ID!) { agent(id: $id) { ...AgentFields } }', [AgentFields]);
const commentMutation = graphql(
  `mutation($input: AddCommentInput!) {
    addComment(input: $input) { comment { id private author { id } } userErrors { ...UserErrors } }
  }`,
  [UserErrors],
);
const publishMutation = graphql(
  `mutation($id: ID!, $private: Boolean!) {
    updateComment(input: {id: $id, private: $private}) { comment { private } userErrors { ...UserErrors } }
  }`,
  [UserErrors],
);
type CreateInput = VariablesOf<typeof createMutation>['input'];
type UpdateInput = VariablesOf<typeof updateMutation>['input'];

const defaults = {
  timezone: null,
  timeFormat: 'H24',
  editMethod: 'HTML',
  ticketReplyRedirect: 'STAY',
  sendPushNotifications: true,
  sendWebNotifications: true,
  autoFollowOnCC: false,
  isPartTime: false,
  reviewer: false,
};

describe('agents', () => {
  let app: TestApp;
  let branch: { id: string };
  const adminGid = () => gid('Agent', app.adminId);

  const create = async (input: CreateInput, key?: string) =>
    ok(await app.gql(createMutation, { input }, { key })).createAgent;
  const update = async (input: UpdateInput, key?: string, on: TestApp = app) =>
    ok(await on.gql(updateMutation, { input }, { key })).updateAgent;
  const read = async (id: string) => ok(await app.gql(agentQuery, { id })).agent;
  const keyFor = async (agentId: number) => (await issueApiKey(app.db.prisma, app.box, { agentId })).secret;
  const statusWith = async (key: string) => (await app.gql(graphql('{ viewer { id } }'), {}, { key })).status;
  let counter = 0;
  const newAgent = async (input: Partial<CreateInput> = {}) => {
    const result = await create({ email: `agent${++counter}@example.com`, firstName: `Agent${counter}`, ...input });
    expect(result.userErrors).toEqual([]);
    return result.agent!;
  };

  beforeAll(async () => {
    app = await createTestApp();
    branch = await createBranch(app, 'Desk', 'DSK');
  });
  afterAll(() => app?.close());

  describe('createAgent', () => {
    it('stores every Teamwork setting given', async () => {
      const result = await create({
        email: 'Setter@Example.com',
        firstName: 'Sam',
        lastName: 'Setter',
        timezone: 'Europe/London',
        timeFormat: 'H12',
        editMethod: 'MARKDOWN',
        ticketReplyRedirect: 'NEXT',
        sendPushNotifications: false,
        sendWebNotifications: false,
        autoFollowOnCC: true,
        isPartTime: true,
        reviewer: true,
      });
      expect(result.userErrors).toEqual([]);
      expect(result.agent).toMatchObject({
        email: 'setter@example.com',
        name: 'Sam Setter',
        role: 'AGENT',
        state: 'ACTIVE',
        timezone: 'Europe/London',
        timeFormat: 'H12',
        editMethod: 'MARKDOWN',
        ticketReplyRedirect: 'NEXT',
        sendPushNotifications: false,
        sendWebNotifications: false,
        autoFollowOnCC: true,
        isPartTime: true,
        reviewer: true,
        deletedAt: null,
        deletedBy: null,
        createdBy: { id: adminGid() },
        updatedBy: { id: adminGid() },
      });
      expect(await read(result.agent!.id)).toEqual(result.agent);
    });

    it('uses the defaults for absent settings', async () => {
      const result = await create({ email: 'plain-agent@example.com', firstName: 'Plain' });
      expect(result.userErrors).toEqual([]);
      expect(result.agent).toMatchObject({ ...defaults, role: 'AGENT', lastName: '', createdBy: { id: adminGid() } });
    });

    it('gives a Gravatar avatar URL for the lower-cased, trimmed email', async () => {
      const result = await create({ email: 'Avatar.Person@Example.com', firstName: 'Ava' });
      const md5 = createHash('md5').update('avatar.person@example.com').digest('hex');
      expect(result.agent!.avatarUrl).toBe(`https://www.gravatar.com/avatar/${md5}?d=identicon`);
      expect(md5).toMatch(/^[0-9a-f]{32}$/);
    });

    it('refuses a bad timezone as INVALID and creates nothing', async () => {
      const before = await app.db.prisma.agent.count();
      const result = await create({ email: 'tz@example.com', firstName: 'Tz', timezone: 'Mars/Olympus_Mons' });
      expect(result.agent).toBeNull();
      expect(result.userErrors).toEqual([expect.objectContaining({ code: 'INVALID', field: ['timezone'] })]);
      expect(await app.db.prisma.agent.count()).toBe(before);
    });

    it('only admins create agents', async () => {
      const plain = await newAgent();
      const result = await create({ email: 'not-made@example.com', firstName: 'No' }, await keyFor(plain.internalId));
      expect(result.agent).toBeNull();
      expect(result.userErrors).toEqual([expect.objectContaining({ code: 'FORBIDDEN' })]);
      expect(await app.db.prisma.agent.findUnique({ where: { email: 'not-made@example.com' } })).toBeNull();
    });
  });

  describe('updateAgent', () => {
    it('changes only the fields sent and records who changed the agent', async () => {
      const agent = await newAgent({
        timezone: 'Asia/Tokyo',
        timeFormat: 'H12',
        autoFollowOnCC: true,
        lastName: 'Before',
      });
      const result = await update({ id: agent.id, editMethod: 'MARKDOWN', sendWebNotifications: false });
      expect(result.userErrors).toEqual([]);
      expect(result.agent).toMatchObject({
        ...defaults,
        timezone: 'Asia/Tokyo',
        timeFormat: 'H12',
        autoFollowOnCC: true,
        editMethod: 'MARKDOWN',
        sendWebNotifications: false,
        firstName: agent.firstName,
        lastName: 'Before',
        email: agent.email,
        role: 'AGENT',
        updatedBy: { id: adminGid() },
      });
    });

    it('null clears the timezone', async () => {
      const agent = await newAgent({ timezone: 'America/New_York' });
      const result = await update({ id: agent.id, timezone: null });
      expect(result.userErrors).toEqual([]);
      expect(result.agent!.timezone).toBeNull();
      expect((await app.db.prisma.agent.findUniqueOrThrow({ where: { id: agent.internalId } })).timezone).toBeNull();
    });

    it.each([
      'editMethod',
      'timeFormat',
      'ticketReplyRedirect',
      'sendPushNotifications',
      'isPartTime',
      'role',
      'state',
    ])('null for the non-nullable %s is INVALID and nothing changes', async (field) => {
      const agent = await newAgent({ editMethod: 'MARKDOWN' });
      const before = await app.db.prisma.agent.findUniqueOrThrow({ where: { id: agent.internalId } });
      const result = await update({ id: agent.id, [field]: null, lastName: 'ShouldNotStick' });
      expect(result.agent).toBeNull();
      expect(result.userErrors).toEqual([expect.objectContaining({ code: 'INVALID', field: [field] })]);
      expect(await app.db.prisma.agent.findUniqueOrThrow({ where: { id: agent.internalId } })).toEqual(before);
    });

    it('null for a name is refused (REQUIRED)', async () => {
      const agent = await newAgent();
      const result = await update({ id: agent.id, firstName: null });
      expect(result.agent).toBeNull();
      expect(result.userErrors).toEqual([expect.objectContaining({ code: 'REQUIRED', field: ['firstName'] })]);
    });

    it('refuses a bad timezone as INVALID and keeps the old one', async () => {
      const agent = await newAgent({ timezone: 'Europe/Paris' });
      const result = await update({ id: agent.id, timezone: 'Europe/Atlantis' });
      expect(result.agent).toBeNull();
      expect(result.userErrors).toEqual([expect.objectContaining({ code: 'INVALID', field: ['timezone'] })]);
      expect((await read(agent.id))?.timezone).toBe('Europe/Paris');
    });

    it('is NOT_FOUND for a missing agent', async () => {
      const result = await update({ id: gid('Agent', 999_999), lastName: 'X' });
      expect(result.agent).toBeNull();
      expect(result.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
    });
  });

  describe('what an agent may change', () => {
    let self: ResultOf<typeof AgentFields>;
    let other: { id: string; internalId: number };
    let selfKey: string;

    beforeAll(async () => {
      self = await newAgent({ lastName: 'Self' });
      other = await newAgent({ lastName: 'Other' });
      selfKey = await keyFor(self.internalId);
    });

    it('changes its own preferences and names; updatedBy is itself', async () => {
      const result = await update(
        {
          id: self.id,
          firstName: 'Renamed',
          lastName: 'Me',
          timezone: 'Asia/Kolkata',
          timeFormat: 'H12',
          editMethod: 'MARKDOWN',
          ticketReplyRedirect: 'INBOX',
          sendPushNotifications: false,
          sendWebNotifications: false,
          autoFollowOnCC: true,
        },
        selfKey,
      );
      expect(result.userErrors).toEqual([]);
      expect(result.agent).toMatchObject({
        name: 'Renamed Me',
        timezone: 'Asia/Kolkata',
        timeFormat: 'H12',
        editMethod: 'MARKDOWN',
        ticketReplyRedirect: 'INBOX',
        sendPushNotifications: false,
        sendWebNotifications: false,
        autoFollowOnCC: true,
        role: 'AGENT',
        isPartTime: false,
        reviewer: false,
        updatedBy: { id: self.id },
      });
    });

    it.each([
      ['role', 'ADMIN'],
      ['state', 'DELETED'],
      ['isPartTime', true],
      ['reviewer', true],
      ['email', 'new-self@example.com'],
    ])('may not change its own %s (FORBIDDEN on that field)', async (field, value) => {
      const before = await app.db.prisma.agent.findUniqueOrThrow({ where: { id: self.internalId } });
      const result = await update({ id: self.id, [field]: value, lastName: 'Sneaky' }, selfKey);
      expect(result.agent).toBeNull();
      expect(result.userErrors).toEqual([expect.objectContaining({ code: 'FORBIDDEN', field: [field] })]);
      expect(await app.db.prisma.agent.findUniqueOrThrow({ where: { id: self.internalId } })).toEqual(before);
    });

    it('may not change another agent, not even its preferences', async () => {
      const before = await app.db.prisma.agent.findUniqueOrThrow({ where: { id: other.internalId } });
      const result = await update({ id: other.id, timezone: 'Europe/Berlin' }, selfKey);
      expect(result.agent).toBeNull();
      expect(result.userErrors).toEqual([expect.objectContaining({ code: 'FORBIDDEN' })]);
      expect(await app.db.prisma.agent.findUniqueOrThrow({ where: { id: other.internalId } })).toEqual(before);
      const admin = await update({ id: adminGid(), lastName: 'Hacked' }, selfKey);
      expect(admin.userErrors).toEqual([expect.objectContaining({ code: 'FORBIDDEN' })]);
    });

    it('a customer may not change an agent', async () => {
      const key = (await createCustomer(app, { withKey: true })).key!;
      const result = await update({ id: self.id, timezone: 'Europe/Berlin' }, key);
      expect(result.agent).toBeNull();
      expect(result.userErrors).toEqual([expect.objectContaining({ code: 'FORBIDDEN' })]);
    });

    it('an admin may change all of it', async () => {
      const result = await update({
        id: other.id,
        role: 'ADMIN',
        isPartTime: true,
        reviewer: true,
        email: 'Promoted@Example.com',
        timezone: 'UTC',
      });
      expect(result.userErrors).toEqual([]);
      expect(result.agent).toMatchObject({
        role: 'ADMIN',
        isPartTime: true,
        reviewer: true,
        email: 'promoted@example.com',
        timezone: 'UTC',
        updatedBy: { id: adminGid() },
      });
    });
  });

  describe('deleting an agent', () => {
    it('state DELETED sets deletedAt and deletedBy, refuses the key and assignment; ACTIVE restores', async () => {
      const agent = await newAgent();
      const key = await keyFor(agent.internalId);
      expect(await statusWith(key)).toBe(200);
      const assigned = await createTicket(app, {
        branch: branch.id,
        assignee: agent.id,
        subject: 'Assigned before deletion',
      });

      const startedAt = Date.now();
      const deleted = await update({ id: agent.id, state: 'DELETED' });
      expect(deleted.userErrors).toEqual([]);
      expect(deleted.agent!.state).toBe('DELETED');
      expect(deleted.agent!.deletedBy).toEqual({ id: adminGid() });
      expect(new Date(deleted.agent!.deletedAt!).getTime()).toBeGreaterThanOrEqual(startedAt - 5_000);
      expect(new Date(deleted.agent!.deletedAt!).getTime()).toBeLessThanOrEqual(Date.now() + 5_000);

      expect(await statusWith(key)).toBe(401);
      const refused = ok(
        await app.gql(
          graphql(
            `mutation($b: ID!, $a: ID!) {
              createTicket(input: {branch: $b, subject: "S", description: "D", assignee: $a}) {
                ticket { id } userErrors { ...UserErrors }
              }
            }`,
            [UserErrors],
          ),
          { b: branch.id, a: agent.id },
        ),
      ).createTicket;
      expect(refused.ticket).toBeNull();
      expect(refused.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['assignee'] })]);
      // Deleted agents are out of the default list, in the DELETED one; their tickets stay assigned.
      const lists = ok(
        await app.gql(
          graphql(
            '{ active: agents(first: 100) { nodes { id } } gone: agents(first: 100, filter: {state: DELETED}) { nodes { id } } }',
          ),
        ),
      );
      expect(lists.active!.nodes.map((n) => n.id)).not.toContain(agent.id);
      // Other tests delete agents too: this one is listed there (once), not which others are.
      expect(lists.gone!.nodes.map((n) => n.id).filter((id) => id === agent.id)).toEqual([agent.id]);
      const ticket = ok(
        await app.gql(graphql('query($k: String!) { ticket(key: $k) { assignee { id } } }'), { k: assigned.key }),
      ).ticket;
      expect(ticket!.assignee).toEqual({ id: agent.id });

      const restored = await update({ id: agent.id, state: 'ACTIVE' });
      expect(restored.userErrors).toEqual([]);
      expect(restored.agent).toMatchObject({ state: 'ACTIVE', deletedAt: null, deletedBy: null });
      expect(await statusWith(key)).toBe(200);
      const again = await createTicket(app, {
        branch: branch.id,
        assignee: agent.id,
        subject: 'Assigned after restore',
      });
      expect(again.key).toMatch(/^DSK-\d+$/);
    });

    it('sending the current state again changes nothing', async () => {
      const agent = await newAgent();
      const first = await update({ id: agent.id, state: 'DELETED' });
      const again = await update({ id: agent.id, state: 'DELETED' });
      expect(again.userErrors).toEqual([]);
      expect(again.agent!.deletedAt).toBe(first.agent!.deletedAt);
    });
  });

  it('Agent.tickets lists the tickets assigned to the agent, newest first, with totalCount', async () => {
    const agent = await newAgent();
    const someoneElse = await newAgent();
    const mine = [];
    for (let n = 0; n < 3; n++)
      mine.push(await createTicket(app, { branch: branch.id, assignee: agent.id, subject: `Mine ${n}` }));
    await createTicket(app, { branch: branch.id, assignee: someoneElse.id, subject: 'Not mine' });
    const data = ok(
      await app.gql(
        graphql(`query($id: ID!) {
          agent(id: $id) {
            tickets(first: 10) { totalCount nodes { key assignee { id } } }
            page: tickets(first: 2) { totalCount nodes { key } pageInfo { hasNextPage } }
          }
        }`),
        { id: agent.id },
      ),
    ).agent;
    expect(data!.tickets!.totalCount).toBe(3);
    expect(data!.tickets!.nodes.map((t) => t.key)).toEqual(mine.map((t) => t.key).reverse());
    expect(data!.tickets!.nodes.every((t) => t.assignee!.id === agent.id)).toBe(true);
    expect(data!.page!.totalCount).toBe(3);
    expect(data!.page!.nodes).toHaveLength(2);
    expect(data!.page!.pageInfo.hasNextPage).toBe(true);
    const none = ok(
      await app.gql(graphql('query($id: ID!) { agent(id: $id) { tickets { totalCount nodes { key } } } }'), {
        id: (await newAgent()).id,
      }),
    ).agent;
    expect(none!.tickets).toEqual({ totalCount: 0, nodes: [] });
  });

  describe('part-time limit', () => {
    // The allowance is per calendar month (UTC): the clock is pinned to the last hour of a month,
    // so the test gives the same answer on any day, and the new month can be shown to reset it.
    const clock = testClock('2026-03-31T23:00:00Z');
    let timed: TestApp;
    let desk: { id: string };
    beforeAll(async () => {
      timed = await createTestApp({ now: clock });
      desk = await createBranch(timed);
    });
    afterAll(() => timed?.close());

    const comment = async (
      ticketKey: string,
      key: string,
      extra: Partial<VariablesOf<typeof commentMutation>['input']> = {},
    ) =>
      ok(
        await timed.gql(
          commentMutation,
          { input: { ticket: { key: ticketKey }, content: 'Looking into it.', ...extra } },
          { key },
        ),
      ).addComment;

    it('a part-time agent replies to at most 10 distinct tickets a month; private notes do not count', async () => {
      clock.set('2026-03-31T23:00:00Z');
      const partTimer = await createAgent(timed, { isPartTime: true, withKey: true });
      const key = partTimer.key!;
      const tickets = [];
      for (let n = 0; n < 12; n++)
        tickets.push(await createTicket(timed, { branch: desk.id, subject: `Part-time ${n}` }));

      // Private notes first: they must not use up the allowance.
      for (const t of tickets.slice(10)) {
        const note = await comment(t.key, key, { private: true });
        expect(note.userErrors).toEqual([]);
        expect(note.comment!.private).toBe(true);
      }
      for (const t of tickets.slice(0, 10)) {
        const reply = await comment(t.key, key);
        expect(reply.userErrors).toEqual([]);
        expect(reply.comment!.author).toEqual({ id: partTimer.id });
      }
      const countBefore = await timed.db.prisma.comment.count({ where: { authorAgentId: partTimer.internalId } });
      const eleventh = await comment(tickets[10]!.key, key);
      expect(eleventh.comment).toBeNull();
      expect(eleventh.userErrors).toEqual([expect.objectContaining({ code: 'LIMIT_REACHED' })]);
      expect(await timed.db.prisma.comment.count({ where: { authorAgentId: partTimer.internalId } })).toBe(countBefore);
      // Written by an admin in the part-timer's name, it is the part-timer's reply all the same.
      const onBehalf = await comment(tickets[11]!.key, timed.adminKey, { author: partTimer.id });
      expect(onBehalf.userErrors).toEqual([expect.objectContaining({ code: 'LIMIT_REACHED' })]);

      const replyAgain = await comment(tickets[3]!.key, key);
      expect(replyAgain.userErrors).toEqual([]);
      const privateStill = await comment(tickets[10]!.key, key, { private: true });
      expect(privateStill.userErrors).toEqual([]);

      // Another agent is not limited, and a full-time agent never is.
      const fullTimer = await createAgent(timed, { withKey: true });
      for (const t of tickets) expect((await comment(t.key, fullTimer.key!)).userErrors).toEqual([]);
      // Made full-time by an admin, the former part-timer may reply again.
      expect((await update({ id: partTimer.id, isPartTime: false }, timed.adminKey, timed)).userErrors).toEqual([]);
      expect((await comment(tickets[10]!.key, key)).userErrors).toEqual([]);
    });

    it('a new month (UTC) gives a part-time agent a new allowance', async () => {
      clock.set('2026-03-31T23:00:00Z');
      const partTimer = await createAgent(timed, { isPartTime: true, withKey: true });
      const tickets = [];
      for (let n = 0; n < 11; n++) tickets.push(await createTicket(timed, { branch: desk.id, subject: `Month ${n}` }));
      for (const t of tickets.slice(0, 10)) expect((await comment(t.key, partTimer.key!)).userErrors).toEqual([]);
      clock.set('2026-03-31T23:59:59Z');
      expect((await comment(tickets[10]!.key, partTimer.key!)).userErrors).toEqual([
        expect.objectContaining({ code: 'LIMIT_REACHED' }),
      ]);
      clock.set('2026-04-01T00:00:00Z');
      const april = await comment(tickets[10]!.key, partTimer.key!);
      expect(april.userErrors).toEqual([]);
      const stored = await timed.db.prisma.comment.findFirstOrThrow({
        where: { authorAgentId: partTimer.internalId },
        orderBy: { id: 'desc' },
      });
      expect(stored.createdAt.toISOString()).toBe('2026-04-01T00:00:00.000Z');
    });
    it('publishing a private note with updateComment(private: false) counts as replying', async () => {
      clock.set('2026-03-15T12:00:00Z');
      const partTimer = await createAgent(timed, { isPartTime: true, withKey: true });
      const key = partTimer.key!;
      const tickets = [];
      for (let n = 0; n < 12; n++) tickets.push(await createTicket(timed, { branch: desk.id, subject: `Notes ${n}` }));
      const publish = async (id: string, as = key) =>
        ok(await timed.gql(publishMutation, { id, private: false }, { key: as })).updateComment;
      const notes = [];
      for (const t of tickets) notes.push((await comment(t.key, key, { private: true })).comment!.id);
      // Ten notes published: ten replies.
      for (const id of notes.slice(0, 10)) expect((await publish(id)).userErrors).toEqual([]);
      const eleventh = await publish(notes[10]!);
      expect(eleventh.comment).toBeNull();
      expect(eleventh.userErrors).toEqual([expect.objectContaining({ code: 'LIMIT_REACHED' })]);
      expect(
        (await timed.db.prisma.comment.findFirstOrThrow({ where: { id: Number(dbId(notes[10]!)) } })).private,
      ).toBe(true);
      // An admin publishing the part-timer's note publishes the part-timer's reply: refused too.
      expect((await publish(notes[11]!, timed.adminKey)).userErrors).toEqual([
        expect.objectContaining({ code: 'LIMIT_REACHED' }),
      ]);
      // Published notes count like replies: a new reply on an 11th ticket is refused as well.
      expect((await comment(tickets[11]!.key, key)).userErrors).toEqual([
        expect.objectContaining({ code: 'LIMIT_REACHED' }),
      ]);
      // Making a published reply private again does not give the allowance back.
      const hide = ok(await timed.gql(publishMutation, { id: notes[0]!, private: true })).updateComment;
      expect(hide.userErrors).toEqual([]);
      expect((await publish(notes[10]!)).userErrors).toEqual([expect.objectContaining({ code: 'LIMIT_REACHED' })]);
      // ...and republishing it on its own ticket is fine: that ticket was replied to this month.
      expect((await publish(notes[0]!)).userErrors).toEqual([]);
    });
  });

  describe('the last active admin', () => {
    it('cannot be demoted or deleted while no other active admin exists; can once there is one', async () => {
      const admins = await app.db.prisma.agent.findMany({ where: { role: 'ADMIN', state: 'ACTIVE' } });
      // Other tests may have promoted agents: demote them (all but the test's admin) first.
      for (const other of admins.filter((a) => a.id !== app.adminId))
        expect((await update({ id: gid('Agent', other.id), role: 'AGENT' })).userErrors).toEqual([]);
      const before = await read(adminGid());
      for (const change of [{ role: 'AGENT' }, { state: 'DELETED' }, { role: 'AGENT', state: 'DELETED' }] as const) {
        const refused = await update({ id: adminGid(), ...change });
        expect(refused.agent).toBeNull();
        expect(refused.userErrors).toEqual([
          expect.objectContaining({ code: 'CONFLICT', message: expect.stringMatching(/last active admin/) }),
        ]);
      }
      expect(await read(adminGid())).toEqual(before);
      // Other changes to the last admin are fine.
      expect((await update({ id: adminGid(), timezone: 'Europe/Paris', role: 'ADMIN' })).userErrors).toEqual([]);

      // A deleted admin does not count: another admin must be active.
      const deputy = await newAgent({ role: 'ADMIN' });
      expect((await update({ id: deputy.id, state: 'DELETED' })).userErrors).toEqual([]);
      expect((await update({ id: adminGid(), role: 'AGENT' })).userErrors).toEqual([
        expect.objectContaining({ code: 'CONFLICT' }),
      ]);
      expect((await update({ id: deputy.id, state: 'ACTIVE' })).userErrors).toEqual([]);
      // Two admins demoting each other at once: one of them stays an admin.
      const deputyKey = await keyFor(deputy.internalId);
      const [a, b] = await Promise.all([
        update({ id: deputy.id, role: 'AGENT' }),
        update({ id: adminGid(), role: 'AGENT' }, deputyKey),
      ]);
      expect([a, b].filter((r) => r.userErrors.length === 0)).toHaveLength(1);
      expect(await app.db.prisma.agent.count({ where: { role: 'ADMIN', state: 'ACTIVE' } })).toBe(1);
      // Leave the test's admin an admin for the tests after this one.
      const remaining = await app.db.prisma.agent.findFirstOrThrow({ where: { role: 'ADMIN', state: 'ACTIVE' } });
      if (remaining.id !== app.adminId) {
        await app.db.prisma.agent.update({ where: { id: app.adminId }, data: { role: 'ADMIN' } });
      }
    });
  });

  it('updateAgent(email: null) is an error, not silently ignored', async () => {
    const agent = await newAgent();
    const result = await update({ id: agent.id, email: null, lastName: 'Changed' });
    expect(result.agent).toBeNull();
    expect(result.userErrors).toEqual([
      expect.objectContaining({ code: 'REQUIRED', field: ['email'], message: 'email cannot be cleared.' }),
    ]);
    expect((await read(agent.id))?.lastName).not.toBe('Changed');
  });
});
