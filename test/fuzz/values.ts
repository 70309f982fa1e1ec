// Building blocks of the fuzz: nasty strings, numbers, ids, cursors and JSON, mixed with valid ones
// (the ids of seeded rows) so requests reach the code behind validation too.
import fc from 'fast-check';

/** Rows created before fuzzing, so generated requests can name things that exist. */
export interface Seeds {
  adminEmail: string;
  customerEmail: string;
  branch: { id: number; key: string; gid: string };
  ticket: { id: number; key: string; gid: string };
  comment: { id: number; gid: string };
  customer: { id: number; gid: string };
  agent: { id: number; gid: string };
  attachment: { id: number; gid: string; sha: string };
}

const KiB = 1024;
const MiB = 1024 * KiB;

export const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`, 'utf8').toString('base64');

/** Strings that break naive code: NUL, lone surrogates, control and bidi characters, escapes, injections. */
export const nastyConstants = [
  '',
  ' ',
  'a',
  '\u0000',
  'a\u0000b',
  '\u0000'.repeat(64),
  '\ud800',
  '\udfff',
  'x\ud83d',
  '\udc00x',
  '😀',
  '\u202e\u202d',
  '\ufeff',
  '\u0085\u2028\u2029',
  'e\u0301'.repeat(200),
  '\r\n',
  '\r\nX-Injected: 1',
  '%00',
  '%ZZ',
  '%',
  '%E0%A4%A',
  '%C0%AF',
  "'",
  '"',
  '\\',
  '\\u0000',
  "' OR '1'='1",
  '1\'; DROP TABLE "Ticket"; --',
  '%_%',
  '*',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  ']]><!--',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, on purpose
  '${7*7}{{7*7}}',
  '../../../../etc/passwd',
  '__proto__',
  'constructor',
  'null',
  'undefined',
  'NaN',
  'true',
  '-1',
  '0',
  '1e309',
  '99999999999999999999',
  '0x10',
  'a'.repeat(256),
  'a'.repeat(10 * KiB),
] as const;

/** Multi-megabyte values are expensive to generate, so a few are made once. */
export const bigStrings = [
  'x'.repeat(MiB),
  `${'\u0000'.repeat(16)}${'y'.repeat(MiB - 16)}`,
  '\ud800'.repeat(64 * KiB),
] as const;

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));

/**
 * Any code point, lone surrogates included. (fast-check's `unit: 'binary'` builds a table of all
 * 1.1 million code points per arbitrary, seconds of start-up; this does not.)
 */
export const anyCodePoints = (maxLength: number) =>
  fc.string({ unit: fc.nat(0x10ffff).map((cp) => String.fromCodePoint(cp)), maxLength });

/** One instance per flavour: fast-check builds lookup tables per string arbitrary, so share them. */
export const nastyString = (options: { big?: boolean } = {}): fc.Arbitrary<string> =>
  options.big ? bigNasty : smallNasty;

const makeNasty = (options: { big?: boolean }): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 30, arbitrary: fc.constantFrom(...nastyConstants) },
    { weight: 15, arbitrary: fc.string({ maxLength: 24 }) },
    { weight: 10, arbitrary: anyCodePoints(24) },
    {
      weight: 5,
      arbitrary: fc
        .array(fc.oneof(fc.string({ maxLength: 4 }), loneSurrogate, fc.constant('\u0000')), { maxLength: 8 })
        .map((p) => p.join('')),
    },
    { weight: options.big ? 1 : 0, arbitrary: fc.constantFrom(...bigStrings) },
  );

const smallNasty = makeNasty({});
const bigNasty = makeNasty({ big: true });

/** Integers around every boundary a page size, offset or id meets, and non-integers. */
export const nastyNumber = fc.oneof(
  fc.constantFrom(0, 1, -1, 25, 100, 101, 1000, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 1e20, 1.5, -0.5, 1e-7),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Numbers as they appear in paths and query strings. */
export const numericText = fc.oneof(
  nastyNumber.map(String),
  fc.constantFrom('', '01', '+1', ' 1', '1 ', '1,2', '1e3', '0x1f', '١٢', '1%00', '-0', '9'.repeat(40), 'Infinity'),
);

/** Global ids: valid ones of seeded rows, of the wrong type, with bad local ids, or not base64 at all. */
export const globalId = (seeds: Seeds): fc.Arbitrary<string> =>
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        seeds.ticket.gid,
        seeds.branch.gid,
        seeds.comment.gid,
        seeds.customer.gid,
        seeds.agent.gid,
        seeds.attachment.gid,
      ),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          fc.constantFrom(
            'Ticket',
            'Branch',
            'Comment',
            'Customer',
            'Agent',
            'Attachment',
            'ApiKey',
            'Nope',
            '',
            'ticket',
          ),
          fc.oneof(numericText, nastyString()),
        )
        .map(([type, id]) => gid(type, id)),
    },
    { weight: 2, arbitrary: nastyString() },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '!!!',
        '====',
        'VGlja2V0',
        'VGlja2V0Og',
        'VGlja2V0OjE=====',
        'VGlja2V0OjE\u0000',
        String(seeds.ticket.id),
      ),
    },
  );

/** Cursors: garbage, base64 of garbage, and the shapes a cursor library might decode. */
export const cursor = fc.oneof(
  nastyString(),
  fc.string({ maxLength: 40 }).map((s) => Buffer.from(s).toString('base64')),
  fc
    .constantFrom(
      'arrayconnection:-1',
      'arrayconnection:1e9',
      'arrayconnection:abc',
      'cursor:{"id":"x"}',
      '{"id":1}',
      '[1]',
      // plugin-prisma's own format with a value of the wrong type for the list's id.
      'GPC:S:abc',
      'GPC:S:not-a-uuid',
      'GPC:N:abc',
      'GPC:N:1e400',
      'GPC:N:1',
      'GPC:J:{}',
      'GPC:D:abc',
      'GPC:Z:',
    )
    .map((s) => Buffer.from(s).toString('base64')),
  fc.constant('A'.repeat(20 * KiB)),
);

/** Any JSON value, some of them deep or wide. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: nastyString() },
  { weight: 1, arbitrary: fc.constantFrom(1, 2, 3000).map(memo((depth) => nest(depth, (inner) => [inner], 1))) },
  { weight: 1, arbitrary: fc.constantFrom(10, 10_000).map(memo((n) => Array.from({ length: n }, (_, i) => i))) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(10, 10_000)
      .map(memo((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i])))),
  },
);

/** Builds a large value once per key and hands out the same one after. */
export function memo<K, V>(build: (key: K) => V): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    if (!cache.has(key)) cache.set(key, build(key));
    return cache.get(key)!;
  };
}

export function nest<T>(depth: number, wrap: (inner: unknown) => T, leaf: unknown): unknown {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = wrap(value);
  return value;
}

/**
 * Percent-encodes for a URL, but keeps what encodeURIComponent refuses: a lone surrogate becomes
 * the bytes of its (invalid) UTF-8 encoding, so the server meets it as malformed input.
 */
export function pct(text: string): string {
  if (!/\p{Cs}/u.test(text)) return encodeURIComponent(text);
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += encodeURIComponent(text[i]! + text[i + 1]!);
        i++;
        continue;
      }
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      out += `%${(0xe0 | (code >> 12)).toString(16).toUpperCase()}%${(0x80 | ((code >> 6) & 0x3f)).toString(16).toUpperCase()}%${(0x80 | (code & 0x3f)).toString(16).toUpperCase()}`;
      continue;
    }
    out += encodeURIComponent(text[i]!);
  }
  return out;
}

/** A query-string or path value: usually percent-encoded, sometimes raw (bad escapes survive). */
export const urlValue = (values: fc.Arbitrary<string>) =>
  fc
    .tuple(values, fc.constantFrom('encoded', 'encoded', 'encoded', 'raw'))
    .map(([value, how]) =>
      how === 'raw'
        ? value.replace(/[\s#&?/]/g, (c) => encodeURIComponent(c)).replace(/[^\x21-\x7e]/g, (c) => pct(c))
        : pct(value),
    );

/** Things people put in Accept. */
export const acceptHeader = fc.constantFrom(
  'application/json',
  'application/xml',
  'text/xml',
  'text/html',
  '*/*',
  'application/graphql-response+json',
  'text/event-stream',
  'multipart/mixed',
  'application/json;q=0',
  'application/*;q=abc',
  ';;;,,,',
  'image/png',
  `${'a/b,'.repeat(2000)}*/*`,
  '',
);
