// One connection type per node type (`TicketConnection` with `TicketEdge`), shared by every field
// that lists that type, so clients write one fragment per list and Relay needs no per-field edge
// type names.
import { builder, INT4_MAX, INT4_MIN, UUID } from '../builder.ts';
import type { Context } from '../context.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import type { CursorValueCheck } from '../pothos/cursor-check.ts';

type NodeRef = Parameters<typeof builder.connectionObject>[0]['type'];

/** What plugin-prisma leaves on a connection for `totalCount`: the number, or how to get it. */
type WithTotalCount = { totalCount?: number | (() => number | Promise<number>) };

/**
 * What the cursors of a list can hold: the id of its rows (every list pages with `cursor: 'id'`),
 * checked before it reaches Prisma (src/pothos/cursor-check.ts).
 */
export const cursorValues = {
  int4: (value) => typeof value === 'number' && Number.isInteger(value) && value >= INT4_MIN && value <= INT4_MAX,
  uuid: (value) => typeof value === 'string' && UUID.test(value),
} satisfies Record<string, CursorValueCheck>;

export function sharedConnection<T extends NodeRef>(
  type: T,
  name: string,
  plural: string,
  cursorValue: CursorValueCheck = cursorValues.int4,
) {
  const edge = builder.edgeObject({
    type,
    name: `${name}Edge`,
    description: `One of the ${plural} of a page, with its cursor.`,
  });
  const connection = builder.connectionObject(
    {
      type,
      name: `${name}Connection`,
      description: `A page of ${plural}, with cursors and the total count.`,
      extensions: { cursorValue },
      fields: (t) => ({
        totalCount: t.int({
          description:
            'Number of items in the whole list (all pages), with the same filters. Reused for a few seconds (HELPDESK_COUNT_CACHE_SECONDS): changes made through this server show at once, those made through another server on the same database within that time.',
          resolve: (page) => {
            const { totalCount } = page as WithTotalCount;
            return (typeof totalCount === 'function' ? totalCount() : totalCount) ?? 0;
          },
        }),
      }),
    },
    edge,
  );
  return { connection, edge };
}

/** The lists that count through the count cache, by Prisma delegate, with the `where` each takes. */
interface Countable {
  ticket: Prisma.TicketWhereInput;
  comment: Prisma.CommentWhereInput;
  customer: Prisma.CustomerWhereInput;
  agent: Prisma.AgentWhereInput;
  branch: Prisma.BranchWhereInput;
}

/** A list's totalCount: `model` rows matching `where`, through the count cache (src/db/read-cache.ts). */
export function countOf<M extends keyof Countable>(ctx: Context, model: M, where: Countable[M]): Promise<number> {
  const delegate = ctx.prisma[model] as unknown as { count(args: { where: Countable[M] }): Promise<number> };
  return ctx.reads.count(model[0]!.toUpperCase() + model.slice(1), where, () => delegate.count({ where }));
}
