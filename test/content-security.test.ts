// Issue 11, stored content: HTML in rich text is allowlisted on write (GraphQL and REST), customers
// see the time of the last change visible to them (not of private notes), and files created with a
// ticket or comment are written before the rows commit, with orphans and temporary files swept.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrphanSweeper } from '../src/domain/orphan-sweeper.ts';
import { type BlobStore, filesystemBlobStore } from '../src/storage/blob-store.ts';
import { createBranch } from './fixtures.ts';
import { createTestApp, ok, type TestApp } from './helpers.ts';
import { ADMIN_KEY, startRestServer } from './rest-helpers.ts';

type Server = Awaited<ReturnType<typeof startRestServer>>;
const API = '/api/rest/latest/desk';
const PORTAL = '/api/diamante/rest/latest/desk';
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const ATTACKS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<a href="javascript:alert(1)">click</a>',
  '<a href="&#106;avascript:alert(1)">encoded</a>',
  '<svg onload=alert(1)><circle r="1"/></svg>',
  '<iframe src="https://evil.example"></iframe>',
  '<img src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
  '<p style="background:url(javascript:alert(1))" onclick="alert(1)">styled</p>',
].join('\n');

/** Nothing left that a browser would run. */
function expectInert(html: string) {
  expect(html).not.toMatch(/<script|<svg|<iframe|<style/i);
  expect(html).not.toMatch(/\son\w+\s*=/i);
  expect(html).not.toMatch(/javascript:|data:text/i);
  expect(html).not.toMatch(/style=/i);
}

const KEPT =
  '<p><b>bold</b> <i>it</i> <u>u</u> <strong>s</strong> <em>e</em> <span title="t">sp</span><br /></p>' +
  '<h1>h1</h1><h6>h6</h6><ul><li>one</li></ul><ol><li>two</li></ol>' +
  '<a href="https://example.com/?a=1&amp;b=2" title="x">link</a><a href="mailto:help@example.com">mail</a>' +
  '<img src="https://example.com/i.png" alt="pic" title="p" />' +
  '<img src="data:image/png;base64,iVBORw0KGgo=" alt="inline" />';

const PLAIN = [
  'if x < 3 && y > 2 then AT&T pays 5 <= 6 &amp; more',
  '',
  '> a Markdown quote',
  '',
  '**bold** _it_ [link](https://example.com) `code` \\*not italic\\*',
  '1. first',
  '* item & <3',
].join('\n');

async function graphql(server: Server, key: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${server.origin}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const result = (await response.json()) as { data?: any; errors?: unknown[] };
  expect(result.errors).toBeUndefined();
  return result.data;
}

describe('content security over GraphQL and REST', () => {
  let server: Server;
  let branch: { id: string; internalId: number };
  let customer: { id: number; email: string; key: string; globalId: string };

  beforeAll(async () => {
    server = await startRestServer();
    const created = await server.call('POST', `${API}/branches`, { body: { name: 'Content', key: 'CONT' } });
    expect(created.status).toBe(201);
    branch = { id: encodeGlobalID('Branch', String(created.json.id)), internalId: created.json.id };
    const user = await server.call('POST', `${API}/users`, {
      body: { email: 'carol@example.com', firstName: 'Carol', lastName: 'C' },
    });
    expect(user.status).toBe(201);
    const globalId = encodeGlobalID('Customer', String(user.json.id));
    const key = (
      await graphql(
        server,
        ADMIN_KEY,
        'mutation($o: ID!) { createApiKey(input: {owner: $o, label: "t"}) { secret } }',
        { o: globalId },
      )
    ).createApiKey.secret;
    customer = { id: user.json.id, email: 'carol@example.com', key, globalId };
  }, 120_000);
  afterAll(async () => server?.close());

  const createTicket = async (key: string, description: string, extra: Record<string, unknown> = {}) => {
    const data = await graphql(
      server,
      key,
      'mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id internalId description updatedAt } userErrors { code message field } } }',
      { input: { branch: branch.id, subject: 'Markup', description, ...extra } },
    );
    expect(data.createTicket.userErrors).toEqual([]);
    return data.createTicket.ticket as { id: string; internalId: number; description: string; updatedAt: string };
  };
  const addComment = async (key: string, ticket: string, content: string, extra: Record<string, unknown> = {}) => {
    const data = await graphql(
      server,
      key,
      'mutation($input: AddCommentInput!) { addComment(input: $input) { comment { id internalId content } userErrors { code message field } } }',
      { input: { ticket: { id: ticket }, content, ...extra } },
    );
    expect(data.addComment.userErrors).toEqual([]);
    return data.addComment.comment as { id: string; internalId: number; content: string };
  };

  describe('stored markup', () => {
    it('GraphQL: strips scripts, handlers and javascript: URLs from descriptions and comments, on create and update', async () => {
      const ticket = await createTicket(customer.key, `${ATTACKS}\nsafe words`);
      expectInert(ticket.description);
      expect(ticket.description).toContain('safe words');
      expect(ticket.description).toContain('click');

      const comment = await addComment(customer.key, ticket.id, `${ATTACKS}\nreply`);
      expectInert(comment.content);
      expect(comment.content).toContain('reply');

      const updated = await graphql(
        server,
        ADMIN_KEY,
        'mutation($t: ID!) { updateTicket(input: {ticket: {id: $t}, description: "<b onmouseover=alert(1)>x</b><script>1</script>"}) { ticket { description } userErrors { code } } }',
        { t: ticket.id },
      );
      expect(updated.updateTicket.ticket.description).toBe('<b>x</b>');
      const edited = await graphql(
        server,
        customer.key,
        'mutation($c: ID!) { updateComment(input: {id: $c, content: "<a href=\\"javascript:alert(1)\\">y</a>"}) { comment { content } userErrors { code } } }',
        { c: comment.id },
      );
      expect(edited.updateComment.comment.content).toBe('<a>y</a>');

      // What remains after sanitising must not be blank.
      const blank = await graphql(
        server,
        customer.key,
        'mutation($b: ID!) { createTicket(input: {branch: $b, subject: "s", description: "<script>alert(1)</script>"}) { ticket { id } userErrors { code field } } }',
        { b: branch.id },
      );
      expect(blank.createTicket).toEqual({ ticket: null, userErrors: [{ code: 'REQUIRED', field: ['description'] }] });
    });

    it('GraphQL: keeps the allowed tags and safe attributes', async () => {
      const ticket = await createTicket(ADMIN_KEY, KEPT);
      expect(ticket.description).toBe(KEPT);
      const comment = await addComment(ADMIN_KEY, ticket.id, KEPT);
      expect(comment.content).toBe(KEPT);
    });

    it('leaves plain text and Markdown without tags byte for byte', async () => {
      const ticket = await createTicket(customer.key, PLAIN);
      expect(ticket.description).toBe(PLAIN);
      expect((await addComment(customer.key, ticket.id, PLAIN)).content).toBe(PLAIN);
      // Markdown with inline HTML keeps its Markdown (quotes included); only the HTML is sanitised.
      const mixed = await addComment(
        customer.key,
        ticket.id,
        '> quoted\n\n**bold** <b onclick="x()">b</b> <script>bad()</script>',
      );
      expect(mixed.content).toBe('> quoted\n\n**bold** <b>b</b> ');
    });

    it('REST: sanitises tickets and comments created and updated through the DiamanteDesk API', async () => {
      const created = await server.call('POST', `${API}/tickets`, {
        body: {
          branch: branch.internalId,
          subject: 'REST markup',
          description: `${ATTACKS}\n<b>kept</b>`,
          reporter: 'oro_1',
          source: 'web',
        },
      });
      expect(created.status, created.text).toBe(201);
      expectInert(created.json.description);
      expect(created.json.description).toContain('<b>kept</b>');
      const read = await server.call('GET', `${API}/tickets/${created.json.id}`);
      expect(read.json.description).toBe(created.json.description);

      const put = await server.call('PUT', `${API}/tickets/${created.json.id}`, {
        body: { description: '<img src=x onerror=alert(1)>ok' },
      });
      expect(put.status, put.text).toBe(200);
      expect(put.json.description).toBe('<img src="x" />ok');

      const comment = await server.call('POST', `${API}/comments`, {
        body: { ticket: created.json.id, content: `${ATTACKS}\nfine` },
      });
      expect(comment.status, comment.text).toBe(201);
      expectInert(comment.json.content);
      const patched = await server.call('PATCH', `${API}/comments/${comment.json.id}`, {
        body: { content: `<svg onload=alert(1)>${PLAIN}` },
      });
      expect(patched.status, patched.text).toBe(200);
      expectInert(patched.json.content);

      const plain = await server.call('POST', `${API}/comments`, { body: { ticket: created.json.id, content: PLAIN } });
      expect(plain.json.content).toBe(PLAIN);

      // The customer portal prints what the customer wrote: sanitised there too.
      const own = await server.call('POST', `${PORTAL}/tickets`, {
        email: customer.email,
        key: customer.key,
        body: {
          branch: branch.internalId,
          subject: 'Portal',
          description: '<img src=x onerror=alert(1)>hi',
          source: 'web',
        },
      });
      expect(own.status, own.text).toBe(201);
      expect(own.json.description).toBe('<img src="x" />hi');
    });

    it('sanitises branch descriptions too', async () => {
      const data = await graphql(
        server,
        ADMIN_KEY,
        'mutation { createBranch(input: {name: "Markup branch", key: "MARKB", description: "<p onclick=\\"x\\">Shop</p><script>1</script>"}) { branch { description } userErrors { code } } }',
      );
      expect(data.createBranch.branch.description).toBe('<p>Shop</p>');
    });
  });

  describe("customers' updatedAt", () => {
    const read = async (key: string, id: string) =>
      (await graphql(server, key, 'query($id: ID!) { ticket(id: $id) { updatedAt } }', { id })).ticket
        .updatedAt as string;

    it('does not move for a private note; moves for public comments; agents see every change', async () => {
      const ticket = await createTicket(customer.key, 'When did this change?');
      const seen = await read(customer.key, ticket.id);
      expect(await read(ADMIN_KEY, ticket.id)).toBe(seen);
      const restSeen = (
        await server.call('GET', `${PORTAL}/tickets/${ticket.internalId}`, { email: customer.email, key: customer.key })
      ).json.updated_at;

      await sleep(1100); // REST dates have whole seconds
      await addComment(ADMIN_KEY, ticket.id, 'internal: customer is difficult', {
        private: true,
        attachments: [{ filename: 'note.txt', content: Buffer.from('private file').toString('base64') }],
      });
      const staffSees = await read(ADMIN_KEY, ticket.id);
      expect(new Date(staffSees).getTime()).toBeGreaterThan(new Date(seen).getTime());
      expect(await read(customer.key, ticket.id)).toBe(seen);
      const portal = await server.call('GET', `${PORTAL}/tickets/${ticket.internalId}`, {
        email: customer.email,
        key: customer.key,
      });
      expect(portal.json.updated_at).toBe(restSeen);

      // Filtering and sorting by updatedAt use the time the viewer is shown.
      const after = new Date(new Date(seen).getTime() + 1).toISOString();
      const filtered = await graphql(
        server,
        customer.key,
        'query($f: TicketFilter) { tickets(filter: $f, orderBy: {field: UPDATED_AT, direction: DESC}) { totalCount } }',
        { f: { updatedAfter: after, branch: branch.id } },
      );
      expect(filtered.tickets.totalCount).toBe(0);
      const staffFiltered = await graphql(
        server,
        ADMIN_KEY,
        'query($f: TicketFilter) { tickets(filter: $f) { nodes { id } } }',
        {
          f: { updatedAfter: after, branch: branch.id },
        },
      );
      expect(staffFiltered.tickets.nodes.map((n: { id: string }) => n.id)).toContain(ticket.id);

      await addComment(ADMIN_KEY, ticket.id, 'We are on it.');
      const both = await read(ADMIN_KEY, ticket.id);
      expect(new Date(both).getTime()).toBeGreaterThan(new Date(staffSees).getTime());
      expect(await read(customer.key, ticket.id)).toBe(both);
      const portalAfter = await server.call('GET', `${PORTAL}/tickets/${ticket.internalId}`, {
        email: customer.email,
        key: customer.key,
      });
      expect(portalAfter.json.updated_at).not.toBe(restSeen);
    });
  });
});

describe('files written before their rows, orphans swept', () => {
  let app: TestApp;
  let branchId: string;
  const HOUR = 3600_000;

  beforeAll(async () => {
    app = await createTestApp();
    branchId = (await createBranch(app, 'Sweep')).id;
  }, 120_000);
  afterAll(async () => app?.close());

  const blobPath = (root: string, kind: 'files' | 'thumbnails', hash: string) =>
    path.join(root, kind, hash.slice(0, 2), hash);

  it('sweeps a blob that was stored but never committed, once its grace period is over, and never a blob in use', async () => {
    const store = filesystemBlobStore(app.storeDir);
    const orphan = randomBytes(64);
    await store.put('file', sha256(orphan), orphan); // a crash right after the blob write

    const inUse = randomBytes(64);
    const created = ok(
      await app.gql(
        'mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id } userErrors { code } } }',
        {
          input: {
            branch: branchId,
            subject: 'Has a file',
            description: 'd',
            attachments: [{ filename: 'a.bin', content: inUse.toString('base64') }],
          },
        },
      ),
    );
    expect(created.createTicket.userErrors).toEqual([]);

    let clock = Date.now();
    const sweep = createOrphanSweeper(app.db.prisma, store, { graceMs: HOUR, now: () => clock });
    expect((await sweep()).removedBlobs).toBe(0); // still within its grace: it may be an upload in flight
    expect(existsSync(blobPath(app.storeDir, 'files', sha256(orphan)))).toBe(true);

    clock += HOUR + 1000;
    const result = await sweep();
    expect(result.removedBlobs).toBe(1);
    expect(existsSync(blobPath(app.storeDir, 'files', sha256(orphan)))).toBe(false);
    expect(existsSync(blobPath(app.storeDir, 'files', sha256(inUse)))).toBe(true);

    // Putting the same bytes again restarts the grace period of an old blob (an upload reusing it).
    const old = randomBytes(32);
    await store.put('file', sha256(old), old);
    const longAgo = new Date(Date.now() - 10 * HOUR);
    await utimes(blobPath(app.storeDir, 'files', sha256(old)), longAgo, longAgo);
    await store.put('file', sha256(old), old);
    clock = Date.now();
    await sweep();
    expect(existsSync(blobPath(app.storeDir, 'files', sha256(old)))).toBe(true);
  });

  it('removes temporary files older than the grace period, and only those', async () => {
    const store = filesystemBlobStore(app.storeDir);
    const dir = path.join(app.storeDir, 'files', 'ab');
    await mkdir(dir, { recursive: true });
    const stale = path.join(dir, `${'ab'.padEnd(64, '0')}.${randomUUID()}.tmp`);
    const fresh = path.join(dir, `${'ab'.padEnd(64, '1')}.${randomUUID()}.tmp`);
    await writeFile(stale, 'half a file');
    await writeFile(fresh, 'being written');
    const longAgo = new Date(Date.now() - 2 * HOUR);
    await utimes(stale, longAgo, longAgo);
    const result = await createOrphanSweeper(app.db.prisma, store, { graceMs: HOUR })();
    expect(result.removedTemporaries).toBe(1);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
  });

  it('bounds a run and resumes where it stopped', async () => {
    const store = filesystemBlobStore(app.storeDir);
    const orphans = [randomBytes(16), randomBytes(16), randomBytes(16)];
    for (const bytes of orphans) await store.put('file', sha256(bytes), bytes);
    const clock = Date.now() + 2 * HOUR;
    const sweep = createOrphanSweeper(app.db.prisma, store, { graceMs: HOUR, now: () => clock, maxChecks: 1 });
    let removed = 0;
    for (let run = 0; run < 20 && orphans.some((b) => existsSync(blobPath(app.storeDir, 'files', sha256(b)))); run++) {
      const result = await sweep();
      expect(result.checked).toBeLessThanOrEqual(1);
      removed += result.removedBlobs;
    }
    for (const bytes of orphans) expect(existsSync(blobPath(app.storeDir, 'files', sha256(bytes)))).toBe(false);
    expect(removed).toBeGreaterThanOrEqual(3);
  });

  it('writes the blobs before the transaction: a failed commit leaves no ticket or comment, only a blob the sweeper removes', async () => {
    const prisma = app.db.prisma;
    const ticket = ok(
      await app.gql(
        'mutation($b: ID!) { createTicket(input: {branch: $b, subject: "Target", description: "d"}) { ticket { id internalId } } }',
        {
          b: branchId,
        },
      ),
    ).createTicket.ticket;
    // A real database failure inside the transaction, after the blobs are written.
    await prisma.$executeRawUnsafe(
      `CREATE OR REPLACE FUNCTION refuse_attachment() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql`,
    );
    await prisma.$executeRawUnsafe(
      `CREATE TRIGGER refuse_attachment BEFORE INSERT ON "Attachment" FOR EACH ROW EXECUTE FUNCTION refuse_attachment()`,
    );
    const bytes = randomBytes(48);
    const commentBytes = randomBytes(48);
    try {
      const failed = await app.gql(
        'mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id } } }',
        {
          input: {
            branch: branchId,
            subject: 'Never committed',
            description: 'd',
            attachments: [{ filename: 'x.bin', content: bytes.toString('base64') }],
          },
        },
      );
      expect(failed.errors?.length).toBeGreaterThan(0);
      const failedComment = await app.gql(
        'mutation($input: AddCommentInput!) { addComment(input: $input) { comment { id } } }',
        {
          input: {
            ticket: { id: ticket.id },
            content: 'never committed',
            attachments: [{ filename: 'y.bin', content: commentBytes.toString('base64') }],
          },
        },
      );
      expect(failedComment.errors?.length).toBeGreaterThan(0);
    } finally {
      await prisma.$executeRawUnsafe('DROP TRIGGER refuse_attachment ON "Attachment"');
      await prisma.$executeRawUnsafe('DROP FUNCTION refuse_attachment()');
    }
    expect(await prisma.ticket.count({ where: { subject: 'Never committed' } })).toBe(0);
    expect(await prisma.comment.count({ where: { content: 'never committed' } })).toBe(0);
    // The blobs were written first, and are now orphans...
    expect(existsSync(blobPath(app.storeDir, 'files', sha256(bytes)))).toBe(true);
    expect(existsSync(blobPath(app.storeDir, 'files', sha256(commentBytes)))).toBe(true);
    // ...which the sweeper removes after the grace period.
    await createOrphanSweeper(prisma, filesystemBlobStore(app.storeDir), {
      graceMs: HOUR,
      now: () => Date.now() + 2 * HOUR,
    })();
    expect(existsSync(blobPath(app.storeDir, 'files', sha256(bytes)))).toBe(false);
    expect(existsSync(blobPath(app.storeDir, 'files', sha256(commentBytes)))).toBe(false);
  });

  it('commits nothing when the blob write fails', async () => {
    const real = filesystemBlobStore(app.storeDir);
    const failing: BlobStore = {
      ...real,
      put: async () => {
        throw new Error('ENOSPC: no space left on device');
      },
    };
    const broken = await createTestApp({ store: failing });
    try {
      const b = (await createBranch(broken, 'Disk full')).id;
      const ticket = ok(
        await broken.gql(
          'mutation($b: ID!) { createTicket(input: {branch: $b, subject: "Exists", description: "d"}) { ticket { id } } }',
          { b },
        ),
      ).createTicket.ticket;
      const file = [{ filename: 'f.txt', content: Buffer.from('some bytes').toString('base64') }];
      const created = await broken.gql(
        'mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id } } }',
        {
          input: { branch: b, subject: 'Lost its file', description: 'd', attachments: file },
        },
      );
      expect(created.errors?.length).toBeGreaterThan(0);
      const comment = await broken.gql(
        'mutation($input: AddCommentInput!) { addComment(input: $input) { comment { id } } }',
        {
          input: { ticket: { id: ticket.id }, content: 'lost its file', attachments: file },
        },
      );
      expect(comment.errors?.length).toBeGreaterThan(0);
      expect(await broken.db.prisma.ticket.count({ where: { subject: 'Lost its file' } })).toBe(0);
      expect(await broken.db.prisma.comment.count({ where: { content: 'lost its file' } })).toBe(0);
      expect(await broken.db.prisma.attachment.count()).toBe(0);
    } finally {
      await broken.close();
    }
  });
});
