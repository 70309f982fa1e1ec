// What a webhook delivery carries: the event as JSON (the same fields as the GraphQL Event type)
// and the headers that let the receiver check it came from us, whole, and recently.
import { createHmac } from 'node:crypto';
import { type EventRow, globalId } from '../../domain/events/types.ts';

const person = (type: string | null, id: number | null) =>
  type && id !== null
    ? {
        type: type === 'agent' ? 'Agent' : 'Customer',
        id: globalId(type === 'agent' ? 'Agent' : 'Customer', id),
        internalId: id,
      }
    : null;

/** The JSON body: webhooks are staff's (admins configure them), so private events come too, marked. */
export function eventPayload(event: EventRow) {
  return {
    // The int8 id as a bigint: a Number would lose digits past 2^53.
    id: globalId('Event', event.id),
    cursor: event.id.toString(),
    type: event.type,
    occurredAt: event.occurredAt.toISOString(),
    subject: {
      type: event.subjectType,
      id: globalId(event.subjectType, event.subjectId),
      internalId: event.subjectId,
      key: event.subjectKey,
    },
    ticket: event.ticketId === null ? null : { id: globalId('Ticket', event.ticketId), internalId: event.ticketId },
    actor: person(event.actorType, event.actorId),
    private: event.private,
    changes: event.changes,
  };
}

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`, keyed by the webhook's secret. */
export function signature(secret: string, timestamp: number, body: string) {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The headers of one attempt: the timestamp (and so the signature) is new on every attempt. */
export function deliveryHeaders(secret: string, event: EventRow, deliveryId: string, body: string, now: number) {
  const timestamp = Math.floor(now / 1000);
  return {
    'Content-Type': 'application/json',
    'User-Agent': 'helpdesk-webhooks/1',
    'X-Helpdesk-Event': event.type,
    'X-Helpdesk-Delivery': deliveryId,
    'X-Helpdesk-Timestamp': String(timestamp),
    'X-Helpdesk-Signature-256': signature(secret, timestamp, body),
  };
}
