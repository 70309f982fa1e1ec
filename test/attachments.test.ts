// Attachments end to end over a real socket: multipart (GraphQL multipart request spec) and base64
// uploads, downloads with signed tokens or credentials, thumbnails, limits, filename sanitising,
// permissions, and content-addressed storage with garbage collection.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeGlobalID } from '@pothos/plugin-relay';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueDownloadToken } from '../src/auth/download-token.ts';
import { secretBox } from '../src/auth/secret-box.ts';
import { createBranch, createCustomer, createTicket } from './fixtures.ts';
import { graphql, type ResultOf, type VariablesOf } from './graphql.ts';
import {
  createTestApp,
  type GraphQLResponse,
  ok,
  queryText,
  serveTestApp,
  startServer,
  type TestApp,
  type TestServer,
  type TypedDocument,
  testClock,
} from './helpers.ts';

const adminKey = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const MAX_FILE_SIZE = 200_000;
const MAX_FILES = 3;
const MAX_REQUEST = 1_000_000;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const AttachmentFields = graphql(
  'fragment AttachmentFields on Attachment { id internalId filename contentType byteSize sha256 url thumbnailUrl }',
);
const UserErrors = graphql('fragment UserErrors on UserError { code message field }');
const addAttachmentsMutation = graphql(
  `mutation($input: AddAttachmentsInput!) {
    addAttachments(input: $input) { attachments { ...AttachmentFields } userErrors { ...UserErrors } }
  }`,
  [AttachmentFields, UserErrors],
);
type Attachment = ResultOf<typeof AttachmentFields>;
/** What the server answered: HTTP status and the body (`raw` when it was not JSON). */
interface Answer<T> {
  status: number;
  body: Omit<GraphQLResponse<T>, 'status' | 'headers'> & { raw?: string };
}

/** A 24-bit uncompressed BMP: 54-byte header, bottom-up rows padded to 4 bytes (sharp cannot write BMP). */
function bmp(width: number, height: number): Buffer {
  const rowSize = Math.ceil((width * 3) / 4) * 4;
  const pixels = rowSize * height;
  const buf = Buffer.alloc(54 + pixels);
  buf.write('BM', 0, 'ascii');
  buf.writeUInt32LE(54 + pixels, 2);
  buf.writeUInt32LE(54, 10);
  buf.writeUInt32LE(40, 14);
  buf.writeInt32LE(width, 18);
  buf.writeInt32LE(height, 22);
  buf.writeUInt16LE(1, 26);
  buf.writeUInt16LE(24, 28);
  buf.writeUInt32LE(0, 30);
  buf.writeUInt32LE(pixels, 34);
  buf.writeInt32LE(2835, 38);
  buf.writeInt32LE(2835, 42);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) buf.set([0xff, 0x40, 0x10], 54 + y * rowSize + x * 3);
  }
  return buf;
}

let colour = 0;
/** An image in `format`, with a colour of its own so its bytes (and hash) are unique to the caller. */
async function image(format: 'jpeg' | 'png' | 'gif' | 'webp', width: number, height: number) {
  colour += 1;
  const background = { r: (colour * 37) % 256, g: (colour * 91) % 256, b: (colour * 53) % 256 };
  return sharp({ create: { width, height, channels: 3, background } })
    [format]()
    .toBuffer();
}

let textCounter = 0;
const uniqueText = (label: string) => Buffer.from(`${label} #${++textCounter} ${Date.now()} ${Math.random()}\n`);

interface Upload {
  /** Variable path, e.g. `input.files.0`. */
  path: string;
  name: string;
  bytes: Uint8Array;
  type?: string;
}

describe('attachments over HTTP', () => {
  let server: TestServer;
  let app: TestServer['app'];
  let base: string;
  let dataDir: string;
  let storeDir: string;
  let branchId: string;
  const customers: Record<
    'a' | 'b',
    { id: string; internalId: number; key: string; ticket: { id: string; key: string } }
  > = {} as never;
  let adminTicket: { id: string; key: string };

  beforeAll(async () => {
    server = await startServer({
      admin: { email: 'root@example.com', key: adminKey },
      env: {
        HELPDESK_MAX_FILE_SIZE: String(MAX_FILE_SIZE),
        HELPDESK_MAX_FILES: String(MAX_FILES),
        HELPDESK_MAX_REQUEST_SIZE: String(MAX_REQUEST),
      },
    });
    ({ app, base, dataDir } = server);
    storeDir = path.join(dataDir, 'attachments');

    branchId = data(
      await gql(graphql('mutation { createBranch(input: {name: "Files"}) { branch { id } userErrors { code } } }')),
    ).createBranch.branch!.id;
    adminTicket = await createTicket(adminKey, 'Admin ticket');
    for (const who of ['a', 'b'] as const) {
      const customer = data(
        await gql(
          graphql(
            'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } userErrors { ...UserErrors } } }',
            [UserErrors],
          ),
          {
            input: { email: `${who}@example.com`, firstName: who.toUpperCase(), lastName: 'Customer' },
          },
        ),
      ).createCustomer.customer;
      const key = data(
        await gql(
          graphql(
            'mutation($o: ID!) { createApiKey(input: {owner: $o, label: "test"}) { secret userErrors { ...UserErrors } } }',
            [UserErrors],
          ),
          { o: customer!.id },
        ),
      ).createApiKey.secret!;
      expect(key).toMatch(/^[0-9a-f]{40}$/);
      const internalId = Number(decodeGlobalID(customer!.id).id);
      customers[who] = { id: customer!.id, internalId, key, ticket: await createTicket(key, `Ticket of ${who}`) };
    }
  });

  afterAll(() => server?.close());

  // ---------------------------------------------------------------- helpers

  async function gql<D extends TypedDocument>(
    document: D,
    variables: VariablesOf<D> = {} as VariablesOf<D>,
    key: string | null = adminKey,
  ): Promise<Answer<ResultOf<D>>> {
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      },
      body: JSON.stringify({ query: queryText(document), variables }),
    });
    return { status: response.status, body: (await response.json()) as Answer<ResultOf<D>>['body'] };
  }

  /**
   * GraphQL multipart request: `operations`, `map`, then one part per file. Variables are not
   * typed: the files they name are null placeholders, which a File variable may not be.
   */
  async function multipart<D extends TypedDocument>(
    document: D,
    variables: Record<string, unknown>,
    uploads: Upload[],
    key: string | null = adminKey,
  ): Promise<Answer<ResultOf<D>>> {
    const form = new FormData();
    form.append('operations', JSON.stringify({ query: queryText(document), variables }));
    form.append('map', JSON.stringify(Object.fromEntries(uploads.map((u, i) => [String(i), [`variables.${u.path}`]]))));
    for (const [i, u] of uploads.entries())
      form.append(
        String(i),
        new Blob([new Uint8Array(u.bytes)], { type: u.type ?? 'application/octet-stream' }),
        u.name,
      );
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      // What apollo-upload-client sends, so the CSRF rule lets a multipart body through.
      headers: {
        accept: 'application/graphql-response+json, application/json',
        'apollo-require-preflight': 'true',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      },
      body: form,
    });
    const text = await response.text();
    let body: Answer<ResultOf<D>>['body'];
    try {
      body = JSON.parse(text);
    } catch {
      body = { raw: text };
    }
    return { status: response.status, body };
  }

  function data<T>(result: Answer<T>): T {
    if (result.body.errors?.length || result.status !== 200) {
      throw new Error(`HTTP ${result.status}: ${JSON.stringify(result.body)}`);
    }
    return result.body.data!;
  }

  async function createTicket(key: string, subject: string) {
    const result = data(
      await gql(
        graphql(
          'mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id key } userErrors { ...UserErrors } } }',
          [UserErrors],
        ),
        {
          input: { branch: branchId, subject, description: 'Please help' },
        },
        key,
      ),
    ).createTicket;
    expect(result.userErrors).toEqual([]);
    return result.ticket as { id: string; key: string };
  }

  /** Multipart addAttachments on a ticket key. */
  function uploadFiles(
    ticketKey: string,
    files: { name: string; bytes: Uint8Array; type?: string }[],
    key: string | null = adminKey,
  ) {
    return multipart(
      addAttachmentsMutation,
      { input: { ticket: { key: ticketKey }, files: files.map(() => null) } },
      files.map((f, i) => ({ ...f, path: `input.files.${i}` })),
      key,
    );
  }

  /** Base64 addAttachments on a ticket key. */
  function uploadBase64(
    ticketKey: string,
    files: { filename: string; bytes: Uint8Array }[],
    key: string | null = adminKey,
  ) {
    return gql(
      addAttachmentsMutation,
      {
        input: {
          ticket: { key: ticketKey },
          base64: files.map((f) => ({ filename: f.filename, content: Buffer.from(f.bytes).toString('base64') })),
        },
      },
      key,
    );
  }

  async function attachOk(result: Answer<ResultOf<typeof addAttachmentsMutation>>) {
    const payload = data(result).addAttachments;
    expect(payload.userErrors).toEqual([]);
    return payload.attachments!;
  }

  /** Every file under <dataDir>/attachments, relative, sorted. */
  async function storedFiles(): Promise<string[]> {
    const out: string[] = [];
    const walk = async (dir: string) => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else out.push(path.relative(storeDir, full));
      }
    };
    await walk(storeDir);
    return out.sort();
  }

  const blobPath = (kind: 'files' | 'thumbnails', hash: string) => path.join(storeDir, kind, hash.slice(0, 2), hash);
  const attachmentCount = () => app.db.prisma.attachment.count();
  const download = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers });
  const withToken = (url: string, token: string) => `${url.split('?')[0]}?token=${encodeURIComponent(token)}`;
  const tokenOf = (url: string) => new URL(url).searchParams.get('token')!;

  // ---------------------------------------------------------------- uploads

  describe('multipart uploads', () => {
    it('stores two files with types detected from their bytes, sizes and SHA-256', async () => {
      const jpeg = await image('jpeg', 640, 480);
      const png = await image('png', 300, 600);
      const before = await storedFiles();
      // A ticket of its own, so that it lists exactly these two.
      const own = await createTicket(adminKey, 'Two files');
      const attachments = await attachOk(
        await uploadFiles(own.key, [
          { name: 'photo.jpg', bytes: jpeg, type: 'text/plain' },
          { name: 'x.exe', bytes: png, type: 'application/x-msdownload' },
        ]),
      );
      expect(attachments).toHaveLength(2);
      expect(attachments[0]).toMatchObject({
        filename: 'photo.jpg',
        contentType: 'image/jpeg',
        byteSize: jpeg.length,
        sha256: sha256(jpeg),
      });
      expect(attachments[1]).toMatchObject({
        filename: 'x.exe',
        contentType: 'image/png',
        byteSize: png.length,
        sha256: sha256(png),
      });
      for (const a of attachments) {
        expect(a.url).toMatch(
          new RegExp(`^${base}/desk/attachments/download/file/${a.sha256}\\?attachment=${a.internalId}&token=`),
        );
        expect(a.thumbnailUrl).toMatch(
          new RegExp(`^${base}/desk/attachments/download/thumbnail/${a.sha256}\\?attachment=${a.internalId}&token=`),
        );
      }
      // The bytes on disk are exactly the upload, under their hash.
      expect(await readFile(blobPath('files', sha256(jpeg)))).toEqual(jpeg);
      expect(await readFile(blobPath('files', sha256(png)))).toEqual(png);
      const added = (await storedFiles()).filter((f) => !before.includes(f));
      expect(added.sort()).toEqual(
        [
          `files/${sha256(jpeg).slice(0, 2)}/${sha256(jpeg)}`,
          `files/${sha256(png).slice(0, 2)}/${sha256(png)}`,
          `thumbnails/${sha256(jpeg).slice(0, 2)}/${sha256(jpeg)}`,
          `thumbnails/${sha256(png).slice(0, 2)}/${sha256(png)}`,
        ].sort(),
      );
      // The ticket lists them, oldest first.
      const ticket = data(
        await gql(
          graphql(
            'query($k: String!) { ticket(key: $k) { attachments { totalCount nodes { sha256 ticket { key } } } } }',
          ),
          { k: own.key },
        ),
      ).ticket;
      expect(ticket!.attachments.nodes.map((n) => n.sha256)).toEqual([sha256(jpeg), sha256(png)]);
      expect(ticket!.attachments.nodes.at(-1)!.ticket!.key).toBe(own.key);
    });

    it('types plain text as text/plain and other bytes as application/octet-stream', async () => {
      const text = uniqueText('notes');
      const binary = Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 0, 7, ...uniqueText('x')]);
      const [t, b] = await attachOk(
        await uploadFiles(adminTicket.key, [
          { name: 'notes.png', bytes: text, type: 'image/png' },
          { name: 'blob.txt', bytes: binary, type: 'text/plain' },
        ]),
      );
      expect(t).toMatchObject({ contentType: 'text/plain', thumbnailUrl: null, byteSize: text.length });
      expect(b).toMatchObject({ contentType: 'application/octet-stream', thumbnailUrl: null, byteSize: binary.length });
      expect(existsSync(blobPath('thumbnails', sha256(text)))).toBe(false);
    });

    it('accepts files on createTicket and addComment, multipart and base64 together (multipart first)', async () => {
      const multi = uniqueText('multipart on ticket');
      const b64 = await image('gif', 200, 100);
      const created = await multipart(
        graphql(
          `mutation($input: CreateTicketInput!) {
            createTicket(input: $input) {
              ticket { id key attachments { nodes { ...AttachmentFields } } } userErrors { ...UserErrors }
            }
          }`,
          [AttachmentFields, UserErrors],
        ),
        {
          input: {
            branch: branchId,
            subject: 'With files',
            description: 'See attached',
            files: [null],
            attachments: [{ filename: 'chart.gif', content: b64.toString('base64') }],
          },
        },
        [{ path: 'input.files.0', name: 'log.txt', bytes: multi, type: 'text/plain' }],
      );
      const payload = data(created).createTicket;
      expect(payload.userErrors).toEqual([]);
      expect(payload.ticket!.attachments.nodes).toMatchObject([
        { filename: 'log.txt', contentType: 'text/plain', byteSize: multi.length, sha256: sha256(multi) },
        { filename: 'chart.gif', contentType: 'image/gif', byteSize: b64.length, sha256: sha256(b64) },
      ]);

      const commentMulti = await image('webp', 120, 120);
      const commentB64 = uniqueText('base64 on comment');
      const commented = await multipart(
        graphql(
          `mutation($input: AddCommentInput!) {
            addComment(input: $input) {
              comment { id attachments { totalCount nodes { ...AttachmentFields comment { id } } } } userErrors { ...UserErrors }
            }
          }`,
          [AttachmentFields, UserErrors],
        ),
        {
          input: {
            ticket: { key: payload.ticket!.key },
            content: 'More files',
            files: [null],
            attachments: [{ filename: 'readme.md', content: commentB64.toString('base64') }],
          },
        },
        [{ path: 'input.files.0', name: 'pic.webp', bytes: commentMulti, type: 'image/webp' }],
      );
      const comment = data(commented).addComment;
      expect(comment.userErrors).toEqual([]);
      expect(comment.comment!.attachments.totalCount).toBe(2);
      expect(comment.comment!.attachments.nodes).toMatchObject([
        {
          filename: 'pic.webp',
          contentType: 'image/webp',
          sha256: sha256(commentMulti),
          comment: { id: comment.comment!.id },
        },
        {
          filename: 'readme.md',
          contentType: 'text/plain',
          sha256: sha256(commentB64),
          comment: { id: comment.comment!.id },
        },
      ]);
      // Files of a comment are not the ticket's own files.
      const ticket = data(
        await gql(graphql('query($k: String!) { ticket(key: $k) { attachments { totalCount } } }'), {
          k: payload.ticket!.key,
        }),
      ).ticket;
      expect(ticket!.attachments.totalCount).toBe(2);

      // addAttachments can target the comment too.
      const extra = uniqueText('to comment');
      const [onComment] = await attachOk(
        await gql(addAttachmentsMutation, {
          input: {
            comment: comment.comment!.id,
            base64: [{ filename: 'extra.txt', content: extra.toString('base64') }],
          },
        }),
      );
      expect(onComment).toMatchObject({ filename: 'extra.txt', sha256: sha256(extra) });
    });
  });

  describe('base64 uploads', () => {
    it('stores base64 files with detected types and hashes', async () => {
      const png = await image('png', 64, 32);
      const text = uniqueText('b64');
      const attachments = await attachOk(
        await uploadBase64(adminTicket.key, [
          { filename: 'image.txt', bytes: png },
          { filename: 'a.txt', bytes: text },
        ]),
      );
      expect(attachments).toMatchObject([
        { filename: 'image.txt', contentType: 'image/png', byteSize: png.length, sha256: sha256(png) },
        {
          filename: 'a.txt',
          contentType: 'text/plain',
          byteSize: text.length,
          sha256: sha256(text),
          thumbnailUrl: null,
        },
      ]);
      const body = Buffer.from(await (await download(attachments[0]!.url)).arrayBuffer());
      expect(body).toEqual(png);
    });

    it('refuses content that is not base64, storing nothing', async () => {
      const rows = await attachmentCount();
      const files = await storedFiles();
      const result = await gql(addAttachmentsMutation, {
        input: { ticket: { key: adminTicket.key }, base64: [{ filename: 'x', content: '%%%not base64%%%' }] },
      });
      const payload = data(result).addAttachments;
      expect(payload.attachments).toBeNull();
      expect(payload.userErrors).toMatchObject([{ code: 'INVALID', field: ['base64', '0', 'content'] }]);
      expect(await attachmentCount()).toBe(rows);
      expect(await storedFiles()).toEqual(files);
    });
  });

  // ---------------------------------------------------------------- downloads

  describe('downloads', () => {
    let attachment: Attachment;
    let bytes: Buffer;
    const unicodeName = 'résumé ü 2024.txt';

    beforeAll(async () => {
      bytes = Buffer.concat([uniqueText('download me'), Buffer.alloc(500, 'z')]);
      [attachment] = (await attachOk(
        await uploadFiles(adminTicket.key, [{ name: unicodeName, bytes, type: 'text/plain' }]),
      )) as [Attachment];
    });

    it('serves the exact bytes with type, length, ETag, disposition and nosniff', async () => {
      const response = await download(attachment.url);
      expect(response.status).toBe(200);
      expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes);
      expect(response.headers.get('content-type')).toBe('text/plain');
      expect(response.headers.get('content-length')).toBe(String(bytes.length));
      expect(response.headers.get('etag')).toBe(`"${sha256(bytes)}"`);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      const disposition = response.headers.get('content-disposition')!;
      expect(disposition).toMatch(/^attachment;/);
      expect(disposition).toContain(`filename*=UTF-8''${encodeURIComponent(unicodeName)}`);
      // The ASCII fallback has no raw non-ASCII characters.
      expect(/filename="([^"]*)"/.exec(disposition)![1]).toMatch(/^[\x20-\x7e]+$/);
    });

    it('answers If-None-Match with the ETag by 304 and no body', async () => {
      const first = await download(attachment.url);
      const etag = first.headers.get('etag')!;
      await first.arrayBuffer();
      const response = await download(attachment.url, { 'if-none-match': etag });
      expect(response.status).toBe(304);
      expect(response.headers.get('etag')).toBe(etag);
      expect((await response.arrayBuffer()).byteLength).toBe(0);
      // Another tag is a normal download.
      const other = await download(attachment.url, { 'if-none-match': '"something-else"' });
      expect(other.status).toBe(200);
      await other.arrayBuffer();
    });

    it('serves byte ranges with 206 and refuses unsatisfiable ones with 416', async () => {
      const partial = await download(attachment.url, { range: 'bytes=0-9' });
      expect(partial.status).toBe(206);
      expect(partial.headers.get('content-range')).toBe(`bytes 0-9/${bytes.length}`);
      expect(partial.headers.get('content-length')).toBe('10');
      expect(Buffer.from(await partial.arrayBuffer())).toEqual(bytes.subarray(0, 10));

      const suffix = await download(attachment.url, { range: 'bytes=-5' });
      expect(suffix.status).toBe(206);
      expect(Buffer.from(await suffix.arrayBuffer())).toEqual(bytes.subarray(bytes.length - 5));

      const middle = await download(attachment.url, { range: `bytes=20-` });
      expect(middle.status).toBe(206);
      expect(middle.headers.get('content-range')).toBe(`bytes 20-${bytes.length - 1}/${bytes.length}`);
      expect(Buffer.from(await middle.arrayBuffer())).toEqual(bytes.subarray(20));

      const unsatisfiable = await download(attachment.url, { range: 'bytes=999999999-' });
      expect(unsatisfiable.status).toBe(416);
      expect(unsatisfiable.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
      await unsatisfiable.arrayBuffer();
    });

    it('answers HEAD with the headers and no body', async () => {
      const response = await fetch(attachment.url, { method: 'HEAD' });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-length')).toBe(String(bytes.length));
      expect((await response.arrayBuffer()).byteLength).toBe(0);
    });

    it('downloads with credentials instead of a token, and refuses neither with 401', async () => {
      const bare = attachment.url.split('?')[0]!;
      const withKey = await download(bare, { authorization: `Bearer ${adminKey}` });
      expect(withKey.status).toBe(200);
      expect(Buffer.from(await withKey.arrayBuffer())).toEqual(bytes);

      const anonymous = await download(bare);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toBeTruthy();
      await anonymous.arrayBuffer();

      const wrongKey = await download(bare, { authorization: `Bearer ${'f'.repeat(40)}` });
      expect(wrongKey.status).toBe(401);
      await wrongKey.arrayBuffer();
    });

    it('refuses a token for another kind, a tampered token, and a malformed one', async () => {
      const token = tokenOf(attachment.url);
      const asThumbnail = await download(
        `${base}/desk/attachments/download/thumbnail/${attachment.sha256}?token=${token}`,
      );
      expect(asThumbnail.status).toBe(401);
      await asThumbnail.arrayBuffer();

      const [expires, who, signature] = token.split('.');
      const tampered = await download(withToken(attachment.url, `${Number(expires) + 100}.${who}.${signature}`));
      expect(tampered.status).toBe(401);
      expect(await tampered.json()).toEqual({ error: expect.stringMatching(/^Invalid download token\. /) }); // then how to get a key

      const malformed = await download(withToken(attachment.url, 'nonsense'));
      expect(malformed.status).toBe(401);
      await malformed.arrayBuffer();
    });

    it('answers 404 for an unknown hash and a malformed one', async () => {
      const unknown = await download(`${base}/desk/attachments/download/file/${'0'.repeat(64)}`, {
        authorization: `Bearer ${adminKey}`,
      });
      expect(unknown.status).toBe(404);
      await unknown.arrayBuffer();
      const malformed = await download(`${base}/desk/attachments/download/file/..%2F..%2Fsecret.key`, {
        authorization: `Bearer ${adminKey}`,
      });
      expect(malformed.status).toBe(404);
      expect(await malformed.text()).not.toContain((await readFile(path.join(dataDir, 'secret.key'), 'utf8')).trim());
    });
  });

  // ---------------------------------------------------------------- thumbnails

  describe('thumbnails', () => {
    const cases = [
      { format: 'jpeg' as const, width: 640, height: 480, expected: [100, 75], mime: 'image/jpeg' },
      { format: 'png' as const, width: 300, height: 600, expected: [50, 100], mime: 'image/png' },
      { format: 'gif' as const, width: 400, height: 100, expected: [100, 25], mime: 'image/gif' },
      { format: 'webp' as const, width: 250, height: 250, expected: [100, 100], mime: 'image/webp' },
      { format: 'png' as const, width: 40, height: 30, expected: [40, 30], mime: 'image/png' }, // never enlarged
    ];

    for (const c of cases) {
      it(`makes a PNG within 100x100 for a ${c.width}x${c.height} ${c.format}`, async () => {
        const bytes = await image(c.format, c.width, c.height);
        const [a] = await attachOk(await uploadFiles(adminTicket.key, [{ name: `img.${c.format}`, bytes }]));
        expect(a!.contentType).toBe(c.mime);
        expect(a!.thumbnailUrl).toBeTruthy();
        const response = await download(a!.thumbnailUrl!);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('image/png');
        expect(response.headers.get('etag')).toBe(`"${a!.sha256}-thumbnail"`);
        expect(response.headers.get('content-disposition')).toContain(`filename*=UTF-8''img.${c.format}.png`);
        const thumbnail = Buffer.from(await response.arrayBuffer());
        expect(Number(response.headers.get('content-length'))).toBe(thumbnail.length);
        const meta = await sharp(thumbnail).metadata();
        expect(meta.format).toBe('png');
        expect(meta.width).toBeLessThanOrEqual(100);
        expect(meta.height).toBeLessThanOrEqual(100);
        expect([meta.width, meta.height]).toEqual(c.expected);
        expect(Math.abs(meta.width! / meta.height! - c.width / c.height)).toBeLessThan(0.05);
        // The file link still gives the original, not the preview.
        const original = Buffer.from(await (await download(a!.url)).arrayBuffer());
        expect(original).toEqual(bytes);
      });
    }

    it('has no thumbnail for text, and the thumbnail route answers 404 for it', async () => {
      const text = uniqueText('no preview');
      const [a] = await attachOk(await uploadFiles(adminTicket.key, [{ name: 'plain.txt', bytes: text }]));
      expect(a!.thumbnailUrl).toBeNull();
      const response = await download(`${base}/desk/attachments/download/thumbnail/${a!.sha256}`, {
        authorization: `Bearer ${adminKey}`,
      });
      expect(response.status).toBe(404);
      await response.arrayBuffer();
    });

    it('detects a BMP and previews it (decoded by bmp-ts, since sharp has no BMP loader)', async () => {
      const bytes = bmp(160, 80);
      const [a] = await attachOk(await uploadFiles(adminTicket.key, [{ name: 'paint.bmp', bytes }]));
      expect(a).toMatchObject({ contentType: 'image/bmp', byteSize: bytes.length, sha256: sha256(bytes) });
      const downloaded = Buffer.from(await (await download(a!.url)).arrayBuffer());
      expect(downloaded).toEqual(bytes);
      expect(a!.thumbnailUrl).not.toBeNull();
      const meta = await sharp(Buffer.from(await (await download(a!.thumbnailUrl!)).arrayBuffer())).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['png', 100, 50]);
      expect(existsSync(blobPath('thumbnails', a!.sha256))).toBe(true);
    });

    it('stores a broken image without a preview', async () => {
      const jpeg = await image('jpeg', 64, 64);
      const truncated = Buffer.concat([jpeg.subarray(0, 40), uniqueText('garbage')]);
      const [a] = await attachOk(await uploadFiles(adminTicket.key, [{ name: 'broken.jpg', bytes: truncated }]));
      expect(a!.contentType).toBe('image/jpeg');
      expect(a!.byteSize).toBe(truncated.length);
      expect(a!.thumbnailUrl).toBeNull();
    });
  });

  // ---------------------------------------------------------------- limits

  describe('limits', () => {
    async function expectNothingStored(run: () => Promise<void>) {
      const rows = await attachmentCount();
      const files = await storedFiles();
      await run();
      expect(await attachmentCount()).toBe(rows);
      expect(await storedFiles()).toEqual(files);
    }

    it('refuses a multipart file over HELPDESK_MAX_FILE_SIZE, storing nothing', async () => {
      await expectNothingStored(async () => {
        const big = Buffer.alloc(MAX_FILE_SIZE + 1, 'a');
        big.write(uniqueText('big').toString());
        const result = await uploadFiles(adminTicket.key, [{ name: 'big.txt', bytes: big }]);
        expect(result.status).not.toBe(500);
        expect((result.body.errors ?? []).map((e) => e.extensions?.code)).not.toContain('INTERNAL_SERVER_ERROR');
        if (result.status === 200) {
          expect(result.body.data!.addAttachments.attachments).toBeNull();
          expect(result.body.data!.addAttachments.userErrors).toMatchObject([{ code: 'TOO_LONG' }]);
        } else {
          expect(result.status).toBe(413);
          expect(result.body.errors![0]!.message).toBe(`File size limit exceeded: ${MAX_FILE_SIZE} bytes`);
        }
      });
    });

    it('accepts a multipart file of exactly HELPDESK_MAX_FILE_SIZE', async () => {
      const exact = Buffer.alloc(MAX_FILE_SIZE, 'b');
      exact.write(uniqueText('exact').toString());
      const [a] = await attachOk(await uploadFiles(adminTicket.key, [{ name: 'exact.txt', bytes: exact }]));
      expect(a!.byteSize).toBe(MAX_FILE_SIZE);
      expect(a!.sha256).toBe(sha256(exact));
    });

    it('refuses a base64 file over the size with TOO_LONG, storing nothing', async () => {
      await expectNothingStored(async () => {
        const big = Buffer.alloc(MAX_FILE_SIZE + 1, 'c');
        const payload = data(
          await uploadBase64(adminTicket.key, [
            { filename: 'small.txt', bytes: uniqueText('ok') },
            { filename: 'big.txt', bytes: big },
          ]),
        ).addAttachments;
        expect(payload.attachments).toBeNull();
        expect(payload.userErrors).toMatchObject([{ code: 'TOO_LONG', field: ['files', '1'] }]);
        expect(payload.userErrors[0]!.message).toContain('big.txt');
      });
    });

    it('accepts exactly HELPDESK_MAX_FILES multipart files', async () => {
      const files = [1, 2, 3].map((n) => ({ name: `ok${n}.txt`, bytes: uniqueText(`allowed ${n}`) }));
      const attachments = await attachOk(await uploadFiles(adminTicket.key, files));
      expect(attachments.map((a) => a.sha256)).toEqual(files.map((f) => sha256(f.bytes)));
    });

    it('refuses more than HELPDESK_MAX_FILES multipart files, storing nothing', async () => {
      await expectNothingStored(async () => {
        const files = [1, 2, 3, 4].map((n) => ({ name: `f${n}.txt`, bytes: uniqueText(`file ${n}`) }));
        const result = await uploadFiles(adminTicket.key, files);
        expect(result.status).not.toBe(500);
        // A refusal the client can act on, not a masked internal error.
        expect((result.body.errors ?? []).map((e) => e.extensions?.code)).not.toContain('INTERNAL_SERVER_ERROR');
        if (result.status === 200) {
          expect(result.body.data?.addAttachments?.attachments).toBeNull();
          expect(result.body.data?.addAttachments?.userErrors).toMatchObject([{ code: 'INVALID' }]);
        } else {
          expect([400, 413]).toContain(result.status);
          expect(JSON.stringify(result.body)).toMatch(/limit|at most/i);
        }
      });
    });

    it('refuses more than HELPDESK_MAX_FILES base64 files, and counts multipart and base64 together', async () => {
      await expectNothingStored(async () => {
        const four = [1, 2, 3, 4].map((n) => ({ filename: `b${n}.txt`, bytes: uniqueText(`b64 ${n}`) }));
        const payload = data(await uploadBase64(adminTicket.key, four)).addAttachments;
        expect(payload.attachments).toBeNull();
        expect(payload.userErrors).toMatchObject([{ code: 'INVALID', field: ['files'] }]);

        const mixed = data(
          await multipart(
            addAttachmentsMutation,
            {
              input: {
                ticket: { key: adminTicket.key },
                files: [null, null],
                base64: four
                  .slice(0, 2)
                  .map((f) => ({ filename: f.filename, content: Buffer.from(f.bytes).toString('base64') })),
              },
            },
            [
              { path: 'input.files.0', name: 'm1.txt', bytes: uniqueText('m1') },
              { path: 'input.files.1', name: 'm2.txt', bytes: uniqueText('m2') },
            ],
          ),
        ).addAttachments;
        expect(mixed.attachments).toBeNull();
        expect(mixed.userErrors).toMatchObject([{ code: 'INVALID' }]);
      });
    });

    it('leaves no ticket behind when createTicket carries a file that is too large', async () => {
      const tickets = await app.db.prisma.ticket.count();
      await expectNothingStored(async () => {
        const payload = data(
          await gql(
            graphql(
              'mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id } userErrors { ...UserErrors } } }',
              [UserErrors],
            ),
            {
              input: {
                branch: branchId,
                subject: 'Too big',
                description: 'x',
                attachments: [{ filename: 'big.bin', content: Buffer.alloc(MAX_FILE_SIZE + 1).toString('base64') }],
              },
            },
          ),
        ).createTicket;
        expect(payload.ticket).toBeNull();
        expect(payload.userErrors).toMatchObject([{ code: 'TOO_LONG' }]);
      });
      expect(await app.db.prisma.ticket.count()).toBe(tickets);
    });

    it('answers 413 to a declared Content-Length over HELPDESK_MAX_REQUEST_SIZE', async () => {
      await expectNothingStored(async () => {
        const content = Buffer.alloc(MAX_REQUEST, 'd').toString('base64');
        const body = JSON.stringify({
          query: queryText(addAttachmentsMutation),
          variables: { input: { ticket: { key: adminTicket.key }, base64: [{ filename: 'huge', content }] } },
        });
        expect(Buffer.byteLength(body)).toBeGreaterThan(MAX_REQUEST);
        const response = await fetch(`${base}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
          body,
        });
        expect(response.status).toBe(413);
        // A JSON body: its cap is HELPDESK_MAX_JSON_SIZE, which defaults to at most HELPDESK_MAX_REQUEST_SIZE.
        expect((await response.json()).error).toMatch(
          new RegExp(`^Request body is larger than ${MAX_REQUEST} bytes, the limit for JSON`),
        );
      });
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    });

    it('cuts off a chunked body over HELPDESK_MAX_REQUEST_SIZE and keeps serving', async () => {
      await expectNothingStored(async () => {
        const CHUNKED_TOTAL = 64 * MAX_REQUEST;
        const chunk = new Uint8Array(64 * 1024).fill(0x61);
        let sent = 0;
        const stream = new ReadableStream<Uint8Array>({
          pull(controller) {
            if (sent === 0) {
              const head = new TextEncoder().encode('{"query":"mutation { __typename }","variables":{"x":"');
              sent += head.length;
              controller.enqueue(head);
            } else if (sent < CHUNKED_TOTAL) {
              sent += chunk.length;
              controller.enqueue(chunk);
            } else {
              controller.enqueue(new TextEncoder().encode('"}}'));
              controller.close();
            }
          },
        });
        const outcome = await fetch(`${base}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
          body: stream,
          duplex: 'half',
        } as RequestInit & { duplex: 'half' }).then(
          async (response) => ({ status: response.status, body: await response.text().catch(() => '') }),
          (error: Error) => ({ status: 0, body: String(error) }),
        );
        // Either the 413 arrived or the connection was cut; never a success or a 500.
        if (outcome.status !== 0) {
          expect(outcome.status).toBe(413);
          expect(outcome.body).toContain('larger than');
        }
        // The server stopped reading well before the whole body was produced.
        expect(sent).toBeLessThan(CHUNKED_TOTAL / 2);
      });
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      const after = data(await gql(graphql('{ __typename }')));
      expect(after.__typename).toBe('Query');
    });
  });

  // ---------------------------------------------------------------- filenames

  describe('filenames', () => {
    it('strips paths from a base64 filename and writes nothing outside the attachments directory', async () => {
      const topLevel = (await readdir(dataDir)).sort();
      const text = uniqueText('traversal');
      const [a, b] = await attachOk(
        await uploadBase64(adminTicket.key, [
          { filename: '../../etc/passwd', bytes: text },
          { filename: '..\\..\\windows\\win.ini', bytes: uniqueText('win') },
        ]),
      );
      expect(a!.filename).toBe('passwd');
      expect(b!.filename).toBe('win.ini');
      // The attachments directory itself may be new (CI shuffles the tests; this one may upload
      // first); nothing else at the top level is.
      expect((await readdir(dataDir)).sort()).toEqual([...new Set([...topLevel, 'attachments'])].sort());
      expect(existsSync(path.join(path.dirname(dataDir), 'etc'))).toBe(false);
      expect(existsSync(path.join(dataDir, 'etc'))).toBe(false);
      for (const file of await storedFiles()) expect(file).toMatch(/^(files|thumbnails)\/[0-9a-f]{2}\/[0-9a-f]{64}$/);
      expect(await readFile(blobPath('files', sha256(text)))).toEqual(text);
      const response = await download(a!.url);
      expect(response.headers.get('content-disposition')).toContain(`filename*=UTF-8''passwd`);
      await response.arrayBuffer();
    });

    it('strips paths from a multipart filename', async () => {
      const [a] = await attachOk(
        await uploadFiles(adminTicket.key, [{ name: '../../etc/passwd', bytes: uniqueText('multipart traversal') }]),
      );
      expect(a!.filename).toBe('passwd');
      for (const file of await storedFiles()) expect(file).toMatch(/^(files|thumbnails)\/[0-9a-f]{2}\/[0-9a-f]{64}$/);
    });

    it('removes control characters, leading dots and reserved characters; never leaves a name empty', async () => {
      const attachments = await attachOk(
        await uploadBase64(adminTicket.key, [
          { filename: 'bad\u0000na\u0007me\u001f\u007f.txt', bytes: uniqueText('ctl') },
          { filename: '..hidden<x>.txt', bytes: uniqueText('dots') },
          { filename: '../', bytes: uniqueText('empty') },
        ]),
      );
      expect(attachments.map((a) => a.filename)).toEqual(['badname.txt', 'hidden_x_.txt', 'file']);
    });
  });

  // ---------------------------------------------------------------- permissions

  describe('permissions', () => {
    let aFile: Attachment;
    let aBytes: Buffer;
    let aOther: Attachment;

    beforeAll(async () => {
      aBytes = uniqueText('secret of A');
      [aFile, aOther] = (await attachOk(
        await uploadFiles(
          customers.a.ticket.key,
          [
            { name: 'a-secret.txt', bytes: aBytes },
            { name: 'a-other.txt', bytes: uniqueText('other of A') },
          ],
          customers.a.key,
        ),
      )) as [Attachment, Attachment];
    });

    it('lets a customer upload to their own ticket, not to another customer’s', async () => {
      expect(aFile).toMatchObject({ filename: 'a-secret.txt', sha256: sha256(aBytes) });
      await expectRefused(customers.b.ticket.key, customers.a.key);
      // The same with base64, and B to A's ticket.
      const rows = await attachmentCount();
      const b64 = data(
        await uploadBase64(
          customers.a.ticket.key,
          [{ filename: 'x.txt', bytes: uniqueText('b into a') }],
          customers.b.key,
        ),
      ).addAttachments;
      expect(b64.attachments).toBeNull();
      expect(b64.userErrors).toMatchObject([{ code: 'NOT_FOUND' }]);
      expect(await attachmentCount()).toBe(rows);

      async function expectRefused(ticketKey: string, key: string) {
        const before = await storedFiles();
        const count = await attachmentCount();
        const payload = data(
          await uploadFiles(ticketKey, [{ name: 'intrude.txt', bytes: uniqueText('intrude') }], key),
        ).addAttachments;
        expect(payload.attachments).toBeNull();
        expect(payload.userErrors).toMatchObject([{ code: 'NOT_FOUND' }]);
        expect(await attachmentCount()).toBe(count);
        expect(await storedFiles()).toEqual(before);
      }
    });

    it('lets the owner download with their token and credentials; another customer gets 404', async () => {
      const own = await download(aFile.url);
      expect(own.status).toBe(200);
      expect(Buffer.from(await own.arrayBuffer())).toEqual(aBytes);
      const ownKey = await download(aFile.url.split('?')[0]!, { authorization: `Bearer ${customers.a.key}` });
      expect(ownKey.status).toBe(200);
      await ownKey.arrayBuffer();

      const other = await download(aFile.url.split('?')[0]!, { authorization: `Bearer ${customers.b.key}` });
      expect(other.status).toBe(404);
      await other.arrayBuffer();
      // Nor can B read the attachment through GraphQL.
      const node = data(
        await gql(graphql('query($id: ID!) { node(id: $id) { id } }'), { id: aFile.id }, customers.b.key),
      );
      expect(node.node).toBeNull();
    });

    it('does not reveal A’s filename to B when B uploads the same bytes', async () => {
      // Not customers.b: once B holds the same bytes, B may download them (the 404 test expects not).
      const copier = await createCustomer(server, { withKey: true });
      const ticket = await createTicket(copier.key!, 'Copied bytes');
      const [mine] = await attachOk(
        await uploadFiles(ticket.key, [{ name: 'b-copy.txt', bytes: aBytes }], copier.key!),
      );
      expect(mine!.sha256).toBe(aFile.sha256);
      const response = await download(mine!.url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-disposition')).toContain("filename*=UTF-8''b-copy.txt");
      await response.arrayBuffer();
    });

    it('names each download after the attachment its link was made for, however many share the bytes', async () => {
      const [first, second] = await attachOk(
        await uploadFiles(
          customers.a.ticket.key,
          [
            { name: 'test.jpg', bytes: aBytes },
            { name: 'big.png', bytes: aBytes },
          ],
          customers.a.key,
        ),
      );
      expect(second!.sha256).toBe(first!.sha256);
      for (const [attachment, name] of [
        [second, 'big.png'],
        [first, 'test.jpg'],
      ] as const) {
        const response = await download(attachment!.url);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-disposition')).toContain(`filename*=UTF-8''${name}`);
        await response.arrayBuffer();
      }
    });

    it('refuses a token moved to another file’s hash with 401', async () => {
      const moved = `${base}/desk/attachments/download/file/${aOther.sha256}?token=${tokenOf(aFile.url)}`;
      const response = await download(moved);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: expect.stringMatching(/^Invalid download token\. /) }); // then how to get a key
      // The token issued for that file does work.
      const right = await download(aOther.url);
      expect(right.status).toBe(200);
      await right.arrayBuffer();
    });

    it('refuses an expired token with 401', async () => {
      const hex = (await readFile(path.join(dataDir, 'secret.key'), 'utf8')).trim();
      const box = secretBox(Buffer.from(hex, 'hex'));
      const viewer = { kind: 'customer' as const, id: customers.a.internalId };
      const past = Math.floor(Date.now() / 1000) - 60;
      const expired = await download(withToken(aFile.url, issueDownloadToken(box, viewer, 'file', aFile.sha256, past)));
      expect(expired.status).toBe(401);
      expect(((await expired.json()) as { error: string }).error).toMatch(/expired/i);
      // The same key makes a valid token when the expiry is in the future: the 401 is the expiry.
      const future = await download(
        withToken(aFile.url, issueDownloadToken(box, viewer, 'file', aFile.sha256, past + 3600)),
      );
      expect(future.status).toBe(200);
      expect(Buffer.from(await future.arrayBuffer())).toEqual(aBytes);
    });

    it('refuses removeAttachment to a customer with FORBIDDEN', async () => {
      const payload = data(await gql(removeMutation, { id: aFile.id }, customers.a.key)).removeAttachment;
      expect(payload.deletedAttachmentId).toBeNull();
      expect(payload.userErrors).toMatchObject([{ code: 'FORBIDDEN' }]);
      expect(await app.db.prisma.attachment.findUnique({ where: { id: aFile.internalId } })).not.toBeNull();
      expect(existsSync(blobPath('files', aFile.sha256))).toBe(true);
    });

    it('stops honouring a customer’s tokens once the customer is blocked', async () => {
      // A customer of its own: the others stay unblocked for the other tests.
      const customer = await createCustomer(server, { withKey: true });
      const ticket = await createTicket(customer.key!, 'To be blocked');
      const [file, other] = await attachOk(
        await uploadFiles(
          ticket.key,
          [
            { name: 'c-secret.txt', bytes: uniqueText('secret of C') },
            { name: 'c-other.txt', bytes: uniqueText('other of C') },
          ],
          customer.key!,
        ),
      );
      const before = await download(file!.url);
      expect(before.status).toBe(200);
      await before.arrayBuffer();
      const blocked = data(
        await gql(
          graphql(
            'mutation($id: ID!) { blockCustomer(input: {id: $id}) { customer { blocked } userErrors { ...UserErrors } } }',
            [UserErrors],
          ),
          { id: customer.id },
        ),
      ).blockCustomer;
      expect(blocked).toMatchObject({ customer: { blocked: true }, userErrors: [] });
      const after = await download(file!.url);
      expect(after.status).toBe(401);
      await after.arrayBuffer();
      const thumbnailOrFile = await download(other!.url);
      expect(thumbnailOrFile.status).toBe(401);
      await thumbnailOrFile.arrayBuffer();
    });
  });

  // ---------------------------------------------------------------- deduplication and cleanup

  describe('deduplication and cleanup', () => {
    it('stores identical bytes once and deletes the blob with the last attachment', async () => {
      const png = await image('png', 320, 200);
      const hash = sha256(png);
      const before = await storedFiles();
      const [first] = await attachOk(await uploadFiles(adminTicket.key, [{ name: 'one.png', bytes: png }]));
      const [second] = await attachOk(
        await uploadBase64(customers.b.ticket.key, [{ filename: 'two.png', bytes: png }]),
      );
      expect(first!.id).not.toBe(second!.id);
      expect(first!.sha256).toBe(hash);
      expect(second!.sha256).toBe(hash);
      const added = (await storedFiles()).filter((f) => !before.includes(f));
      expect(added.sort()).toEqual([`files/${hash.slice(0, 2)}/${hash}`, `thumbnails/${hash.slice(0, 2)}/${hash}`]);

      const removed = data(await gql(removeMutation, { id: first!.id })).removeAttachment;
      expect(removed).toEqual({ deletedAttachmentId: first!.id, userErrors: [] });
      expect(existsSync(blobPath('files', hash))).toBe(true);
      expect(existsSync(blobPath('thumbnails', hash))).toBe(true);
      // The remaining attachment still downloads, file and preview.
      const still = await download(second!.url);
      expect(still.status).toBe(200);
      expect(Buffer.from(await still.arrayBuffer())).toEqual(png);
      const preview = await download(second!.thumbnailUrl!);
      expect(preview.status).toBe(200);
      await preview.arrayBuffer();
      // The removed one is gone from GraphQL.
      expect(data(await gql(graphql('query($id: ID!) { node(id: $id) { id } }'), { id: first!.id })).node).toBeNull();

      const last = data(await gql(removeMutation, { id: second!.id })).removeAttachment;
      expect(last).toEqual({ deletedAttachmentId: second!.id, userErrors: [] });
      expect(existsSync(blobPath('files', hash))).toBe(false);
      expect(existsSync(blobPath('thumbnails', hash))).toBe(false);
      expect(await storedFiles()).toEqual(before);
      const gone = await download(second!.url.split('?')[0]!, { authorization: `Bearer ${adminKey}` });
      expect(gone.status).toBe(404);
      await gone.arrayBuffer();

      const again = data(await gql(removeMutation, { id: second!.id })).removeAttachment;
      expect(again.deletedAttachmentId).toBeNull();
      expect(again.userErrors).toMatchObject([{ code: 'NOT_FOUND' }]);
    });

    it('stores identical bytes sent twice in one request once', async () => {
      const text = uniqueText('twice in one');
      const before = await storedFiles();
      const [x, y] = await attachOk(
        await uploadFiles(adminTicket.key, [
          { name: 'x.txt', bytes: text },
          { name: 'y.txt', bytes: text },
        ]),
      );
      expect(x!.sha256).toBe(y!.sha256);
      expect((await storedFiles()).filter((f) => !before.includes(f))).toEqual([
        `files/${x!.sha256.slice(0, 2)}/${x!.sha256}`,
      ]);
    });

    it('deleting a ticket removes the blobs only it used, on it and on its comments', async () => {
      const ticket = await createTicket(adminKey, 'To delete');
      const own = await image('jpeg', 300, 300);
      const shared = uniqueText('shared with another ticket');
      const onComment = await image('png', 50, 50);
      await attachOk(
        await uploadFiles(ticket.key, [
          { name: 'own.jpg', bytes: own },
          { name: 'shared.txt', bytes: shared },
        ]),
      );
      await attachOk(await uploadBase64(adminTicket.key, [{ filename: 'shared-elsewhere.txt', bytes: shared }]));
      const comment = data(
        await gql(
          graphql(
            'mutation($input: AddCommentInput!) { addComment(input: $input) { comment { id } userErrors { ...UserErrors } } }',
            [UserErrors],
          ),
          {
            input: {
              ticket: { key: ticket.key },
              content: 'with picture',
              attachments: [{ filename: 'c.png', content: onComment.toString('base64') }],
            },
          },
        ),
      ).addComment;
      expect(comment.userErrors).toEqual([]);
      for (const bytes of [own, shared, onComment]) expect(existsSync(blobPath('files', sha256(bytes)))).toBe(true);
      expect(existsSync(blobPath('thumbnails', sha256(own)))).toBe(true);
      expect(existsSync(blobPath('thumbnails', sha256(onComment)))).toBe(true);

      const deleted = data(
        await gql(
          graphql(
            'mutation($k: String!) { deleteTicket(input: {ticket: {key: $k}}) { deletedTicketId userErrors { ...UserErrors } } }',
            [UserErrors],
          ),
          { k: ticket.key },
        ),
      ).deleteTicket;
      expect(deleted).toEqual({ deletedTicketId: ticket.id, userErrors: [] });

      expect(existsSync(blobPath('files', sha256(own)))).toBe(false);
      expect(existsSync(blobPath('thumbnails', sha256(own)))).toBe(false);
      expect(existsSync(blobPath('files', sha256(onComment)))).toBe(false);
      expect(existsSync(blobPath('thumbnails', sha256(onComment)))).toBe(false);
      expect(existsSync(blobPath('files', sha256(shared)))).toBe(true);
      expect(
        await app.db.prisma.attachment.count({ where: { sha256: { in: [sha256(own), sha256(onComment)] } } }),
      ).toBe(0);
      expect(await app.db.prisma.attachment.count({ where: { sha256: sha256(shared) } })).toBe(1);
      // No temporary files are left over anywhere.
      expect((await storedFiles()).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    });
  });
});

const removeMutation = graphql(
  'mutation($id: ID!) { removeAttachment(input: {id: $id}) { deletedAttachmentId userErrors { ...UserErrors } } }',
  [UserErrors],
);

describe('download links expire by the app clock', () => {
  // The token's expiry and its check both read the app's clock: moving it shows the expiry
  // without waiting an hour.
  const clock = testClock('2026-05-01T10:00:00Z');
  let app: TestApp;
  let served: Awaited<ReturnType<typeof serveTestApp>>;
  beforeAll(async () => {
    app = await createTestApp({ now: clock, downloadTokenSeconds: 600 });
    served = await serveTestApp(app);
  });
  afterAll(async () => {
    await served?.close();
    await app?.close();
  });

  it('serves a link until its token expires, then answers 401', async () => {
    clock.set('2026-05-01T10:00:00Z');
    const branch = await createBranch(app);
    const ticket = await createTicket(app, { branch: branch.id });
    const bytes = uniqueText('expiring');
    const added = ok(
      await app.gql(
        graphql(
          `mutation($input: AddAttachmentsInput!) {
            addAttachments(input: $input) { attachments { url } userErrors { ...UserErrors } }
          }`,
          [UserErrors],
        ),
        {
          input: { ticket: { key: ticket.key }, base64: [{ filename: 'soon.txt', content: bytes.toString('base64') }] },
        },
      ),
    ).addAttachments;
    expect(added.userErrors).toEqual([]);
    // Links name the app's public URL; the test server listens elsewhere.
    const link = new URL(added.attachments![0]!.url);
    const url = `${served.base}${link.pathname}${link.search}`;

    clock.advance(599_000);
    const inTime = await fetch(url);
    expect(inTime.status).toBe(200);
    expect(Buffer.from(await inTime.arrayBuffer())).toEqual(bytes);

    clock.advance(2_000);
    const late = await fetch(url);
    expect(late.status).toBe(401);
    expect(((await late.json()) as { error: string }).error).toMatch(/expired/i);
  });
});
