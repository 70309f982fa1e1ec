// Who may see and change what: the one module that decides, for GraphQL (scope-auth scopes and
// resolvers), every REST dialect (they run GraphQL) and downloads. Two kinds of answers:
//
// - list filters are Prisma `where` clauses (so counts and pages stay right), and a forbidden
//   object is reported exactly like a missing one;
// - object and input rules are a catalogue of actions (`ticket:create`, `comment:delete`, ...) asked
//   through `can` (a boolean) or `assertCan` (a FORBIDDEN user error with the rule's message).
//
// No other file reads a viewer's role: test/architecture.test.ts fails if one does.
import type { Viewer } from '../context.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { adminOnlyAgentFields } from './agents.ts';
import { DomainError, type UserErrorCode } from './errors.ts';
import { INTERNAL_CUSTOMER_FIELDS } from './events/people-events.ts';
import type { FieldChange } from './events/types.ts';
import { ownerColumns, type PersonRef } from './people.ts';

const isStaff = (viewer: Viewer): boolean => viewer.kind === 'agent';
const isAdmin = (viewer: Viewer): boolean => viewer.kind === 'agent' && viewer.role === 'ADMIN';

/** The same person: the viewer is `person`. An identity, not a role. */
export function isSelf(viewer: Viewer, person: PersonRef | null | undefined): boolean {
  return !!person && viewer.kind === person.kind && viewer.id === person.id;
}

export function viewerRef(viewer: Viewer): PersonRef {
  return { kind: viewer.kind, id: viewer.id };
}

/** The scope-auth scopes of src/builder.ts (`authScopes: { staff: true }` on a field). */
export const scopesOf = (viewer: Viewer | null) => ({
  /** Any agent (admin or not). */
  staff: !!viewer && isStaff(viewer),
  admin: !!viewer && isAdmin(viewer),
  customer: viewer?.kind === 'customer',
});

// ---------------------------------------------------------------------------------------------
// Visibility as where clauses

/** Matches no row: what a caller may not see reads as missing. */
export const NOTHING = { id: -1 } as const;

/** Staff see every ticket; a customer those they reported or watch. */
export function ticketVisibility(viewer: Viewer): Prisma.TicketWhereInput {
  if (isStaff(viewer)) return {};
  return { OR: [{ reporterCustomerId: viewer.id }, { watchers: { some: { customerId: viewer.id } } }] };
}

/** Comments of a ticket already known to be visible: customers never see private notes. */
export function commentVisibilityOnVisibleTicket(viewer: Viewer): Prisma.CommentWhereInput {
  return isStaff(viewer) ? {} : { private: false };
}

export function commentVisibility(viewer: Viewer): Prisma.CommentWhereInput {
  if (isStaff(viewer)) return {};
  return { private: false, ticket: ticketVisibility(viewer) };
}

export function attachmentVisibility(viewer: Viewer): Prisma.AttachmentWhereInput {
  if (isStaff(viewer)) return {};
  return { OR: [{ ticket: ticketVisibility(viewer) }, { comment: commentVisibility(viewer) }] };
}

/** Your own API keys; admins see everyone's. */
export function apiKeyVisibility(viewer: Viewer): Prisma.ApiKeyWhereInput {
  if (isAdmin(viewer)) return {};
  return ownerColumns(viewerRef(viewer));
}

/** Webhooks and their deliveries: admins only. */
export function webhookVisibility(viewer: Viewer): { id?: number } {
  return isAdmin(viewer) ? {} : NOTHING;
}

/** Loading a person by id: staff anyone, customers only themselves (others reach them through tickets). */
export function personVisibility(viewer: Viewer, person: PersonRef): { id: number } {
  return can(viewer, 'person:load', person) ? { id: person.id } : NOTHING;
}

/**
 * Events of a ticket or customer already known to be visible (their history, a subscription):
 * customers see neither staff-only events (private notes and their files, internal fields) nor
 * watchers hidden from them.
 */
export function eventVisibilityOnVisibleSubject(viewer: Viewer): Prisma.EventWhereInput {
  if (isStaff(viewer)) return {};
  return { private: false, OR: [{ onlyCustomerId: null }, { onlyCustomerId: viewer.id }] };
}

/** The same rule for one event in hand (a live subscription filters as events arrive). */
export function eventVisibleOnVisibleSubject(
  viewer: Viewer,
  event: { private: boolean; onlyCustomerId: number | null },
): boolean {
  return isStaff(viewer) || (!event.private && (event.onlyCustomerId === null || event.onlyCustomerId === viewer.id));
}

/**
 * Whether the viewer may see an event, given whether they may see its ticket now: staff all;
 * a customer what the two rules above allow, of tickets they see or of their own profile.
 */
export function canSeeEvent(
  viewer: Viewer,
  event: { private: boolean; onlyCustomerId: number | null; ticketId: number | null; customerId: number | null },
  ticketVisible: boolean,
): boolean {
  if (isStaff(viewer)) return true;
  if (!eventVisibleOnVisibleSubject(viewer, event)) return false;
  if (event.ticketId !== null) return ticketVisible;
  return event.customerId !== null && isSelf(viewer, { kind: 'customer', id: event.customerId });
}

/** What of an event's changes the viewer may read: customers never the fields only staff see. */
export function visibleChanges(viewer: Viewer, subjectType: string, changes: FieldChange[]): FieldChange[] {
  if (isStaff(viewer) || subjectType !== 'Customer') return changes;
  return changes.filter((change) => !INTERNAL_CUSTOMER_FIELDS.includes(change.field));
}

/** Customers filter and sort tickets by the last change they were shown (private notes do not move it). */
export const ticketUpdatedColumn = (viewer: Viewer) => (isStaff(viewer) ? 'updatedAt' : 'publicUpdatedAt');

// ---------------------------------------------------------------------------------------------
// The catalogue of actions

/** Why a rule refused: the user error it becomes. */
interface Denial {
  message: string;
  field?: string[];
  code: UserErrorCode;
}
type Verdict = true | Denial;

const deny = (message: string, field?: string[], code: UserErrorCode = 'FORBIDDEN'): Denial => ({
  message,
  field,
  code,
});

const staffOr = (viewer: Viewer, message: string, field?: string[]): Verdict => isStaff(viewer) || deny(message, field);
const staffOrSelf = (viewer: Viewer, person: PersonRef): Verdict =>
  isStaff(viewer) || isSelf(viewer, person) || deny('Not visible to you.');

interface TicketInput {
  reporter?: PersonRef | null;
  assigneeId?: number | null;
  status?: string | null;
}
interface CommentInput {
  private?: boolean | null;
  ticketStatus?: string | null;
  author?: PersonRef | null;
}
/**
 * What a customer may not change on their own profile. Channel ids are the identities messages
 * from a channel are matched to (and "already used" would tell who else has one); custom fields
 * are defined by staff, and validating them would show a customer the definitions.
 */
const CUSTOMER_READ_ONLY_FIELDS = [
  'note',
  'blocked',
  'confirmed',
  'customId',
  'channel',
  'channelExternalId',
  'customChannel',
  'customFields',
] as const;

const rules = {
  /** Staff-only data about tickets and people: internal timestamps, Gravatar hashes of emails. */
  'helpdesk:readInternal': (viewer: Viewer): Verdict => staffOr(viewer, 'Only agents see this.'),

  /** Customers see other people as `{id, name}`; staff and the person themself see all. */
  'person:readDetails': staffOrSelf,
  /** Loading a person by id (node, lookups): the same rule, so a customer cannot load others. */
  'person:load': staffOrSelf,

  /** What a customer may set when creating a ticket: it is theirs, and agents triage it. */
  'ticket:create': (viewer: Viewer, input: TicketInput): Verdict => {
    if (isStaff(viewer)) return true;
    if (input.reporter && !isSelf(viewer, input.reporter))
      return deny('Customers report tickets as themselves.', ['reporter']);
    if (input.assigneeId !== undefined) return deny('Only agents assign tickets.', ['assignee']);
    if (input.status) return deny('Only agents set the status of a ticket.', ['status']);
    return true;
  },

  /** Agents add and remove any watcher, with errors told; customers go through `watcher:change`. */
  'watcher:manage': (viewer: Viewer): Verdict => staffOr(viewer, 'Only agents manage watchers.', ['watcher']),
  /** Customers change the watchers of tickets they reported; agents of any ticket. */
  'watcher:change': (viewer: Viewer, ticket: { reporterCustomerId: number | null } | null): Verdict =>
    isStaff(viewer) ||
    (viewer.kind === 'customer' && ticket?.reporterCustomerId === viewer.id) ||
    deny('Only the reporter of a ticket and agents change its watchers.', ['watcher']),
  /** Anyone may stop watching. */
  'watcher:leave': (viewer: Viewer, watcher: PersonRef | null): Verdict =>
    isSelf(viewer, watcher) || deny('Only the watcher leaves on their own.', ['watcher']),
  /**
   * A watcher a customer added is listed to staff and to that watcher only: adding someone must not
   * tell a customer whether the email has an account.
   */
  'watcher:read': (viewer: Viewer, w: { addedByCustomer: boolean; customerId: number | null }): Verdict =>
    isStaff(viewer) ||
    !w.addedByCustomer ||
    (w.customerId !== null && isSelf(viewer, { kind: 'customer', id: w.customerId })) ||
    deny('Not visible to you.'),

  /** Customers write public comments, as themselves, and leave ticket status to agents. */
  'comment:write': (viewer: Viewer, input: CommentInput): Verdict => {
    if (isStaff(viewer)) return true;
    if (input.private) return deny('Customers cannot write private notes.', ['private']);
    if (input.ticketStatus) return deny('Only agents set the status of a ticket.', ['ticketStatus']);
    if (input.author && !isSelf(viewer, input.author)) return deny('Customers comment as themselves.', ['author']);
    return true;
  },
  'comment:update': (viewer: Viewer, comment: { authorCustomerId: number | null }): Verdict =>
    isStaff(viewer) ||
    comment.authorCustomerId === viewer.id ||
    deny('Customers change only their own comments.', ['id']),
  'comment:delete': (viewer: Viewer, comment: { authorAgentId: number | null }): Verdict =>
    isAdmin(viewer) ||
    (isStaff(viewer) && comment.authorAgentId === viewer.id) ||
    deny('Agents delete only their own comments; admins any.', ['id']),

  'attachment:addToComment': (viewer: Viewer, comment: { authorCustomerId: number | null }): Verdict =>
    isStaff(viewer) ||
    comment.authorCustomerId === viewer.id ||
    deny('Customers attach files only to their own comments.', ['comment']),

  /** Agents change their own profile except what admins decide (role, email, ...); admins anyone. */
  'agent:update': (viewer: Viewer, target: { id: number; input: Record<string, unknown> }): Verdict => {
    if (isAdmin(viewer)) return true;
    if (!isSelf(viewer, { kind: 'agent', id: target.id })) return deny('Agents change only their own profile.', ['id']);
    for (const field of adminOnlyAgentFields) {
      if (target.input[field] !== undefined) return deny(`Only admins change ${field}.`, [field]);
    }
    return true;
  },

  /** Another customer is invisible to a customer: not found, like a missing one. */
  'customer:update': (viewer: Viewer, target: { id: number; input: Record<string, unknown> }): Verdict => {
    if (isStaff(viewer)) return true;
    if (!isSelf(viewer, { kind: 'customer', id: target.id })) return deny('Customer not found.', ['id'], 'NOT_FOUND');
    for (const field of CUSTOMER_READ_ONLY_FIELDS) {
      if (target.input[field] !== undefined) return deny(`Only agents change ${field}.`, [field]);
    }
    return true;
  },
  /**
   * The email is the sign-in identity, and "already used" would tell a customer who else has an
   * account: only agents change it.
   */
  'customer:changeEmail': (viewer: Viewer): Verdict =>
    staffOr(viewer, 'Only agents change the email address of a customer.', ['email']),

  /** The customer portal's `users/current` is the signed-in customer; agents have no portal profile. */
  'portal:currentUser': (viewer: Viewer): Verdict =>
    viewer.kind === 'customer' || deny('users/current is for customers (portal users).', undefined, 'NOT_FOUND'),

  /** A deleted customer is gone for the DiamanteDesk REST API, as it was in DiamanteDesk; GraphQL lists it to staff. */
  'customer:readOverRest': (_viewer: Viewer, customer: { state: string | null }): Verdict =>
    customer.state !== 'DELETED' || deny('Customer not found.', ['id'], 'NOT_FOUND'),

  /** The change feed of everything: staff (and their API keys), for integrations that sync. */
  'event:readFeed': (viewer: Viewer): Verdict => staffOr(viewer, 'Only agents read the change feed.'),
  /** Webhooks send every event to a URL of the admin's choosing: admins only. */
  'webhook:manage': (viewer: Viewer): Verdict => isAdmin(viewer) || deny('Only admins manage webhooks.'),

  /** Your own keys; admins anyone's. */
  'apiKey:list': (viewer: Viewer, owner: PersonRef): Verdict =>
    isAdmin(viewer) || isSelf(viewer, owner) || deny('Not visible to you.'),
  'apiKey:create': (viewer: Viewer, owner: PersonRef): Verdict =>
    isAdmin(viewer) || isSelf(viewer, owner) || deny('Only admins make keys for other people.', ['owner']),
} satisfies Record<string, (viewer: Viewer, subject: never) => Verdict>;

type Rules = typeof rules;
export type Action = keyof Rules;
/** The subject an action is asked about, if it takes one. */
type SubjectArgs<A extends Action> = Parameters<Rules[A]> extends [Viewer] ? [] : [subject: Parameters<Rules[A]>[1]];

function verdict<A extends Action>(viewer: Viewer, action: A, subject: SubjectArgs<A>): Verdict {
  return (rules[action] as (viewer: Viewer, subject?: unknown) => Verdict)(viewer, subject[0]);
}

export function can<A extends Action>(viewer: Viewer, action: A, ...subject: SubjectArgs<A>): boolean {
  return verdict(viewer, action, subject) === true;
}

/** Throws the rule's refusal as a user error (FORBIDDEN, or NOT_FOUND where a refusal must not tell). */
export function assertCan<A extends Action>(viewer: Viewer, action: A, ...subject: SubjectArgs<A>): void {
  const result = verdict(viewer, action, subject);
  if (result !== true) throw DomainError.of(result.code, result.message, result.field);
}
