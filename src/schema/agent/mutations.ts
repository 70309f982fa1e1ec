// Agent mutations: each parses its input and calls one use-case in src/domain/.
import { builder } from '../../builder.ts';
import * as agents from '../../domain/agents.ts';
import { assertCan } from '../../domain/permissions.ts';
import { asPayload, onlyFor } from '../user-errors.ts';
import { CreateAgentInput, CreateAgentPayload, UpdateAgentInput, UpdateAgentPayload } from './inputs.ts';

builder.mutationFields((t) => ({
  createAgent: t.field({
    type: CreateAgentPayload,
    ...onlyFor('admin', 'Only admins manage agents.'),
    description: 'Creates an agent. Admins only.',
    args: { input: t.arg({ type: CreateAgentInput, required: true, description: 'The new agent.' }) },
    resolve: (_root, { input }, ctx) => asPayload(() => agents.createAgent(ctx.prisma, input, ctx.viewer.id, ctx.now)),
  }),
  updateAgent: t.field({
    type: UpdateAgentPayload,
    ...onlyFor('staff', 'Only agents change agents.'),
    description: 'Changes an agent: a partial update. Agents their own preferences, admins anything.',
    args: { input: t.arg({ type: UpdateAgentInput, required: true, description: 'The agent and its changes.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() => {
        const id = Number(input.id.id);
        assertCan(ctx.viewer, 'agent:update', { id, input });
        return agents.updateAgent(ctx.prisma, id, input, ctx.viewer.id, ctx.now);
      }),
  }),
}));
