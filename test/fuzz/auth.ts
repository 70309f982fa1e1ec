// Who a fuzzed request claims to be: the admin, the seeded customer, nobody, or credentials that
// are malformed in every way a header can be (bad base64, huge nonces, unknown schemes...).
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import type { AuthSpec } from './raw-http.ts';
import { nastyString } from './values.ts';

export interface Callers {
  admin: { email: string; key: string };
  customer: { email: () => Promise<string>; key: string };
}

/** `bytes` deterministic but incompressible bytes, as base64. */
const noise = (bytes: number) => {
  const parts: Buffer[] = [];
  for (let i = 0; parts.length * 64 < bytes; i++) parts.push(createHash('sha512').update(`fuzz-nonce-${i}`).digest());
  return Buffer.concat(parts).subarray(0, bytes).toString('base64');
};

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

export function authArbitrary(): fc.Arbitrary<AuthSpec> {
  const who = fc.constantFrom('admin' as const, 'customer' as const);
  const malformed = fc.oneof(
    fc
      .oneof(
        fc.constantFrom(
          '',
          'x',
          'g'.repeat(40),
          'A'.repeat(40),
          'a'.repeat(10_000),
          '0123456789abcdef0123456789abcdef0123456\u00ff',
          '%00',
        ),
        nastyString(),
      )
      .map((token) => [['Authorization', `Bearer ${token}`]] as [string, string][]),
    fc
      .oneof(
        fc.constantFrom(
          '!!!',
          'Zm9v',
          '====',
          '%%%',
          b64(':'),
          b64('root@example.com:'),
          b64(`a@b:${'x'.repeat(2000)}`),
          b64('\u0000:\u0000'),
          'Og',
          'Zm9vOmJhcg=====',
          'Zm9v OmJhcg==',
        ),
        nastyString().map(b64),
        nastyString(),
      )
      .map((token) => [['Authorization', `Basic ${token}`]] as [string, string][]),
    fc.constantFrom<[string, string][]>(
      [['Authorization', 'WSSE profile="UsernameToken"']],
      [['Authorization', 'Digest username="x", realm="y"']],
      [['Authorization', 'Negotiate YII=']],
      [['Authorization', 'Bearer']],
      [['Authorization', 'Basic']],
      [['Authorization', '   ']],
      [['Authorization', 'bearer  a  b']],
      [
        ['Authorization', 'Bearer a'],
        ['Authorization', 'Basic b'],
      ],
      [['X-WSSE', 'UsernameToken']],
      [['X-WSSE', 'UsernameToken Username="", PasswordDigest="", Nonce="", Created=""']],
      [['X-WSSE', 'UsernameToken Username="a", PasswordDigest="b", Nonce="c", Created="not a date"']],
      [
        [
          'X-WSSE',
          `UsernameToken Username="${'u'.repeat(8000)}", PasswordDigest="x", Nonce="y", Created="2024-01-01T00:00:00Z"`,
        ],
      ],
      [['X-WSSE', 'UsernameToken Username="a", Username="b"']],
    ),
    nastyString().map(
      (value) =>
        [
          [
            'X-WSSE',
            `UsernameToken Username="${value}", PasswordDigest="${value}", Nonce="${value}", Created="${value}"`,
          ],
        ] as [string, string][],
    ),
  );
  const forgedNonce = fc.oneof(
    fc.constantFrom(
      // 3,000 random-looking bytes: too big for a PostgreSQL index entry even compressed (once a
      // 500 with the index error). A run of one letter would compress and pass unnoticed.
      noise(3000),
      'A'.repeat(4000),
      'A'.repeat(100),
      '+uqagH2t4YH014uz0sKlpw',
      '+uqagH2t4YH014uz0sKlpw==AAAA',
      '+uqa gH2t4YH014uz0sKlpw==',
      '-_-_',
      '.',
      '\u0000',
      '%%%',
    ),
    nastyString(),
  );
  const forgedCreated = fc.constantFrom(
    'now',
    'now',
    'now',
    '2015-07-17T11:25:21Z',
    '9999-12-31T23:59:59Z',
    '1',
    'now\u0000',
    '2024-02-30T25:61:61Z',
  );
  return fc.oneof(
    { weight: 5, arbitrary: fc.constant<AuthSpec>({ kind: 'anonymous' }) },
    { weight: 8, arbitrary: who.map((w): AuthSpec => ({ kind: 'bearer', who: w })) },
    { weight: 2, arbitrary: who.map((w): AuthSpec => ({ kind: 'basic', who: w })) },
    { weight: 2, arbitrary: who.map((w): AuthSpec => ({ kind: 'wsse', who: w })) },
    {
      weight: 2,
      arbitrary: fc.tuple(who, forgedNonce, forgedCreated, fc.boolean()).map(
        ([w, nonce, created, validDigest]): AuthSpec => ({
          kind: 'wsse-forged',
          who: w,
          nonce,
          created,
          validDigest,
        }),
      ),
    },
    { weight: 4, arbitrary: malformed.map((headers): AuthSpec => ({ kind: 'raw', headers })) },
  );
}

const digest = (nonce: string, created: string, secret: string) =>
  createHash('sha1')
    .update(Buffer.concat([Buffer.from(nonce, 'base64'), Buffer.from(created + secret, 'utf8')]))
    .digest('base64');

/** The headers for an AuthSpec, now. */
export async function resolveAuth(spec: AuthSpec, callers: Callers): Promise<[string, string][]> {
  if (spec.kind === 'anonymous') return [];
  if (spec.kind === 'raw') return spec.headers;
  const key = spec.who === 'admin' ? callers.admin.key : callers.customer.key;
  const email = spec.who === 'admin' ? callers.admin.email : await callers.customer.email();
  switch (spec.kind) {
    case 'bearer':
      return [['Authorization', `Bearer ${key}`]];
    case 'basic':
      return [['Authorization', `Basic ${b64(`${email}:${key}`)}`]];
    case 'wsse': {
      const nonce = randomBytes(16).toString('base64');
      const created = new Date().toISOString();
      return [
        [
          'X-WSSE',
          `UsernameToken Username="${email}", PasswordDigest="${digest(nonce, created, key)}", Nonce="${nonce}", Created="${created}"`,
        ],
      ];
    }
    case 'wsse-forged': {
      const created = spec.created.replace(/^now/, new Date().toISOString());
      const passwordDigest = spec.validDigest ? digest(spec.nonce, created, key) : 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=';
      return [
        [
          'X-WSSE',
          `UsernameToken Username="${email}", PasswordDigest="${passwordDigest}", Nonce="${spec.nonce}", Created="${created}"`,
        ],
      ];
    }
  }
}
