// Finding the ticket and the person a mutation acts on: shared by the ticket, comment and
// attachment mutations.
import { builder } from '../../builder.ts';
import type { Context } from '../../context.ts';
import type { PersonRef } from '../../domain/people.ts';
import { ticketVisibility, viewerRef } from '../../domain/permissions.ts';
import * as tickets from '../../domain/tickets.ts';
import { KEY_MAX, maxLength } from '../input-limits.ts';
import { personRef } from '../person.ts';
import { Ticket } from './type.ts';

export const TicketLocator = builder.inputType('TicketLocator', {
  description: 'Finds a ticket by global `id` or by `key`. Give exactly one.',
  isOneOf: true,
  fields: (t) => ({
    id: t.globalID({ for: Ticket, description: 'Global id of the ticket.' }),
    key: t.string({
      ...maxLength(KEY_MAX),
      description: 'Ticket key such as `SUP-12` (earlier keys of a moved ticket work too).',
    }),
  }),
});

/** Resolves a TicketLocator input to a ticket the caller may see, or a NOT_FOUND user error. */
export function locate(ctx: Context, locator: typeof TicketLocator.$inferInput, field = ['ticket']) {
  return tickets.requireTicket(
    ctx.prisma,
    locator.id ? { id: Number(locator.id.id) } : { key: locator.key ?? '' },
    ticketVisibility(ctx.viewer),
    field,
  );
}

/** The person a write is attributed to: the one named in the input, or else the caller. */
export function actingPerson(ctx: Context, given: { typename: string; id: string } | null | undefined): PersonRef {
  return given ? personRef(given) : viewerRef(ctx.viewer);
}
