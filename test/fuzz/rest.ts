// REST (DiamanteDesk paths), attachment downloads, other paths and HTTP-level oddities.
import fc from 'fast-check';
import type { AuthSpec, Framing, FuzzRequest } from './raw-http.ts';
import { acceptHeader, anyJson, bigStrings, memo, nastyString, numericText, type Seeds, urlValue } from './values.ts';

/** Rows the fuzz may delete or rewrite without locking itself out. */
export interface Victims {
  branchId: number;
  ticketId: number;
  commentId: number;
  customerId: number;
  customerEmail: string;
}

const PREFIXES = [
  '/api/rest/latest/desk',
  '/api/rest/v1/desk',
  '/api/diamante/rest/latest/desk',
  '/api/diamante/rest/v1/desk',
];

/** Every route of src/rest/routes, with the methods it answers (and a few it does not). */
const ROUTES: { path: string; methods: string[]; writes?: string[] }[] = [
  {
    path: '/branches',
    methods: ['GET', 'POST'],
    writes: [
      'name',
      'description',
      'tags',
      'key',
      'logo',
      'logoUrl',
      'defaultAssignee',
      'default_assignee',
      'logo_url',
    ],
  },
  {
    path: '/branches/:id',
    methods: ['GET', 'PUT', 'PATCH', 'DELETE'],
    writes: ['name', 'description', 'tags', 'key', 'logoUrl', 'defaultAssignee'],
  },
  {
    path: '/tickets',
    methods: ['GET', 'POST'],
    writes: [
      'branch',
      'subject',
      'description',
      'status',
      'priority',
      'source',
      'reporter',
      'assignee',
      'tags',
      'attachmentsInput',
      'attachments_input',
    ],
  },
  { path: '/tickets/search', methods: ['GET'] },
  {
    path: '/tickets/:ref',
    methods: ['GET', 'PUT', 'PATCH', 'DELETE'],
    writes: ['subject', 'description', 'status', 'priority', 'source', 'reporter', 'assignee', 'tags', 'branch'],
  },
  { path: '/tickets/:ref/attachments', methods: ['GET', 'POST'], writes: ['attachmentsInput', 'attachments_input'] },
  { path: '/tickets/:ref/attachments/:attachmentId', methods: ['GET', 'DELETE'] },
  { path: '/tickets/:ref/watchers', methods: ['GET', 'POST'], writes: ['email'] },
  { path: '/tickets/:ref/watchers/:userId', methods: ['DELETE'] },
  { path: '/ticket/:ref/reporter', methods: ['GET'] },
  { path: '/ticket/:ref/assignee', methods: ['GET'] },
  {
    path: '/comments',
    methods: ['GET', 'POST'],
    writes: ['content', 'ticket', 'author', 'private', 'ticketStatus', 'ticket_status', 'attachmentsInput'],
  },
  { path: '/comments/:id', methods: ['GET', 'PUT', 'PATCH', 'DELETE'], writes: ['content', 'private', 'ticketStatus'] },
  { path: '/comments/:id/attachments', methods: ['GET', 'POST'], writes: ['attachmentsInput'] },
  { path: '/comments/:id/attachments/:attachmentId', methods: ['GET', 'DELETE'] },
  { path: '/comment/:id/author', methods: ['GET'] },
  { path: '/users', methods: ['GET', 'POST'], writes: ['email', 'firstName', 'lastName', 'first_name', 'last_name'] },
  { path: '/users/current', methods: ['GET', 'PUT', 'PATCH'], writes: ['firstName', 'lastName'] },
  { path: '/users/:user', methods: ['GET', 'PUT', 'PATCH', 'DELETE'], writes: ['email', 'firstName', 'lastName'] },
];

const QUERY_NAMES = [
  'page',
  'limit',
  'sort',
  'order',
  'q',
  'branch',
  'assignee',
  'reporter',
  'status',
  'priority',
  'source',
  'tags',
  'tag',
  'subject',
  'key',
  'description',
  'createdAfter',
  'createdBefore',
  'updatedAfter',
  'updatedBefore',
  'email',
  'first_name',
  'firstName',
  'ticket',
  'author',
  'private',
  'name',
  'page[]',
  'limit[a]',
  '__proto__',
];

export function restRequests(seeds: Seeds, victims: Victims, auth: fc.Arbitrary<AuthSpec>): fc.Arbitrary<FuzzRequest> {
  const nastyPathPart = fc.oneof(
    fc.constantFrom(
      '0',
      '-1',
      '99999999999999999999',
      '4294967296',
      '1.5',
      '1e3',
      'abc',
      '%00',
      '%ZZ',
      '%',
      '%E0%A4%A',
      '..',
      '%2e%2e',
      '..%2F..%2F',
      '%2F',
      'a%00b',
      '%C0%AF',
      '%ED%A0%80',
      ' ',
      '+',
      'MAIN-999999',
      'x'.repeat(400),
    ),
    urlValue(nastyString()),
    urlValue(numericText),
  );
  /** An id in a path: a seeded one (readable), a victim (for writes), or garbage. */
  const pathValue = (param: string, method: string) => {
    const valid =
      method === 'GET'
        ? {
            id: [seeds.branch.id, seeds.comment.id],
            ref: [seeds.ticket.id, seeds.ticket.key],
            attachmentId: [seeds.attachment.id],
            userId: [seeds.customer.id],
            user: [seeds.customer.id, seeds.customerEmail],
          }
        : {
            id: [victims.branchId, victims.commentId],
            ref: [victims.ticketId],
            attachmentId: [seeds.attachment.id + 1000],
            userId: [victims.customerId],
            user: [victims.customerId, victims.customerEmail],
          };
    const own = (valid as Record<string, (string | number)[]>)[param] ?? [1];
    return fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...own.map(String)) },
      { weight: 4, arbitrary: nastyPathPart },
    );
  };

  const queryValue = fc.oneof(
    {
      weight: 30,
      arbitrary: fc.constantFrom(
        'open',
        'new',
        'In progress',
        'high',
        'web',
        `diamante_${seeds.customer.id}`,
        'oro_1',
        'oro_x',
        '2024-01-01',
        '2024-01-01 00:00:00',
        'asc',
        'desc',
        'id',
        'created_at',
        'subject',
        'nope',
        '1',
        '100',
        '101',
      ),
    },
    { weight: 20, arbitrary: numericText },
    { weight: 30, arbitrary: nastyString() },
    { weight: 1, arbitrary: fc.constant('z'.repeat(12_000)) }, // over 16 KiB with the rest: the server's own header limit
  );
  const query = fc.oneof(
    { weight: 2, arbitrary: fc.constant('') },
    {
      weight: 6,
      arbitrary: fc
        .array(fc.tuple(fc.constantFrom(...QUERY_NAMES), urlValue(queryValue)), { maxLength: 5 })
        .map((pairs) =>
          pairs.length
            ? `?${pairs.map(([n, v]) => `${encodeURIComponent(n).replace(/%5B/g, '[').replace(/%5D/g, ']')}=${v}`).join('&')}`
            : '',
        ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '?',
        '?%',
        '?q=%',
        '?q=%ZZ',
        '?q=%00',
        '?q=a%00b',
        '?&&&=&=',
        '?page=1&page=2',
        '?limit=-1',
        '?limit=1e2',
        '?sort=__proto__',
        '?q=%ED%A0%80',
        '?q[]=a&q[b]=c',
        '?q',
      ),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(10, 10_000)
        .map(memo((n) => `?${Array.from({ length: n }, (_, i) => `k${i}=1`).join('&')}`)),
    },
  );

  const attachmentsInput = fc.oneof(
    fc.constantFrom<unknown>(
      [{ filename: 'a.txt', content: Buffer.from('hello').toString('base64') }],
      [{ filename: '', content: '' }],
      [{ filename: '../../x', content: '!!!' }],
      [{}],
      ['x'],
      'x',
      [{ filename: 'a.png', content: 'iVBORw0KGgo=' }],
    ),
    anyJson,
  );
  const fieldValue = (name: string) =>
    name.startsWith('attachments')
      ? attachmentsInput
      : fc.oneof(
          { weight: 4, arbitrary: nastyString({ big: true }) },
          { weight: 1, arbitrary: numericText },
          { weight: 2, arbitrary: anyJson },
          {
            weight: 1,
            arbitrary: fc.constantFrom(seeds.branch.id, `diamante_${seeds.customer.id}`, 'open', 'high', ['a', 'b']),
          },
        );

  const jsonObject = (writes: string[]) =>
    fc
      .array(fc.constantFrom(...writes, 'unknown', 'id', '__proto__', 'constructor'), { maxLength: 5 })
      .chain((names) => fc.tuple(...names.map((n) => fieldValue(n).map((v) => [n, v] as const))))
      .map((entries) => Object.fromEntries(entries));

  const phpForm = fc.constantFrom(
    'ticket[subject]=x&ticket[branch]=1',
    'tags[]=a&tags[]=b&subject=x',
    'a[b][c][d]=1',
    'a[]=1&a=2',
    `${'a['.repeat(500)}${']'.repeat(500)}=1`,
    '%ZZ=%ZZ',
    'subject=%00&description=%ED%A0%80',
    '=&=&&',
    '__proto__[x]=1',
  );
  // Values may be objects without a prototype (anyJson), which String() cannot convert.
  const xmlText = (value: unknown) =>
    (value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value)).replace(/[<&]/g, '');
  const xmlBody = fc.oneof(
    jsonObject(['subject', 'description', 'content', 'name', 'email']).map(
      (o) =>
        `<?xml version="1.0"?><ticket>${Object.entries(o)
          .map(
            ([k, v]) =>
              `<${k.replace(/[^A-Za-z_]/g, '_') || 'x'}>${xmlText(v)}</${k.replace(/[^A-Za-z_]/g, '_') || 'x'}>`,
          )
          .join('')}</ticket>`,
    ),
    fc.constantFrom(
      '<ticket><subject>x</subject>',
      '<ticket><subject>x</ticket>',
      '<?xml version="1.0"?>',
      '<a>&lt;&amp;&#0;&#xD800;</a>',
      '<!DOCTYPE a [<!ENTITY x "xxxxxxxxxx"><!ENTITY y "&x;&x;&x;&x;&x;&x;&x;&x;&x;&x;"><!ENTITY z "&y;&y;&y;&y;&y;&y;&y;&y;&y;&y;">]><a><subject>&z;</subject></a>',
      '<!DOCTYPE a SYSTEM "file:///etc/passwd"><a>&xxe;</a>',
      `${'<a>'.repeat(10_000)}x${'</a>'.repeat(10_000)}`,
      '<a><![CDATA[<script>]]></a>',
      '<a b="1" b="2"/>',
      '<__proto__><x>1</x></__proto__>',
      '<a>\u0000</a>',
    ),
  );
  const body = (writes: string[]) =>
    fc.oneof(
      { weight: 6, arbitrary: jsonObject(writes).map((o) => ({ type: 'application/json', text: JSON.stringify(o) })) },
      {
        weight: 2,
        arbitrary: anyJson.map((v) => ({ type: 'application/json', text: JSON.stringify(v) ?? 'undefined' })),
      },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom(
            '{',
            '{"subject": }',
            '{"a":1}garbage',
            '\ufeff{}',
            '[]',
            'null',
            '"x"',
            `[${'['.repeat(20_000)}]`,
          )
          .map((text) => ({ type: 'application/json', text })),
      },
      {
        weight: 3,
        arbitrary: jsonObject(writes).map((o) => ({
          type: 'application/x-www-form-urlencoded',
          text: Object.entries(o)
            .map(
              ([k, v]) =>
                `${encodeURIComponent(k)}=${typeof v === 'string' ? urlSafe(v) : encodeURIComponent(JSON.stringify(v) ?? '')}`,
            )
            .join('&'),
        })),
      },
      { weight: 2, arbitrary: phpForm.map((text) => ({ type: 'application/x-www-form-urlencoded', text })) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(10_000, 20_000).map(
          memo((n) => ({
            type: 'application/x-www-form-urlencoded',
            text: Array.from({ length: n }, (_, i) => `k${i}=${i}`).join('&'),
          })),
        ),
      },
      {
        weight: 3,
        arbitrary: xmlBody.chain((text) =>
          fc.constantFrom('application/xml', 'text/xml').map((type) => ({ type, text })),
        ),
      },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom(
            'text/plain',
            'multipart/form-data; boundary=x',
            'application/octet-stream',
            '',
            'application/json; charset=latin1',
          )
          .map((type) => ({ type, text: '{"subject":"x"}' })),
      },
      {
        weight: 1,
        arbitrary: fc.constant({
          type: 'application/json',
          text: JSON.stringify({ subject: bigStrings[0], description: bigStrings[1] }),
        }),
      },
    );

  const rest = fc
    .tuple(
      fc.constantFrom(...ROUTES),
      fc.constantFrom(...PREFIXES),
      fc.constantFrom('', '', '', '.json', '.xml', '.html', '.JSON', '/', '//'),
    )
    .chain(([route, prefix, suffix]) =>
      fc.tuple(
        fc.constant(route),
        fc.constant(prefix),
        fc.constant(suffix),
        fc.oneof(
          { weight: 8, arbitrary: fc.constantFrom(...route.methods) },
          { weight: 1, arbitrary: fc.constantFrom('HEAD', 'OPTIONS', 'PATCH', 'TRACE', 'FOO', 'post') },
        ),
      ),
    )
    .chain(([route, prefix, suffix, method]) => {
      const params = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
      return fc
        .tuple(
          fc.tuple(...params.map((p) => pathValue(p, method))),
          query,
          method === 'GET' || method === 'DELETE' || method === 'HEAD'
            ? fc.constant(null)
            : body(route.writes ?? ['x']),
          auth,
          fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: acceptHeader }),
          fc.constantFrom<Framing>(
            'length',
            'length',
            'length',
            'length',
            'chunked',
            { truncatedBy: 5 },
            { badChunked: 'zz\r\n' },
          ),
        )
        .map(([values, qs, b, a, accept, framing]): FuzzRequest => {
          let i = 0;
          const path = route.path.replace(/:(\w+)/g, () => values[i++]!);
          const headers: [string, string][] = [];
          if (accept !== null) headers.push(['Accept', accept]);
          if (b) headers.push(['Content-Type', b.type]);
          return {
            family: 'rest',
            endpoint: `REST ${method} ${route.path}`,
            method,
            target: `${prefix}${path}${suffix}${qs}`,
            headers,
            auth: a,
            body: b?.text,
            framing: b ? framing : 'none',
          };
        });
    });

  const download = fc
    .tuple(
      fc.constantFrom('file', 'thumbnail'),
      fc.oneof(
        fc.constant(seeds.attachment.sha),
        fc.constant('0'.repeat(64)),
        fc.constantFrom('%ZZ', '%00', '..', '%2e%2e%2f%2e%2e', 'x'.repeat(2000), 'A'),
        urlValue(nastyString()),
      ),
      fc.oneof(
        fc.constant(''),
        urlValue(nastyString()).map((t) => `?token=${t}`),
        fc.constantFrom(
          '?token=',
          '?token=a.b.c',
          '?token=%ZZ',
          `?token=${'A'.repeat(5000)}`,
          '?token=eyJhbGciOiJub25lIn0.e30.',
          '?token=1&token=2',
        ),
      ),
      fc.constantFrom<[string, string][]>(
        [],
        [['Range', 'bytes=0-0']],
        [['Range', 'bytes=-0']],
        [['Range', 'bytes=99999999999999999999-']],
        [['Range', 'bytes=1-0']],
        [['Range', 'bytes=0-1,2-3']],
        [['Range', 'bytes=abc']],
        [['Range', 'items=0-1']],
        [['If-None-Match', '"\u0000"']],
        [['If-Modified-Since', 'garbage']],
      ),
      fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'POST', 'DELETE', 'OPTIONS'),
      auth,
    )
    .map(
      ([kind, name, token, headers, method, a]): FuzzRequest => ({
        family: 'download',
        endpoint: `download ${method}`,
        method,
        target: `/desk/attachments/download/${kind}/${name}${token}`,
        headers,
        auth: a,
      }),
    );

  const otherTargets = fc.oneof(
    fc.constantFrom(
      '/',
      '/healthz',
      '/healthz?x=%ZZ',
      '/readyz',
      '/metrics',
      '/favicon.ico',
      '/%',
      '/%ZZ',
      '/%00',
      '/..%2f..%2fetc%2fpasswd',
      '/../../etc/passwd',
      '*',
      'http://evil.example/graphql',
      'http://127.0.0.1/api/rest/latest/desk/tickets',
      '//graphql',
      '///',
      '/graphql#frag',
      '/api/rest',
      '/api/rest/latest/desk',
      '/api/rest/latest/desk/',
      '/api/rest/latest/desk/%ZZ',
      '/api/rest/latest/desk/%',
      '/api/rest/latest/desk/tickets/%E0%A4%A',
      '/api/rest/latest/desk/../../graphql',
      '/api/rest/latest/desk/tickets/search?q=%00',
      '/api/rest/latest/desk/nope',
      '/API/REST/LATEST/DESK/TICKETS',
      '/desk/attachments/download/',
      '/desk/attachments/download/file/',
      `/${'a'.repeat(8000)}`,
      '/\u00ff\u00fe',
      '/ä',
      'graphql',
      '?',
      '/a?b=c#d',
    ),
    urlValue(nastyString()).map((p) => `/${p}`),
    fc.string({ maxLength: 30 }).map((p) => `/${p.replace(/[\s]/g, '')}`),
  );
  const other = fc
    .tuple(otherTargets, fc.constantFrom('GET', 'GET', 'HEAD', 'POST', 'OPTIONS', 'DELETE', 'CONNECT', 'BREW'), auth)
    .map(
      ([target, method, a]): FuzzRequest => ({
        family: 'other path',
        endpoint: 'other path',
        method,
        target,
        headers: [],
        auth: a,
      }),
    );

  /** Host headers, request lines and framing the HTTP layer has to reject cleanly. */
  const protocol = fc
    .tuple(
      fc.constantFrom(
        '/api/rest/latest/desk/tickets',
        '/api/rest/latest/desk/branches',
        `/api/rest/latest/desk/tickets/${seeds.ticket.id}`,
        '/api/rest/latest/desk/%ZZ',
        '/graphql',
        `/desk/attachments/download/file/${seeds.attachment.sha}`,
        '/healthz',
      ),
      fc.oneof(
        fc.constantFrom<{ headers?: [string, string][]; version?: string; noHost?: boolean; method?: string }>(
          { headers: [['Host', 'evil.example']] },
          { headers: [['Host', '']] },
          { headers: [['Host', 'a b']] },
          { headers: [['Host', '[::1']] },
          { headers: [['Host', 'localhost:99999']] },
          { headers: [['Host', '%zz']] },
          { headers: [['Host', 'local\u00e9host']] },
          { headers: [['Host', 'localhost/path?x']] },
          { headers: [['Host', 'user@evil.example']] },
          { headers: [['Host', 'a'.repeat(5000)]] },
          {
            headers: [
              ['Host', 'a'],
              ['Host', 'b'],
            ],
          },
          {
            headers: [
              ['X-Forwarded-Host', 'evil.example'],
              ['X-Forwarded-Proto', 'gopher'],
            ],
          },
          { noHost: true },
          { noHost: true, version: 'HTTP/1.0' },
          { version: 'HTTP/1.0' },
          { version: 'HTTP/2.0' },
          { version: 'HTTP/1.1x' },
          { version: 'FOO' },
          { method: 'G\u0000T' },
          { method: '' },
          {
            headers: [
              ['Content-Length', '5'],
              ['Content-Length', '6'],
            ],
          },
          { headers: [['Content-Length', '-1']] },
          { headers: [['Content-Length', 'abc']] },
          { headers: [['Transfer-Encoding', 'gzip']] },
          {
            headers: [
              ['Transfer-Encoding', 'chunked'],
              ['Content-Length', '3'],
            ],
          },
          { headers: [['Expect', '100-continue']] },
          { headers: [['Expect', 'nonsense']] },
          { headers: [['Content-Encoding', 'gzip']] },
          { headers: [['X-\u0000', 'x']] },
          { headers: [['Bad Header', 'x']] },
          { headers: [['X-Long', 'x'.repeat(20_000)]] },
          { headers: [['Cookie', `${'a=b; '.repeat(2000)}`]] },
        ),
      ),
      auth,
      fc.constantFrom('GET', 'POST'),
    )
    .map(([target, variant, a, method]): FuzzRequest => {
      const body =
        method === 'POST' ? (target === '/graphql' ? '{"query":"{ __typename }"}' : '{"subject":"x"}') : undefined;
      const declaresLength = variant.headers?.some(([n]) => /content-length|transfer-encoding/i.test(n));
      return {
        family: 'protocol',
        endpoint: `protocol ${target.startsWith('/graphql') ? 'graphql' : target.startsWith('/api') ? 'rest' : 'other'}`,
        method: variant.method ?? method,
        target,
        headers: [
          ...(variant.headers ?? []),
          ...(body ? ([['Content-Type', 'application/json']] as [string, string][]) : []),
        ],
        auth: a,
        body,
        framing: declaresLength ? 'none' : undefined,
        version: variant.version,
        noHost: variant.noHost,
      };
    });

  return fc.oneof(
    { weight: 12, arbitrary: rest },
    { weight: 2, arbitrary: download },
    { weight: 2, arbitrary: other },
    { weight: 2, arbitrary: protocol },
  );
}

/** encodeURIComponent that survives lone surrogates (as invalid UTF-8 escapes). */
function urlSafe(text: string) {
  try {
    return encodeURIComponent(text);
  } catch {
    return text.replace(/[\ud800-\udfff]/g, '%ED%A0%80').replace(/[^%\w.-]/g, (c) => {
      try {
        return encodeURIComponent(c);
      } catch {
        return '%ED%A0%80';
      }
    });
  }
}
