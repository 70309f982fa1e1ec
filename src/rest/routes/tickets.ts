// /tickets, /tickets/search, /tickets/{id|key}, /ticket/{id}/reporter|assignee, and ticket
// attachments; moved tickets answer their old keys with 301.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { MAX_PAGE_SIZE } from '../../builder.ts';
import { deleteRoute, runGraphQL, runMutation } from '../execute.ts';
import { knownProperties, onlyProperties, RestError } from '../format.ts';
import { dateFilters, idsParam, listOperation, listResponse, orderOf, textParam } from '../lists.ts';
import {
  AGENT,
  enumValue,
  type GqlPerson,
  numericId,
  PERSON,
  personGlobalId,
  restPerson,
  TICKET_PRIORITIES,
  TICKET_SOURCES,
  TICKET_STATUSES,
  typedId,
} from '../people.ts';
import type { Route, RouteRequest } from '../router.ts';
import { compact, restDate } from '../serialize.ts';
import { ATTACHMENT, type GqlAttachment, restAttachment } from './attachments.ts';
import { COMMENT, type GqlComment, restComment } from './comments.ts';

const LIST_FIELDS = `internalId key subject status priority source tags uniqueId createdAt updatedAt
  branch { internalId } assignee { internalId } reporter { ${PERSON} } watchers { ${PERSON} }`;
const DETAIL_FIELDS = `${LIST_FIELDS} description
  comments(first: ${MAX_PAGE_SIZE}) { nodes { ${COMMENT} } } attachments(first: ${MAX_PAGE_SIZE}) { nodes { ${ATTACHMENT} } }`;

interface GqlTicket {
  internalId: number;
  key: string;
  subject: string;
  description?: string;
  status: string;
  priority: string;
  source: string;
  tags: string[];
  uniqueId: string;
  createdAt: string;
  updatedAt: string;
  branch: { internalId: number };
  assignee: { internalId: number } | null;
  reporter: GqlPerson | null;
  watchers: GqlPerson[];
  comments?: { nodes: GqlComment[] };
  attachments?: { nodes: GqlAttachment[] };
}

export function restTicket(t: GqlTicket) {
  return compact({
    id: t.internalId,
    key: t.key,
    subject: t.subject,
    description: t.description,
    status: t.status.toLowerCase(),
    priority: t.priority.toLowerCase(),
    source: t.source.toLowerCase(),
    branch: t.branch.internalId,
    reporter: t.reporter ? typedId(t.reporter) : undefined,
    assignee: t.assignee?.internalId,
    unique_id: { id: t.uniqueId },
    tags: t.tags,
    watcher_list: t.watchers.map((w) => ({ id: w.internalId, user_type: typedId(w) })),
    comments: t.comments?.nodes.map(restComment),
    attachments: t.attachments?.nodes.map(restAttachment),
    created_at: restDate(t.createdAt),
    updated_at: restDate(t.updatedAt),
  });
}

const NOT_FOUND = 'Ticket loading failed, ticket not found.';

/** `{id}` digits are ids, anything else a key. */
export function ticketLocator(ref: string | undefined) {
  if (!ref) throw new RestError(404, NOT_FOUND);
  return /^\d{1,10}$/.test(ref) ? { id: encodeGlobalID('Ticket', ref) } : { key: ref };
}

/** Loads a ticket; an old key of a moved ticket is a 301 to its new key. */
export async function loadTicket(
  request: RouteRequest,
  ref: string | undefined,
  fields = DETAIL_FIELDS,
): Promise<GqlTicket> {
  const locator = ticketLocator(ref);
  const data = await runGraphQL<{ ticket: GqlTicket | null }>(
    request.ctx,
    `query($id: ID, $key: String) { ticket(id: $id, key: $key) { ${fields} } }`,
    locator,
  );
  if (!data.ticket) throw new RestError(404, NOT_FOUND);
  if (locator.key && data.ticket.key.toUpperCase() !== locator.key.toUpperCase()) {
    const location = `${request.base}/tickets/${data.ticket.key}`;
    throw new RestError(301, `Ticket moved to ${data.ticket.key}.`, { Location: location, 'X-Location': location });
  }
  return data.ticket;
}

const WRITABLE = [
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
];

/**
 * A ticket body as GraphQL input. `"assignee": null` (or an empty form field) on an update
 * unassigns; on a create it means "no choice", so the branch's default assignee applies.
 */
function ticketInput(body: Record<string, unknown>, updating = false) {
  const assignee = body.assignee;
  const unassign = updating && (assignee === null || assignee === '');
  const fields = compact({
    subject: body.subject,
    description: body.description,
    status: enumValue(body.status, 'status', TICKET_STATUSES),
    priority: enumValue(body.priority, 'priority', TICKET_PRIORITIES),
    source: enumValue(body.source, 'source', TICKET_SOURCES),
    reporter: personGlobalId(body.reporter, 'reporter'),
    tags: body.tags === undefined ? undefined : (Array.isArray(body.tags) ? body.tags : [body.tags]).map(String),
    attachments: Array.isArray(body.attachmentsInput) ? body.attachmentsInput : undefined,
    assignee: unassign ? undefined : numericId(assignee, 'assignee', 'Agent'),
  });
  // compact() drops nulls: the unassigning null goes in after it.
  return unassign ? { ...fields, assignee: null } : fields;
}

/** Every property of a ticket the guide lets clients sort by (camelCase) and its GraphQL field. */
const SORTS = {
  id: 'CREATED_AT',
  createdAt: 'CREATED_AT',
  updatedAt: 'UPDATED_AT',
  key: 'KEY',
  subject: 'SUBJECT',
  description: 'DESCRIPTION',
  priority: 'PRIORITY',
  status: 'STATUS',
  source: 'SOURCE',
  branch: 'BRANCH',
  reporter: 'REPORTER',
  assignee: 'ASSIGNEE',
  uniqueId: 'UNIQUE_ID',
};

/** The GraphQL operation behind GET /tickets (the benchmark sends it as is, to compare the two). */
export const TICKET_LIST = listOperation('tickets', LIST_FIELDS, { filter: 'TicketFilter', orderBy: 'TicketOrder' });
const SEARCH_LIST = listOperation('searchTickets', LIST_FIELDS, { query: 'String!' });

/** Each documented property filter (strings: substring; numbers and enums: equality). */
function ticketFilter(q: RouteRequest['query']) {
  return compact({
    ids: idsParam(q, 'Ticket'),
    branch: numericId(q.get('branch'), 'branch', 'Branch'),
    assignee: numericId(q.get('assignee'), 'assignee', 'Agent'),
    reporter: personGlobalId(q.get('reporter'), 'reporter'),
    status: enumList(q.all('status'), 'status', TICKET_STATUSES),
    priority: enumList(q.all('priority'), 'priority', TICKET_PRIORITIES),
    source: enumList(q.all('source'), 'source', TICKET_SOURCES),
    tag: textParam(q, 'tags', 'tag'),
    key: textParam(q, 'key'),
    subject: textParam(q, 'subject'),
    description: textParam(q, 'description'),
    uniqueId: textParam(q, 'unique_id', 'uniqueId'),
    ...dateFilters(q),
  });
}

/** `status=new` or `status[]=new&status[]=open`; blanks ignored. */
function enumList(values: string[], field: string, allowed: readonly string[]) {
  const list = values.map((v) => enumValue(v, field, allowed)).filter((v): v is string => v !== undefined);
  return list.length ? list : undefined;
}

function listTickets(request: RouteRequest, search: string | null) {
  if (search === null) {
    const variables = (q: RouteRequest['query']) => ({ orderBy: orderOf(q, SORTS), filter: ticketFilter(q) });
    return listResponse<GqlTicket>(request, TICKET_LIST, 'tickets', variables, restTicket);
  }
  const variables = () => {
    if (!search.trim()) throw new RestError(400, '"q" must not be empty.');
    return { query: search };
  };
  return listResponse<GqlTicket>(request, SEARCH_LIST, 'searchTickets', variables, restTicket);
}

const personRoute = (which: 'reporter' | 'assignee'): Route => ({
  method: 'GET',
  path: `/ticket/:id/${which}`,
  async handle(request) {
    const ticket = await loadTicket(request, request.params.id, `key reporter { ${PERSON} } assignee { ${AGENT} }`);
    const person = ticket[which] as GqlPerson | null;
    if (!person) throw new RestError(404, `The ticket has no ${which}.`);
    return { status: 200, body: restPerson(person) };
  },
});

export const ticketRoutes: Route[] = [
  { method: 'GET', path: '/tickets', handle: (request) => listTickets(request, null) },
  { method: 'GET', path: '/tickets/search', handle: (request) => listTickets(request, request.query.get('q') ?? '') },
  {
    method: 'POST',
    path: '/tickets',
    async handle(request) {
      const body = knownProperties('Ticket', await request.body(), WRITABLE, request.logger);
      const input = { ...ticketInput(body), branch: numericId(body.branch, 'branch', 'Branch') };
      if (!input.branch) throw new RestError(400, '"branch" is required.');
      const created = await runMutation(
        request.ctx,
        'createTicket',
        `mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { ${DETAIL_FIELDS} } userErrors { message field code } } }`,
        { input },
      );
      const ticket = restTicket(created.ticket);
      return { status: 201, body: ticket, headers: { Location: `${request.base}/tickets/${ticket.id}` } };
    },
  },
  {
    method: 'GET',
    path: '/tickets/:ref',
    handle: async (request) => ({ status: 200, body: restTicket(await loadTicket(request, request.params.ref)) }),
  },
  {
    method: ['PUT', 'PATCH'],
    path: '/tickets/:ref',
    async handle(request) {
      const body = await request.body();
      onlyProperties('Ticket', body, WRITABLE);
      const { attachments: _ignored, ...changes } = ticketInput(body, true);
      if (body.branch !== undefined)
        throw new RestError(400, 'Move a ticket to another branch with the GraphQL moveTicket mutation.');
      const updated = await runMutation(
        request.ctx,
        'updateTicket',
        `mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { ticket { ${DETAIL_FIELDS} } userErrors { message field code } } }`,
        { input: { ticket: ticketLocator(request.params.ref), ...changes } },
      );
      return { status: 200, body: restTicket(updated.ticket) };
    },
  },
  deleteRoute(
    '/tickets/:ref',
    'deleteTicket',
    `mutation($ticket: TicketLocator!) { deleteTicket(input: {ticket: $ticket}) { deletedTicketId userErrors { message field code } } }`,
    (request) => ({ ticket: ticketLocator(request.params.ref) }),
  ),
  personRoute('reporter'),
  personRoute('assignee'),
];
