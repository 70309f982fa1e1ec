// Who may see and change what. One module for GraphQL and the REST adapter: list filters are
// Prisma `where` clauses (so counts and pages stay right), object checks return booleans, and a
// forbidden object is reported exactly like a missing one.
import type { Viewer } from '../context.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { DomainError } from './errors.ts';
import type { PersonRef } from './people.ts';

export const isStaff = (viewer: Viewer | null): boolean => viewer?.kind === 'agent';
export const isAdmin = (viewer: Viewer | null): boolean => viewer?.kind === 'agent' && viewer.role === 'ADMIN';

export function isSelf(viewer: Viewer | null, person: PersonRef | null | undefined): boolean {
  return !!viewer && !!person && viewer.kind === person.kind && viewer.id === person.id;
}

export function viewerRef(viewer: Viewer): PersonRef {
  return { kind: viewer.kind, id: viewer.id };
}

const NOTHING = { id: -1 } as const;

/** Staff see every ticket; a customer those they reported or watch; nobody else any. */
export function ticketVisibility(viewer: Viewer | null): Prisma.TicketWhereInput {
  if (isStaff(viewer)) return {};
  if (!viewer) return NOTHING;
  return { OR: [{ reporterCustomerId: viewer.id }, { watchers: { some: { customerId: viewer.id } } }] };
}

/** Comments of a ticket already known to be visible: customers never see private notes. */
export function commentVisibilityOnVisibleTicket(viewer: Viewer | null): Prisma.CommentWhereInput {
  return isStaff(viewer) ? {} : { private: false };
}

export function commentVisibility(viewer: Viewer | null): Prisma.CommentWhereInput {
  if (isStaff(viewer)) return {};
  return { private: false, ticket: ticketVisibility(viewer) };
}

export function attachmentVisibility(viewer: Viewer | null): Prisma.AttachmentWhereInput {
  if (isStaff(viewer)) return {};
  return { OR: [{ ticket: ticketVisibility(viewer) }, { comment: commentVisibility(viewer) }] };
}

/** Customers see other people only as `{id, name}`; staff and the person themself see all. */
export function canSeePersonDetails(viewer: Viewer | null, person: PersonRef): boolean {
  return isStaff(viewer) || isSelf(viewer, person);
}

export function forbidden(message: string, field?: string[]) {
  return DomainError.of('FORBIDDEN', message, field);
}

/** What a customer may set when creating a ticket: it is theirs, and agents triage it. */
export function checkCustomerTicketInput(
  viewer: Viewer,
  input: { reporter?: PersonRef | null; assigneeId?: number | null; status?: string | null },
) {
  if (isStaff(viewer)) return;
  if (input.reporter && !isSelf(viewer, input.reporter))
    throw forbidden('Customers report tickets as themselves.', ['reporter']);
  if (input.assigneeId !== undefined) throw forbidden('Only agents assign tickets.', ['assignee']);
  if (input.status) throw forbidden('Only agents set the status of a ticket.', ['status']);
}
