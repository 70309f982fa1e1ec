// Query.agent and Query.agents.
import { builder } from '../../builder.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { countOf } from '../connection.ts';
import { deprecatedLookup, locatorOf } from '../locator.ts';
import { findPage, offsetArgDescription } from '../ordering.ts';
import { AgentFilter, agentWhere, personOrder } from './filter.ts';
import { Agent, AgentConnection } from './type.ts';

const AgentLocator = builder.inputType('AgentLocator', {
  description: 'Finds an agent by global `id` or by `email`. Give exactly one.',
  isOneOf: true,
  fields: (t) => ({
    id: t.globalID({ for: Agent, description: 'Global id of the agent.' }),
    email: t.field({ type: 'EmailAddress', description: 'Email address, case-insensitive.' }),
  }),
});

builder.queryFields((t) => ({
  agent: t.prismaField({
    type: 'Agent',
    nullable: true,
    authScopes: { staff: true },
    description: 'One agent, by `by: {id}` or `by: {email}`; null when there is none. Agents only.',
    args: {
      by: t.arg({ type: AgentLocator, description: 'The agent, by global id or email.' }),
      id: t.arg.globalID({ for: Agent, ...deprecatedLookup('id'), description: 'Global id of the agent.' }),
      email: t.arg({
        type: 'EmailAddress',
        ...deprecatedLookup('email'),
        description: 'Email address, case-insensitive.',
      }),
    },
    resolve: (query, _root, args, ctx) => {
      const by = locatorOf('agent', args, ['id', 'email']);
      return ctx.prisma.agent.findUnique({
        ...query,
        where: by.id ? { id: Number(by.id.id) } : { email: by.email!.toLowerCase() },
      });
    },
  }),
  agents: t.prismaConnection(
    {
      type: 'Agent',
      // Nullable: a bad argument (cursor, id) nulls this field alone, not the whole response.
      nullable: true,
      cursor: 'id',
      authScopes: { staff: true },
      description: 'Agents, oldest first. Agents only.',
      args: {
        filter: t.arg({ type: AgentFilter, description: 'Narrows the list.' }),
        orderBy: t.arg({ type: personOrder.Input, description: 'Sort order; default oldest first.' }),
        offset: t.arg.int({ description: offsetArgDescription }),
      },
      totalCount: (_root, args, ctx) => countOf(ctx, 'agent', agentWhere(args.filter)),
      resolve: (query, _root, args, ctx) =>
        findPage(
          ctx.prisma.agent,
          'Agent',
          query,
          agentWhere(args.filter),
          personOrder.toPrisma(args.orderBy) as Prisma.AgentOrderByWithRelationInput[],
          args.offset,
          ctx.reads,
        ),
    },
    AgentConnection,
  ),
}));
