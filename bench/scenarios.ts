// What the benchmark asks the server: each scenario is one request repeated by autocannon.
// Reads come first and see the seeded data only; writes run after every read round.
import { TICKET_LIST } from '../src/rest/routes/tickets.ts';

export interface Scenario {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  /** Compared with the baseline (scenario 1's query, answered by one SQL statement). */
  vsBaseline?: boolean;
  /** The scenario this one must reach a share of (REST list vs the same GraphQL query). */
  compareTo?: { prefix: string; target: number };
  write?: boolean;
  /** Measured while this many webhooks receive every new ticket (bench/webhooks.ts). */
  webhooks?: number;
}

export const gql = (query: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query, variables });

/** Scenario 1: the main read path (a list of 50 with people, tags and the first comments, and the count). */
export const LIST = `query($after: String) { tickets(first: 50, after: $after) { totalCount nodes { key subject tags
  branch { key name } reporter { name email } assignee { name } comments(first: 5) { nodes { content author { name } } } } } }`;

const SEARCH = `query($q: String!) { searchTickets(query: $q, first: 50) { totalCount nodes { key subject status
  branch { key } assignee { name } } } }`;
const FILTERED = `query($text: String) { tickets(first: 50, filter: {text: $text}) { totalCount nodes { key subject status
  branch { key } assignee { name } } } }`;

/** What the server answers that the scenarios need: a busy ticket, a branch and a deep cursor. */
export interface Landmarks {
  key: string;
  branch: string;
  deepPage: number;
  deepCursor: string;
}

/** A word in 1 of 16 subjects, and one in a handful (seeded subjects: src/seed/vocabulary/tickets.ts). */
const COMMON_TEXT = 'will not sync';
const RARE_TEXT = 'Invoice 4242';

export function scenarios(l: Landmarks): Scenario[] {
  const create = gql(
    'mutation($b: ID!) { createTicket(input: {branch: $b, subject: "Bench", description: "Load"}) { ticket { key } userErrors { code } } }',
    { b: l.branch },
  );
  return [
    { name: '1 GraphQL ticket list (50, nested)', method: 'POST', path: '/graphql', body: gql(LIST), vsBaseline: true },
    {
      name: '2 GraphQL ticket by key, 50 comments + attachments',
      method: 'POST',
      path: '/graphql',
      body: gql(
        `query($k: String!) { ticket(key: $k) { key subject comments(first: 50) { nodes { content author { name }
          attachments { nodes { filename contentType } } } } attachments { nodes { filename } } } }`,
        { k: l.key },
      ),
    },
    // The document GET /tickets runs, sent as GraphQL with the variables REST gives it: the two
    // differ only by what REST adds (routing, the DiamanteDesk shape, X-Total and Link).
    {
      name: '4a GraphQL = REST list (50)',
      method: 'POST',
      path: '/graphql',
      body: gql(TICKET_LIST, {
        first: 50,
        offset: 0,
        after: null,
        withTotal: true,
        filter: {},
        orderBy: { field: 'CREATED_AT', direction: 'ASC' },
      }),
    },
    {
      name: '4b REST ticket list (limit 50)',
      method: 'GET',
      path: '/api/rest/latest/desk/tickets?limit=50',
      compareTo: { prefix: '4a', target: 0.9 },
    },
    { name: '5 REST ticket by key', method: 'GET', path: `/api/rest/latest/desk/tickets/${l.key}` },
    { name: '6a GraphQL page 1', method: 'POST', path: '/graphql', body: gql(LIST) },
    {
      name: `6b GraphQL page ${l.deepPage} (cursor)`,
      method: 'POST',
      path: '/graphql',
      body: gql(LIST, { after: l.deepCursor }),
      compareTo: { prefix: '6a', target: 1 / 1.5 },
    },
    { name: '6c REST page 1', method: 'GET', path: '/api/rest/latest/desk/tickets?limit=50&page=1' },
    {
      name: `6d REST page ${l.deepPage}`,
      method: 'GET',
      path: `/api/rest/latest/desk/tickets?limit=50&page=${l.deepPage}`,
      compareTo: { prefix: '6c', target: 1 / 1.5 },
    },
    // The largest page the shops ask for (1000, HELPDESK_REST_MAX_PAGE_SIZE), read in batches of 100.
    { name: '7 REST ticket list (limit 1000)', method: 'GET', path: '/api/rest/latest/desk/tickets?limit=1000' },
    {
      name: `8a GraphQL searchTickets "${RARE_TEXT}"`,
      method: 'POST',
      path: '/graphql',
      body: gql(SEARCH, { q: RARE_TEXT }),
    },
    {
      name: `8b GraphQL searchTickets "${COMMON_TEXT}"`,
      method: 'POST',
      path: '/graphql',
      body: gql(SEARCH, { q: COMMON_TEXT }),
    },
    {
      name: `8c GraphQL tickets(filter: {text: "${RARE_TEXT}"})`,
      method: 'POST',
      path: '/graphql',
      body: gql(FILTERED, { text: RARE_TEXT }),
    },
    { name: '3 GraphQL createTicket', method: 'POST', path: '/graphql', body: create, write: true },
    // The same request while three webhooks receive every new ticket: the cost of events on writes.
    {
      name: '3w GraphQL createTicket, 3 webhooks',
      method: 'POST',
      path: '/graphql',
      body: create,
      write: true,
      webhooks: 3,
    },
  ];
}
