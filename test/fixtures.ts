// Factories for test data, made through the public GraphQL API as the admin, so the data is what a
// client could have made. They work on an app (createTestApp) and on a running server
// (startServer) alike. Defaults are unique per call (emails, branch keys), so tests that use them
// neither see nor depend on each other's data, whatever order they run in.
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { Gql } from './helpers.ts';
import { ok } from './helpers.ts';

/** What the factories need: GraphQL as the admin (or as `key`). TestApp and TestServer have it. */
export interface GraphQLCaller {
  gql: Gql;
}

export interface Created {
  /** Global id, for GraphQL. */
  id: string;
  /** Database id, as the REST API shows it. */
  internalId: number;
}

export interface Person extends Created {
  email: string;
  /** An API key of the person's own, when asked for with `withKey`. */
  key?: string;
}

let sequence = 0;
/** A name no other call in this test process has had: `prefix-<n>-<random>`. */
export function unique(prefix = 'x') {
  sequence += 1;
  return `${prefix}-${sequence}-${Math.random().toString(36).slice(2, 8)}`;
}

async function mutate<T>(app: GraphQLCaller, name: string, inputType: string, input: object, selection: string) {
  const data = ok(
    await app.gql<any>(
      `mutation($input: ${inputType}!) { ${name}(input: $input) { ${selection} userErrors { message field code } } }`,
      { input },
    ),
  );
  const payload = data[name];
  if (payload.userErrors.length) throw new Error(`${name}: ${JSON.stringify(payload.userErrors)}`);
  return payload as T;
}

/**
 * A branch. Without a name, a unique name and key; with a name and no key, the key the server
 * derives from the name (as DiamanteDesk does).
 */
export async function createBranch(app: GraphQLCaller, name?: string, key?: string) {
  const payload = await mutate<{ branch: { id: string; key: string; internalId: number } }>(
    app,
    'createBranch',
    'CreateBranchInput',
    name === undefined ? { name: unique('Branch'), key: key ?? uniqueBranchKey() } : { name, key },
    'branch { id key internalId }',
  );
  return payload.branch;
}

const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** Letters only, as branch keys must be: T, four random letters, then the sequence in base 26. */
export function uniqueBranchKey() {
  let n = ++sequence;
  let key = '';
  do {
    key = letters[n % 26] + key;
    n = Math.floor(n / 26);
  } while (n > 0);
  const random = Array.from({ length: 4 }, () => letters[Math.floor(Math.random() * 26)]).join('');
  return `T${random}${key}`.slice(0, 10);
}

/** An API key of the person's own (made by the admin through createApiKey). */
export async function createApiKey(app: GraphQLCaller, owner: string, label = 'test') {
  const payload = await mutate<{ secret: string }>(
    app,
    'createApiKey',
    'CreateApiKeyInput',
    { owner, label },
    'secret',
  );
  return payload.secret;
}

export interface CustomerOptions {
  /** Unique by default. */
  email?: string;
  firstName?: string;
  lastName?: string;
  /** Also give the customer an API key (returned as `key`). */
  withKey?: boolean;
  /** Any other CreateCustomerInput fields. */
  input?: Record<string, unknown>;
}

/** A customer; `createCustomer(app, email)` as before, or with options. */
export async function createCustomer(app: GraphQLCaller, options: string | CustomerOptions = {}): Promise<Person> {
  const {
    email = unique('customer').concat('@example.com'),
    firstName = 'Cu',
    lastName = 'Stomer',
    ...rest
  } = typeof options === 'string' ? { email: options } : options;
  const payload = await mutate<{ customer: Created }>(
    app,
    'createCustomer',
    'CreateCustomerInput',
    { email, firstName, lastName, ...('input' in rest ? rest.input : {}) },
    'customer { id internalId }',
  );
  const customer: Person = { ...payload.customer, email };
  if ('withKey' in rest && rest.withKey) customer.key = await createApiKey(app, customer.id);
  return customer;
}

export interface AgentOptions {
  /** Unique by default. */
  email?: string;
  firstName?: string;
  lastName?: string;
  role?: 'ADMIN' | 'AGENT';
  isPartTime?: boolean;
  /** Also give the agent an API key (returned as `key`). */
  withKey?: boolean;
  /** Any other CreateAgentInput fields. */
  input?: Record<string, unknown>;
}

/** An agent (role AGENT unless told otherwise). */
export async function createAgent(app: GraphQLCaller, options: AgentOptions = {}): Promise<Person> {
  const { email = `${unique('agent')}@example.com`, firstName = 'Agnes', lastName = 'Agent', withKey, input } = options;
  const payload = await mutate<{ agent: Created }>(
    app,
    'createAgent',
    'CreateAgentInput',
    {
      email,
      firstName,
      lastName,
      ...(options.role ? { role: options.role } : {}),
      ...(options.isPartTime !== undefined ? { isPartTime: options.isPartTime } : {}),
      ...input,
    },
    'agent { id internalId }',
  );
  const agent: Person = { ...payload.agent, email };
  if (withKey) agent.key = await createApiKey(app, agent.id);
  return agent;
}

/** A ticket; `input` is CreateTicketInput (give at least `branch`), subject and description default. */
export async function createTicket(app: GraphQLCaller, input: Record<string, unknown>) {
  const payload = await mutate<{ ticket: { id: string; key: string; internalId: number } }>(
    app,
    'createTicket',
    'CreateTicketInput',
    { subject: 'Printer on fire', description: 'It is really on fire.', ...input },
    'ticket { id key internalId }',
  );
  return payload.ticket;
}

/** A comment on a ticket (by key or global id); `input` adds to AddCommentInput (author, private...). */
export async function createComment(
  app: GraphQLCaller,
  ticket: { key: string } | { id: string },
  input: Record<string, unknown> = {},
) {
  const payload = await mutate<{ comment: Created }>(
    app,
    'addComment',
    'AddCommentInput',
    { ticket: 'key' in ticket ? { key: ticket.key } : { id: ticket.id }, content: 'A comment.', ...input },
    'comment { id internalId }',
  );
  return payload.comment;
}

/** The global id of the admin a TestApp was made with, or of any agent id. */
export const agentId = (internalId: number) => encodeGlobalID('Agent', internalId);
