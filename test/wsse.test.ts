// WSSE UsernameToken authentication as DiamanteDesk clients send it (X-WSSE), with the npm `wsse`
// package as an independent client, plus a digest test vector computed outside the project.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import wsse, { UsernameToken } from 'wsse';
import { createApp } from '../src/app.ts';
import { issueApiKey } from '../src/auth/api-keys.ts';
import { parseWsseHeader, wsseDigest, wsseNonceKey } from '../src/auth/wsse.ts';
import { createLogger } from '../src/logger.ts';
import { filesystemBlobStore } from '../src/storage/blob-store.ts';
import { createCustomer } from './fixtures.ts';
import { createTestApp, type TestApp } from './helpers.ts';

// Computed by hand, independently of the project code:
//   python3 -c "import base64,hashlib; print(base64.b64encode(hashlib.sha1(
//     b'abcdef0123456789' + b'2015-07-17T11:25:21Z' + b'0123456789abcdef0123456789abcdef01234567').digest()).decode())"
//   printf 'abcdef01234567892015-07-17T11:25:21Z0123456789abcdef0123456789abcdef01234567' | openssl sha1 -binary | base64
const VECTOR = {
  nonceBytes: 'abcdef0123456789',
  nonce: 'YWJjZGVmMDEyMzQ1Njc4OQ==', // base64 of the bytes above
  created: '2015-07-17T11:25:21Z',
  key: '0123456789abcdef0123456789abcdef01234567',
  digest: 'ETBlF3awuGkN8RkwNErSy9XlKEY=',
};

const ADMIN_EMAIL = 'admin@example.com';
const VIEWER_QUERY = '{ viewer { __typename name } }';

describe('WSSE digest and header parsing', () => {
  it('computes the hand-made test vector', () => {
    expect(Buffer.from(VECTOR.nonceBytes).toString('base64')).toBe(VECTOR.nonce);
    const digest = wsseDigest(VECTOR.nonce, VECTOR.created, VECTOR.key);
    expect(digest).toBeInstanceOf(Buffer);
    expect(digest.length).toBe(20);
    expect(digest.toString('base64')).toBe(VECTOR.digest);
    // A different key, nonce or time gives a different digest.
    expect(wsseDigest(VECTOR.nonce, VECTOR.created, 'f'.repeat(40)).toString('base64')).not.toBe(VECTOR.digest);
    expect(
      wsseDigest(Buffer.from('abcdef012345678X').toString('base64'), VECTOR.created, VECTOR.key).toString('base64'),
    ).not.toBe(VECTOR.digest);
    expect(wsseDigest(VECTOR.nonce, '2015-07-17T11:25:22Z', VECTOR.key).toString('base64')).not.toBe(VECTOR.digest);
  });

  it('agrees with the npm wsse package on the same vector', () => {
    const token = new UsernameToken({
      username: ADMIN_EMAIL,
      password: VECTOR.key,
      created: VECTOR.created,
      nonce: VECTOR.nonceBytes,
    });
    expect(token.getPasswordDigest()).toBe(VECTOR.digest);
    expect(token.getWSSEHeader({ nonceBase64: true })).toBe(
      `UsernameToken Username="${ADMIN_EMAIL}", PasswordDigest="${VECTOR.digest}", Nonce="${VECTOR.nonce}", Created="${VECTOR.created}"`,
    );
  });

  it('parses a header built by hand', () => {
    const header = `UsernameToken Username="${ADMIN_EMAIL}", PasswordDigest="${VECTOR.digest}", Nonce="${VECTOR.nonce}", Created="${VECTOR.created}"`;
    expect(parseWsseHeader(header)).toEqual({
      username: ADMIN_EMAIL,
      digest: VECTOR.digest,
      nonce: VECTOR.nonce,
      created: VECTOR.created,
      createdAt: Date.UTC(2015, 6, 17, 11, 25, 21),
    });
  });

  it('parses a reordered, oddly spaced header with names in any case', () => {
    const header = `  usernametoken   created = "${VECTOR.created}",nonce="${VECTOR.nonce}"  ,\tPASSWORDDIGEST  ="${VECTOR.digest}" ,  Username= "${ADMIN_EMAIL}"  `;
    expect(parseWsseHeader(header)).toEqual({
      username: ADMIN_EMAIL,
      digest: VECTOR.digest,
      nonce: VECTOR.nonce,
      created: VECTOR.created,
      createdAt: Date.UTC(2015, 6, 17, 11, 25, 21),
    });
  });

  it('refuses headers that lack a field or carry a bad time', () => {
    expect(() =>
      parseWsseHeader(`UsernameToken Username="a@b.c", PasswordDigest="x", Created="${VECTOR.created}"`),
    ).toThrow(/Malformed.*Nonce/);
    expect(() =>
      parseWsseHeader(`UsernameToken Username="a@b.c", PasswordDigest="x", Nonce="n", Created="yesterday"`),
    ).toThrow(/Malformed.*Created/);
    expect(() => parseWsseHeader('garbage')).toThrow(/Malformed/);
  });
});

describe('WSSE authentication over GraphQL', () => {
  let app: TestApp;
  // A pinned clock: freshness limits are exact, whatever the test's speed.
  const now = Date.now();
  const logger = createLogger('silent');

  beforeAll(async () => {
    app = await createTestApp({ now: () => now });
  });
  afterAll(() => app?.close());

  const send = (yoga: TestApp['yoga'], headers: Record<string, string>) =>
    yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: VIEWER_QUERY }),
    });
  const withWsse = (header: string, yoga = app.yoga) =>
    send(yoga, { 'x-wsse': header, authorization: 'WSSE profile="UsernameToken"' });

  /** A header from the npm wsse package; `created` pins the Created time. */
  const header = (username: string, password: string, created?: number) =>
    created === undefined
      ? wsse({ username, password }).getWSSEHeader({ nonceBase64: true })
      : new UsernameToken({ username, password, created: new Date(created).toISOString() }).getWSSEHeader({
          nonceBase64: true,
        });

  async function expect401(response: Response, message?: RegExp) {
    expect(response.status).toBe(401);
    const www = response.headers.get('www-authenticate') ?? '';
    expect(www).toMatch(/\bWSSE\b/);
    // Basic works when sent, but is never offered (browsers would remember it).
    expect(www).not.toMatch(/\bBasic\b/);
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    // A GraphQL response: `errors` alone, no `data`, no extra `error`.
    expect(Object.keys(body)).toEqual(['errors']);
    expect(body.errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
    if (message) expect(body.errors[0]!.message).toMatch(message);
    return body.errors[0]!.message;
  }

  async function expectViewer(response: Response, typename: string, name: string) {
    expect(response.status).toBe(200);
    const body = (await response.json()) as any;
    expect(body.errors).toBeUndefined();
    expect(body.data.viewer).toEqual({ __typename: typename, name });
  }

  it('authenticates the admin with a header from the wsse package', async () => {
    const response = await withWsse(header(ADMIN_EMAIL, app.adminKey));
    await expectViewer(response, 'Agent', 'Ada Admin');
  });

  it('authenticates with X-WSSE alone, and with a user name in another case', async () => {
    await expectViewer(await send(app.yoga, { 'x-wsse': header(ADMIN_EMAIL, app.adminKey) }), 'Agent', 'Ada Admin');
    await expectViewer(await withWsse(header('Admin@Example.COM', app.adminKey)), 'Agent', 'Ada Admin');
  });

  it('stores each used nonce in the database, as the SHA-256 of its bytes', async () => {
    const before = await app.db.prisma.wsseNonce.count();
    const value = header(ADMIN_EMAIL, app.adminKey, now);
    await expectViewer(await withWsse(value), 'Agent', 'Ada Admin');
    expect(await app.db.prisma.wsseNonce.count()).toBe(before + 1);
    const nonce = parseWsseHeader(value).nonce;
    expect(wsseNonceKey(nonce)).toBe(createHash('sha256').update(Buffer.from(nonce, 'base64')).digest('hex'));
    const row = await app.db.prisma.wsseNonce.findUnique({ where: { nonce: wsseNonceKey(nonce) } });
    expect(row).not.toBeNull();
    // Kept for the token's lifetime: until Created + 300 s.
    expect(row!.expiresAt.getTime()).toBe(now + 300_000);
  });

  it('accepts Created up to 300 s away, either way', async () => {
    await expectViewer(await withWsse(header(ADMIN_EMAIL, app.adminKey, now - 299_000)), 'Agent', 'Ada Admin');
    await expectViewer(await withWsse(header(ADMIN_EMAIL, app.adminKey, now + 299_000)), 'Agent', 'Ada Admin');
  });

  it('refuses a token created 301 s ago as expired', async () => {
    await expect401(await withWsse(header(ADMIN_EMAIL, app.adminKey, now - 301_000)), /expired/);
  });

  it('refuses a token created 301 s ahead as from the future', async () => {
    await expect401(await withWsse(header(ADMIN_EMAIL, app.adminKey, now + 301_000)), /future/);
  });

  it('refuses the same header a second time as replayed', async () => {
    const value = header(ADMIN_EMAIL, app.adminKey);
    await expectViewer(await withWsse(value), 'Agent', 'Ada Admin');
    await expect401(await withWsse(value), /already used/);
  });

  it('refuses a replay to another app instance on the same database', async () => {
    const other = createApp({ db: app.db, box: app.box, store: filesystemBlobStore(app.storeDir), logger });
    const value = header(ADMIN_EMAIL, app.adminKey);
    await expectViewer(await withWsse(value), 'Agent', 'Ada Admin');
    await expect401(await withWsse(value, other.yoga), /already used/);
    // The other instance itself works with a fresh token.
    await expectViewer(await withWsse(header(ADMIN_EMAIL, app.adminKey), other.yoga), 'Agent', 'Ada Admin');
  });

  it('refuses a wrong key and an unknown user with the same message', async () => {
    const wrongKey = await expect401(await withWsse(header(ADMIN_EMAIL, 'f'.repeat(40))));
    const unknownUser = await expect401(await withWsse(header('nobody@example.com', app.adminKey)));
    expect(wrongKey).toBe(unknownUser);
    expect(wrongKey).not.toMatch(/nobody|admin@/);
  });

  it('refuses a digest that is not the right length or not base64', async () => {
    const token = parseWsseHeader(header(ADMIN_EMAIL, app.adminKey));
    const build = (digest: string) =>
      `UsernameToken Username="${ADMIN_EMAIL}", PasswordDigest="${digest}", Nonce="${token.nonce}", Created="${token.created}"`;
    await expect401(await withWsse(build('AAAA')));
    await expect401(await withWsse(build('not base64 at all!!')));
  });

  it('refuses malformed headers', async () => {
    const token = parseWsseHeader(header(ADMIN_EMAIL, app.adminKey));
    await expect401(
      await withWsse(
        `UsernameToken Username="${ADMIN_EMAIL}", PasswordDigest="${token.digest}", Created="${token.created}"`,
      ),
      /Malformed.*Nonce/,
    );
    await expect401(
      await withWsse(
        `UsernameToken Username="${ADMIN_EMAIL}", PasswordDigest="${token.digest}", Nonce="${token.nonce}", Created="soon"`,
      ),
      /Malformed.*Created/,
    );
    await expect401(await withWsse('%%% garbage %%%'), /Malformed/);
  });

  it('refuses Authorization: WSSE without an X-WSSE header', async () => {
    await expect401(await send(app.yoga, { authorization: 'WSSE profile="UsernameToken"' }), /X-WSSE/);
  });

  it('authenticates a customer with its own key', async () => {
    const customer = await createCustomer(app, 'wsse.customer@example.com');
    const { secret } = await issueApiKey(app.db.prisma, app.box, { customerId: customer.internalId });
    await expectViewer(await withWsse(header('wsse.customer@example.com', secret)), 'Customer', 'Cu Stomer');
    // Its key does not pass as the admin's.
    await expect401(await withWsse(header(ADMIN_EMAIL, secret)));
  });

  it('refuses a revoked key', async () => {
    const customer = await createCustomer(app, 'revoked.customer@example.com');
    const { id, secret } = await issueApiKey(app.db.prisma, app.box, { customerId: customer.internalId });
    await expectViewer(await withWsse(header('revoked.customer@example.com', secret)), 'Customer', 'Cu Stomer');
    await app.db.prisma.apiKey.update({ where: { id }, data: { revokedAt: new Date(now) } });
    await expect401(await withWsse(header('revoked.customer@example.com', secret)));
  });

  it('refuses a deleted person', async () => {
    const customer = await createCustomer(app, 'deleted.customer@example.com');
    const { secret } = await issueApiKey(app.db.prisma, app.box, { customerId: customer.internalId });
    await expectViewer(await withWsse(header('deleted.customer@example.com', secret)), 'Customer', 'Cu Stomer');
    await app.db.prisma.customer.update({ where: { id: customer.internalId }, data: { state: 'DELETED' } });
    await expect401(await withWsse(header('deleted.customer@example.com', secret)));
  });

  it('purges expired nonces', async () => {
    await app.db.prisma.wsseNonce.create({
      data: { nonce: 'stale-nonce', expiresAt: new Date('2000-01-01T00:00:00Z') },
    });
    const live = parseWsseHeader(header(ADMIN_EMAIL, app.adminKey)).nonce;
    await app.db.prisma.wsseNonce.create({ data: { nonce: live, expiresAt: new Date(Date.now() + 200_000) } });
    // A fresh instance purges on its first WSSE request.
    const fresh = createApp({ db: app.db, box: app.box, store: filesystemBlobStore(app.storeDir), logger });
    const value = header(ADMIN_EMAIL, app.adminKey);
    await expectViewer(await withWsse(value, fresh.yoga), 'Agent', 'Ada Admin');
    expect(await app.db.prisma.wsseNonce.findUnique({ where: { nonce: 'stale-nonce' } })).toBeNull();
    expect(await app.db.prisma.wsseNonce.findUnique({ where: { nonce: live } })).not.toBeNull();
    expect(
      await app.db.prisma.wsseNonce.findUnique({ where: { nonce: wsseNonceKey(parseWsseHeader(value).nonce) } }),
    ).not.toBeNull();
  });
});
