// People in DiamanteDesk's REST shapes: `oro_<id>` agents and `diamante_<id>` customers.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { TicketPriority, TicketSource, TicketStatus } from '../generated/prisma/enums.ts';
import { RestError } from './format.ts';
import { compact, parsePersonId } from './serialize.ts';

/** GraphQL selection for a Person, enough for every REST shape. */
export const PERSON = `__typename name email ... on Agent { internalId firstName lastName } ... on Customer { internalId firstName lastName }`;

/** The same for fields typed Agent (an assignee). */
export const AGENT = `__typename name email internalId firstName lastName`;

export interface GqlPerson {
  __typename: 'Agent' | 'Customer';
  internalId: number;
  name: string;
  email: string | null;
  firstName: string;
  lastName: string;
}

export const typedId = (p: GqlPerson) => `${p.__typename === 'Agent' ? 'oro' : 'diamante'}_${p.internalId}`;

/** `{id: "oro_1", email, name}`: reporters, assignees and comment authors. */
export function restPerson(p: GqlPerson | null | undefined) {
  if (!p) return undefined;
  return compact({ id: typedId(p), email: p.email, name: p.name });
}

/** `oro_1` / `diamante_5` to a global id; a bad value is a 400 naming the field. */
export function personGlobalId(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const parsed = parsePersonId(value);
  if (!parsed) throw new RestError(400, `"${field}" must be oro_<id> (staff) or diamante_<id> (customer).`);
  return encodeGlobalID(parsed.typename, parsed.id);
}

export function numericId(value: unknown, field: string, typename: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  // A form's `ticket[subject]=x` makes an object (without a prototype, so String() of it throws).
  if (typeof value === 'object' || !/^\d{1,10}$/.test(String(value)))
    throw new RestError(400, `"${field}" must be an id number.`);
  return encodeGlobalID(typename, String(value));
}

/** `new`, `In progress`, `on_hold` → the GraphQL enum value. */
export function enumValue(value: unknown, field: string, allowed: readonly string[]): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'object')
    throw new RestError(400, `"${field}" must be one of ${allowed.map((a) => a.toLowerCase()).join(', ')}.`);
  const normal = String(value)
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, '_');
  if (!allowed.includes(normal))
    throw new RestError(400, `"${field}" must be one of ${allowed.map((a) => a.toLowerCase()).join(', ')}.`);
  return normal;
}

// REST accepts exactly the values the database stores, in the schema's order (error messages list them).
export const TICKET_STATUSES = Object.values(TicketStatus);
export const TICKET_PRIORITIES = Object.values(TicketPriority);
export const TICKET_SOURCES = Object.values(TicketSource);
