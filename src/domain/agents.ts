// Agents (staff, Teamwork Desk fields): validation shared by GraphQL and every REST dialect, the
// last-admin rule, the installation's owner and the part-time reply allowance.
import { type Clock, systemClock } from '../clock.ts';
import { Prisma, type PrismaClient } from '../generated/prisma/client.ts';
import type { AgentRole, EditMethod, PersonState, TicketReplyRedirect, TimeFormat } from '../generated/prisma/enums.ts';
import { DomainError, isUniqueViolation, Problems } from './errors.ts';
import { withEvents } from './events/outbox.ts';
import { AGENT_SNAPSHOT, agentCreated, agentUpdated, lockedAgent } from './events/people-events.ts';
import { email, emailTaken, type PersonRef, setting, text } from './people.ts';
import { readUsername, usernameTaken, withDefaultUsername } from './usernames.ts';

export interface AgentInput {
  email?: string | null;
  /** Login name; default on create: the email's local part (made unique). */
  username?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  role?: AgentRole | null;
  state?: PersonState | null;
  timezone?: string | null;
  timeFormat?: TimeFormat | null;
  editMethod?: EditMethod | null;
  ticketReplyRedirect?: TicketReplyRedirect | null;
  sendPushNotifications?: boolean | null;
  sendWebNotifications?: boolean | null;
  autoFollowOnCC?: boolean | null;
  isPartTime?: boolean | null;
  reviewer?: boolean | null;
  projectsCompanyId?: number | null;
  ldKey?: string | null;
  onboarding?: Record<string, unknown> | null;
  trainingWheelsEnrollment?: Record<string, unknown> | null;
}

function timezone(problems: Problems, input: AgentInput) {
  if (input.timezone == null) return input.timezone;
  try {
    new Intl.DateTimeFormat('en', { timeZone: input.timezone });
    return input.timezone;
  } catch {
    problems.add('INVALID', `"${input.timezone}" is not an IANA time zone (for example Europe/London).`, ['timezone']);
    return undefined;
  }
}

function agentConflict(error: unknown): never {
  if (usernameTaken(error)) throw DomainError.of('TAKEN', 'Another agent already has this username.', ['username']);
  if (isUniqueViolation(error)) throw emailTaken();
  throw error;
}

/** Fields only admins may set on agents; an agent may change the rest of their own profile. */
export const adminOnlyAgentFields = [
  'email',
  'username',
  'role',
  'state',
  'isPartTime',
  'reviewer',
  'projectsCompanyId',
] as const;

const OPAQUE_JSON_MAX = 10_000;

/** Teamwork's opaque state objects: kept as sent, bounded; null clears. */
function opaque(problems: Problems, input: Record<string, unknown>, field: string) {
  const value = input[field];
  if (value === undefined) return undefined;
  if (value === null) return Prisma.DbNull;
  if (JSON.stringify(value).length > OPAQUE_JSON_MAX)
    problems.add('TOO_LONG', `${field} must be at most ${OPAQUE_JSON_MAX} characters of JSON.`, [field]);
  return value as Prisma.InputJsonObject;
}

function companyId(problems: Problems, input: AgentInput) {
  const value = input.projectsCompanyId;
  if (value != null && (!Number.isInteger(value) || value < 0 || value > 2_147_483_647))
    problems.add('INVALID', 'projectsCompanyId must be a non-negative integer.', ['projectsCompanyId']);
  return value;
}

function agentData(problems: Problems, input: AgentInput, creating: boolean) {
  const raw = input as Record<string, unknown>;
  return {
    email: email(problems, input, creating, false) ?? undefined,
    username: readUsername(problems, input.username),
    firstName:
      text(problems, raw, 'firstName', { max: 100, required: creating, nullable: false, notBlank: true }) ?? undefined,
    lastName: text(problems, raw, 'lastName', { max: 100, nullable: false }) ?? undefined,
    role: setting<AgentRole>(problems, raw, 'role'),
    timezone: timezone(problems, input),
    timeFormat: setting<TimeFormat>(problems, raw, 'timeFormat'),
    editMethod: setting<EditMethod>(problems, raw, 'editMethod'),
    ticketReplyRedirect: setting<TicketReplyRedirect>(problems, raw, 'ticketReplyRedirect'),
    sendPushNotifications: setting<boolean>(problems, raw, 'sendPushNotifications'),
    sendWebNotifications: setting<boolean>(problems, raw, 'sendWebNotifications'),
    autoFollowOnCC: setting<boolean>(problems, raw, 'autoFollowOnCC'),
    isPartTime: setting<boolean>(problems, raw, 'isPartTime'),
    reviewer: setting<boolean>(problems, raw, 'reviewer'),
    projectsCompanyId: companyId(problems, input),
    ldKey: text(problems, raw, 'ldKey'),
    onboarding: opaque(problems, raw, 'onboarding'),
    trainingWheelsEnrollment: opaque(problems, raw, 'trainingWheelsEnrollment'),
  };
}

const agentRef = (id: number | undefined): PersonRef | null => (id === undefined ? null : { kind: 'agent', id });

export async function createAgent(prisma: PrismaClient, input: AgentInput, actorId?: number, now: Clock = systemClock) {
  const problems = new Problems();
  const data = agentData(problems, input, true);
  problems.throwIfAny();
  // One transaction per try: a username taken meanwhile aborts it, and the next name is tried afresh.
  const create = (username: string) =>
    withEvents(prisma, async (tx, log) => {
      const agent = await tx.agent.create({
        data: {
          ...data,
          email: data.email!,
          username,
          firstName: data.firstName!,
          createdById: actorId,
          updatedById: actorId,
        },
        select: AGENT_SNAPSHOT,
      });
      log.add(agentCreated(agent, agentRef(actorId), new Date(now())));
      return { id: agent.id };
    });
  try {
    return await (data.username ? create(data.username) : withDefaultUsername(prisma, data.email!, create));
  } catch (error) {
    agentConflict(error);
  }
}

export async function updateAgent(prisma: PrismaClient, id: number, input: AgentInput, actorId: number, now: Clock) {
  const problems = new Problems();
  const data: Prisma.AgentUncheckedUpdateInput = { ...agentData(problems, input, false), updatedById: actorId };
  const state = setting<PersonState>(problems, input as Record<string, unknown>, 'state');
  problems.throwIfAny();
  const agent = await prisma.agent.findUnique({ where: { id }, select: { state: true, role: true } });
  if (!agent) throw DomainError.of('NOT_FOUND', 'Agent not found.', ['id']);
  if (state && state !== agent.state) {
    Object.assign(
      data,
      state === 'DELETED'
        ? { state, deletedAt: new Date(now()), deletedById: actorId }
        : { state, deletedAt: null, deletedById: null },
    );
  }
  const removesAdmin =
    agent.role === 'ADMIN' &&
    agent.state === 'ACTIVE' &&
    ((data.role !== undefined && data.role !== 'ADMIN') || data.state === 'DELETED');
  try {
    return await withEvents(prisma, async (tx, log) => {
      if (removesAdmin)
        await requireAnotherActiveAdmin(tx as PrismaClient, id, data.state === 'DELETED' ? 'state' : 'role');
      const before = await lockedAgent(tx, id);
      const after = await tx.agent.update({ where: { id }, data, select: AGENT_SNAPSHOT });
      const event = before && agentUpdated(before, after, agentRef(actorId), new Date(now()));
      if (event) log.add(event);
      return { id };
    });
  } catch (error) {
    agentConflict(error);
  }
}

/**
 * Someone must be able to manage agents, keys and branches: the last active admin cannot be
 * demoted or deleted. The active admins' rows are locked, so two admins demoting each other at
 * the same moment cannot both succeed.
 */
async function requireAnotherActiveAdmin(tx: PrismaClient, id: number, field: string) {
  const admins = await tx.$queryRaw<{ id: number }[]>`
    SELECT id FROM "Agent" WHERE role = 'ADMIN' AND state = 'ACTIVE' ORDER BY id FOR UPDATE`;
  if (!admins.some((admin) => admin.id !== id)) {
    throw DomainError.of(
      'CONFLICT',
      'This is the last active admin: make another agent an admin before demoting or deleting this one.',
      [field],
    );
  }
}

/** The installation's owner (Teamwork's isAppOwner): the earliest created of the active admins. */
export async function appOwnerId(prisma: PrismaClient): Promise<number | null> {
  const owner = await prisma.agent.findFirst({
    where: { role: 'ADMIN', state: 'ACTIVE' },
    orderBy: { id: 'asc' },
    select: { id: true },
  });
  return owner?.id ?? null;
}

const PART_TIME_MONTHLY_TICKETS = 10;

/**
 * Part-time agents reply to at most 10 distinct tickets per calendar month (UTC). A reply is a
 * comment made public this month: posted public, or a private note published later (publishing
 * is replying, else notes published afterwards would bypass the limit). A reply made private
 * again still counts: the customer has seen it.
 */
export async function checkPartTimeAllowance(prisma: PrismaClient, agentId: number, ticketId: number, now: Date) {
  const agent = await prisma.agent.findUnique({ where: { id: agentId }, select: { isPartTime: true } });
  if (!agent?.isPartTime) return;
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const replied = await prisma.comment.findMany({
    where: {
      authorAgentId: agentId,
      OR: [
        { publishedAt: { gte: monthStart } },
        // Rows from before publishedAt existed: public ones count by their creation.
        { publishedAt: null, private: false, createdAt: { gte: monthStart } },
      ],
    },
    distinct: ['ticketId'],
    select: { ticketId: true },
  });
  if (replied.some((r) => r.ticketId === ticketId)) return;
  if (replied.length >= PART_TIME_MONTHLY_TICKETS) {
    throw DomainError.of(
      'LIMIT_REACHED',
      `Part-time agents reply to at most ${PART_TIME_MONTHLY_TICKETS} tickets per month; this month's are used up.`,
      ['author'],
    );
  }
}
