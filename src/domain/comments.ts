import type { PrismaClient } from '../generated/prisma/client.ts';
import type { TicketStatus } from '../generated/prisma/enums.ts';
import { DomainError, Problems } from './errors.ts';
import { checkPartTimeAllowance, requireActivePerson, type PersonRef } from './people.ts';

export interface CommentInput {
  content?: string | null;
  private?: boolean | null;
  /** Also sets the ticket's status, as DiamanteDesk's `ticketStatus` does. */
  ticketStatus?: TicketStatus | null;
  author?: PersonRef | null;
}

const CONTENT_MAX = 65_535;

function validContent(problems: Problems, content: string | null | undefined) {
  if (!content?.trim()) problems.add('REQUIRED', 'Content must not be blank.', ['content']);
  else if (content.length > CONTENT_MAX) problems.add('TOO_LONG', `Content must be at most ${CONTENT_MAX} characters.`, ['content']);
}

export async function addComment(prisma: PrismaClient, ticketId: number, input: CommentInput) {
  const problems = new Problems();
  validContent(problems, input.content);
  if (!input.author) problems.add('REQUIRED', 'Author is required.', ['author']);
  problems.throwIfAny();
  await requireActivePerson(prisma, input.author!, ['author']);
  if (input.author!.kind === 'agent' && !input.private) await checkPartTimeAllowance(prisma, input.author!.id, ticketId);
  return prisma.$transaction(async (tx) => {
    const comment = await tx.comment.create({
      data: {
        ticketId,
        content: input.content!,
        private: input.private ?? false,
        ...(input.author!.kind === 'agent' ? { authorAgentId: input.author!.id } : { authorCustomerId: input.author!.id }),
      },
      select: { id: true },
    });
    // Touch the ticket even without a status change: a new comment is activity on it.
    await tx.ticket.update({ where: { id: ticketId }, data: { status: input.ticketStatus ?? undefined, updatedAt: new Date() } });
    return comment;
  });
}

export async function updateComment(prisma: PrismaClient, id: number, input: CommentInput) {
  const problems = new Problems();
  if (input.content !== undefined) validContent(problems, input.content);
  problems.throwIfAny();
  const comment = await prisma.comment.findUnique({ where: { id }, select: { ticketId: true } });
  if (!comment) throw DomainError.of('NOT_FOUND', 'Comment not found.', ['id']);
  return prisma.$transaction(async (tx) => {
    const updated = await tx.comment.update({
      where: { id },
      data: { content: input.content ?? undefined, private: input.private ?? undefined },
      select: { id: true },
    });
    if (input.ticketStatus) await tx.ticket.update({ where: { id: comment.ticketId }, data: { status: input.ticketStatus } });
    return updated;
  });
}

export async function deleteComment(prisma: PrismaClient, id: number) {
  const { count } = await prisma.comment.deleteMany({ where: { id } });
  if (count === 0) throw DomainError.of('NOT_FOUND', 'Comment not found.', ['id']);
  return id;
}
