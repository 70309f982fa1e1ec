// GraphQL requests: operations generated from the real schema with nasty arguments (inline or as
// variables), plus random, truncated, deep and wide documents, sent over every transport yoga
// reads (JSON, GET, application/graphql, forms, multipart) and some it should refuse.
import fc from 'fast-check';
import {
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isScalarType,
  isUnionType,
} from 'graphql';
import type { AuthSpec, Framing, FuzzRequest } from './raw-http.ts';
import {
  acceptHeader,
  anyCodePoints,
  anyJson,
  bigStrings,
  cursor,
  globalId,
  memo,
  nastyNumber,
  nastyString,
  nest,
  pct,
  type Seeds,
} from './values.ts';

/** A value both as a GraphQL literal and as JSON (for variables). */
interface Value {
  lit: string;
  json: unknown;
}

export interface Operation {
  kind: string;
  query: string;
  variables?: unknown;
  operationName?: unknown;
  extensions?: unknown;
}

/**
 * Mutations left out: they would lock the fuzz's own callers out (block, disable, delete people,
 * revoke keys, demote the admin), which turns the rest of the run into 401s.
 */
const SKIPPED_MUTATIONS = new Set([
  'blockCustomer',
  'disableCustomer',
  'deleteCustomerPermanently',
  'revokeApiKey',
  'updateAgent',
  'unlinkCustomerProfiles',
  'linkCustomerProfiles',
  'redeemIdentificationCode',
]);

const jsonLit = (json: unknown): string => {
  if (json === null || typeof json !== 'object') return typeof json === 'string' ? JSON.stringify(json) : String(json);
  if (Array.isArray(json)) return `[${json.map(jsonLit).join(', ')}]`;
  return `{${Object.entries(json)
    .map(([k, v]) => `${/^[_A-Za-z][_0-9A-Za-z]*$/.test(k) ? k : '_bad'}: ${jsonLit(v)}`)
    .join(', ')}}`;
};
const plain = (json: unknown): Value => ({ lit: jsonLit(json), json });

export function graphqlArbitraries(schema: GraphQLSchema, seeds: Seeds) {
  const ids = globalId(seeds);
  /** Delete and remove mutations get ids that name no seeded row, so the seeds survive the run. */
  const seeded = new Set([
    seeds.ticket.gid,
    seeds.branch.gid,
    seeds.comment.gid,
    seeds.customer.gid,
    seeds.agent.gid,
    seeds.attachment.gid,
  ]);
  const safeIds = ids.filter((value) => !seeded.has(value));
  const dates = fc.oneof(
    fc.constantFrom(
      '2024-01-01T00:00:00Z',
      '2024-13-45T99:99:99Z',
      '0000-00-00',
      '0000-01-01T00:00:00Z',
      '+275760-09-13T00:00:00.001Z',
      '1e10',
      'yesterday',
      '',
    ),
    nastyString(),
  );
  const emails = fc.oneof(
    fc.constantFrom(
      seeds.customerEmail,
      seeds.adminEmail,
      'nobody@example.com',
      'a@b',
      '@',
      'a@@b.c',
      `${'a'.repeat(300)}@example.com`,
      'A@EXAMPLE.COM\u0000',
    ),
    nastyString(),
  );

  const scalar = (name: string, safe: boolean): fc.Arbitrary<Value> => {
    switch (name) {
      case 'ID':
        return (safe ? safeIds : ids).map(plain);
      case 'String':
        return nastyString({ big: true }).map(plain);
      case 'Int':
      case 'Float':
        return nastyNumber.map(plain);
      case 'Boolean':
        return fc.oneof(fc.boolean(), fc.constantFrom('true', 0, null)).map(plain);
      case 'DateTime':
        return dates.map(plain);
      case 'EmailAddress':
        return emails.map(plain);
      case 'JSON':
      case 'JSONObject':
        return anyJson.map(plain);
      case 'URL':
        return fc
          .oneof(
            fc.constantFrom(
              'https://example.com/logo.png',
              'javascript:alert(1)',
              'file:///etc/passwd',
              'http://[::1',
              'http://a b',
            ),
            nastyString(),
          )
          .map(plain);
      case 'Locale':
        return fc.oneof(fc.constantFrom('en', 'en-US', 'xx-XX-x-', 'EN_us'), nastyString()).map(plain);
      case 'File':
        return fc.constantFrom(null, 'not a file', { name: 'x' }).map(plain);
      default:
        return anyJson.map(plain);
    }
  };

  const inputCache = new Map<string, fc.Arbitrary<Value>>();
  const inputValue = (type: GraphQLInputType, depth: number, safe = false): fc.Arbitrary<Value> => {
    const key = `${String(type)}@${depth}@${safe}`;
    const cached = inputCache.get(key);
    if (cached) return cached;
    let arb: fc.Arbitrary<Value>;
    if (isNonNullType(type)) {
      arb = fc.oneof(
        { weight: 12, arbitrary: inputValue(type.ofType, depth, safe) },
        { weight: 1, arbitrary: fc.constant(plain(null)) },
      );
    } else if (isListType(type)) {
      const item = inputValue(type.ofType, depth + 1, safe);
      arb = fc.oneof(
        {
          weight: 6,
          arbitrary: fc
            .array(item, { maxLength: 3 })
            .map((items) => ({ lit: `[${items.map((i) => i.lit).join(', ')}]`, json: items.map((i) => i.json) })),
        },
        { weight: 1, arbitrary: item }, // a single item where a list goes: coerced by GraphQL
        {
          weight: 1,
          arbitrary: fc
            .tuple(
              item.filter((one) => one.lit.length < 200),
              fc.constantFrom(101, 1000, 10_000),
            )
            .map(([one, n]) => ({ lit: `[${Array(n).fill(one.lit).join(',')}]`, json: Array(n).fill(one.json) })),
        },
      );
    } else if (isEnumType(type)) {
      const names = type.getValues().map((v) => v.name);
      arb = fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...names).map((n) => ({ lit: n, json: n })) },
        {
          weight: 1,
          arbitrary: fc
            .constantFrom(...names)
            .map((n) => ({ lit: JSON.stringify(n.toLowerCase()), json: n.toLowerCase() })),
        },
        { weight: 1, arbitrary: nastyString().map(plain) },
      );
    } else if (isInputObjectType(type)) {
      const fields = Object.values(type.getFields());
      const oneOf = type.isOneOf === true;
      const fieldArbs = fields.map((f) =>
        (depth > 3 ? fc.constant(plain(null)) : inputValue(f.type, depth + 1, safe)).map(
          (v) => [f.name, v, isNonNullType(f.type)] as const,
        ),
      );
      const requiredFields = fields.flatMap((f, i) => (isNonNullType(f.type) ? [i] : []));
      arb = fc
        .tuple(
          fc.subarray(
            fieldArbs.map((_, i) => i),
            { minLength: oneOf ? 1 : 0, maxLength: oneOf ? 1 : Math.min(4, fields.length) },
          ),
          fc.boolean(),
          fc.nat(20),
        )
        .chain(([picked, required, extra]) => {
          // Required fields usually, a second member of a @oneOf input now and then, and a field that does not exist.
          const indexes = new Set([...picked, ...(required && !oneOf ? requiredFields : [])]);
          if (extra === 1 && oneOf && fields.length > 1) indexes.add((picked[0]! + 1) % fields.length);
          const chosen = [...indexes].sort((a, b) => a - b).map((i) => fieldArbs[i]!);
          if (extra === 0) chosen.push(fc.constant(['bogusField', plain(1), false] as const));
          return fc.tuple(...chosen);
        })
        .map((chosen) => ({
          lit: `{${chosen.map(([n, v]) => `${n}: ${v.lit}`).join(', ')}}`,
          json: Object.fromEntries(chosen.map(([n, v]) => [n, v.json])),
        }));
    } else if (isScalarType(type)) {
      arb = scalar(type.name, safe);
    } else {
      arb = anyJson.map(plain);
    }
    // Now and then the wrong kind of value altogether.
    const result = fc.oneof({ weight: 10, arbitrary: arb }, { weight: 1, arbitrary: anyJson.map(plain) });
    inputCache.set(key, result);
    return result;
  };

  interface Printed {
    text: string;
    defs: string[];
    variables: Record<string, unknown>;
  }

  /** Arguments of a field: required ones always, optional ones sometimes; each inline or a variable. */
  const args = (field: GraphQLField<unknown, unknown>, prefix: string, safe = false): fc.Arbitrary<Printed> => {
    if (field.args.length === 0) return fc.constant({ text: '', defs: [], variables: {} });
    const parts = field.args.map((a) =>
      fc
        .tuple(
          fc.nat(3),
          a.name === 'after' || a.name === 'before'
            ? fc.oneof(cursor.map(plain), inputValue(a.type, 0, safe))
            : inputValue(a.type, 0, safe),
          fc.nat(12),
        )
        .map(([use, value, how]) => {
          if (use === 0 && !isNonNullType(a.type)) return null;
          const name = `${prefix}${a.name}`;
          if (how < 6) return { text: `${a.name}: ${value.lit}`, def: null, name, value };
          const declared = how === 11 ? 'String' : how === 10 ? 'JSON' : String(a.type);
          return { text: `${a.name}: $${name}`, def: `$${name}: ${declared}`, name, value };
        }),
    );
    return fc.tuple(...parts, fc.nat(30)).map((all) => {
      const extraArg = all.pop() as number;
      const used = (all as ({ text: string; def: string | null; name: string; value: Value } | null)[]).filter(
        (p) => p !== null,
      );
      const texts = used.map((p) => p.text);
      if (extraArg === 0) texts.push('bogusArg: 1');
      return {
        text: texts.length ? `(${texts.join(', ')})` : '',
        defs: used.filter((p) => p.def).map((p) => p.def!),
        variables: Object.fromEntries(used.filter((p) => p.def).map((p) => [p.name, p.value.json])),
      };
    });
  };

  /** A selection set for an output type, a few fields deep. */
  const selectionCache = new Map<string, fc.Arbitrary<Printed>>();
  const selection = (type: GraphQLOutputType, depth: number, prefix: string): fc.Arbitrary<Printed> => {
    const named = getNamedType(type);
    if (isLeafType(named)) return fc.constant({ text: '', defs: [], variables: {} });
    const key = `${named.name}@${depth}@${prefix}`;
    const cached = selectionCache.get(key);
    if (cached) return cached;
    let arb: fc.Arbitrary<Printed>;
    if (isInterfaceType(named) || isUnionType(named)) {
      const possible = schema.getPossibleTypes(named);
      arb = fc.constantFrom(...possible).chain((object) =>
        selection(object, depth, prefix).map((inner) => ({
          ...inner,
          text: `{ __typename ... on ${object.name} ${inner.text} }`,
        })),
      );
    } else if (depth >= 2) {
      const leaves = Object.values((named as GraphQLObjectType).getFields()).filter(
        (f) => isLeafType(getNamedType(f.type)) && f.args.every((a) => !isNonNullType(a.type)),
      );
      arb = fc
        .subarray(
          leaves.map((f) => f.name),
          { minLength: 0, maxLength: Math.min(3, leaves.length) },
        )
        .map((names) => ({ text: `{ __typename ${names.join(' ')} }`, defs: [], variables: {} }));
    } else {
      const fields = Object.values((named as GraphQLObjectType).getFields());
      arb = fc
        .array(fc.constantFrom(...fields), { minLength: 1, maxLength: 3 })
        .chain((picked) => fc.tuple(...picked.map((f, i) => fieldCall(f, depth + 1, `${prefix}${i}_`))))
        .map((calls) => ({
          text: `{ ${calls.map((c, i) => `f${i}: ${c.text}`).join(' ')} }`,
          defs: calls.flatMap((c) => c.defs),
          variables: Object.assign({}, ...calls.map((c) => c.variables)),
        }));
    }
    selectionCache.set(key, arb);
    return arb;
  };

  const fieldCall = (field: GraphQLField<unknown, unknown>, depth: number, prefix: string): fc.Arbitrary<Printed> =>
    fc
      .tuple(
        args(field, prefix, depth === 0 && /^(delete|remove)/.test(field.name)),
        selection(field.type, depth, prefix),
        fc.nat(40),
      )
      .map(([a, s, oops]) => ({
        // Sometimes ask for a field that does not exist, or forget the selection set.
        text: `${field.name}${a.text} ${oops === 0 ? '{ nope }' : oops === 1 ? '' : s.text}`,
        defs: [...a.defs, ...s.defs],
        variables: { ...a.variables, ...s.variables },
      }));

  const rootOperation = (kind: 'query' | 'mutation'): fc.Arbitrary<Operation> => {
    const root = kind === 'query' ? schema.getQueryType()! : schema.getMutationType()!;
    const fields = Object.values(root.getFields()).filter((f) => !SKIPPED_MUTATIONS.has(f.name));
    return fc
      .array(fc.constantFrom(...fields), { minLength: 1, maxLength: 2 })
      .chain((picked) => fc.tuple(...picked.map((f, i) => fieldCall(f, 0, `v${i}_`))))
      .chain((calls) =>
        fc.tuple(fc.constant(calls), fc.nat(20)).map(([, tweak]) => {
          const defs = calls.flatMap((c) => c.defs);
          const variables: Record<string, unknown> = Object.assign({}, ...calls.map((c) => c.variables));
          if (tweak === 0) variables.undeclared = 'x';
          const head = defs.length
            ? `${kind} Fuzz(${defs.join(', ')})`
            : kind === 'mutation' || tweak === 1
              ? `${kind} Fuzz`
              : '';
          return {
            kind: `schema ${kind}`,
            query: `${head} { ${calls.map((c, i) => `r${i}: ${c.text}`).join(' ')} }`,
            variables: Object.keys(variables).length ? variables : undefined,
            operationName: head ? (tweak === 2 ? 'Other' : 'Fuzz') : undefined,
          };
        }),
      );
  };

  const known = [
    `{ viewer { __typename } }`,
    `{ ticket(id: "${seeds.ticket.gid}") { id key subject comments(first: 5) { nodes { id content author { __typename } } } } }`,
    `{ tickets(first: 5) { totalCount edges { cursor node { id key } } } }`,
    `{ node(id: "${seeds.comment.gid}") { id ... on Comment { content } } }`,
    `query($q: String!) { searchTickets(query: $q, first: 3) { totalCount nodes { id } } }`,
    `mutation { addComment(input: { ticket: { id: "${seeds.ticket.gid}" }, content: "fuzz" }) { comment { id } userErrors { code } } }`,
    `{ __schema { queryType { name } types { name fields { name } } } }`,
  ];
  const knownQuery = fc.constantFrom(...known);

  /** Token soup: mostly GraphQL punctuation and names, with the odd control character. */
  const randomText = fc
    .array(
      fc.oneof(
        fc.constantFrom(
          '{',
          '}',
          '(',
          ')',
          '[',
          ']',
          ':',
          '$',
          '!',
          '=',
          '@',
          '...',
          '|',
          '&',
          ',',
          '"',
          '"""',
          '#',
          '\n',
          '\u0000',
          '\ud800',
          '\ufeff',
        ),
        fc.constantFrom(
          'query',
          'mutation',
          'subscription',
          'fragment',
          'on',
          'ticket',
          'tickets',
          'id',
          'nodes',
          'viewer',
          '__typename',
          '__schema',
          'null',
          'true',
          '1',
          '-1.5e9',
          'Fuzz',
          '$v',
          'ID!',
          '@include(if: $v)',
          '@skip',
        ),
        fc.string({ maxLength: 6 }),
      ),
      { maxLength: 40 },
    )
    .chain((tokens) => fc.constantFrom(' ', '', '\t').map((sep) => tokens.join(sep)));

  const randomDocument: fc.Arbitrary<Operation> = fc.oneof(
    randomText.map((query) => ({ kind: 'random text', query })),
    fc
      .tuple(
        fc.oneof(
          knownQuery,
          rootOperation('query').map((o) => o.query),
        ),
        fc.nat(),
      )
      .map(([query, cut]) => ({ kind: 'truncated', query: query.slice(0, cut % (query.length + 1)) })),
    anyCodePoints(60).map((query) => ({ kind: 'random text', query })),
  );

  const deep: fc.Arbitrary<Operation> = fc
    .tuple(
      fc.constantFrom(20, 200, 3000, 10_000),
      fc.constantFrom(
        'selection',
        'list literal',
        'object literal',
        'fragment chain',
        'parens',
        'variable list',
        'json variables',
      ),
    )
    .map(([depth, how]) => deepOf(`${depth} ${how}`));
  const deepOfKey = (key: string): Operation => {
    const [depthText, ...words] = key.split(' ');
    const depth = Number(depthText);
    const how = words.join(' ');
    const kind = `deep ${how}`;
    switch (how) {
      case 'selection':
        return {
          kind,
          query: `{ ${'viewer { ... on Agent { tickets { nodes { '.repeat(Math.ceil(depth / 4))}id${' } } } }'.repeat(Math.ceil(depth / 4))} }`,
        };
      case 'list literal':
        return { kind, query: `{ nodes(ids: ${'['.repeat(depth)}"x"${']'.repeat(depth)}) { id } }` };
      case 'object literal':
        return { kind, query: `{ tickets(filter: ${'{text: '.repeat(depth)}"x"${'}'.repeat(depth)}) { totalCount } }` };
      case 'fragment chain': {
        const n = Math.min(depth, 3000);
        const fragments = Array.from(
          { length: n },
          (_, i) => `fragment F${i} on Query { ${i + 1 < n ? `...F${i + 1}` : '__typename'} }`,
        ).join('\n');
        return { kind, query: `{ ...F0 }\n${fragments}` };
      }
      case 'parens':
        return { kind, query: `{ ticket(id: ${'('.repeat(depth)}1${')'.repeat(depth)}) { id } }` };
      case 'variable list':
        return {
          kind,
          query: `query($v: ${'['.repeat(depth)}ID${']'.repeat(depth)}) { __typename }`,
          variables: { v: nest(Math.min(depth, 3000), (x) => [x], 'x') },
        };
      default:
        return {
          kind,
          query: `query($v: JSON) { __typename }`,
          variables: { v: nest(Math.min(depth, 3000), (x) => ({ a: x }), 1) },
        };
    }
  };
  const deepOf = memo(deepOfKey);

  const wide: fc.Arbitrary<Operation> = fc
    .tuple(
      fc.constantFrom(100, 2000, 20_000),
      fc.constantFrom(
        'typename aliases',
        'field aliases',
        'directives',
        'variables',
        'operations',
        'nodes ids',
        'fragments',
      ),
    )
    .map(([n, how]) => wideOf(`${n} ${how}`));
  const wideOf = memo((key: string): Operation => {
    const [nText, ...words] = key.split(' ');
    const n = Number(nText);
    const how = words.join(' ');
    const kind = `wide ${how}`;
    const times = (f: (i: number) => string, sep = ' ') => Array.from({ length: n }, (_, i) => f(i)).join(sep);
    switch (how) {
      case 'typename aliases':
        return { kind, query: `{ ${times((i) => `a${i}: __typename`)} }` };
      case 'field aliases':
        return { kind, query: `{ ${times((i) => `a${i}: ticket(id: "${seeds.ticket.gid}") { id subject }`)} }` };
      case 'directives':
        return { kind, query: `{ __typename ${times(() => '@skip(if: false)')} }` };
      case 'variables':
        return {
          kind,
          query: `query(${times((i) => `$v${i}: String`, ', ')}) { __typename }`,
          variables: Object.fromEntries(Array.from({ length: n }, (_, i) => [`v${i}`, 'x'])),
        };
      case 'operations':
        return { kind, query: times((i) => `query Q${i} { __typename }`, '\n'), operationName: `Q${n - 1}` };
      case 'nodes ids':
        return {
          kind,
          query: `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`,
          variables: { ids: Array(n).fill(seeds.ticket.gid) },
        };
      default:
        return { kind, query: `{ ...F0 }\n${times((i) => `fragment F${i} on Query { __typename }`, '\n')}` };
    }
  });

  /** Variables and extensions of the wrong shape or size around an otherwise fine query. */
  const badEnvelope: fc.Arbitrary<Operation> = fc
    .tuple(
      knownQuery,
      fc.oneof(
        anyJson,
        fc.constantFrom(
          { q: '\u0000' },
          { q: '\ud800' },
          { q: bigStrings[0] },
          { q: 42 },
          { q: ['a'] },
          { q: { a: 1 } },
        ),
      ),
      fc.oneof(fc.constant(undefined), anyJson, fc.constant({ persistedQuery: { version: 1, sha256Hash: 'x' } })),
      fc.oneof(fc.constant(undefined), anyJson),
    )
    .map(([query, variables, extensions, operationName]) => ({
      kind: 'bad envelope',
      query,
      variables,
      extensions,
      operationName,
    }));

  const operation: fc.Arbitrary<Operation> = fc.oneof(
    { weight: 8, arbitrary: rootOperation('query') },
    { weight: 5, arbitrary: rootOperation('mutation') },
    { weight: 3, arbitrary: randomDocument },
    { weight: 2, arbitrary: deep },
    { weight: 2, arbitrary: wide },
    { weight: 3, arbitrary: badEnvelope },
  );

  return { operation, knownQuery };
}

const envelope = (op: Operation) =>
  JSON.stringify({
    query: op.query,
    variables: op.variables,
    operationName: op.operationName,
    extensions: op.extensions,
  });

/** Malformed JSON texts, built from a good body so they look almost right. */
const brokenJson = (good: string) =>
  fc.oneof(
    fc.nat().map((cut) => good.slice(0, cut % Math.max(1, good.length))),
    fc.constantFrom(
      `${good}garbage`,
      `\ufeff${good}`,
      `${good},${good}`,
      good.replace(/"/g, "'"),
      '{"query": }',
      '{"query": NaN}',
      '{"query": 1}',
      '{"query": null}',
      '{"query": ["{ __typename }"]}',
      '{"query": {"a": 1}}',
      '{"query": "{ __typename }", "variables": "{"}',
      '{"query": "{ __typename }", "variables": [1]}',
      '{"query": "{ __typename }", "extensions": 1}',
      '{"query": "{ __typename }", "operationName": 5}',
      '{"__proto__": {"query": "{ __typename }"}}',
      '[]',
      '[1, 2]',
      '"{ __typename }"',
      'null',
      '12',
      '{',
      '',
      '\u0000',
      `[${'['.repeat(20_000)}]`,
      `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`,
    ),
    anyCodePoints(40),
  );

export function graphqlRequests(
  schema: GraphQLSchema,
  seeds: Seeds,
  auth: fc.Arbitrary<AuthSpec>,
): fc.Arbitrary<FuzzRequest> {
  const { operation, knownQuery } = graphqlArbitraries(schema, seeds);
  const csrf = fc.constantFrom<[string, string][]>(
    [],
    [],
    [['x-graphql-yoga-csrf', '1']],
    [['apollo-require-preflight', 'true']],
    [['Origin', 'null']],
    [['Origin', 'https://evil.example']],
  );
  const accept = fc.oneof(
    { weight: 4, arbitrary: fc.constant('application/graphql-response+json, application/json') },
    { weight: 1, arbitrary: acceptHeader },
  );
  const path = fc.oneof(
    { weight: 20, arbitrary: fc.constant('/graphql') },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '/graphql/',
        '/GRAPHQL',
        '/graphql?',
        '/graphql;x',
        '/graphql%00',
        '/graphql?query=%ZZ',
      ),
    },
  );
  const oddMethod = fc.constantFrom(
    'PUT',
    'DELETE',
    'PATCH',
    'OPTIONS',
    'HEAD',
    'TRACE',
    'PROPFIND',
    'FOO',
    'get',
    'M-SEARCH',
  );

  const post = (
    family: string,
    contentType: string | null,
    body: fc.Arbitrary<string>,
    framing: fc.Arbitrary<Framing> = fc.constant('length' as const),
  ) =>
    fc.tuple(body, auth, csrf, accept, path, framing).map(
      ([text, a, extra, acc, p, fr]): FuzzRequest => ({
        family,
        endpoint: `GraphQL POST ${contentType?.split(';')[0] ?? 'no content-type'}`,
        method: 'POST',
        target: p,
        headers: [
          ...(contentType === null ? [] : ([['Content-Type', contentType]] as [string, string][])),
          ['Accept', acc],
          ...extra,
        ],
        auth: a,
        body: text,
        framing: fr,
      }),
    );

  const jsonPost = post('graphql json', 'application/json', operation.map(envelope));
  const framings = fc.constantFrom<Framing>(
    'chunked',
    { badChunked: 'zz\r\nabc\r\n0\r\n\r\n' },
    { badChunked: '5\r\n{"que' },
    { badChunked: '-1\r\n\r\n' },
    { badChunked: 'fffffffffffffffff\r\n' },
    { truncatedBy: 10 },
  );
  const framedPost = post(
    'graphql framing',
    'application/json',
    knownQuery.map((q) => JSON.stringify({ query: q })),
    framings,
  );
  const badJsonPost = post(
    'graphql bad json',
    'application/json',
    knownQuery.chain((q) => brokenJson(JSON.stringify({ query: q }))),
  );
  const batched = post(
    'graphql batch',
    'application/json',
    fc.array(operation, { minLength: 0, maxLength: 3 }).map((ops) => `[${ops.map(envelope).join(',')}]`),
  );
  const contentTypes = post('graphql content types', null, operation.map(envelope)).chain((request) =>
    fc
      .constantFrom(
        null,
        'text/plain',
        'text/plain;charset=UTF-8',
        'application/json; charset=utf-16',
        'application/json; charset=nope',
        'application/xml',
        'application/jsonx',
        '*/*',
        'application/json, text/plain',
        '\u0000',
      )
      .map((ct) => ({
        ...request,
        endpoint: `GraphQL POST ${ct ?? 'no content-type'}`,
        headers: ct === null ? request.headers : [['Content-Type', ct] as [string, string], ...request.headers],
      })),
  );
  const graphqlBody = post(
    'graphql application/graphql',
    'application/graphql',
    operation.map((o) => o.query),
  );
  const form = post(
    'graphql form',
    'application/x-www-form-urlencoded',
    operation.map((o) => `query=${pct(o.query)}&variables=${pct(JSON.stringify(o.variables ?? {}))}`),
  );

  const boundary = 'fuzzboundary';
  const part = (name: string, value: string, filename?: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"` : ''}\r\n\r\n${value}\r\n`;
  const manyParts = memo(
    (_: number) => `${Array.from({ length: 2000 }, (_, i) => part(`p${i}`, 'x')).join('')}--${boundary}--\r\n`,
  );
  const multipartBody = fc.tuple(knownQuery, fc.nat(9)).map(([q, variant]) => {
    const ops = JSON.stringify({ query: 'mutation($f: File!) { __typename }', variables: { f: null } });
    switch (variant) {
      case 0:
        return `${part('operations', ops)}${part('map', '{"0": ["variables.f"]}')}${part('0', 'hello', 'a.txt')}--${boundary}--\r\n`;
      case 1:
        return `${part('operations', '{not json')}${part('map', '{}')}--${boundary}--\r\n`;
      case 2:
        return `${part('operations', ops)}${part('map', '{"0": ["variables.nope.deeper"]}')}${part('0', 'x', 'a.txt')}--${boundary}--\r\n`;
      case 3:
        return `${part('operations', ops)}${part('map', '[1,2')}--${boundary}--\r\n`;
      case 4:
        return `${part('operations', ops)}${part('map', '{"0": ["variables.f"]}')}--${boundary}--\r\n`; // map names a file that never comes
      case 5:
        return `--${boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${JSON.stringify({ query: q })}`; // no closing boundary
      case 6:
        return `${part('operations', JSON.stringify({ query: q }))}--${boundary}--\r\n`; // no map
      case 7:
        return `${part('operations', ops)}${part('map', '{"0": ["variables.f"], "1": ["variables.f"]}')}${part('0', 'x', '\u0000.txt')}${part('1', 'y', '../../etc/passwd')}--${boundary}--\r\n`;
      case 8:
        return manyParts(0);
      default:
        return 'not multipart at all';
    }
  });
  const multipart = fc
    .tuple(
      multipartBody,
      fc.constantFrom(
        `multipart/form-data; boundary=${boundary}`,
        'multipart/form-data',
        'multipart/form-data; boundary=other',
        `multipart/form-data; boundary="${boundary}"`,
        'multipart/mixed; boundary=x',
      ),
    )
    .chain(([body, ct]) => post('graphql multipart', ct, fc.constant(body)));

  const get = fc
    .tuple(
      operation,
      auth,
      csrf,
      accept,
      fc.nat(6),
      fc.oneof(
        fc.constant(null),
        fc.constantFrom(
          '{',
          '[',
          'null',
          '1',
          '"x"',
          '{"a":',
          '%ZZ',
          '%00',
          '%7B%22q%22%3A%22%5Cud800%22%7D',
          '{"q":"\\u0000"}',
        ),
      ),
    )
    .map(([op, a, extra, acc, variant, broken]): FuzzRequest => {
      const params: string[] = [`query=${pct(op.query)}`];
      if (op.variables !== undefined) params.push(`variables=${pct(JSON.stringify(op.variables))}`);
      if (op.operationName !== undefined) params.push(`operationName=${pct(JSON.stringify(op.operationName))}`);
      if (broken !== null) params.push(`${variant % 2 === 0 ? 'variables' : 'extensions'}=${broken}`);
      if (variant === 5)
        params.push(`extensions=${pct(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: 'abc' } }))}`);
      return {
        family: broken === null ? 'graphql get' : 'graphql get bad json',
        endpoint: 'GraphQL GET',
        method: 'GET',
        target: `/graphql?${params.join('&')}`,
        headers: [['Accept', acc], ...extra],
        auth: a,
      };
    });

  const odd = fc.tuple(oddMethod, auth, knownQuery, fc.boolean()).map(
    ([method, a, q, withBody]): FuzzRequest => ({
      family: 'graphql odd method',
      endpoint: `GraphQL ${method}`,
      method,
      target: withBody ? '/graphql' : `/graphql?query=${pct(q)}`,
      headers: [
        ['Content-Type', 'application/json'],
        ['Access-Control-Request-Method', 'POST'],
        ['Origin', 'https://evil.example'],
      ],
      auth: a,
      body: withBody ? JSON.stringify({ query: q }) : undefined,
    }),
  );

  return fc.oneof(
    { weight: 14, arbitrary: jsonPost },
    { weight: 2, arbitrary: framedPost },
    { weight: 3, arbitrary: badJsonPost },
    { weight: 2, arbitrary: batched },
    { weight: 2, arbitrary: contentTypes },
    { weight: 1, arbitrary: graphqlBody },
    { weight: 1, arbitrary: form },
    { weight: 2, arbitrary: multipart },
    { weight: 4, arbitrary: get },
    { weight: 1, arbitrary: odd },
  );
}
