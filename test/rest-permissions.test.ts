// The permission table of test/permission-matrix.ts, through the REST adapter's paths. Rows that
// have no REST path (GraphQL-only operations) are listed in `graphqlOnly` and not run here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reserveTicketNumbers } from '../src/domain/ticket-numbers.ts';
import { newUniqueId } from '../src/domain/tickets.ts';
import { matrix, type Outcome, type Role, roles } from './permission-matrix.ts';
import { ADMIN_KEY, startRestServer } from './rest-helpers.ts';

type Server = Awaited<ReturnType<typeof startRestServer>>;

interface Fixture {
  emails: Record<Role, string>;
  keys: Record<Role, string>;
  ids: Record<Role, number>;
  branchId: number;
  ticket: { id: number; key: string };
  publicComment: number;
  privateComment: number;
  ownerComment: number;
  agentComment: number;
}

const graphqlOnly = new Set([
  'read the ticket history',
  'see a private note in the ticket history',
  "subscribe to the ticket's events",
  'read the change feed',
  'list webhooks',
  'create a webhook',
  'read the ticket by node id',
  'read the attachment by node id',
  'read the other customer by node id',
  'read yourself by node id',
  'list agents',
  'look up an agent by email',
  'create an agent',
  'update another agent',
  'change your own agent preferences',
  'change your own role',
  'block a customer',
  'link customer profiles',
  'generate an identification code',
  'delete a customer permanently',
  'define a custom field',
  "read the owner's note",
  'move the ticket',
  'make an API key for yourself',
  'make an API key for the admin',
  'find the ticket in its branch',
  'read the assignee email',
  "read the reporter's email on the ticket",
]);

const P = '/api/rest/latest/desk';
const PORTAL = '/api/diamante/rest/latest/desk';

/** 2xx -> ok, 403 -> forbidden, 404 -> hidden; anything else fails the test. */
function outcome(response: { status: number; text: string }): Outcome {
  if (response.status >= 200 && response.status < 300) return 'ok';
  if (response.status === 403) return 'forbidden';
  if (response.status === 404) return 'hidden';
  throw new Error(`unexpected ${response.status}: ${response.text}`);
}

type Operation = (server: Server, fx: Fixture, role: Role) => Promise<Outcome>;
const as = (fx: Fixture, role: Role) => ({ email: fx.emails[role], key: fx.keys[role] });
const listed = (response: { status: number; json: any; text: string }, has: (items: any[]) => boolean): Outcome => {
  const result = outcome(response);
  if (result !== 'ok') return result;
  expect(Number(response.json.length)).toBeLessThanOrEqual(100);
  return has(response.json) ? 'ok' : 'hidden';
};

async function spareTicket(server: Server, fx: Fixture) {
  const { first: number, keyOf } = await reserveTicketNumbers(server.app.db.prisma, fx.branchId);
  return server.app.db.prisma.ticket.create({
    data: {
      key: keyOf(number),
      number,
      uniqueId: newUniqueId(),
      subject: 's',
      description: 'd',
      branchId: fx.branchId,
      reporterCustomerId: fx.ids.owner,
    },
  });
}

const operations: Record<string, Operation> = {
  'read the ticket by key': async (s, fx, role) =>
    outcome(await s.call('GET', `${P}/tickets/${fx.ticket.key}`, as(fx, role))),
  'find the ticket in the ticket list': async (s, fx, role) =>
    listed(await s.call('GET', `${P}/tickets?limit=100`, as(fx, role)), (items) =>
      items.some((t) => t.key === fx.ticket.key),
    ),
  'find the ticket by search': async (s, fx, role) =>
    listed(await s.call('GET', `${P}/tickets/search?q=matrix&limit=100`, as(fx, role)), (items) =>
      items.some((t) => t.key === fx.ticket.key),
    ),
  'read the public comment': async (s, fx, role) =>
    outcome(await s.call('GET', `${P}/comments/${fx.publicComment}`, as(fx, role))),
  'read the private comment by id': async (s, fx, role) =>
    outcome(await s.call('GET', `${P}/comments/${fx.privateComment}`, as(fx, role))),
  'see the private comment on the ticket': async (s, fx, role) => {
    const response = await s.call('GET', `${P}/tickets/${fx.ticket.id}`, as(fx, role));
    const result = outcome(response);
    return result === 'ok' && !response.json.comments.some((c: any) => c.private) ? 'hidden' : result;
  },
  'find the private comment in the comment list': async (s, fx, role) =>
    listed(await s.call('GET', `${P}/comments?limit=100`, as(fx, role)), (items) =>
      items.some((c) => c.id === fx.privateComment),
    ),
  'list customers': async (s, fx, role) => outcome(await s.call('GET', `${P}/users`, as(fx, role))),
  'list branches': async (s, fx, role) => outcome(await s.call('GET', `${P}/branches`, as(fx, role))),
  'create a branch': async (s, fx, role) =>
    outcome(await s.call('POST', `${P}/branches`, { ...as(fx, role), body: { name: `Rest ${role}` } })),
  'update a branch': async (s, fx, role) =>
    outcome(await s.call('PATCH', `${P}/branches/${fx.branchId}`, { ...as(fx, role), body: { description: role } })),
  'delete a branch': async (s, fx, role) => {
    const branch = await s.app.db.prisma.branch.create({ data: { key: `RDEL${role.toUpperCase()}`, name: 'Spare' } });
    return outcome(await s.call('DELETE', `${P}/branches/${branch.id}`, as(fx, role)));
  },
  'create a customer': async (s, fx, role) =>
    outcome(
      await s.call('POST', `${P}/users`, {
        ...as(fx, role),
        body: { email: `rest-${role}@example.com`, firstName: 'R', lastName: 'C' },
      }),
    ),
  'update the owner customer': async (s, fx, role) =>
    outcome(
      await s.call('PATCH', `${P}/users/${fx.ids.owner}`, { ...as(fx, role), body: { lastName: `Owner ${role}` } }),
    ),
  'create a ticket as yourself': async (s, fx, role) =>
    outcome(
      await s.call('POST', `${P}/tickets`, {
        ...as(fx, role),
        body: { branch: fx.branchId, subject: 'Mine', description: 'd' },
      }),
    ),
  'create a ticket for someone else': async (s, fx, role) => {
    const other = role === 'owner' ? `diamante_${fx.ids.stranger}` : `diamante_${fx.ids.owner}`;
    return outcome(
      await s.call('POST', `${P}/tickets`, {
        ...as(fx, role),
        body: { branch: fx.branchId, subject: 'For', description: 'd', reporter: other },
      }),
    );
  },
  'create a ticket with an assignee': async (s, fx, role) =>
    outcome(
      await s.call('POST', `${P}/tickets`, {
        ...as(fx, role),
        body: { branch: fx.branchId, subject: 'A', description: 'd', assignee: fx.ids.agent },
      }),
    ),
  'update the ticket': async (s, fx, role) =>
    outcome(await s.call('PATCH', `${P}/tickets/${fx.ticket.key}`, { ...as(fx, role), body: { priority: 'high' } })),
  'delete a ticket': async (s, fx, role) => {
    const ticket = await spareTicket(s, fx);
    return outcome(await s.call('DELETE', `${P}/tickets/${ticket.key}`, as(fx, role)));
  },
  'comment on the ticket': async (s, fx, role) =>
    outcome(
      await s.call('POST', `${P}/comments`, { ...as(fx, role), body: { ticket: fx.ticket.id, content: 'hello' } }),
    ),
  'write a private note on the ticket': async (s, fx, role) =>
    outcome(
      await s.call('POST', `${P}/comments`, {
        ...as(fx, role),
        body: { ticket: fx.ticket.id, content: 'psst', private: true },
      }),
    ),
  "update the owner's comment": async (s, fx, role) =>
    outcome(
      await s.call('PATCH', `${P}/comments/${fx.ownerComment}`, { ...as(fx, role), body: { content: 'edited' } }),
    ),
  "update the agent's comment": async (s, fx, role) =>
    outcome(
      await s.call('PATCH', `${P}/comments/${fx.agentComment}`, { ...as(fx, role), body: { content: 'edited' } }),
    ),
  "delete the agent's own comment": async (s, fx, role) => {
    const comment = await s.app.db.prisma.comment.create({
      data: { ticketId: fx.ticket.id, content: 'bye', authorAgentId: fx.ids.agent },
    });
    return outcome(await s.call('DELETE', `${P}/comments/${comment.id}`, as(fx, role)));
  },
  "delete the admin's comment": async (s, fx, role) => {
    const comment = await s.app.db.prisma.comment.create({
      data: { ticketId: fx.ticket.id, content: 'bye', authorAgentId: fx.ids.admin },
    });
    return outcome(await s.call('DELETE', `${P}/comments/${comment.id}`, as(fx, role)));
  },
  'add a watcher to the ticket': async (s, fx, role) =>
    outcome(
      await s.call('POST', `${PORTAL}/tickets/${fx.ticket.key}/watchers`, {
        ...as(fx, role),
        body: { email: fx.emails.admin },
      }),
    ),
};

async function keyFor(server: Server, owner: string) {
  const response = await fetch(`${server.origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
    body: JSON.stringify({
      query: 'mutation($o: ID!) { createApiKey(input: {owner: $o}) { secret userErrors { message } } }',
      variables: { o: owner },
    }),
  });
  const body = (await response.json()) as any;
  return body.data.createApiKey.secret as string;
}

describe('permission matrix over REST', () => {
  let server: Server;
  let fx: Fixture;

  beforeAll(async () => {
    server = await startRestServer();
    const prisma = server.app.db.prisma;
    const { encodeGlobalID } = await import('@pothos/plugin-relay');
    const admin = (await prisma.agent.findUnique({ where: { email: 'admin@example.com' } }))!;
    const agent = await prisma.agent.create({ data: { email: 'agent@example.com', firstName: 'Agnes' } });
    const owner = await prisma.customer.create({
      data: { email: 'owner@example.com', firstName: 'Olga', lastName: 'Owner', fullName: 'Olga Owner' },
    });
    const stranger = await prisma.customer.create({
      data: { email: 'stranger@example.com', firstName: 'Stan', lastName: 'Ger', fullName: 'Stan Ger' },
    });
    const branch = await prisma.branch.create({
      data: { key: 'RMX', name: 'Rest matrix', defaultAssigneeId: agent.id },
    });
    const { first: number, keyOf } = await reserveTicketNumbers(prisma, branch.id);
    const ticket = await prisma.ticket.create({
      data: {
        key: keyOf(number),
        number,
        uniqueId: newUniqueId(),
        subject: 'The matrix ticket',
        description: 'd',
        branchId: branch.id,
        reporterCustomerId: owner.id,
        assigneeId: agent.id,
      },
    });
    const comment = (data: object) =>
      prisma.comment.create({ data: { ticketId: ticket.id, content: 'c', ...data } }).then((c) => c.id);
    fx = {
      emails: { admin: admin.email, agent: agent.email, owner: owner.email!, stranger: stranger.email! },
      keys: {
        admin: ADMIN_KEY,
        agent: await keyFor(server, encodeGlobalID('Agent', agent.id)),
        owner: await keyFor(server, encodeGlobalID('Customer', owner.id)),
        stranger: await keyFor(server, encodeGlobalID('Customer', stranger.id)),
      },
      ids: { admin: admin.id, agent: agent.id, owner: owner.id, stranger: stranger.id },
      branchId: branch.id,
      ticket,
      publicComment: await comment({ authorAgentId: agent.id }),
      privateComment: await comment({ authorAgentId: agent.id, private: true }),
      ownerComment: await comment({ authorCustomerId: owner.id }),
      agentComment: await comment({ authorAgentId: agent.id }),
    };
  });
  afterAll(() => server?.close());

  it('runs every row that has a REST path; the rest are named as GraphQL-only', () => {
    const names = matrix.map(([name]) => name);
    expect([...Object.keys(operations), ...graphqlOnly].sort()).toEqual([...names].sort());
  });

  describe.each(matrix.filter(([name]) => !graphqlOnly.has(name)))('%s', (name, ...expected) => {
    it.each(roles.map((role, i) => [role, expected[i]] as const))('%s: %s', async (role, want) => {
      expect(await operations[name]!(server, fx, role)).toBe(want);
    });
  });
});
