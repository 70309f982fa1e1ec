// Walks the whole permission table (test/permission-matrix.ts) over GraphQL: every row for
// every role, each against the same fixture, each outcome classified from the real response.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiKey } from '../src/auth/api-keys.ts';
import { reserveTicketNumbers } from '../src/domain/ticket-numbers.ts';
import { newUniqueId } from '../src/domain/tickets.ts';
import { graphql } from './graphql.ts';
import { createTestApp, type GraphQLResponse, type TestApp } from './helpers.ts';
import { matrix, type Outcome, type Role, roles } from './permission-matrix.ts';
import { sseSubscribe } from './sse.ts';

interface Fixture {
  keys: Record<Role, string>;
  ids: { admin: number; agent: number; owner: number; stranger: number };
  branchId: number;
  ticket: { id: number; key: string };
  publicComment: number;
  privateComment: number;
  ownerComment: number;
  agentComment: number;
  attachment: number;
}

const gid = (type: string, id: number) => encodeGlobalID(type, id);

/** Mutation payload -> outcome: success, FORBIDDEN, or NOT_FOUND (which is what "hidden" looks like). */
function mutationOutcome<K extends string>(
  response: GraphQLResponse<{ [P in K]: { userErrors: { code: string }[] } }>,
  field: K,
): Outcome {
  expect(response.status).not.toBe(500);
  if (response.errors?.length) {
    if (response.errors[0]!.extensions?.code === 'FORBIDDEN') return 'forbidden';
    throw new Error(`unexpected errors: ${JSON.stringify(response.errors)}`);
  }
  const payload = response.data![field];
  const error = payload.userErrors[0];
  if (!error) return 'ok';
  if (error.code === 'FORBIDDEN') return 'forbidden';
  if (error.code === 'NOT_FOUND') return 'hidden';
  throw new Error(`unexpected user error: ${JSON.stringify(payload.userErrors)}`);
}

/** Query -> outcome: `pick` returns whether the object is there; FORBIDDEN errors are "forbidden". */
function queryOutcome<T>(response: GraphQLResponse<T>, pick: (data: T) => boolean): Outcome {
  expect(response.status).not.toBe(500);
  if (response.errors?.length) {
    if (response.errors.every((e) => e.extensions?.code === 'FORBIDDEN')) return 'forbidden';
    throw new Error(`unexpected errors: ${JSON.stringify(response.errors)}`);
  }
  return pick(response.data!) ? 'ok' : 'hidden';
}

type Operation = (app: TestApp, fx: Fixture, role: Role) => Promise<Outcome>;

const selfOf = (fx: Fixture, role: Role) =>
  role === 'owner' || role === 'stranger' ? gid('Customer', fx.ids[role]) : gid('Agent', fx.ids[role]);

const operations: Record<string, Operation> = {
  'read the ticket by key': async (app, fx, role) =>
    queryOutcome(
      await app.gql(
        graphql('query($k: String!) { ticket(key: $k) { id } }'),
        { k: fx.ticket.key },
        { key: fx.keys[role] },
      ),
      (d) => d.ticket !== null,
    ),
  'read the ticket by node id': async (app, fx, role) =>
    queryOutcome(
      await app.gql(
        graphql('query($id: ID!) { node(id: $id) { id } nodes(ids: [$id]) { id } }'),
        { id: gid('Ticket', fx.ticket.id) },
        { key: fx.keys[role] },
      ),
      (d) => {
        expect(d.nodes[0] === null).toBe(d.node === null);
        return d.node !== null;
      },
    ),
  'find the ticket in the ticket list': async (app, fx, role) =>
    queryOutcome(
      await app.gql(graphql('{ tickets(first: 100) { totalCount nodes { key } } }'), {}, { key: fx.keys[role] }),
      (d) => {
        expect(d.tickets!.totalCount).toBe(d.tickets!.nodes.length);
        return d.tickets!.nodes.some((t) => t.key === fx.ticket.key);
      },
    ),
  'find the ticket by search': async (app, fx, role) =>
    queryOutcome(
      await app.gql(
        graphql('{ searchTickets(query: "matrix", first: 100) { totalCount nodes { key } } }'),
        {},
        { key: fx.keys[role] },
      ),
      (d) => {
        expect(d.searchTickets!.totalCount).toBe(d.searchTickets!.nodes.length);
        return d.searchTickets!.nodes.some((t) => t.key === fx.ticket.key);
      },
    ),
  'find the ticket in its branch': async (app, fx, role) =>
    queryOutcome(
      await app.gql(
        graphql('{ branches { nodes { tickets(first: 100) { totalCount nodes { key } } } } }'),
        {},
        { key: fx.keys[role] },
      ),
      (d) => {
        const tickets = d.branches!.nodes.flatMap((b) => b.tickets.nodes);
        expect(d.branches!.nodes.reduce((n, b) => n + b.tickets.totalCount, 0)).toBe(tickets.length);
        return tickets.some((t) => t.key === fx.ticket.key);
      },
    ),
  'read the public comment': async (app, fx, role) =>
    queryOutcome(
      await app.gql(
        graphql('query($id: ID!) { comment(id: $id) { id } }'),
        { id: gid('Comment', fx.publicComment) },
        { key: fx.keys[role] },
      ),
      (d) => d.comment !== null,
    ),
  'read the private comment by id': async (app, fx, role) =>
    queryOutcome(
      await app.gql(
        graphql('query($id: ID!) { comment(id: $id) { id } node(id: $id) { id } }'),
        { id: gid('Comment', fx.privateComment) },
        { key: fx.keys[role] },
      ),
      (d) => {
        expect(d.node === null).toBe(d.comment === null);
        return d.comment !== null;
      },
    ),
  'see the private comment on the ticket': async (app, fx, role) => {
    const response = await app.gql(
      graphql('query($k: String!) { ticket(key: $k) { comments { totalCount nodes { private } } } }'),
      { k: fx.ticket.key },
      { key: fx.keys[role] },
    );
    return queryOutcome(response, (d) => {
      if (!d.ticket) return false;
      expect(d.ticket.comments.totalCount).toBe(d.ticket.comments.nodes.length);
      return d.ticket.comments.nodes.some((c) => c.private);
    });
  },
  'find the private comment in the comment list': async (app, fx, role) =>
    queryOutcome(
      await app.gql(
        graphql('{ comments(first: 100) { totalCount nodes { id private } } }'),
        {},
        { key: fx.keys[role] },
      ),
      (d) => {
        expect(d.comments!.totalCount).toBe(d.comments!.nodes.length);
        return d.comments!.nodes.some((c) => c.id === gid('Comment', fx.privateComment));
      },
    ),
  'read the assignee email': async (app, fx, role) =>
    queryOutcome(
      await app.gql(
        graphql('query($k: String!) { ticket(key: $k) { assignee { name email role } } }'),
        { k: fx.ticket.key },
        { key: fx.keys[role] },
      ),
      (d) => {
        if (d.ticket) expect(d.ticket.assignee!.name).toBeTruthy(); // the name is always visible
        if (d.ticket && d.ticket.assignee!.email === null) expect(d.ticket.assignee!.role).toBeNull();
        return d.ticket?.assignee?.email != null;
      },
    ),
  "read the reporter's email on the ticket": async (app, fx, role) =>
    queryOutcome(
      await app.gql(
        graphql('query($k: String!) { ticket(key: $k) { reporter { email } } }'),
        { k: fx.ticket.key },
        { key: fx.keys[role] },
      ),
      (d) => d.ticket?.reporter?.email != null,
    ),
  'read the attachment by node id': async (app, fx, role) =>
    queryOutcome(
      await app.gql(
        graphql('query($id: ID!) { node(id: $id) { id } }'),
        { id: gid('Attachment', fx.attachment) },
        { key: fx.keys[role] },
      ),
      (d) => d.node !== null,
    ),
  'read the other customer by node id': async (app, fx, role) => {
    const target = role === 'stranger' ? fx.ids.owner : fx.ids.stranger;
    return queryOutcome(
      await app.gql(
        graphql('query($id: ID!) { node(id: $id) { id } }'),
        { id: gid('Customer', target) },
        { key: fx.keys[role] },
      ),
      (d) => d.node !== null,
    );
  },
  'read yourself by node id': async (app, fx, role) =>
    queryOutcome(
      await app.gql(
        graphql('query($id: ID!) { node(id: $id) { ... on Person { email } } }'),
        { id: selfOf(fx, role) },
        { key: fx.keys[role] },
      ),
      (d) => d.node != null && 'email' in d.node && d.node.email != null,
    ),
  'list customers': async (app, fx, role) =>
    queryOutcome(
      await app.gql(graphql('{ customers { totalCount } }'), {}, { key: fx.keys[role] }),
      (d) => d.customers!.totalCount > 0,
    ),
  'list agents': async (app, fx, role) =>
    queryOutcome(
      await app.gql(graphql('{ agents { totalCount } }'), {}, { key: fx.keys[role] }),
      (d) => d.agents!.totalCount > 0,
    ),
  'look up an agent by email': async (app, fx, role) =>
    queryOutcome(
      await app.gql(graphql('{ agent(email: "agent@example.com") { id } }'), {}, { key: fx.keys[role] }),
      (d) => d.agent !== null,
    ),
  'list branches': async (app, fx, role) =>
    queryOutcome(
      await app.gql(graphql('{ branches { totalCount } }'), {}, { key: fx.keys[role] }),
      (d) => d.branches!.totalCount > 0,
    ),

  'create a branch': async (app, fx, role) =>
    mutationOutcome(
      await app.gql(
        graphql(
          'mutation($name: String!) { createBranch(input: {name: $name}) { branch { id } userErrors { code } } }',
        ),
        { name: `Made by ${role}` },
        { key: fx.keys[role] },
      ),
      'createBranch',
    ),
  'update a branch': async (app, fx, role) =>
    mutationOutcome(
      await app.gql(
        graphql(
          'mutation($id: ID!) { updateBranch(input: {id: $id, description: "x"}) { branch { id } userErrors { code } } }',
        ),
        { id: gid('Branch', fx.branchId) },
        { key: fx.keys[role] },
      ),
      'updateBranch',
    ),
  'delete a branch': async (app, fx, role) => {
    const spare = await app.db.prisma.branch.create({ data: { key: `DEL${role.toUpperCase()}`, name: 'Spare' } });
    return mutationOutcome(
      await app.gql(
        graphql('mutation($id: ID!) { deleteBranch(input: {id: $id}) { deletedBranchId userErrors { code } } }'),
        { id: gid('Branch', spare.id) },
        { key: fx.keys[role] },
      ),
      'deleteBranch',
    );
  },
  'create an agent': async (app, fx, role) =>
    mutationOutcome(
      await app.gql(
        graphql(`mutation($email: EmailAddress!) {
          createAgent(input: {email: $email, firstName: "New"}) { agent { id } userErrors { code } }
        }`),
        { email: `new-${role}@example.com` },
        { key: fx.keys[role] },
      ),
      'createAgent',
    ),
  'update another agent': async (app, fx, role) => {
    const other = role === 'admin' ? fx.ids.agent : fx.ids.admin;
    return mutationOutcome(
      await app.gql(
        graphql(
          'mutation($id: ID!) { updateAgent(input: {id: $id, lastName: "Renamed"}) { agent { id } userErrors { code } } }',
        ),
        { id: gid('Agent', other) },
        { key: fx.keys[role] },
      ),
      'updateAgent',
    );
  },
  'change your own agent preferences': async (app, fx, role) => {
    const self = role === 'admin' || role === 'agent' ? fx.ids[role] : fx.ids.agent;
    return mutationOutcome(
      await app.gql(
        graphql(
          'mutation($id: ID!) { updateAgent(input: {id: $id, timezone: "Europe/Berlin", editMethod: MARKDOWN}) { agent { id } userErrors { code } } }',
        ),
        { id: gid('Agent', self) },
        { key: fx.keys[role] },
      ),
      'updateAgent',
    );
  },
  'change your own role': async (app, fx, role) => {
    const self = role === 'admin' || role === 'agent' ? fx.ids[role] : fx.ids.agent;
    return mutationOutcome(
      await app.gql(
        graphql(
          'mutation($id: ID!) { updateAgent(input: {id: $id, role: ADMIN}) { agent { id } userErrors { code } } }',
        ),
        { id: gid('Agent', self) },
        { key: fx.keys[role] },
      ),
      'updateAgent',
    );
  },
  'block a customer': async (app, fx, role) => {
    const target = await app.db.prisma.customer.create({
      data: { email: `block-${role}@example.com`, firstName: 'B' },
    });
    return mutationOutcome(
      await app.gql(
        graphql('mutation($id: ID!) { blockCustomer(input: {id: $id}) { customer { id } userErrors { code } } }'),
        { id: gid('Customer', target.id) },
        { key: fx.keys[role] },
      ),
      'blockCustomer',
    );
  },
  'link customer profiles': async (app, fx, role) => {
    const a = await app.db.prisma.customer.create({ data: { email: `link-a-${role}@example.com`, firstName: 'A' } });
    return mutationOutcome(
      await app.gql(
        graphql(
          'mutation($id: ID!, $e: EmailAddress!) { linkCustomerProfiles(input: {id: $id, with: {email: $e}}) { customer { id } userErrors { code } } }',
        ),
        { id: gid('Customer', a.id), e: 'stranger@example.com' },
        { key: fx.keys[role] },
      ),
      'linkCustomerProfiles',
    );
  },
  'generate an identification code': async (app, fx, role) =>
    mutationOutcome(
      await app.gql(
        graphql(`mutation($email: EmailAddress!) {
          generateIdentificationCode(input: {email: $email, fullName: "Code Person"}) { code userErrors { code } }
        }`),
        { email: `code-${role}@example.com` },
        { key: fx.keys[role] },
      ),
      'generateIdentificationCode',
    ),
  'delete a customer permanently': async (app, fx, role) => {
    const target = await app.db.prisma.customer.create({
      data: { email: `erase-${role}@example.com`, firstName: 'E' },
    });
    return mutationOutcome(
      await app.gql(
        graphql(
          'mutation($id: ID!) { deleteCustomerPermanently(input: {id: $id}) { deletedCustomerId userErrors { code } } }',
        ),
        { id: gid('Customer', target.id) },
        { key: fx.keys[role] },
      ),
      'deleteCustomerPermanently',
    );
  },
  'define a custom field': async (app, fx, role) =>
    mutationOutcome(
      await app.gql(
        graphql(
          'mutation { createCustomFieldDefinition(input: {name: "Tier", type: STRING}) { customFieldDefinition { key } userErrors { code } } }',
        ),
        {},
        { key: fx.keys[role] },
      ),
      'createCustomFieldDefinition',
    ),
  "read the owner's note": async (app, fx, role) => {
    await app.db.prisma.customer.update({ where: { id: fx.ids.owner }, data: { note: 'VIP, handle with care' } });
    return queryOutcome(
      await app.gql(
        graphql('query($k: String!) { ticket(key: $k) { reporter { ... on Customer { note } } } }'),
        { k: fx.ticket.key },
        { key: fx.keys[role] },
      ),
      (d) => {
        const reporter = d.ticket?.reporter;
        return reporter != null && 'note' in reporter && reporter.note != null;
      },
    );
  },
  'create a customer': async (app, fx, role) =>
    mutationOutcome(
      await app.gql(
        graphql(`mutation($email: EmailAddress!) {
          createCustomer(input: {email: $email, firstName: "C", lastName: "D"}) { customer { id } userErrors { code } }
        }`),
        { email: `c-${role}@example.com` },
        { key: fx.keys[role] },
      ),
      'createCustomer',
    ),
  'update the owner customer': async (app, fx, role) =>
    mutationOutcome(
      await app.gql(
        graphql(
          'mutation($id: ID!) { updateCustomer(input: {id: $id, phone: "+1 555"}) { customer { id } userErrors { code } } }',
        ),
        { id: gid('Customer', fx.ids.owner) },
        { key: fx.keys[role] },
      ),
      'updateCustomer',
    ),

  'create a ticket as yourself': async (app, fx, role) =>
    mutationOutcome(
      await app.gql(
        graphql(
          'mutation($b: ID!) { createTicket(input: {branch: $b, subject: "Mine", description: "d"}) { ticket { reporter { id } } userErrors { code } } }',
        ),
        { b: gid('Branch', fx.branchId) },
        { key: fx.keys[role] },
      ),
      'createTicket',
    ),
  'create a ticket for someone else': async (app, fx, role) => {
    const other = role === 'owner' ? gid('Customer', fx.ids.stranger) : gid('Customer', fx.ids.owner);
    return mutationOutcome(
      await app.gql(
        graphql(
          'mutation($b: ID!, $r: ID!) { createTicket(input: {branch: $b, subject: "For", description: "d", reporter: $r}) { ticket { id } userErrors { code } } }',
        ),
        { b: gid('Branch', fx.branchId), r: other },
        { key: fx.keys[role] },
      ),
      'createTicket',
    );
  },
  'create a ticket with an assignee': async (app, fx, role) =>
    mutationOutcome(
      await app.gql(
        graphql(
          'mutation($b: ID!, $a: ID!) { createTicket(input: {branch: $b, subject: "A", description: "d", assignee: $a}) { ticket { id } userErrors { code } } }',
        ),
        { b: gid('Branch', fx.branchId), a: gid('Agent', fx.ids.agent) },
        { key: fx.keys[role] },
      ),
      'createTicket',
    ),
  'update the ticket': async (app, fx, role) =>
    mutationOutcome(
      await app.gql(
        graphql(
          'mutation($k: String!) { updateTicket(input: {ticket: {key: $k}, priority: HIGH}) { ticket { id } userErrors { code } } }',
        ),
        { k: fx.ticket.key },
        { key: fx.keys[role] },
      ),
      'updateTicket',
    ),
  'move the ticket': async (app, fx, role) => {
    const spare = await ownersTicket(app, fx);
    const target = await app.db.prisma.branch.create({ data: { key: `MOVE${role.toUpperCase()}`, name: 'Target' } });
    return mutationOutcome(
      await app.gql(
        graphql(
          'mutation($k: String!, $b: ID!) { moveTicket(input: {ticket: {key: $k}, branch: $b}) { ticket { id } userErrors { code } } }',
        ),
        { k: spare.key, b: gid('Branch', target.id) },
        { key: fx.keys[role] },
      ),
      'moveTicket',
    );
  },
  'delete a ticket': async (app, fx, role) => {
    const spare = await ownersTicket(app, fx);
    return mutationOutcome(
      await app.gql(
        graphql(
          'mutation($k: String!) { deleteTicket(input: {ticket: {key: $k}}) { deletedTicketId userErrors { code } } }',
        ),
        { k: spare.key },
        { key: fx.keys[role] },
      ),
      'deleteTicket',
    );
  },

  'comment on the ticket': async (app, fx, role) =>
    mutationOutcome(
      await app.gql(
        graphql(
          'mutation($k: String!) { addComment(input: {ticket: {key: $k}, content: "hello"}) { comment { id } userErrors { code } } }',
        ),
        { k: fx.ticket.key },
        { key: fx.keys[role] },
      ),
      'addComment',
    ),
  'write a private note on the ticket': async (app, fx, role) =>
    mutationOutcome(
      await app.gql(
        graphql(
          'mutation($k: String!) { addComment(input: {ticket: {key: $k}, content: "psst", private: true}) { comment { id } userErrors { code } } }',
        ),
        { k: fx.ticket.key },
        { key: fx.keys[role] },
      ),
      'addComment',
    ),
  "update the owner's comment": async (app, fx, role) =>
    mutationOutcome(
      await app.gql(
        graphql(
          'mutation($id: ID!) { updateComment(input: {id: $id, content: "edited"}) { comment { id } userErrors { code } } }',
        ),
        { id: gid('Comment', fx.ownerComment) },
        { key: fx.keys[role] },
      ),
      'updateComment',
    ),
  "update the agent's comment": async (app, fx, role) =>
    mutationOutcome(
      await app.gql(
        graphql(
          'mutation($id: ID!) { updateComment(input: {id: $id, content: "edited"}) { comment { id } userErrors { code } } }',
        ),
        { id: gid('Comment', fx.agentComment) },
        { key: fx.keys[role] },
      ),
      'updateComment',
    ),
  "delete the agent's own comment": async (app, fx, role) => {
    const comment = await app.db.prisma.comment.create({
      data: { ticketId: fx.ticket.id, content: 'bye', authorAgentId: fx.ids.agent },
    });
    return deleteComment(app, fx, role, comment.id);
  },
  "delete the admin's comment": async (app, fx, role) => {
    const comment = await app.db.prisma.comment.create({
      data: { ticketId: fx.ticket.id, content: 'bye', authorAgentId: fx.ids.admin },
    });
    return deleteComment(app, fx, role, comment.id);
  },
  'add a watcher to the ticket': async (app, fx, role) =>
    mutationOutcome(
      await app.gql(
        graphql(
          'mutation($k: String!, $w: ID!) { addWatcher(input: {ticket: {key: $k}, watcher: $w}) { ticket { id } userErrors { code } } }',
        ),
        { k: fx.ticket.key, w: gid('Agent', fx.ids.admin) },
        { key: fx.keys[role] },
      ),
      'addWatcher',
    ),
  'make an API key for yourself': async (app, fx, role) =>
    mutationOutcome(
      await app.gql(
        graphql('mutation { createApiKey(input: {label: "mine"}) { secret userErrors { code } } }'),
        {},
        { key: fx.keys[role] },
      ),
      'createApiKey',
    ),
  'make an API key for the admin': async (app, fx, role) =>
    mutationOutcome(
      await app.gql(
        graphql('mutation($o: ID!) { createApiKey(input: {owner: $o}) { secret userErrors { code } } }'),
        { o: gid('Agent', fx.ids.admin) },
        { key: fx.keys[role] },
      ),
      'createApiKey',
    ),
};

async function deleteComment(app: TestApp, fx: Fixture, role: Role, id: number) {
  return mutationOutcome(
    await app.gql(
      graphql('mutation($id: ID!) { deleteComment(input: {id: $id}) { deletedCommentId userErrors { code } } }'),
      { id: gid('Comment', id) },
      { key: fx.keys[role] },
    ),
    'deleteComment',
  );
}

/** A ticket of the owner's made through the API, so that it has a history (with a private note). */
async function ticketWithHistory(app: TestApp, fx: Fixture, privateNote = false) {
  const created = await app.gql(
    graphql(
      'mutation($b: ID!, $r: ID!) { createTicket(input: {branch: $b, reporter: $r, subject: "history", description: "d"}) { ticket { id key } } }',
    ),
    { b: gid('Branch', fx.branchId), r: gid('Customer', fx.ids.owner) },
  );
  const ticket = created.data!.createTicket.ticket!;
  if (privateNote) {
    await app.gql(
      graphql(
        'mutation($k: String!) { addComment(input: {ticket: {key: $k}, content: "note", private: true}) { comment { id } } }',
      ),
      { k: ticket.key },
    );
  }
  return ticket;
}

const historyOf = (app: TestApp, key: string, as: string) =>
  app.gql(
    graphql('query($k: String!) { ticket(key: $k) { history { nodes { type private } } } }'),
    { k: key },
    { key: as },
  );

const eventOperations: Record<string, Operation> = {
  'read the ticket history': async (app, fx, role) => {
    const ticket = await ticketWithHistory(app, fx);
    return queryOutcome(
      await historyOf(app, ticket.key, fx.keys[role]),
      (d) => (d.ticket?.history.nodes.length ?? 0) > 0,
    );
  },
  'see a private note in the ticket history': async (app, fx, role) => {
    const ticket = await ticketWithHistory(app, fx, true);
    return queryOutcome(await historyOf(app, ticket.key, fx.keys[role]), (d) =>
      Boolean(d.ticket?.history.nodes.some((e) => e.private)),
    );
  },
  "subscribe to the ticket's events": async (app, fx, role) => {
    const ticket = await ticketWithHistory(app, fx);
    const stream = await sseSubscribe(
      (input, init) => app.yoga.fetch(input, init),
      'http://localhost/graphql',
      'subscription($t: ID) { ticketEvents(filter: {ticket: $t}) { type } }',
      { t: ticket.id },
      fx.keys[role],
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await app.gql(
        graphql('mutation($k: String!) { addComment(input: {ticket: {key: $k}, content: "live"}) { comment { id } } }'),
        { k: ticket.key },
      );
      const message = await stream.next(5000);
      if (message.data?.errors?.[0]?.extensions?.code === 'NOT_FOUND') return 'hidden';
      expect(message.data.data.ticketEvents).toEqual({ type: 'COMMENT_ADDED' });
      return 'ok';
    } finally {
      stream.close();
    }
  },
  'read the change feed': async (app, fx, role) =>
    queryOutcome(await app.gql(graphql('{ events(first: 1) { edges { cursor } } }'), {}, { key: fx.keys[role] }), (d) =>
      Boolean(d.events),
    ),
  'list webhooks': async (app, fx, role) =>
    queryOutcome(await app.gql(graphql('{ webhooks { totalCount } }'), {}, { key: fx.keys[role] }), (d) =>
      Boolean(d.webhooks),
    ),
  'create a webhook': async (app, fx, role) => {
    const response = await app.gql(
      graphql(
        'mutation { createWebhook(input: {url: "https://example.com/hook", events: [TICKET_CREATED]}) { webhook { id } userErrors { code } } }',
      ),
      {},
      { key: fx.keys[role] },
    );
    const made = response.data?.createWebhook.webhook;
    if (made)
      await app.gql(graphql('mutation($id: ID!) { deleteWebhook(input: {id: $id}) { deletedWebhookId } }'), {
        id: made.id,
      });
    return mutationOutcome(response, 'createWebhook');
  },
};
Object.assign(operations, eventOperations);

async function ownersTicket(app: TestApp, fx: Fixture) {
  const { first: number, keyOf } = await reserveTicketNumbers(app.db.prisma, fx.branchId);
  return app.db.prisma.ticket.create({
    data: {
      key: keyOf(number),
      number,
      uniqueId: newUniqueId(),
      subject: 'spare',
      description: 'd',
      branchId: fx.branchId,
      reporterCustomerId: fx.ids.owner,
    },
  });
}

describe('permission matrix over GraphQL', () => {
  let app: TestApp;
  let fx: Fixture;

  beforeAll(async () => {
    app = await createTestApp();
    const prisma = app.db.prisma;
    const agent = await prisma.agent.create({
      data: { email: 'agent@example.com', firstName: 'Agnes', role: 'AGENT' },
    });
    const owner = await prisma.customer.create({
      data: { email: 'owner@example.com', firstName: 'Olga', lastName: 'Owner' },
    });
    const stranger = await prisma.customer.create({
      data: { email: 'stranger@example.com', firstName: 'Stan', lastName: 'Ger' },
    });
    const key = async (owner: { agentId: number } | { customerId: number }) =>
      (await issueApiKey(prisma, app.box, owner)).secret;
    const branch = await prisma.branch.create({
      data: { key: 'MTX', name: 'Matrix', defaultAssigneeId: agent.id },
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
      keys: {
        admin: app.adminKey,
        agent: await key({ agentId: agent.id }),
        owner: await key({ customerId: owner.id }),
        stranger: await key({ customerId: stranger.id }),
      },
      ids: { admin: app.adminId, agent: agent.id, owner: owner.id, stranger: stranger.id },
      branchId: branch.id,
      ticket,
      publicComment: await comment({ authorAgentId: agent.id }),
      privateComment: await comment({ authorAgentId: agent.id, private: true }),
      ownerComment: await comment({ authorCustomerId: owner.id }),
      agentComment: await comment({ authorAgentId: agent.id }),
      attachment: (
        await prisma.attachment.create({
          data: {
            ticketId: ticket.id,
            filename: 'a.txt',
            contentType: 'text/plain',
            byteSize: 1,
            sha256: 'ab'.repeat(32),
          },
        })
      ).id,
    };
  });
  afterAll(() => app?.close());

  it('has an operation for every row and a row for every operation', () => {
    expect(Object.keys(operations).sort()).toEqual(matrix.map(([name]) => name).sort());
  });

  describe.each(matrix)('%s', (name, ...expected) => {
    it.each(roles.map((role, i) => [role, expected[i]] as const))('%s: %s', async (role, outcome) => {
      expect(await operations[name]!(app, fx, role)).toBe(outcome);
    });
  });

  it('a hidden ticket reads exactly like a missing one', async () => {
    const hidden = await app.gql(
      graphql('query($k: String!) { ticket(key: $k) { id } }'),
      { k: 'MTX-1' },
      { key: fx.keys.stranger },
    );
    const missing = await app.gql(
      graphql('query($k: String!) { ticket(key: $k) { id } }'),
      { k: 'MTX-99999' },
      { key: fx.keys.stranger },
    );
    expect(hidden.status).toBe(missing.status);
    expect(hidden.data).toEqual(missing.data);
    const update = (k: string) =>
      app.gql(
        graphql(
          'mutation($k: String!) { addComment(input: {ticket: {key: $k}, content: "x"}) { userErrors { code message field } } }',
        ),
        { k },
        { key: fx.keys.stranger },
      );
    expect((await update('MTX-1')).data).toEqual((await update('MTX-99999')).data);
  });

  it('a customer who watches a ticket sees it, but not its private notes', async () => {
    await app.db.prisma.ticketWatcher.create({ data: { ticketId: fx.ticket.id, customerId: fx.ids.stranger } });
    try {
      const data = (
        await app.gql(
          graphql('query($k: String!) { ticket(key: $k) { comments { nodes { private } } } }'),
          { k: 'MTX-1' },
          { key: fx.keys.stranger },
        )
      ).data;
      expect(data!.ticket).not.toBeNull();
      expect(data!.ticket!.comments.nodes.length).toBeGreaterThan(0);
      expect(data!.ticket!.comments.nodes.every((c) => !c.private)).toBe(true);
    } finally {
      await app.db.prisma.ticketWatcher.deleteMany({ where: { customerId: fx.ids.stranger } });
    }
  });
});
