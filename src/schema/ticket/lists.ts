// The ticket lists nested in a branch, an agent and a customer.
import { builder } from '../../builder.ts';
import { can } from '../../domain/permissions.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { Agent } from '../agent/type.ts';
import { Branch } from '../branch.ts';
import { countOf } from '../connection.ts';
import { Customer } from '../customer/type.ts';
import { details } from '../person.ts';
import { nestedTicketArgs, nestedTicketQuery } from './filter.ts';
import { TicketConnection } from './type.ts';

builder.prismaObjectField(Branch, 'tickets', (t) =>
  t.relatedConnection(
    'tickets',
    {
      cursor: 'id',
      totalCount: true,
      description: 'Tickets in the branch that you may see, newest first unless `orderBy` says otherwise.',
      args: nestedTicketArgs(t),
      query: nestedTicketQuery,
    },
    TicketConnection,
  ),
);

builder.prismaObjectField(Agent, 'tickets', (t) =>
  t.relatedConnection(
    'assignedTickets',
    {
      // Hidden from customers like the agent's other details: loading it for them reloads an
      // agent they may not load, which failed as an internal error.
      ...details,
      cursor: 'id',
      totalCount: true,
      description: 'Tickets assigned to the agent (those you may see), newest first unless `orderBy` says otherwise.',
      args: nestedTicketArgs(t),
      query: nestedTicketQuery,
    },
    TicketConnection,
  ),
);

/** The customer's own tickets, or with includeLinked those of its whole profile group (a join, not a lookup first). */
function reporterWhere(
  c: { id: number; linkGroup: string | null },
  includeLinked: boolean | null | undefined,
): Prisma.TicketWhereInput {
  if (!includeLinked || !c.linkGroup) return { reporterCustomerId: c.id };
  return { reporterCustomer: { linkGroup: c.linkGroup } };
}

builder.prismaObjectField(Customer, 'tickets', (t) =>
  t.prismaConnection(
    {
      type: 'Ticket',
      cursor: 'id',
      description:
        'Tickets this customer reported (with includeLinked, those of all linked profiles) that you may see, newest first unless `orderBy` says otherwise. Empty for other customers when you are a customer.',
      args: {
        includeLinked: t.arg.boolean({ description: 'Include the tickets of linked profiles.' }),
        ...nestedTicketArgs(t),
      },
      resolve: (query, c, args, ctx) => {
        // Customers see other customers as a name only (src/schema/person.ts), their lists as empty.
        if (!can(ctx.viewer, 'person:readDetails', { kind: 'customer', id: c.id })) return [];
        const { where, orderBy } = nestedTicketQuery(args, ctx);
        return ctx.prisma.ticket.findMany({
          ...query,
          where: { AND: [reporterWhere(c, args.includeLinked), where] },
          orderBy,
        });
      },
      totalCount: (c, args, ctx) => {
        if (!can(ctx.viewer, 'person:readDetails', { kind: 'customer', id: c.id })) return 0;
        const { where } = nestedTicketQuery(args, ctx);
        return countOf(ctx, 'ticket', { AND: [reporterWhere(c, args.includeLinked), where] });
      },
    },
    TicketConnection,
  ),
);
