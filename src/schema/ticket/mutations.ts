// Ticket and watcher mutations: each parses its input and calls one use-case in src/domain/.
import { builder } from '../../builder.ts';
import type { Context } from '../../context.ts';
import { assertCan, viewerRef } from '../../domain/permissions.ts';
import * as tickets from '../../domain/tickets.ts';
import * as watchers from '../../domain/watchers.ts';
import { incomingFiles } from '../files.ts';
import { asPayload, onlyFor } from '../user-errors.ts';
import {
  AddWatcherInput,
  AddWatcherPayload,
  CreateTicketInput,
  CreateTicketPayload,
  DeleteTicketInput,
  DeleteTicketPayload,
  MoveTicketInput,
  MoveTicketPayload,
  RemoveWatcherInput,
  RemoveWatcherPayload,
  ticketInput,
  UpdateTicketInput,
  UpdateTicketPayload,
} from './inputs.ts';
import { actingPerson, locate } from './locators.ts';

/** The watcher an input names: by email, or by id, or else the caller. */
const watcherTarget = (
  ctx: Context,
  input: { watcher?: { typename: string; id: string } | null; watcherEmail?: string | null },
): watchers.WatcherTarget => ({ person: actingPerson(ctx, input.watcher), email: input.watcherEmail });

builder.mutationFields((t) => ({
  createTicket: t.field({
    type: CreateTicketPayload,
    description: 'Creates a ticket. Customers create their own tickets and cannot set assignee or status.',
    args: { input: t.arg({ type: CreateTicketInput, required: true, description: 'The new ticket.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(async () => {
        const fields = ticketInput(input);
        assertCan(ctx.viewer, 'ticket:create', fields);
        // Files are read and checked first: refused files leave no ticket behind.
        const files = input.files || input.attachments ? await incomingFiles(ctx, input.files, input.attachments) : [];
        // The files' blobs are written before the ticket and its attachment rows commit together.
        return tickets.createTicket(
          ctx.prisma,
          Number(input.branch.id),
          { ...fields, reporter: actingPerson(ctx, input.reporter) },
          { store: ctx.files.store, files },
          ctx.now,
          viewerRef(ctx.viewer),
        );
      }),
  }),
  updateTicket: t.field({
    type: UpdateTicketPayload,
    ...onlyFor('staff', 'Only agents change tickets.'),
    description: 'Changes a ticket, found by id or key. Agents only.',
    args: { input: t.arg({ type: UpdateTicketInput, required: true, description: 'The ticket and its changes.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(async () =>
        tickets.updateTicket(
          ctx.prisma,
          await locate(ctx, input.ticket),
          ticketInput(input),
          ctx.now,
          viewerRef(ctx.viewer),
        ),
      ),
  }),
  deleteTicket: t.field({
    type: DeleteTicketPayload,
    ...onlyFor('admin', 'Only admins delete tickets.'),
    description: 'Deletes a ticket with its comments, watchers and attachments, permanently. Admins only.',
    args: { input: t.arg({ type: DeleteTicketInput, required: true, description: 'The ticket to delete.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(async () =>
        tickets.deleteTicket(
          ctx.prisma,
          ctx.files.store,
          await locate(ctx, input.ticket),
          ctx.now,
          viewerRef(ctx.viewer),
        ),
      ),
  }),
  moveTicket: t.field({
    type: MoveTicketPayload,
    ...onlyFor('staff', 'Only agents move tickets.'),
    description:
      'Moves a ticket to another branch; it gets a new key and its old key keeps resolving. Agents only. Concurrent moves of one ticket happen one after the other; a move asked with an out-of-date view (the ticket was moved meanwhile into that branch, or is addressed by a key it no longer has and already sits there) gets a CONFLICT user error.',
    args: { input: t.arg({ type: MoveTicketInput, required: true, description: 'The ticket and its new branch.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(async () =>
        tickets.moveTicket(
          ctx.prisma,
          await locate(ctx, input.ticket),
          Number(input.branch.id),
          input.ticket.key?.trim().toUpperCase(),
          ctx.now,
          viewerRef(ctx.viewer),
        ),
      ),
  }),
  addWatcher: t.field({
    type: AddWatcherPayload,
    description:
      'Adds a watcher to a ticket; adding one who already watches changes nothing. Customers may add watchers to tickets they reported; ' +
      'to a customer the answer is the same whether or not the email or id belongs to an active person (nobody is added if not), ' +
      'and the people a customer adds are not listed back to customers (only staff and the watcher see them).',
    args: { input: t.arg({ type: AddWatcherInput, required: true, description: 'Ticket and watcher.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(async () =>
        watchers.addWatcher(
          ctx.prisma,
          ctx.viewer,
          await locate(ctx, input.ticket),
          watcherTarget(ctx, input),
          ctx.now,
        ),
      ),
  }),
  removeWatcher: t.field({
    type: RemoveWatcherPayload,
    description:
      'Removes a watcher from a ticket. Customers may remove themselves, or anyone from tickets they reported; to a customer the answer does not say whether that person watched (or exists).',
    args: { input: t.arg({ type: RemoveWatcherInput, required: true, description: 'Ticket and watcher.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(async () =>
        watchers.removeWatcher(
          ctx.prisma,
          ctx.viewer,
          await locate(ctx, input.ticket),
          watcherTarget(ctx, input),
          ctx.now,
        ),
      ),
  }),
}));
