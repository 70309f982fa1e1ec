// Live subscriptions (issue 18) over GraphQL over SSE on one server, both engines: events arrive
// as they are committed, filtered by the subscriber's permissions when delivered; the same checks
// as queries refuse bad subscriptions before they start. The README's graphql-sse client works.
import { createClient } from 'graphql-sse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBranch, createComment, createCustomer, createTicket, type Person } from './fixtures.ts';
import { createTestApp, ok, startServer, TEST_ADMIN, type TestApp } from './helpers.ts';
import { type SseSubscription, sseSubscribe } from './sse.ts';

const TICKET_EVENTS = `subscription($filter: TicketEventFilter) {
  ticketEvents(filter: $filter) {
    cursor type private subject { type id } ticket { id key } actor { id } changes { field from to }
  }
}`;

describe('live subscriptions', () => {
  let app: TestApp;
  let branch: { id: string; key: string };
  let customer: Person;
  const open: SseSubscription[] = [];

  beforeAll(async () => {
    app = await createTestApp({ events: { live: { pollMs: 5000, maxPerPerson: 3 } } });
    branch = await createBranch(app);
    customer = await createCustomer(app, { withKey: true });
  });
  afterAll(async () => {
    for (const subscription of open) subscription.close();
    await app?.close();
  });

  const subscribe = async (
    variables: Record<string, unknown>,
    key: string | null = app.adminKey,
    query = TICKET_EVENTS,
  ) => {
    const subscription = await sseSubscribe(
      (input, init) => app.yoga.fetch(input, init),
      'http://localhost/graphql',
      query,
      variables,
      key,
    );
    open.push(subscription);
    return subscription;
  };

  it('delivers a ticket’s events as they are committed, in order, and only that ticket’s', async () => {
    const ticket = await createTicket(app, { branch: branch.id });
    const other = await createTicket(app, { branch: branch.id });
    const stream = await subscribe({ filter: { ticket: ticket.id } });
    expect(stream.status).toBe(200);
    expect(stream.contentType).toMatch(/text\/event-stream/);
    await createComment(app, { key: other.key }, { content: 'elsewhere' });
    const comment = await createComment(app, { key: ticket.key }, { content: 'live!' });
    ok(
      await app.gql(
        'mutation($k: String!) { updateTicket(input: {ticket: {key: $k}, status: OPEN}) { userErrors { code } } }',
        {
          k: ticket.key,
        },
      ),
    );
    const first = await stream.next();
    expect(first.event).toBe('next');
    expect(first.data.data.ticketEvents).toMatchObject({
      type: 'COMMENT_ADDED',
      subject: { type: 'COMMENT', id: comment.id },
      ticket: { id: ticket.id, key: ticket.key },
    });
    const second = (await stream.next()).data.data.ticketEvents;
    expect(second).toMatchObject({ type: 'TICKET_UPDATED', changes: [{ field: 'status', from: 'NEW', to: 'OPEN' }] });
    expect(BigInt(second.cursor)).toBeGreaterThan(BigInt(first.data.data.ticketEvents.cursor));
    stream.close();
  });

  it('a customer receives their ticket’s public events, never its private notes', async () => {
    const ticket = await createTicket(app, { branch: branch.id, reporter: customer.id });
    const stream = await subscribe({ filter: { ticket: ticket.id } }, customer.key);
    await createComment(app, { key: ticket.key }, { content: 'TOP SECRET note', private: true });
    await createComment(app, { key: ticket.key }, { content: 'A public reply' });
    const event = (await stream.next()).data.data.ticketEvents;
    expect(event).toMatchObject({ type: 'COMMENT_ADDED', private: false });
    expect(event.changes).toContainEqual({ field: 'content', from: null, to: 'A public reply' });
    expect(await stream.quietFor(300)).toBeNull();
    stream.close();
  });

  it('checks the comment when delivering: a reply made private before it is delivered never arrives', async () => {
    const person = await createCustomer(app, { withKey: true });
    const ticket = await createTicket(app, { branch: branch.id, reporter: person.id });
    const stream = await subscribe({ filter: { ticket: ticket.id } }, person.key);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Not read yet: the server pulls the next event only when the client reads (SSE back-pressure).
    const file = { filename: 'internal-salaries.xlsx', content: Buffer.from('x').toString('base64') };
    const oops = await createComment(
      app,
      { key: ticket.key },
      { content: 'oops internal: server pw hunter2', attachments: [file] },
    );
    ok(
      await app.gql('mutation($id: ID!) { updateComment(input: {id: $id, private: true}) { userErrors { code } } }', {
        id: oops.id,
      }),
    );
    await createComment(app, { key: ticket.key }, { content: 'A public reply' });
    const event = (await stream.next()).data.data.ticketEvents;
    expect(event.changes).toContainEqual({ field: 'content', from: null, to: 'A public reply' });
    expect(await stream.quietFor(300)).toBeNull();
    stream.close();
  });

  it('checks permissions when delivering: a customer who stops watching stops receiving', async () => {
    const watcher = await createCustomer(app, { withKey: true });
    const ticket = await createTicket(app, { branch: branch.id });
    const watch = (mutation: string) =>
      app.gql(
        `mutation($k: String!, $w: ID!) { ${mutation}(input: {ticket: {key: $k}, watcher: $w}) { userErrors { code } } }`,
        {
          k: ticket.key,
          w: watcher.id,
        },
      );
    ok(await watch('addWatcher'));
    // All their visible tickets in this branch, by branch.
    const stream = await subscribe({ filter: { branch: branch.id, types: ['COMMENT_ADDED'] } }, watcher.key);
    await createComment(app, { key: ticket.key }, { content: 'while watching' });
    expect((await stream.next()).data.data.ticketEvents.changes).toContainEqual({
      field: 'content',
      from: null,
      to: 'while watching',
    });
    ok(await watch('removeWatcher'));
    await createComment(app, { key: ticket.key }, { content: 'after leaving' });
    // Another customer's ticket in the same branch: never theirs.
    await createComment(app, { key: (await createTicket(app, { branch: branch.id })).key });
    expect(await stream.quietFor(500)).toBeNull();
    stream.close();
  });

  it('ends when the subscriber’s key is revoked', async () => {
    const person = await createCustomer(app, { withKey: true });
    const ticket = await createTicket(app, { branch: branch.id, reporter: person.id });
    const stream = await subscribe({ filter: { ticket: ticket.id } }, person.key);
    const keys = ok(
      await app.gql('query($id: ID!) { node(id: $id) { ... on Customer { apiKeys { id } } } }', { id: person.id }),
    ).node.apiKeys;
    ok(
      await app.gql('mutation($id: ID!) { revokeApiKey(input: {id: $id}) { userErrors { code } } }', {
        id: keys[0].id,
      }),
    );
    // The credentials are asked again at most every 10 s: within that the stream ends.
    const started = Date.now();
    let ended = false;
    while (!ended && Date.now() - started < 15_000) {
      await createComment(app, { key: ticket.key }, { content: 'ping' });
      const message = await stream.quietFor(1000);
      ended = message?.event === 'complete' || message?.event === 'end';
    }
    expect(ended).toBe(true);
    stream.close();
  });

  describe('refused before they start', () => {
    it('without credentials: 401', async () => {
      const stream = await subscribe({}, null);
      expect(stream.status).toBe(401);
      stream.close();
    });

    it('a ticket the customer may not see: NOT_FOUND', async () => {
      const hidden = await createTicket(app, { branch: branch.id });
      const stream = await subscribe({ filter: { ticket: hidden.id } }, customer.key);
      const message = await stream.next();
      expect(message.data.errors[0]).toMatchObject({ message: 'Ticket not found.', extensions: { code: 'NOT_FOUND' } });
      stream.close();
    });

    it('types that are not ticket events, and ids of the wrong type: BAD_USER_INPUT', async () => {
      const wrongType = await subscribe({ filter: { types: ['CUSTOMER_CREATED'] } });
      expect((await wrongType.next()).data.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      wrongType.close();
      const wrongId = await subscribe({ filter: { ticket: branch.id } });
      const answer = await wrongId.next();
      expect(JSON.stringify(answer.data)).toMatch(/BAD_USER_INPUT/);
      wrongId.close();
    });

    it('the same limits as queries: page sizes and depth', async () => {
      const page = await subscribe(
        {},
        app.adminKey,
        'subscription { ticketEvents { ticket { comments(first: 500) { nodes { id } } } } }',
      );
      expect(JSON.stringify(await page.next())).toMatch(/between 0 and 100/);
      page.close();
      const level = (inner: string) => `branch { tickets { nodes { ${inner} } } }`;
      const deep = `ticket { ${level(level(level(level('id'))))} }`;
      const tooDeep = await subscribe({}, app.adminKey, `subscription { ticketEvents { ${deep} } }`);
      expect(JSON.stringify(await tooDeep.next())).toMatch(/QUERY_TOO_COMPLEX/);
      tooDeep.close();
    });

    it('more subscriptions than one person may hold: LIMIT_REACHED', async () => {
      const person = await createCustomer(app, { withKey: true });
      const held = [];
      for (let i = 0; i < 3; i++) held.push(await subscribe({}, person.key));
      // The streams are registered once the server runs their subscribe; give it a moment.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const over = await subscribe({}, person.key);
      expect((await over.next()).data.errors[0].extensions.code).toBe('LIMIT_REACHED');
      for (const stream of [...held, over]) stream.close();
    });
  });

  it('a stream the client closes frees its slot at once, with no event to wake it', async () => {
    const person = await createCustomer(app, { withKey: true });
    const ticket = await createTicket(app, { branch: branch.id, reporter: person.id });
    const held = [];
    for (let i = 0; i < 3; i++) held.push(await subscribe({ filter: { ticket: ticket.id } }, person.key));
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const stream of held) stream.close();
    // Nothing is committed from here until the new stream is open: only the disconnections free slots.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const again = await subscribe({ filter: { ticket: ticket.id } }, person.key);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await createComment(app, { key: ticket.key }, { content: 'after reconnecting' });
    const message = await again.next();
    expect(message.data.errors).toBeUndefined();
    expect(message.data.data.ticketEvents).toMatchObject({ type: 'COMMENT_ADDED', ticket: { id: ticket.id } });
    again.close();
  });

  it('works with the graphql-sse client (README)', async () => {
    const ticket = await createTicket(app, { branch: branch.id });
    const client = createClient({
      url: 'http://localhost/graphql',
      headers: { authorization: `Bearer ${app.adminKey}` },
      fetchFn: (input: RequestInfo | URL, init?: RequestInit) => app.yoga.fetch(String(input), init ?? {}),
      retryAttempts: 0,
    });
    const events = client.iterate<{ ticketEvents: { type: string } }>({
      query: 'subscription($t: ID) { ticketEvents(filter: {ticket: $t}) { type } }',
      variables: { t: ticket.id },
    });
    const first = events.next();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await createComment(app, { key: ticket.key });
    expect((await first).value).toEqual({ data: { ticketEvents: { type: 'COMMENT_ADDED' } } });
    await events.return?.();
    client.dispose();
  });
});

describe('a server with open subscriptions', () => {
  it('frees the slots of clients that hang up, as curl -N killed does', { timeout: 60_000 }, async () => {
    const server = await startServer({ env: { HELPDESK_MAX_SUBSCRIPTIONS: '2' } });
    try {
      const branch = await createBranch(server);
      const person = await createCustomer(server, { withKey: true });
      const ticket = await createTicket(server, { branch: branch.id, reporter: person.id });
      const url = `${server.base}/graphql`;
      const held = [];
      for (let i = 0; i < 2; i++) held.push(await sseSubscribe(fetch, url, TICKET_EVENTS, {}, person.key!));
      await new Promise((resolve) => setTimeout(resolve, 200));
      // A private note is no event of theirs: it must not be what frees the slots.
      await createComment(server, { key: ticket.key }, { content: 'internal', private: true });
      for (const stream of held) stream.close();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const again = await sseSubscribe(fetch, url, TICKET_EVENTS, {}, person.key!);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await createComment(server, { key: ticket.key }, { content: 'public again' });
      const message = await again.next();
      expect(message.data.errors).toBeUndefined();
      expect(message.data.data.ticketEvents).toMatchObject({ type: 'COMMENT_ADDED', ticket: { id: ticket.id } });
      again.close();
    } finally {
      await server.close();
    }
  });

  it('stops promptly: its streams end first, with a complete message', { timeout: 60_000 }, async () => {
    const server = await startServer();
    const stream = await sseSubscribe(fetch, `${server.base}/graphql`, TICKET_EVENTS, {}, TEST_ADMIN.key);
    expect(stream.status).toBe(200);
    const started = Date.now();
    await server.close();
    // Without ending its streams first, close() would wait for the open one until its client gave
    // up; 15 s leaves room for a loaded CI machine (6 s seen with four suites at once).
    expect(Date.now() - started).toBeLessThan(15_000);
    const last = await stream.next(5000);
    expect(['complete', 'end']).toContain(last.event);
    stream.close();
  });
});
