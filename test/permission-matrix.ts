// The permission table: every operation, what each role may do. GraphQL runs it in
// test/permissions.test.ts; the REST adapter will run the same rows through its own paths.
//   ok        the operation succeeds
//   forbidden refused with FORBIDDEN (the caller may see the object, not change it)
//   hidden    indistinguishable from a missing object (null, absent from lists, NOT_FOUND)

export type Role = 'admin' | 'agent' | 'owner' | 'stranger';
export type Outcome = 'ok' | 'forbidden' | 'hidden';

export const roles: Role[] = ['admin', 'agent', 'owner', 'stranger'];

/** The row's expectations in role order: admin, agent, owner (reporter of the ticket), stranger (another customer). */
type Row = [name: string, admin: Outcome, agent: Outcome, owner: Outcome, stranger: Outcome];

export const matrix: Row[] = [
  // reads
  ['read the ticket by key', 'ok', 'ok', 'ok', 'hidden'],
  ['read the ticket by node id', 'ok', 'ok', 'ok', 'hidden'],
  ['find the ticket in the ticket list', 'ok', 'ok', 'ok', 'hidden'],
  ['find the ticket by search', 'ok', 'ok', 'ok', 'hidden'],
  ['find the ticket in its branch', 'ok', 'ok', 'ok', 'hidden'],
  ['read the public comment', 'ok', 'ok', 'ok', 'hidden'],
  ['read the private comment by id', 'ok', 'ok', 'hidden', 'hidden'],
  ['see the private comment on the ticket', 'ok', 'ok', 'hidden', 'hidden'],
  ['find the private comment in the comment list', 'ok', 'ok', 'hidden', 'hidden'],
  ['read the assignee email', 'ok', 'ok', 'hidden', 'hidden'],
  ['read the attachment by node id', 'ok', 'ok', 'ok', 'hidden'],
  ['read the other customer by node id', 'ok', 'ok', 'hidden', 'hidden'],
  ['read yourself by node id', 'ok', 'ok', 'ok', 'ok'],
  ["read the reporter's email on the ticket", 'ok', 'ok', 'ok', 'hidden'],
  ['list customers', 'ok', 'ok', 'forbidden', 'forbidden'],
  ['list agents', 'ok', 'ok', 'forbidden', 'forbidden'],
  ['look up an agent by email', 'ok', 'ok', 'forbidden', 'forbidden'],
  ['list branches', 'ok', 'ok', 'ok', 'ok'],
  // branches and people
  ['create a branch', 'ok', 'forbidden', 'forbidden', 'forbidden'],
  ['update a branch', 'ok', 'forbidden', 'forbidden', 'forbidden'],
  ['delete a branch', 'ok', 'forbidden', 'forbidden', 'forbidden'],
  ['create an agent', 'ok', 'forbidden', 'forbidden', 'forbidden'],
  ['update another agent', 'ok', 'forbidden', 'forbidden', 'forbidden'],
  ['change your own agent preferences', 'ok', 'ok', 'forbidden', 'forbidden'],
  ['change your own role', 'ok', 'forbidden', 'forbidden', 'forbidden'],
  ['block a customer', 'ok', 'ok', 'forbidden', 'forbidden'],
  ['link customer profiles', 'ok', 'ok', 'forbidden', 'forbidden'],
  ['generate an identification code', 'ok', 'ok', 'forbidden', 'forbidden'],
  ['delete a customer permanently', 'ok', 'forbidden', 'forbidden', 'forbidden'],
  ['define a custom field', 'ok', 'forbidden', 'forbidden', 'forbidden'],
  ["read the owner's note", 'ok', 'ok', 'hidden', 'hidden'],
  ['create a customer', 'ok', 'ok', 'forbidden', 'forbidden'],
  ['update the owner customer', 'ok', 'ok', 'ok', 'hidden'],
  // tickets
  ['create a ticket as yourself', 'ok', 'ok', 'ok', 'ok'],
  ['create a ticket for someone else', 'ok', 'ok', 'forbidden', 'forbidden'],
  ['create a ticket with an assignee', 'ok', 'ok', 'forbidden', 'forbidden'],
  ['update the ticket', 'ok', 'ok', 'forbidden', 'forbidden'],
  ['move the ticket', 'ok', 'ok', 'forbidden', 'forbidden'],
  ['delete a ticket', 'ok', 'forbidden', 'forbidden', 'forbidden'],
  // comments
  ['comment on the ticket', 'ok', 'ok', 'ok', 'hidden'],
  ['write a private note on the ticket', 'ok', 'ok', 'forbidden', 'hidden'],
  ["update the owner's comment", 'ok', 'ok', 'ok', 'hidden'],
  ["update the agent's comment", 'ok', 'ok', 'forbidden', 'hidden'],
  ["delete the agent's own comment", 'ok', 'ok', 'forbidden', 'forbidden'],
  ["delete the admin's comment", 'ok', 'forbidden', 'forbidden', 'forbidden'],
  // watchers
  ['add a watcher to the ticket', 'ok', 'ok', 'ok', 'hidden'],
  // API keys
  ['make an API key for yourself', 'ok', 'ok', 'ok', 'ok'],
  ['make an API key for the admin', 'ok', 'forbidden', 'forbidden', 'forbidden'],
  // events (issue 18)
  ['read the ticket history', 'ok', 'ok', 'ok', 'hidden'],
  ['see a private note in the ticket history', 'ok', 'ok', 'hidden', 'hidden'],
  ["subscribe to the ticket's events", 'ok', 'ok', 'ok', 'hidden'],
  ['read the change feed', 'ok', 'ok', 'forbidden', 'forbidden'],
  ['list webhooks', 'ok', 'forbidden', 'forbidden', 'forbidden'],
  ['create a webhook', 'ok', 'forbidden', 'forbidden', 'forbidden'],
];
