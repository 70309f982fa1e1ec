// The events of customers and agents. Agents' are for staff only; a customer may read the events
// of their own profile, without the fields only staff see (INTERNAL_CUSTOMER_FIELDS).
import type { Prisma } from '../../generated/prisma/client.ts';
import type { PersonRef } from '../people.ts';
import { created, diff } from './changes.ts';
import type { EventType, FieldChange, NewEvent } from './types.ts';

export const CUSTOMER_SNAPSHOT = {
  id: true,
  email: true,
  firstName: true,
  lastName: true,
  phone: true,
  whatsappPhone: true,
  companyName: true,
  companyPosition: true,
  note: true,
  language: true,
  customFields: true,
  channel: true,
  channelExternalId: true,
  customId: true,
  customChannel: true,
  thumbnailUrl: true,
  confirmed: true,
  blocked: true,
  state: true,
} as const satisfies Prisma.CustomerSelect;

export type CustomerSnapshot = Prisma.CustomerGetPayload<{ select: typeof CUSTOMER_SNAPSHOT }>;

const CUSTOMER_FIELDS = Object.keys(CUSTOMER_SNAPSHOT).filter((field) => field !== 'id');

/** Customer fields only staff see (src/schema/customer/type.ts: `staffOnly`), left out of what customers read. */
export const INTERNAL_CUSTOMER_FIELDS: readonly string[] = ['note'];

/** The customer as it stands, under its row lock: the "before" of a change is what it replaces. */
export async function lockedCustomer(tx: Prisma.TransactionClient, id: number): Promise<CustomerSnapshot | null> {
  await tx.$executeRaw`SELECT 1 FROM "Customer" WHERE "id" = ${id} FOR UPDATE`;
  return tx.customer.findUnique({ where: { id }, select: CUSTOMER_SNAPSHOT });
}

type CustomerEventType = Extract<EventType, `customer.${string}`>;

export function customerEvent(
  type: CustomerEventType,
  customer: { id: number; customId: string | null },
  changes: FieldChange[],
  actor: PersonRef | null,
  occurredAt: Date,
): NewEvent {
  return {
    type,
    // The key is the integrator's own id for the customer (customId): what a sync matches on. It
    // may be personal data (an email address, a CRM handle), so an erased customer's tombstone has
    // none, and erasing blanks it in the customer's earlier events (deleteCustomerPermanently).
    subject: { type: 'Customer', id: customer.id, key: type === 'customer.deleted' ? null : customer.customId },
    customerId: customer.id,
    actor,
    // Nothing a customer may see changed: the event is for staff alone, so its time tells nothing.
    private: changes.length > 0 && changes.every((change) => INTERNAL_CUSTOMER_FIELDS.includes(change.field)),
    changes,
    occurredAt,
  };
}

export const customerCreated = (after: CustomerSnapshot, actor: PersonRef | null, occurredAt: Date) =>
  customerEvent('customer.created', after, created(after, CUSTOMER_FIELDS), actor, occurredAt);

/** A change of profile fields or state; null when nothing changed. */
export function customerChanged(
  type: CustomerEventType,
  before: CustomerSnapshot,
  after: CustomerSnapshot,
  actor: PersonRef | null,
  occurredAt: Date,
): NewEvent | null {
  const changes = diff(before, after, CUSTOMER_FIELDS);
  if (changes.length === 0 && type === 'customer.updated') return null;
  return customerEvent(type, after, changes, actor, occurredAt);
}

export const AGENT_SNAPSHOT = {
  id: true,
  email: true,
  username: true,
  firstName: true,
  lastName: true,
  role: true,
  state: true,
  timezone: true,
  timeFormat: true,
  editMethod: true,
  ticketReplyRedirect: true,
  sendPushNotifications: true,
  sendWebNotifications: true,
  autoFollowOnCC: true,
  isPartTime: true,
  reviewer: true,
  projectsCompanyId: true,
  ldKey: true,
} as const satisfies Prisma.AgentSelect;

export type AgentSnapshot = Prisma.AgentGetPayload<{ select: typeof AGENT_SNAPSHOT }>;

const AGENT_FIELDS = Object.keys(AGENT_SNAPSHOT).filter((field) => field !== 'id');

export async function lockedAgent(tx: Prisma.TransactionClient, id: number): Promise<AgentSnapshot | null> {
  await tx.$executeRaw`SELECT 1 FROM "Agent" WHERE "id" = ${id} FOR UPDATE`;
  return tx.agent.findUnique({ where: { id }, select: AGENT_SNAPSHOT });
}

const agentEvent = (
  type: 'agent.created' | 'agent.updated',
  agent: AgentSnapshot,
  changes: FieldChange[],
  actor: PersonRef | null,
  occurredAt: Date,
): NewEvent => ({
  type,
  subject: { type: 'Agent', id: agent.id, key: agent.username },
  actor,
  // Staff records: customers see agents as a name only.
  private: true,
  changes,
  occurredAt,
});

export const agentCreated = (after: AgentSnapshot, actor: PersonRef | null, occurredAt: Date) =>
  agentEvent('agent.created', after, created(after, AGENT_FIELDS), actor, occurredAt);

export function agentUpdated(
  before: AgentSnapshot,
  after: AgentSnapshot,
  actor: PersonRef | null,
  occurredAt: Date,
): NewEvent | null {
  const changes = diff(before, after, AGENT_FIELDS);
  return changes.length === 0 ? null : agentEvent('agent.updated', after, changes, actor, occurredAt);
}
