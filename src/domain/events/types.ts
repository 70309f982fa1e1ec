// What the event log records (issue 18): one row per change, written by the use-case that made it
// (outbox.ts), read by history, the change feed, webhooks and live subscriptions.
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { PersonRef } from '../people.ts';

export const EVENT_TYPES = [
  'ticket.created',
  'ticket.updated',
  'ticket.moved',
  'ticket.deleted',
  'comment.added',
  'comment.updated',
  'comment.deleted',
  'attachment.added',
  'attachment.removed',
  'watcher.added',
  'watcher.removed',
  'customer.created',
  'customer.updated',
  'customer.blocked',
  'customer.disabled',
  'customer.restored',
  'customer.deleted',
  'customer.linked',
  'customer.unlinked',
  'agent.created',
  'agent.updated',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** Events about a ticket or what hangs off it: what ticket subscriptions and `Ticket.history` carry. */
export const TICKET_EVENT_TYPES = EVENT_TYPES.filter((type) =>
  /^(ticket|comment|attachment|watcher)\./.test(type),
) as EventType[];

export const isEventType = (value: string): value is EventType => (EVENT_TYPES as readonly string[]).includes(value);

export type SubjectType = 'Ticket' | 'Comment' | 'Attachment' | 'Customer' | 'Agent';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One field's value before and after; a creation has `from: null`. People are global ids. */
export interface FieldChange {
  field: string;
  from: JsonValue;
  to: JsonValue;
}

/** An event as a use-case records it; the id and the cursor come from the log. */
export interface NewEvent {
  type: EventType;
  subject: { type: SubjectType; id: number; key?: string | null };
  ticketId?: number | null;
  branchId?: number | null;
  customerId?: number | null;
  /** Who made the change; null for the system (scripts). */
  actor: PersonRef | null;
  /** Staff only (private notes and their files, agents, internal-only customer changes). */
  private?: boolean;
  /** Among customers only this one sees it (see Event.onlyCustomerId in prisma/schema.prisma). */
  onlyCustomerId?: number | null;
  changes?: FieldChange[];
  occurredAt: Date;
}

/** A stored event, as every reader sees it. */
export interface EventRow {
  id: bigint;
  type: string;
  subjectType: string;
  subjectId: number;
  subjectKey: string | null;
  ticketId: number | null;
  branchId: number | null;
  customerId: number | null;
  actorType: string | null;
  actorId: number | null;
  private: boolean;
  onlyCustomerId: number | null;
  changes: unknown;
  occurredAt: Date;
}

/**
 * The global id clients use for an object (`node(id:)`). Events store people and branches this
 * way: it is what the feed and webhooks show, and it stays meaningful after the object is gone.
 */
export const globalId = (type: string, id: number | bigint) => encodeGlobalID(type, id);

export const personId = (person: PersonRef | null | undefined) =>
  person ? globalId(person.kind === 'agent' ? 'Agent' : 'Customer', person.id) : null;
