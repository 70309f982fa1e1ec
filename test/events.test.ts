// The event log (issue 18) through GraphQL on a real database: every change writes its events in
// its own transaction, deletions leave tombstones, the change feed resumes exactly after a cursor,
// and history is filtered by the same policy as reads.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAgent,
  createBranch,
  createComment,
  createCustomer,
  createTicket,
  type Person,
  unique,
} from './fixtures.ts';
import { graphql, type ResultOf } from './graphql.ts';
import { createTestApp, type Gql, ok, type TestApp } from './helpers.ts';

const EventFields = graphql(`
  fragment EventFields on Event {
    id cursor type occurredAt private
    subject { type id internalId key }
    actor { __typename id name }
    ticket { id key }
    changes { field from to }
  }
`);
type EventShape = ResultOf<typeof EventFields>;

const feedQuery = graphql(
  `query($after: String, $first: Int, $filter: EventFilter) {
    events(after: $after, first: $first, filter: $filter) {
      edges { cursor node { ...EventFields } }
      pageInfo { hasNextPage endCursor }
    }
  }`,
  [EventFields],
);
const historyQuery = graphql(
  `query($key: String!, $first: Int, $after: String) {
    ticket(by: {key: $key}) {
      history(first: $first, after: $after) { nodes { ...EventFields } pageInfo { hasNextPage endCursor } }
    }
  }`,
  [EventFields],
);
const customerHistoryQuery = graphql(
  `query($id: ID!) { node(id: $id) { ... on Customer { history { nodes { ...EventFields } } } } }`,
  [EventFields],
);

describe('events', () => {
  let app: TestApp;
  let branch: { id: string; key: string };
  let agent: Person;

  beforeAll(async () => {
    app = await createTestApp();
    branch = await createBranch(app);
    agent = await createAgent(app, { withKey: true });
  });
  afterAll(() => app?.close());

  /** Every event of one ticket in the feed, oldest first (all pages). */
  async function feedOf(ticketId: string, key: string | null = app.adminKey) {
    const all: EventShape[] = [];
    let after: string | null = null;
    for (;;) {
      const data: ResultOf<typeof feedQuery> = ok(
        await app.gql(feedQuery, { after, first: 100, filter: { ticket: ticketId } }, { key }),
      );
      all.push(...data.events!.edges.map((e) => e.node));
      if (!data.events!.pageInfo.hasNextPage) return all;
      after = data.events!.pageInfo.endCursor;
    }
  }
  const historyOf = async (key: string, as: string | null = app.adminKey) =>
    ok(await app.gql(historyQuery, { key, first: 100 }, { key: as })).ticket?.history.nodes ?? null;
  const change = (event: EventShape | undefined, field: string) => event?.changes.find((c) => c.field === field);
  /** The fixtures' caller, with someone else's key. */
  const as = (key: string) => ({
    gql: ((document: string, variables?: Record<string, unknown>) => app.gql(document, variables, { key })) as Gql,
  });

  it('records a ticket through its life: created, updated with before and after, moved, commented, deleted', async () => {
    const other = await createBranch(app);
    const ticket = await createTicket(app, { branch: branch.id, subject: 'Life', priority: 'LOW' });
    ok(
      await app.gql(
        `mutation($key: String!, $assignee: ID!) { updateTicket(input: {ticket: {key: $key}, status: OPEN, priority: HIGH, assignee: $assignee}) { userErrors { code } } }`,
        { key: ticket.key, assignee: agent.id },
      ),
    );
    // Nothing changes: no event.
    ok(
      await app.gql(
        'mutation($key: String!) { updateTicket(input: {ticket: {key: $key}, status: OPEN}) { userErrors { code } } }',
        { key: ticket.key },
      ),
    );
    const moved = ok(
      await app.gql(
        'mutation($key: String!, $b: ID!) { moveTicket(input: {ticket: {key: $key}, branch: $b}) { ticket { key } userErrors { code } } }',
        { key: ticket.key, b: other.id },
      ),
    ).moveTicket.ticket!.key;
    const comment = await createComment(as(agent.key!), { key: moved }, { content: 'Hello' });
    ok(
      await app.gql(
        'mutation($id: ID!) { updateComment(input: {id: $id, content: "Hello again"}) { userErrors { code } } }',
        { id: comment.id },
      ),
    );

    const events = await feedOf(ticket.id);
    expect(events.map((e) => e.type)).toEqual([
      'TICKET_CREATED',
      'TICKET_UPDATED',
      'TICKET_MOVED',
      'COMMENT_ADDED',
      'COMMENT_UPDATED',
    ]);
    const [created, updated, move, added, edited] = events;
    expect(created!.subject).toEqual({ type: 'TICKET', id: ticket.id, internalId: ticket.internalId, key: ticket.key });
    expect(created!.actor).toMatchObject({ __typename: 'Agent', id: encodeGlobalID('Agent', app.adminId) });
    expect(change(created, 'subject')).toEqual({ field: 'subject', from: null, to: 'Life' });
    expect(change(created, 'branch')?.to).toBe(branch.id);
    expect(updated!.changes).toEqual([
      { field: 'status', from: 'NEW', to: 'OPEN' },
      { field: 'priority', from: 'LOW', to: 'HIGH' },
      { field: 'assignee', from: null, to: agent.id },
    ]);
    expect(move!.changes).toEqual([
      { field: 'key', from: ticket.key, to: moved },
      { field: 'branch', from: branch.id, to: other.id },
    ]);
    expect(move!.subject.key).toBe(moved);
    // The comment was written with the agent's own key: the actor is who acted.
    expect(added!.actor).toMatchObject({ id: agent.id });
    expect(added!.subject).toMatchObject({ type: 'COMMENT', id: comment.id });
    expect(change(added, 'content')?.to).toBe('Hello');
    expect(edited!.changes).toEqual([{ field: 'content', from: 'Hello', to: 'Hello again' }]);
    expect(events.every((e) => e.ticket?.key === moved)).toBe(true);
    // Cursors increase along the feed.
    const cursors = events.map((e) => BigInt(e.cursor));
    expect([...cursors].sort((a, b) => (a < b ? -1 : 1))).toEqual(cursors);

    // History: the same, newest first.
    expect((await historyOf(moved))!.map((e) => e.type)).toEqual(events.map((e) => e.type).reverse());

    const deleted = ok(
      await app.gql(
        'mutation($key: String!) { deleteTicket(input: {ticket: {key: $key}}) { deletedTicketId userErrors { code } } }',
        { key: moved },
      ),
    );
    expect(deleted.deleteTicket.userErrors).toEqual([]);
    const after = await feedOf(ticket.id);
    const tombstone = after.at(-1)!;
    expect(tombstone).toMatchObject({
      type: 'TICKET_DELETED',
      subject: { type: 'TICKET', id: ticket.id, internalId: ticket.internalId, key: moved },
      ticket: null,
      changes: [],
    });
    // The events before it are still there: the log is not deleted with the ticket.
    expect(after.slice(0, -1).map((e) => e.cursor)).toEqual(events.map((e) => e.cursor));
  });

  it('records files, watchers and deletions of comments, each once', async () => {
    const ticket = await createTicket(app, { branch: branch.id });
    const watcher = await createCustomer(app);
    const file = { filename: 'a.txt', content: Buffer.from('hello').toString('base64') };
    const comment = ok(
      await app.gql(
        `mutation($key: String!, $files: [Base64FileInput!]) { addComment(input: {ticket: {key: $key}, content: "With a file", attachments: $files}) { comment { id attachments { nodes { id } } } userErrors { code } } }`,
        { key: ticket.key, files: [file] },
      ),
    ).addComment.comment!;
    for (const mutation of ['addWatcher', 'removeWatcher']) {
      ok(
        await app.gql(
          `mutation($key: String!, $w: ID!) { ${mutation}(input: {ticket: {key: $key}, watcher: $w}) { userErrors { code } } }`,
          { key: ticket.key, w: watcher.id },
        ),
      );
    }
    ok(
      await app.gql('mutation($id: ID!) { removeAttachment(input: {id: $id}) { userErrors { code } } }', {
        id: comment.attachments.nodes[0]!.id,
      }),
    );
    ok(
      await app.gql('mutation($id: ID!) { deleteComment(input: {id: $id}) { userErrors { code } } }', {
        id: comment.id,
      }),
    );
    const events = await feedOf(ticket.id);
    expect(events.map((e) => e.type)).toEqual([
      'TICKET_CREATED',
      'COMMENT_ADDED',
      'ATTACHMENT_ADDED',
      'WATCHER_ADDED',
      'WATCHER_REMOVED',
      'ATTACHMENT_REMOVED',
      'COMMENT_DELETED',
    ]);
    expect(change(events[2], 'filename')?.to).toBe('a.txt');
    expect(change(events[2], 'comment')?.to).toBe(comment.id);
    expect(events[3]!.changes).toEqual([{ field: 'watcher', from: null, to: watcher.id }]);
    expect(events[4]!.changes).toEqual([{ field: 'watcher', from: watcher.id, to: null }]);
    expect(events[5]!.subject.id).toBe(comment.attachments.nodes[0]!.id);
    expect(events[6]!.subject).toMatchObject({ type: 'COMMENT', id: comment.id });
  });

  it('a change that rolls back leaves no event', async () => {
    const customId = unique('custom');
    const first = await createCustomer(app, { input: { customId } });
    const count = () => app.db.prisma.event.count();
    const before = await count();
    // The second insert fails inside its transaction (customId is unique): nothing is recorded.
    const taken = ok(
      await app.gql(
        'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } userErrors { code field } } }',
        { input: { email: `${unique('c')}@example.com`, firstName: 'Twin', customId } },
      ),
    );
    expect(taken.createCustomer.userErrors).toEqual([{ code: 'TAKEN', field: ['customId'] }]);
    expect(await count()).toBe(before);
    const events = ok(await app.gql(feedQuery, { filter: { subject: first.id }, first: 10 })).events!.edges.map(
      (e) => e.node,
    );
    expect(events.map((e) => [e.type, e.subject.key])).toEqual([['CUSTOMER_CREATED', customId]]);
  });

  it('resuming from a cursor returns exactly the events after it, whatever the page size', async () => {
    const ticket = await createTicket(app, { branch: branch.id });
    for (let i = 0; i < 6; i++) await createComment(app, { key: ticket.key }, { content: `c${i}` });
    const everything = await feedOf(ticket.id);
    expect(everything).toHaveLength(7);
    for (const size of [1, 2, 3, 5]) {
      const read: string[] = [];
      let after: string | null = null;
      let pages = 0;
      for (;;) {
        const page: NonNullable<ResultOf<typeof feedQuery>['events']> = ok(
          await app.gql(feedQuery, { after, first: size, filter: { ticket: ticket.id } }),
        ).events!;
        read.push(...page.edges.map((e) => e.cursor));
        pages++;
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(read).toEqual(everything.map((e) => e.cursor));
      expect(pages).toBe(Math.ceil(7 / size));
    }
    // From any cursor (not only a page's end), unfiltered: the events after it, in order.
    const middle = everything[3]!.cursor;
    const rest = ok(await app.gql(feedQuery, { after: middle, first: 100 })).events!.edges.map((e) => e.cursor);
    expect(rest).toEqual(everything.slice(4).map((e) => e.cursor));
    // Backwards from the end with `last`/`before`, in the feed's order.
    const tail = ok(
      await app.gql(
        'query($before: String, $t: ID) { events(last: 2, before: $before, filter: {ticket: $t}) { edges { cursor } pageInfo { hasPreviousPage } } }',
        { before: everything[5]!.cursor, t: ticket.id },
      ),
    ).events;
    expect(tail.edges.map((e: { cursor: string }) => e.cursor)).toEqual(everything.slice(3, 5).map((e) => e.cursor));
    expect(tail.pageInfo.hasPreviousPage).toBe(true);
  });

  it('filters the feed by type and subject', async () => {
    const ticket = await createTicket(app, { branch: branch.id });
    const comment = await createComment(app, { key: ticket.key });
    const byType = ok(
      await app.gql(feedQuery, { first: 100, filter: { ticket: ticket.id, types: ['COMMENT_ADDED'] } }),
    ).events!.edges.map((e) => e.node);
    expect(byType.map((e) => e.subject.id)).toEqual([comment.id]);
    const bySubject = ok(await app.gql(feedQuery, { first: 100, filter: { subject: ticket.id } })).events!.edges;
    expect(bySubject.map((e) => e.node.type)).toEqual(['TICKET_CREATED']);
  });

  describe('what customers see', () => {
    let customer: Person;
    let other: Person;
    let ticket: { id: string; key: string; internalId: number };

    beforeAll(async () => {
      customer = await createCustomer(app, { withKey: true });
      other = await createCustomer(app, { withKey: true });
      ticket = await createTicket(app, { branch: branch.id, reporter: customer.id });
      await createComment(app, { key: ticket.key }, { content: 'Public reply' });
      await createComment(app, { key: ticket.key }, { content: 'SECRET internal note', private: true });
      const file = { filename: 'secret.txt', content: Buffer.from('s').toString('base64') };
      await createComment(
        app,
        { key: ticket.key },
        { content: 'Private with file', private: true, attachments: [file] },
      );
      // A customer adds someone by email: only staff and that person may see it.
      ok(
        await app.gql(
          'mutation($key: String!, $email: EmailAddress!) { addWatcher(input: {ticket: {key: $key}, watcherEmail: $email}) { userErrors { code } } }',
          { key: ticket.key, email: other.email },
          { key: customer.key },
        ),
      );
    });

    it('ticket history without private notes, their files or watchers hidden from them', async () => {
      const staff = (await historyOf(ticket.key))!.map((e) => e.type);
      expect(staff).toEqual([
        'WATCHER_ADDED',
        'ATTACHMENT_ADDED',
        'COMMENT_ADDED',
        'COMMENT_ADDED',
        'COMMENT_ADDED',
        'TICKET_CREATED',
      ]);
      const theirs = (await historyOf(ticket.key, customer.key))!;
      expect(theirs.map((e) => e.type)).toEqual(['COMMENT_ADDED', 'TICKET_CREATED']);
      expect(JSON.stringify(theirs)).not.toMatch(/SECRET|secret\.txt|Private with file/);
      // The person added sees their own watch (the ticket is visible to them as a watcher).
      const watched = (await historyOf(ticket.key, other.key))!;
      expect(watched.map((e) => e.type)).toEqual(['WATCHER_ADDED', 'COMMENT_ADDED', 'TICKET_CREATED']);
    });

    it('nothing about tickets they may not see, and no change feed', async () => {
      const stranger = await createCustomer(app, { withKey: true });
      expect(await historyOf(ticket.key, stranger.key)).toBeNull();
      const feed = await app.gql(feedQuery, { first: 10 }, { key: customer.key });
      expect(feed.data?.events).toBeNull();
      expect(feed.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      // node(id:) of an event: its ticket's customer sees a public one, not a private note's.
      const all = await feedOf(ticket.id);
      const node = (id: string, key: string | undefined) =>
        app.gql('query($id: ID!) { node(id: $id) { id } }', { id }, { key });
      const publicOne = all.find((e) => e.type === 'COMMENT_ADDED' && !e.private)!;
      const privateOne = all.find((e) => e.type === 'COMMENT_ADDED' && e.private)!;
      expect(ok(await node(publicOne.id, customer.key)).node).toEqual({ id: publicOne.id });
      expect(ok(await node(privateOne.id, customer.key)).node).toBeNull();
      expect(ok(await node(publicOne.id, stranger.key)).node).toBeNull();
      expect(ok(await node(privateOne.id, agent.key)).node).toEqual({ id: privateOne.id });
    });

    it('their own profile history without internal fields; nobody else’s', async () => {
      ok(
        await app.gql(
          'mutation($id: ID!) { updateCustomer(input: {id: $id, note: "VIP, handle with care", companyName: "Acme"}) { userErrors { code } } }',
          { id: customer.id },
        ),
      );
      // Only the internal note changes: an event for staff alone.
      ok(
        await app.gql(
          'mutation($id: ID!) { updateCustomer(input: {id: $id, note: "Actually not VIP"}) { userErrors { code } } }',
          {
            id: customer.id,
          },
        ),
      );
      const staff = ok(await app.gql(customerHistoryQuery, { id: customer.id })).node;
      const staffEvents = (staff as { history: { nodes: EventShape[] } }).history.nodes;
      expect(staffEvents.map((e) => [e.type, e.private])).toEqual([
        ['CUSTOMER_UPDATED', true],
        ['CUSTOMER_UPDATED', false],
        ['CUSTOMER_CREATED', false],
      ]);
      expect(staffEvents[1]!.changes.map((c) => c.field)).toEqual(['companyName', 'note']);

      const own = ok(await app.gql(customerHistoryQuery, { id: customer.id }, { key: customer.key })).node;
      const ownEvents = (own as { history: { nodes: EventShape[] } }).history.nodes;
      expect(ownEvents.map((e) => e.type)).toEqual(['CUSTOMER_UPDATED', 'CUSTOMER_CREATED']);
      expect(ownEvents[0]!.changes).toEqual([{ field: 'companyName', from: null, to: 'Acme' }]);
      expect(JSON.stringify(ownEvents)).not.toMatch(/VIP|note/);
      // Another customer cannot load this one at all.
      expect(ok(await app.gql(customerHistoryQuery, { id: customer.id }, { key: other.key })).node).toBeNull();
    });

    const file = (filename: string) => ({ filename, content: Buffer.from(filename).toString('base64') });
    const updateComment = (input: Record<string, unknown>) =>
      app.gql('mutation($input: UpdateCommentInput!) { updateComment(input: $input) { userErrors { code } } }', {
        input,
      });

    it('a reply made private later takes what it said and its files out of their history', async () => {
      const reporter = await createCustomer(app, { withKey: true });
      const own = await createTicket(app, { branch: branch.id, reporter: reporter.id });
      const posted = ok(
        await app.gql(
          `mutation($key: String!, $files: [Base64FileInput!]) { addComment(input: {ticket: {key: $key}, content: "oops internal: server pw hunter2", attachments: $files}) { comment { id attachments { nodes { id } } } userErrors { code } } }`,
          { key: own.key, files: [file('internal-salaries.xlsx'), file('internal-bonuses.xlsx')] },
        ),
      ).addComment.comment!;
      // One file goes while the reply is still public: its removal names it too.
      ok(
        await app.gql('mutation($id: ID!) { removeAttachment(input: {id: $id}) { userErrors { code } } }', {
          id: posted.attachments.nodes[1]!.id,
        }),
      );
      ok(await updateComment({ id: posted.id, private: true }));
      const leaks = /hunter2|internal-salaries|internal-bonuses/;

      const theirs = (await historyOf(own.key, reporter.key))!;
      expect(theirs.map((e) => e.type)).toEqual(['TICKET_CREATED']);
      expect(JSON.stringify(theirs)).not.toMatch(leaks);
      // Nor one by one: node(id:) of the reply's event answers as for a private note.
      const feed = await feedOf(own.id);
      const added = feed.find((e) => e.type === 'COMMENT_ADDED')!;
      expect(added.private).toBe(false);
      expect(
        ok(await app.gql('query($id: ID!) { node(id: $id) { id } }', { id: added.id }, { key: reporter.key })).node,
      ).toBeNull();

      // Staff keep all of it, in history and in the feed.
      const staff = (await historyOf(own.key))!;
      expect(staff.map((e) => e.type)).toEqual([
        'COMMENT_UPDATED',
        'ATTACHMENT_REMOVED',
        'ATTACHMENT_ADDED',
        'ATTACHMENT_ADDED',
        'COMMENT_ADDED',
        'TICKET_CREATED',
      ]);
      expect(JSON.stringify(staff)).toMatch(/hunter2/);
      expect(feed.map((e) => e.type)).toEqual([...staff.map((e) => e.type)].reverse());
      expect(change(added, 'content')?.to).toBe('oops internal: server pw hunter2');

      // It is the comment as it is now that counts: published again, its history is theirs again.
      ok(await updateComment({ id: posted.id, private: false }));
      const again = (await historyOf(own.key, reporter.key))!;
      expect(again.map((e) => e.type)).toEqual([
        'ATTACHMENT_REMOVED',
        'ATTACHMENT_ADDED',
        'ATTACHMENT_ADDED',
        'COMMENT_ADDED',
        'TICKET_CREATED',
      ]);
    });

    it('a deleted comment leaves their history as the fact alone: not what it said, nor its files', async () => {
      const reporter = await createCustomer(app, { withKey: true });
      const own = await createTicket(app, { branch: branch.id, reporter: reporter.id });
      const kept = await createComment(
        app,
        { key: own.key },
        { content: 'Still here', attachments: [file('kept.txt')] },
      );
      const gone = await createComment(
        app,
        { key: own.key },
        { content: 'Wrong customer: call 555-0199', attachments: [file('someone-else.pdf')] },
      );
      ok(await updateComment({ id: gone.id, content: 'Wrong customer: call 555-0100' }));
      ok(
        await app.gql('mutation($id: ID!) { deleteComment(input: {id: $id}) { userErrors { code } } }', {
          id: gone.id,
        }),
      );

      const theirs = (await historyOf(own.key, reporter.key))!;
      expect(theirs.map((e) => [e.type, e.subject.id])).toEqual([
        ['COMMENT_DELETED', gone.id],
        ['COMMENT_UPDATED', gone.id],
        ['ATTACHMENT_ADDED', expect.any(String)],
        ['COMMENT_ADDED', gone.id],
        ['ATTACHMENT_ADDED', expect.any(String)],
        ['COMMENT_ADDED', kept.id],
        ['TICKET_CREATED', own.id],
      ]);
      expect(JSON.stringify(theirs)).not.toMatch(/555-01|someone-else/);
      expect(theirs[3]!.changes.map((c) => c.field)).toEqual(['private', 'author']);
      expect(change(theirs[2], 'comment')?.to).toBe(gone.id);
      // The comment that is still there keeps its text and its file's name.
      expect(change(theirs[5], 'content')?.to).toBe('Still here');
      expect(change(theirs[4], 'filename')?.to).toBe('kept.txt');
      // Staff see what it said.
      expect(JSON.stringify(await historyOf(own.key))).toMatch(/555-0199.*someone-else|someone-else.*555-0199/s);
    });
  });

  it('records customer state changes, links and the permanent deletion as a tombstone without personal data', async () => {
    // An integrator's customId may be an email address: personal data like the profile's fields.
    const customId = `${unique('carol')}@example.com`;
    const a = await createCustomer(app, { input: { customId } });
    const b = await createCustomer(app);
    for (const mutation of ['blockCustomer', 'restoreCustomer', 'disableCustomer', 'restoreCustomer']) {
      ok(await app.gql(`mutation($id: ID!) { ${mutation}(input: {id: $id}) { userErrors { code } } }`, { id: a.id }));
    }
    ok(
      await app.gql(
        'mutation($id: ID!, $w: ID!) { linkCustomerProfiles(input: {id: $id, with: {id: $w}}) { userErrors { code } } }',
        { id: a.id, w: b.id },
      ),
    );
    ok(
      await app.gql('mutation($id: ID!) { unlinkCustomerProfiles(input: {id: $id}) { userErrors { code } } }', {
        id: a.id,
      }),
    );
    const events = async () =>
      ok(await app.gql(feedQuery, { first: 100, filter: { subject: a.id } })).events!.edges.map((e) => e.node);
    const before = await events();
    expect(before.map((e) => e.type)).toEqual([
      'CUSTOMER_CREATED',
      'CUSTOMER_BLOCKED',
      'CUSTOMER_RESTORED',
      'CUSTOMER_DISABLED',
      'CUSTOMER_RESTORED',
      'CUSTOMER_LINKED',
      'CUSTOMER_UNLINKED',
    ]);
    expect(change(before[1], 'blocked')).toEqual({ field: 'blocked', from: false, to: true });
    expect(change(before[3], 'state')).toEqual({ field: 'state', from: 'ACTIVE', to: 'DELETED' });
    expect(change(before[5], 'linkedWith')).toEqual({ field: 'linkedWith', from: [], to: [b.id] });
    expect(change(before[0], 'email')?.to).toBe(a.email);
    expect(before.map((e) => e.subject.key)).toEqual(before.map(() => customId));

    ok(
      await app.gql('mutation($id: ID!) { deleteCustomerPermanently(input: {id: $id}) { userErrors { code } } }', {
        id: a.id,
      }),
    );
    const after = await events();
    expect(after.at(-1)).toMatchObject({
      type: 'CUSTOMER_DELETED',
      subject: { type: 'CUSTOMER', id: a.id, internalId: before[0]!.subject.internalId, key: null },
      changes: [],
    });
    // The earlier events keep their ids and types, not the key or the values.
    expect(after.slice(0, -1).map((e) => [e.type, e.subject.id, e.subject.key, e.changes])).toEqual(
      before.map((e) => [e.type, a.id, null, []]),
    );
    expect(JSON.stringify(after)).not.toContain(a.email);
    expect(JSON.stringify(after)).not.toContain(customId);
  });

  it('records agents for staff only', async () => {
    const made = await createAgent(app, { firstName: 'Evt' });
    ok(
      await app.gql(
        'mutation($id: ID!) { updateAgent(input: {id: $id, lastName: "Changed"}) { userErrors { code } } }',
        { id: made.id },
      ),
    );
    const events = ok(await app.gql(feedQuery, { first: 10, filter: { subject: made.id } })).events!.edges.map(
      (e) => e.node,
    );
    expect(events.map((e) => [e.type, e.private])).toEqual([
      ['AGENT_CREATED', true],
      ['AGENT_UPDATED', true],
    ]);
    expect(events[1]!.changes).toEqual([{ field: 'lastName', from: 'Agent', to: 'Changed' }]);
  });

  describe('bad input is a clean BAD_USER_INPUT on the field', () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['events(after: $a) { edges { cursor } }', { a: 'abc' }, /not an event cursor/],
      ['events(after: $a) { edges { cursor } }', { a: '99999999999999999999' }, /not an event cursor/],
      ['events(after: $a) { edges { cursor } }', { a: '-1' }, /not an event cursor/],
      ['events(first: 101) { edges { cursor } }', {}, /between 0 and 100/],
      ['events(first: 1, last: 1) { edges { cursor } }', {}, /`first` or `last`/],
    ];
    for (const [selection, variables, message] of cases) {
      it(`${selection} ${JSON.stringify(variables)}`, async () => {
        const declared = 'a' in variables ? '($a: String)' : '';
        const response = await app.gql(`query${declared} { ${selection} }`, variables);
        expect(response.status).toBeLessThan(500);
        expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
        expect(response.errors?.[0]?.message).toMatch(message);
      });
    }

    it('a bad cursor of a history fails that history alone', async () => {
      const ticket = await createTicket(app, { branch: branch.id });
      const response = await app.gql(
        'query($k: String!, $c: ID!) { ticket(by: {key: $k}) { key history(after: "x1") { nodes { type } } } node(id: $c) { ... on Customer { history(before: "-5") { nodes { type } } } } }',
        { k: ticket.key, c: agent.id },
      );
      expect(response.status).toBeLessThan(500);
      expect(response.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
      expect(response.errors?.[0]?.path).toEqual(['ticket', 'history']);
    });

    it('a subject id of another kind of object', async () => {
      const response = await app.gql(feedQuery, { filter: { subject: branch.id } });
      expect(response.data?.events).toBeNull();
      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });
  });

  it('comments and customers filter by updatedAfter / updatedBefore', async () => {
    const ticket = await createTicket(app, { branch: branch.id });
    const early = await createComment(app, { key: ticket.key }, { content: 'early' });
    const customer = await createCustomer(app);
    const cut = new Date(Date.now() + 5).toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const late = await createComment(app, { key: ticket.key }, { content: 'late' });
    ok(
      await app.gql(
        'mutation($id: ID!) { updateCustomer(input: {id: $id, lastName: "Later"}) { userErrors { code } } }',
        { id: customer.id },
      ),
    );
    const comments = async (filter: object) =>
      ok(
        await app.gql('query($f: CommentFilter) { comments(filter: $f) { nodes { id } } }', {
          f: { ticket: ticket.id, ...filter },
        }),
      ).comments.nodes.map((n: { id: string }) => n.id);
    expect(await comments({ updatedAfter: cut })).toEqual([late.id]);
    expect(await comments({ updatedBefore: cut })).toEqual([early.id]);
    const customers = async (filter: object) =>
      ok(
        await app.gql('query($f: CustomerFilter) { customers(filter: $f) { nodes { id } } }', {
          f: { ids: [customer.id], ...filter },
        }),
      ).customers.nodes.map((n: { id: string }) => n.id);
    expect(await customers({ updatedAfter: cut })).toEqual([customer.id]);
    expect(await customers({ updatedBefore: cut })).toEqual([]);
  });
});
