// The inputs and payloads of the ticket mutations.
import { builder, type InputFieldBuilder } from '../../builder.ts';
import { RICH_TEXT_RULE } from '../../domain/rich-text.ts';
import type * as tickets from '../../domain/tickets.ts';
import { Agent } from '../agent/type.ts';
import { Branch } from '../branch.ts';
import { Customer } from '../customer/type.ts';
import { newFileFields } from '../files.ts';
import { deletePayload, objectPayload } from '../payload.ts';
import { personRef } from '../person.ts';
import { TicketPriority, TicketSource, TicketStatus } from './enums.ts';
import { TicketLocator } from './locators.ts';
import { TicketEdge } from './type.ts';

export const CreateTicketInput = builder.inputType('CreateTicketInput', {
  description: 'A new ticket. Its key is the branch key plus the next number of that branch.',
  fields: (t) => ({
    branch: t.globalID({ for: Branch, required: true, description: 'Branch to create it in.' }),
    subject: t.string({ required: true, description: 'One-line summary, no control characters, at most 255.' }),
    description: t.string({
      required: true,
      description: `The request in full; not blank once sanitised. ${RICH_TEXT_RULE}`,
    }),
    status: t.field({ type: TicketStatus, description: 'Default NEW.' }),
    priority: t.field({ type: TicketPriority, description: 'Default MEDIUM.' }),
    source: t.field({ type: TicketSource, description: 'Default WEB.' }),
    tags: t.stringList({ description: 'Tags.' }),
    reporter: t.globalID({ for: [Agent, Customer], description: 'Agent or customer who raised it; default: you.' }),
    assignee: t.globalID({ for: Agent, description: "Responsible agent; default: the branch's default assignee." }),
    ...newFileFields(t),
  }),
});

export const UpdateTicketInput = builder.inputType('UpdateTicketInput', {
  description: 'Changes to a ticket; absent fields stay as they are.',
  fields: (t) => ({
    ticket: t.field({ type: TicketLocator, required: true, description: 'The ticket to change.' }),
    subject: t.string({ description: 'One-line summary, no control characters, at most 255.' }),
    description: t.string({ description: `The request in full; not blank once sanitised. ${RICH_TEXT_RULE}` }),
    status: t.field({ type: TicketStatus, description: 'New status.' }),
    priority: t.field({ type: TicketPriority, description: 'New priority.' }),
    source: t.field({ type: TicketSource, description: 'New source.' }),
    tags: t.stringList({ description: 'Replaces the tags.' }),
    reporter: t.globalID({ for: [Agent, Customer], description: 'New reporter.' }),
    assignee: t.globalID({ for: Agent, description: 'New assignee; null unassigns.' }),
  }),
});

export const DeleteTicketInput = builder.inputType('DeleteTicketInput', {
  description: 'The ticket to delete, with its comments, watchers and attachments.',
  fields: (t) => ({ ticket: t.field({ type: TicketLocator, required: true, description: 'The ticket to delete.' }) }),
});

export const MoveTicketInput = builder.inputType('MoveTicketInput', {
  description: 'Moves a ticket to another branch. It gets a key there; its old key keeps resolving.',
  fields: (t) => ({
    ticket: t.field({ type: TicketLocator, required: true, description: 'The ticket to move.' }),
    branch: t.globalID({ for: Branch, required: true, description: 'The branch to move it to.' }),
  }),
});

const watcherFields = (t: InputFieldBuilder) => ({
  ticket: t.field({ type: TicketLocator, required: true, description: 'The ticket.' }),
  watcher: t.globalID({ for: [Agent, Customer], description: 'The agent or customer; default: you.' }),
  watcherEmail: t.field({
    type: 'EmailAddress',
    description:
      'The watcher by email instead of id (agents first, then customers), as the DiamanteDesk portal does. For customers the answer is the same whether or not anyone has that email.',
  }),
});

export const AddWatcherInput = builder.inputType('AddWatcherInput', {
  description: 'A ticket and the person to add to its watchers.',
  fields: watcherFields,
});
export const RemoveWatcherInput = builder.inputType('RemoveWatcherInput', {
  description: 'A ticket and the person to remove from its watchers.',
  fields: watcherFields,
});

export const CreateTicketPayload = objectPayload(
  'CreateTicketPayload',
  'ticket',
  'Ticket',
  'Result of `createTicket`.',
  TicketEdge,
);
export const UpdateTicketPayload = objectPayload(
  'UpdateTicketPayload',
  'ticket',
  'Ticket',
  'Result of `updateTicket`.',
);
export const MoveTicketPayload = objectPayload('MoveTicketPayload', 'ticket', 'Ticket', 'Result of `moveTicket`.');
export const DeleteTicketPayload = deletePayload('DeleteTicketPayload', 'Ticket', 'Result of `deleteTicket`.');
export const AddWatcherPayload = objectPayload('AddWatcherPayload', 'ticket', 'Ticket', 'Result of `addWatcher`.');
export const RemoveWatcherPayload = objectPayload(
  'RemoveWatcherPayload',
  'ticket',
  'Ticket',
  'Result of `removeWatcher`.',
);

export function ticketInput(input: {
  files?: unknown;
  attachments?: unknown;
  subject?: string | null;
  description?: string | null;
  status?: tickets.TicketInput['status'];
  priority?: tickets.TicketInput['priority'];
  source?: tickets.TicketInput['source'];
  tags?: string[] | null;
  reporter?: { typename: string; id: string } | null;
  assignee?: { typename: string; id: string } | null;
}): tickets.TicketInput {
  const { files: _files, attachments: _attachments, ...fields } = input;
  return {
    ...fields,
    reporter: input.reporter ? personRef(input.reporter) : undefined,
    assigneeId: input.assignee === undefined ? undefined : input.assignee === null ? null : Number(input.assignee.id),
  };
}
