// WSSE nonces are compared as the bytes the digest is made from, not as the text sent: a nonce
// re-spelled (no padding, junk characters, base64url, spaces...) is the same nonce, refused the
// second time. Oversized or non-canonical fields are a 401 with a clear message, never a 500.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers.ts';

const ADMIN_EMAIL = 'admin@example.com';

describe('WSSE nonce replay and field bounds', () => {
  let app: TestApp;
  const now = Date.now();

  beforeAll(async () => {
    app = await createTestApp({ now: () => now });
  });
  afterAll(() => app?.close());

  const created = new Date(now).toISOString();
  const digestFor = (nonceBytes: Buffer, key = app.adminKey) =>
    createHash('sha1')
      .update(Buffer.concat([nonceBytes, Buffer.from(created + key)]))
      .digest('base64');
  const headerWith = (fields: { username?: string; digest: string; nonce: string }) =>
    `UsernameToken Username="${fields.username ?? ADMIN_EMAIL}", PasswordDigest="${fields.digest}", Nonce="${fields.nonce}", Created="${created}"`;
  const send = (header: string) =>
    app.yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wsse': header },
      body: JSON.stringify({ query: '{ viewer { __typename } }' }),
    });

  async function expectClean401(response: Response, message?: RegExp) {
    const text = await response.text();
    expect(response.status, text).toBe(401);
    expect(text).not.toMatch(/\bat .*\.(ts|js):\d+|node_modules|\/src\/|SELECT|INSERT|index row|prisma/i);
    const body = JSON.parse(text) as { errors: { message: string; extensions: { code: string } }[] };
    expect(Object.keys(body)).toEqual(['errors']);
    expect(body.errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
    if (message) expect(body.errors[0]!.message).toMatch(message);
    return body.errors[0]!.message;
  }

  // Each variant decodes (leniently) to the same 16 bytes as the canonical spelling.
  const bytes = Buffer.from('fa ea 9a 80 7d ad e1 81 f4 d7 8b b3 d2 c2 a5 a7'.replace(/ /g, ''), 'hex');
  const canonical = bytes.toString('base64');
  const variants: [string, (nonce: string) => string][] = [
    ['without padding', (n) => n.replace(/=+$/, '')],
    ['with a dot', (n) => `${n.replace(/=+$/, '')}.`],
    ['with ==AAAA after the padding', (n) => `${n}AAAA`],
    ['with spaces', (n) => `${n.slice(0, 4)} ${n.slice(4)}`],
    ['in base64url', (n) => Buffer.from(n, 'base64').toString('base64url')],
    ['with a line break', (n) => `${n.slice(0, 8)}\\n${n.slice(8)}`],
  ];

  it('the canonical spelling works once', async () => {
    expect(canonical).toBe('+uqagH2t4YH014uz0sKlpw==');
    expect((await send(headerWith({ digest: digestFor(bytes), nonce: canonical }))).status).toBe(200);
    await expectClean401(await send(headerWith({ digest: digestFor(bytes), nonce: canonical })), /already used/);
  });

  for (const [name, respell] of variants) {
    it(`refuses the same nonce re-spelled ${name}`, async () => {
      const nonce = respell(canonical);
      expect(nonce).not.toBe(canonical);
      await expectClean401(await send(headerWith({ digest: digestFor(bytes), nonce })));
    });
  }

  it('refuses every re-spelling of a fresh nonce after its canonical use', async () => {
    const fresh = randomBytes(16);
    expect((await send(headerWith({ digest: digestFor(fresh), nonce: fresh.toString('base64') }))).status).toBe(200);
    for (const [, respell] of variants) {
      const nonce = respell(fresh.toString('base64'));
      if (nonce === fresh.toString('base64')) continue;
      await expectClean401(await send(headerWith({ digest: digestFor(fresh), nonce })));
    }
  });

  it('answers 401, not 500, to a 4,000-byte nonce with a valid digest', async () => {
    const big = randomBytes(3000); // 4,000 base64 characters
    const nonce = big.toString('base64');
    expect(nonce.length).toBe(4000);
    await expectClean401(await send(headerWith({ digest: digestFor(big), nonce })), /too long/);
    // Under the header limit, a too-large nonce is named.
    const large = randomBytes(1000);
    await expectClean401(
      await send(headerWith({ digest: digestFor(large), nonce: large.toString('base64') })),
      /Nonce.*1 to 128 bytes/,
    );
  });

  it('accepts nonces from 1 to 128 bytes, refuses an empty one and 129 bytes', async () => {
    for (const size of [1, 10, 16, 128]) {
      const nonce = randomBytes(size);
      expect((await send(headerWith({ digest: digestFor(nonce), nonce: nonce.toString('base64') }))).status).toBe(200);
    }
    const long = randomBytes(129);
    await expectClean401(await send(headerWith({ digest: digestFor(long), nonce: long.toString('base64') })), /Nonce/);
    await expectClean401(await send(headerWith({ digest: digestFor(Buffer.alloc(0)), nonce: '' })), /Nonce/);
  });

  it('refuses a digest that is not canonical base64 of 20 bytes', async () => {
    const nonce = randomBytes(16);
    const digest = digestFor(nonce);
    for (const bad of [
      digest.replace(/=$/, ''),
      `${digest}AAAA`,
      Buffer.from(digest, 'base64').toString('base64url'),
      `${digest.slice(0, 3)} ${digest.slice(3)}`,
    ]) {
      await expectClean401(await send(headerWith({ digest: bad, nonce: nonce.toString('base64') })), /PasswordDigest/);
    }
    // The right spelling of the same digest still works: the refusals above used nothing up.
    expect((await send(headerWith({ digest, nonce: nonce.toString('base64') }))).status).toBe(200);
  });

  it('refuses an oversized Username, Created or header', async () => {
    const nonce = randomBytes(16);
    await expectClean401(
      await send(
        headerWith({
          username: `${'a'.repeat(300)}@example.com`,
          digest: digestFor(nonce),
          nonce: nonce.toString('base64'),
        }),
      ),
      /Username/,
    );
    await expectClean401(
      await send(
        `${headerWith({ digest: digestFor(nonce), nonce: nonce.toString('base64') })}, Other="${'x'.repeat(5000)}"`,
      ),
      /too long/,
    );
    await expectClean401(
      await send(
        headerWith({ digest: digestFor(nonce), nonce: nonce.toString('base64') }).replace(
          created,
          `${created}${' '.repeat(10)}x`.padEnd(200, 'x'),
        ),
      ),
      /Created/,
    );
  });
});
